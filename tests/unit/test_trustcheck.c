/*
 * test_trustcheck.c - what check chain, check trust and probe verify
 * with: a trust store by its name (unknown names refused) or a file of
 * CAs; a trust store's findings; a CSR file in PEM or DER; and what a
 * phone presented in a capture (LSC or MIC), by its issuer.
 */
#include "test.h"

#include <openssl/pem.h>

#include "certcheck.h"
#include "findings.h"
#include "pcap.h"
#include "trust.h"
#include "trustcheck.h"

static X509 *
make_cert(const char *cn, X509 *issuer, EVP_PKEY *issuer_key, long days,
    EVP_PKEY **key_out)
{
	return test_cert_make(cn, PROFILE_CA, issuer, issuer_key, days, key_out);
}

static void
store_by_name_or_file(void **state)
{
	struct test_home *h = *state;
	X509_STORE *xs;
	struct ucerr err;
	char label[512], file[4096], *pem;
	size_t len;
	X509 *ca = make_cert("Example CA", NULL, NULL, 30, NULL);

	assert_int_equal(trust_store_load(h->st, "nosuch-trust", &xs, &err), -1);
	assert_non_null(strstr(err.msg, "unknown trust store"));
	assert_int_equal(trust_store_load(h->st, "CallManager-trust", &xs,
	    &err), 0);
	X509_STORE_free(xs);
	assert_int_equal(trust_source_load(h->st, "CallManager-trust", &xs,
	    label, sizeof(label), &err), 0);
	assert_non_null(strstr(label, "CallManager-trust of "));
	X509_STORE_free(xs);
	/* Not a store name: a file of CAs, which needs no store. */
	snprintf(file, sizeof(file), "%s/cas.pem", h->dir);
	assert_int_equal(cert_to_pem(ca, &pem, &len, &err), 0);
	assert_int_equal(file_write_atomic(file, pem, len, 0644, &err), 0);
	free(pem);
	assert_int_equal(trust_source_load(NULL, file, &xs, label,
	    sizeof(label), &err), 0);
	assert_non_null(strstr(label, "(1 certificate)"));
	X509_STORE_free(xs);
	assert_int_equal(trust_source_load(NULL, "CallManager-trust", &xs,
	    label, sizeof(label), &err), -1);
	assert_int_equal(trust_source_load(NULL, "/nonexistent.pem", &xs,
	    label, sizeof(label), &err), -1);
	X509_free(ca);
}

static void
trust_store_findings(void **state)
{
	struct test_home *h = *state;
	struct findings f;
	struct ucerr err;
	X509 *old;

	memset(&f, 0, sizeof(f));
	assert_int_equal(trust_store_check(h->st, "nosuch-trust", clock_now(),
	    &f, &err), -1);
	assert_int_equal(trust_store_check(h->st, "tomcat-trust", clock_now(),
	    &f, &err), 0);
	assert_int_equal(findings_errors(&f), 0);
	/* An expired CA in the store is an error, by its name. */
	old = make_cert("Old CA", NULL, NULL, 1, NULL);
	assert_int_equal(trust_add_cert(h->st, "tomcat-trust", old, NULL, NULL,
	    0, &err), 0);
	memset(&f, 0, sizeof(f));
	assert_int_equal(trust_store_check(h->st, "tomcat-trust",
	    clock_now() + 3 * 86400, &f, &err), 0);
	assert_true(findings_errors(&f) > 0);
	X509_free(old);
}

static void
csr_in_pem_or_der(void **state)
{
	struct test_home *h = *state;
	struct cert_template t;
	struct key_spec spec;
	struct ucerr err;
	X509_REQ *req, *back;
	EVP_PKEY *key;
	char path[4096], *pem;
	unsigned char *der = NULL;
	size_t len;
	int n;

	memset(&t, 0, sizeof(t));
	t.subject.cn = "cucm.example.test";
	t.profile = PROFILE_SERVER;
	assert_int_equal(key_spec_parse("ec256", &spec, &err), 0);
	assert_int_equal(key_generate(&spec, &key, &err), 0);
	assert_int_equal(csr_build(&t, key, &req, &err), 0);
	snprintf(path, sizeof(path), "%s/req.pem", h->dir);
	assert_int_equal(csr_to_pem(req, &pem, &len, &err), 0);
	assert_int_equal(file_write_atomic(path, pem, len, 0644, &err), 0);
	free(pem);
	assert_int_equal(csr_load_file(path, &back, &err), 0);
	assert_int_equal(X509_REQ_verify(back, key), 1);
	X509_REQ_free(back);
	assert_true((n = i2d_X509_REQ(req, &der)) > 0);
	assert_int_equal(file_write_atomic(path, der, (size_t)n, 0644, &err), 0);
	OPENSSL_free(der);
	assert_int_equal(csr_load_file(path, &back, &err), 0);
	X509_REQ_free(back);
	assert_int_equal(file_write_atomic(path, "junk", 4, 0644, &err), 0);
	assert_int_equal(csr_load_file(path, &back, &err), -1);
	assert_null(back);
	assert_non_null(strstr(err.msg, "not a PEM or DER CSR"));
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}

static void
presented_lsc_or_mic(void **state)
{
	EVP_PKEY *capf_key, *other_key;
	X509 *capf = make_cert("CAPF-1a2b3c4d", NULL, NULL, 30, &capf_key);
	X509 *other = make_cert("Some CA", NULL, NULL, 30, &other_key);
	X509 *lsc = make_cert("SEP001122334455", capf, capf_key, 30, NULL);
	X509 *mic = test_vector_cert("mfg/SEP001122334455-mic.pem");
	X509 *stray = make_cert("SEP001122334455", other, other_key, 30, NULL);

	(void)state;
	assert_string_equal(pcap_cert_kind(lsc), "LSC");
	assert_string_equal(pcap_cert_kind(mic), "MIC");
	assert_non_null(strstr(pcap_cert_kind(stray), "unknown"));
	X509_free(capf);
	X509_free(other);
	X509_free(lsc);
	X509_free(mic);
	X509_free(stray);
	EVP_PKEY_free(capf_key);
	EVP_PKEY_free(other_key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store_by_name_or_file,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(trust_store_findings,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(csr_in_pem_or_der,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test(presented_lsc_or_mic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
