/* test_x509.c - certificate loading and building on the golden files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/x509v3.h>

#include "fileio.h"
#include "x509.h"

static const char *
vector(const char *name)
{
	static char path[4096];
	const char *dir = getenv("UCPKI_VECTORS");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vectors",
	    name);
	return path;
}

static void
every_vector_certificate_parses(void **state)
{
	static const char *const files[] = {
		"certs/sast.pem", "certs/callmanager.pem", "certs/capf.pem",
		"certs/tvs.pem", "certs/tftp-ec.pem", "certs/app-server.pem",
		"SEP001122334455-lsc.pem", "SEP001122334455-lsc-ec.pem",
		"mfg/mfg-ca.pem", "mfg/SEP001122334455-mic.pem",
	};
	STACK_OF(X509) *certs;
	EVP_PKEY *key;
	struct ucerr err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		assert_int_equal(certs_load_file(vector(files[i]), &certs, &err), 0);
		assert_int_equal(sk_X509_num(certs), 1);
		if (strcmp(files[i], "mfg/mfg-ca.pem") != 0) {
			/* these files carry the key after the certificate */
			assert_int_equal(key_load_file(vector(files[i]), &key,
			    &err), 0);
			assert_true(cert_matches_key(sk_X509_value(certs, 0), key));
			EVP_PKEY_free(key);
		}
		sk_X509_pop_free(certs, X509_free);
	}
}

static void
der_and_pkcs7_are_accepted_pem_pkcs7_is_not(void **state)
{
	STACK_OF(X509) *certs, *back;
	uint8_t *der;
	size_t len;
	struct ucerr err;
	const char pem_p7[] = "-----BEGIN PKCS7-----\nMIIB\n-----END PKCS7-----\n";

	(void)state;
	assert_int_equal(certs_load_file(vector("certs/capf.pem"), &certs, &err), 0);
	assert_int_equal(cert_to_der(sk_X509_value(certs, 0), &der, &len, &err), 0);
	assert_int_equal(certs_parse(der, len, &back, &err), 0);
	assert_int_equal(X509_cmp(sk_X509_value(back, 0), sk_X509_value(certs, 0)), 0);
	sk_X509_pop_free(back, X509_free);
	/* a DER with trailing garbage is refused */
	der = realloc(der, len + 1);
	der[len] = 0;
	assert_int_equal(certs_parse(der, len + 1, &back, &err), -1);
	OPENSSL_free(der);
	assert_int_equal(certs_parse((const uint8_t *)pem_p7, strlen(pem_p7),
	    &back, &err), -1);
	assert_non_null(strstr(err.msg, "PEM-encoded PKCS#7 is not supported"));
	assert_int_equal(certs_parse((const uint8_t *)"", 0, &back, &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
	sk_X509_pop_free(certs, X509_free);
}

static void
lsc_profile_matches_the_issue(void **state)
{
	struct cert_template t;
	struct key_spec spec;
	STACK_OF(X509) *ca_certs;
	EVP_PKEY *ca_key, *phone_key;
	X509 *lsc;
	BASIC_CONSTRAINTS *bc;
	struct ucerr err;
	char issuer[512], subject[512];

	(void)state;
	assert_int_equal(certs_load_file(vector("certs/capf.pem"), &ca_certs, &err), 0);
	assert_int_equal(key_load_file(vector("certs/capf.pem"), &ca_key, &err), 0);
	assert_int_equal(key_spec_parse("ec256", &spec, &err), 0);
	assert_int_equal(key_spec_parse("rsa9", &spec, &err), -1);
	assert_int_equal(key_spec_parse("ec256", &spec, &err), 0);
	assert_int_equal(key_generate(&spec, &phone_key, &err), 0);
	memset(&t, 0, sizeof(t));
	t.subject.cn = "SEP001122334455";
	t.subject.o = "Example Corp";
	t.profile = PROFILE_LSC;
	t.days = 1825;
	assert_int_equal(cert_build(&t, phone_key, sk_X509_value(ca_certs, 0),
	    ca_key, &lsc, &err), 0);
	name_oneline(X509_get_issuer_name(lsc), issuer, sizeof(issuer));
	name_oneline(X509_get_subject_name(sk_X509_value(ca_certs, 0)), subject,
	    sizeof(subject));
	assert_string_equal(issuer, subject);	/* the CA's subject, not its issuer */
	assert_int_equal(X509_verify(lsc, ca_key), 1);
	bc = X509_get_ext_d2i(lsc, NID_basic_constraints, NULL, NULL);
	assert_non_null(bc);
	assert_false(bc->ca);
	BASIC_CONSTRAINTS_free(bc);
	assert_true(X509_get_extended_key_usage(lsc) & XKU_SSL_SERVER);
	assert_true(X509_get_extended_key_usage(lsc) & XKU_SSL_CLIENT);
	assert_int_equal(ASN1_STRING_length(X509_get0_serialNumber(lsc)), 16);
	X509_free(lsc);
	EVP_PKEY_free(phone_key);
	EVP_PKEY_free(ca_key);
	sk_X509_pop_free(ca_certs, X509_free);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_vector_certificate_parses),
		cmocka_unit_test(der_and_pkcs7_are_accepted_pem_pkcs7_is_not),
		cmocka_unit_test(lsc_profile_matches_the_issue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
