/*
 * test_publish.c - the trust lists a home writes: the ITL and the CTL
 * into the TFTP root or a file, mixed mode only for a CTL in the TFTP
 * root, the CTL's signers, ITL recovery with the home's or an outside
 * ITLRecovery key; the default signer of signed files; the device a
 * configuration file is encrypted for.
 */
#include "test.h"
#include "device.h"
#include "device_cert.h"
#include "itl.h"
#include "publish.h"
#include "store_device.h"

static char *
mode_of(struct store *st)
{
	static char mode[32];
	struct ucerr err;

	/* An absent setting reads as "" (found or not is no concern here). */
	mode[0] = '\0';
	assert_true(store_meta_get(st, "cluster.mode", mode, sizeof(mode),
	    &err) >= 0);
	return mode;
}

/* The ITL (or CTL) at path, verified, and the role of its signer. */
static int
signer_role(const char *path, X509 *expect)
{
	struct itl_file itl;
	struct ucerr err;
	X509 *cert;
	int i, role;

	if (itl_load_file(path, &itl, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(itl_verify(&itl, &err), 0);
	assert_true((i = itl_signer_index(&itl)) >= 0);
	role = itl.records[i].role;
	if (expect != NULL) {
		assert_non_null(cert = itl_record_cert(&itl.records[i]));
		assert_int_equal(X509_cmp(cert, expect), 0);
		X509_free(cert);
	}
	itl_free(&itl);
	return role;
}

static void
itl_goes_to_the_tftp_root_or_out(void **state)
{
	struct test_home *h = *state;
	struct trustlist_options o;
	char path[4096], expect[4096], out[4096];
	struct ucerr err;
	size_t len;

	memset(&o, 0, sizeof(o));
	assert_int_equal(tftp_file_path(h->st, "ITLFile.tlv", expect,
	    sizeof(expect), &err), 0);
	assert_int_equal(itl_write(h->st, &o, NULL, path, sizeof(path), &len,
	    &err), 0);
	assert_string_equal(path, expect);
	assert_true(len > 0);
	assert_int_equal(signer_role(path, NULL), ROLE_SAST);
	snprintf(out, sizeof(out), "%s/elsewhere.tlv", h->dir);
	assert_int_equal(itl_write(h->st, &o, out, path, sizeof(path), &len,
	    &err), 0);
	assert_string_equal(path, out);
	assert_true(path_exists(out));
}

static void
ctl_in_the_tftp_root_is_mixed_mode(void **state)
{
	struct test_home *h = *state;
	struct trustlist_options o;
	char path[4096], out[4096];
	struct ucerr err;
	X509 *itlrecovery;
	size_t len;

	memset(&o, 0, sizeof(o));
	assert_int_equal(ctl_options_load(&o, NULL, NULL, &err), 0);
	snprintf(out, sizeof(out), "%s/CTL-copy.tlv", h->dir);
	assert_int_equal(ctl_write(h->st, &o, out, path, sizeof(path), &len,
	    &err), 0);
	assert_string_equal(mode_of(h->st), "");
	assert_int_equal(ctl_write(h->st, &o, NULL, path, sizeof(path), &len,
	    &err), 0);
	assert_string_equal(mode_of(h->st), "mixed");
	assert_int_equal(identity_load(h->st, "ITLRecovery", &itlrecovery,
	    NULL, &err), 0);
	assert_int_equal(signer_role(path, itlrecovery), ROLE_SAST);
	X509_free(itlrecovery);
	trustlist_options_free(&o);
}

/* CUCM's CTL lists CallManager-ECDSA beside CallManager as CCM+TFTP; the
 * EC record makes the signer version 1.1, as in the ITL. */
static void
ctl_holds_callmanager_ecdsa(void **state)
{
	struct test_home *h = *state;
	struct trustlist_options o;
	struct itl_file ctl;
	char path[4096], out[4096];
	struct ucerr err;
	X509 *ec, *rsa;
	size_t len;

	memset(&o, 0, sizeof(o));
	assert_int_equal(ctl_options_load(&o, NULL, NULL, &err), 0);
	snprintf(out, sizeof(out), "%s/CTL-ec.tlv", h->dir);
	assert_int_equal(ctl_write(h->st, &o, out, path, sizeof(path), &len,
	    &err), 0);
	assert_int_equal(identity_load(h->st, "CallManager-ECDSA", &ec, NULL,
	    &err), 0);
	assert_int_equal(identity_load(h->st, "CallManager", &rsa, NULL, &err),
	    0);
	if (itl_load_file(path, &ctl, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(itl_verify(&ctl, &err), 0);
	assert_true(itl_find_cert(&ctl, ec, ROLE_BIT(ROLE_CCM_TFTP)) >= 0);
	assert_true(itl_find_cert(&ctl, rsa, ROLE_BIT(ROLE_CCM_TFTP)) >= 0);
	assert_int_equal(ctl.n_records, 5);	/* SAST, 2 CCM+TFTP, CAPF, TVS */
	assert_true(ctl.hdr.has_signer_version);
	assert_int_equal(ctl.hdr.signer_major * 10 + ctl.hdr.signer_minor, 11);
	itl_free(&ctl);
	X509_free(ec);
	X509_free(rsa);
	trustlist_options_free(&o);
}

static void
ctl_signers(void **state)
{
	struct test_home *h = *state;
	struct trustlist_options o;
	char path[4096], out[4096];
	struct ucerr err;
	X509 *sast = test_vector_cert("certs/sast.pem");
	size_t len;

	memset(&o, 0, sizeof(o));
	assert_int_equal(ctl_options_load(&o, NULL, "nobody", &err), -1);
	assert_non_null(strstr(err.msg, "itlrecovery or sast"));
	assert_int_equal(ctl_options_load(&o, NULL, "sast", &err), -1);
	assert_non_null(strstr(err.msg, "needs --sast"));
	/* A certificate without its key cannot sign. */
	assert_int_equal(ctl_options_load(&o, test_vector("mfg/mfg-ca.pem"),
	    "sast", &err), -1);
	assert_null(o.extra_sast);
	/* The second SAST record signs. */
	assert_int_equal(ctl_options_load(&o, test_vector("certs/sast.pem"),
	    "sast", &err), 0);
	assert_ptr_equal(o.signer, o.extra_sast);
	snprintf(out, sizeof(out), "%s/CTL-sast.tlv", h->dir);
	assert_int_equal(ctl_write(h->st, &o, out, path, sizeof(path), &len,
	    &err), 0);
	assert_int_equal(signer_role(path, sast), ROLE_SAST);
	trustlist_options_free(&o);
	assert_null(o.signer);
	/* Only a record: ITLRecovery still signs. */
	assert_int_equal(ctl_options_load(&o, test_vector("mfg/mfg-ca.pem"),
	    NULL, &err), 0);
	assert_null(o.signer);
	assert_non_null(o.extra_sast);
	trustlist_options_free(&o);
	X509_free(sast);
}

static void
itl_reset_with_the_itlrecovery_key_only(void **state)
{
	struct test_home *h = *state;
	char path[4096], good[4096], bad[4096];
	struct ucerr err;
	EVP_PKEY *key;
	X509 *itlrecovery;
	size_t len;

	assert_int_equal(identity_load(h->st, "ITLRecovery", &itlrecovery, &key,
	    &err), 0);
	assert_int_equal(itl_reset(h->st, 0, NULL, path, sizeof(path), &len,
	    &err), 0);
	assert_int_equal(signer_role(path, itlrecovery), ROLE_SAST);
	snprintf(good, sizeof(good), "%s/offline.key", h->dir);
	assert_int_equal(key_write_file(good, key, &err), 0);
	EVP_PKEY_free(key);
	assert_int_equal(itl_reset(h->st, SIG_HASH_SHA512, good, path,
	    sizeof(path), &len, &err), 0);
	assert_int_equal(signer_role(path, itlrecovery), ROLE_SAST);
	assert_int_equal(identity_load(h->st, "TVS", NULL, &key, &err), 0);
	snprintf(bad, sizeof(bad), "%s/tvs.key", h->dir);
	assert_int_equal(key_write_file(bad, key, &err), 0);
	EVP_PKEY_free(key);
	assert_int_equal(itl_reset(h->st, 0, bad, path, sizeof(path), &len,
	    &err), -1);
	assert_non_null(strstr(err.msg, "not the ITLRecovery key"));
	X509_free(itlrecovery);
}

static void
signer_is_the_file_else_callmanager(void **state)
{
	struct test_home *h = *state;
	struct ucerr err;
	EVP_PKEY *key;
	X509 *cert, *cm, *sast = test_vector_cert("certs/sast.pem");

	assert_int_equal(identity_signer_load(h->st, NULL, &cert, &key, &err), 0);
	assert_int_equal(identity_load(h->st, "CallManager", &cm, NULL, &err), 0);
	assert_int_equal(X509_cmp(cert, cm), 0);
	assert_true(cert_matches_key(cert, key));
	X509_free(cert);
	EVP_PKEY_free(key);
	assert_int_equal(identity_signer_load(NULL,
	    test_vector("certs/sast.pem"), &cert, &key, &err), 0);
	assert_int_equal(X509_cmp(cert, sast), 0);
	X509_free(cert);
	EVP_PKEY_free(key);
	assert_int_equal(identity_signer_load(NULL, NULL, &cert, &key, &err), -1);
	X509_free(cm);
	X509_free(sast);
}

static void
config_file_names_its_device(void **state)
{
	struct test_home *h = *state;
	enum device_cert_kind kind;
	struct device d;
	struct ucerr err;
	uint8_t *der;
	size_t len;
	char name[64];
	X509 *cert, *mic = test_vector_cert("mfg/SEP001122334455-mic.pem");
	X509 *lsc = test_vector_cert("SEP001122334455-lsc.pem");

	assert_int_equal(device_config_cert(h->st, "/x/SEP001122334455.cnf.xml",
	    name, sizeof(name), &cert, &kind, &err), -1);
	assert_string_equal(name, "SEP001122334455");
	assert_non_null(strstr(err.msg, "no such device"));
	test_device_init(&d, "SEP001122334455");
	test_device_add(h->st, &d);
	assert_int_equal(cert_to_der(mic, &der, &len, &err), 0);
	assert_int_equal(store_device_record_mic(h->st, d.name, der, len,
	    &err), 0);
	OPENSSL_free(der);
	assert_int_equal(device_config_cert(h->st, "SEP001122334455.cnf.xml",
	    name, sizeof(name), &cert, &kind, &err), 0);
	assert_int_equal(kind, DEVICE_CERT_MIC);
	assert_int_equal(X509_cmp(cert, mic), 0);
	X509_free(cert);
	/* An LSC on record wins over the MIC. */
	assert_int_equal(cert_to_der(lsc, &der, &len, &err), 0);
	assert_int_equal(store_device_set_lsc(h->st, d.name, der, len, "ab",
	    &err), 0);
	OPENSSL_free(der);
	assert_int_equal(device_config_cert(h->st, "SEP001122334455.cnf.xml",
	    name, sizeof(name), &cert, &kind, &err), 0);
	assert_int_equal(kind, DEVICE_CERT_LSC);
	assert_int_equal(X509_cmp(cert, lsc), 0);
	X509_free(cert);
	X509_free(mic);
	X509_free(lsc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(itl_goes_to_the_tftp_root_or_out,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(ctl_in_the_tftp_root_is_mixed_mode,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(ctl_holds_callmanager_ecdsa,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(ctl_signers,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(
		    itl_reset_with_the_itlrecovery_key_only,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(signer_is_the_file_else_callmanager,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(config_file_names_its_device,
		    test_setup_node, test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
