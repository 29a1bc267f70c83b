/*
 * test_certmgr.c - certificate management, once for every verb: the
 * 5-minute TVS/CallManager guard on every replacement but not on init's
 * identities, the plan's counts from this store, and the trust-delete
 * guard keeping a CAPF that still signs LSCs.
 */
#include "test.h"
#include "certmgr.h"
#include "device.h"
#include "lsc.h"
#include "store_device.h"

static void
generate(struct test_home *h, const char *purpose, int want_rc,
    struct ucerr *err)
{
	const struct purpose_info *p = purpose_find(purpose);
	struct identity_params params;
	struct certmgr_outcome o;

	identity_params_default(p, &params);
	assert_int_equal(certmgr_generate(h->st, p, &params, &o, err),
	    want_rc);
	assert_int_equal(o.replaced, want_rc == 0);
	certmgr_outcome_free(&o);
}

/* A device holding an LSC that the current CAPF issued. */
static void
add_lsc_holder(struct test_home *h, const char *name)
{
	struct key_spec spec;
	struct device d;
	struct ucerr err;
	EVP_PKEY *capf_key, *phone_key;
	X509 *capf, *lsc;
	unsigned char *spki = NULL, *der = NULL;
	char sha[65];
	int spki_len, der_len;

	test_device_init(&d, name);
	test_device_add(h->st, &d);
	assert_int_equal(identity_load(h->st, "CAPF", &capf, &capf_key, &err), 0);
	assert_int_equal(key_spec_parse("rsa2048", &spec, &err), 0);
	assert_int_equal(key_generate(&spec, &phone_key, &err), 0);
	assert_true((spki_len = i2d_PUBKEY(phone_key, &spki)) > 0);
	if (lsc_issue(capf, capf_key, name, spki, (size_t)spki_len, NULL, 365,
	    &lsc, &err) == -1)
		fail_msg("%s", err.msg);
	assert_true((der_len = i2d_X509(lsc, &der)) > 0);
	cert_sha256_hex(capf, sha);
	if (store_device_record_lsc(h->st, name, der, (size_t)der_len, NULL,
	    sha, CERT_STATUS_UPGRADE_SUCCESS, "test", &err) == -1)
		fail_msg("%s", err.msg);
	OPENSSL_free(der);
	OPENSSL_free(spki);
	X509_free(lsc);
	X509_free(capf);
	EVP_PKEY_free(capf_key);
	EVP_PKEY_free(phone_key);
}

/* init's identities are no change any phone saw: either may change. */
static void
init_identities_are_not_guarded(void **state)
{
	struct test_home *h = *state;
	struct certmgr_plan plan;
	struct ucerr err;

	assert_int_equal(certmgr_plan(h->st, purpose_find("TVS"), &plan,
	    &err), 0);
	assert_int_equal(plan.blocked, 0);
	assert_int_equal(certmgr_plan(h->st, purpose_find("CallManager"),
	    &plan, &err), 0);
	assert_int_equal(plan.blocked, 0);
	generate(h, "TVS", 0, &err);
}

/* After one of them changed, the other is refused by every path: the
 * plan (regenerate shows it), generate (regenerate --yes and generate
 * --yes both replace through it) and upload, with the same words. */
static void
guard_applies_to_every_verb(void **state)
{
	struct test_home *h = *state;
	const struct purpose_info *cm = purpose_find("CallManager");
	struct certmgr_outcome o;
	struct certmgr_plan plan;
	struct ucerr err;
	X509 *before, *after;

	generate(h, "TVS", 0, &err);
	assert_int_equal(identity_load(h->st, "CallManager", &before, NULL,
	    &err), 0);
	assert_int_equal(certmgr_plan(h->st, cm, &plan, &err), 0);
	assert_int_equal(plan.blocked, 1);
	assert_non_null(strstr(plan.why.msg, "TVS certificate was modified "
	    "in the last 5 minutes"));
	generate(h, "CallManager", -1, &err);
	assert_string_equal(err.msg, plan.why.msg);
	/* upload is refused before it even reads the file */
	assert_int_equal(certmgr_upload(h->st, cm, "/nonexistent", &o, &err),
	    -1);
	assert_string_equal(err.msg, plan.why.msg);
	assert_int_equal(o.replaced, 0);
	certmgr_outcome_free(&o);
	assert_int_equal(identity_load(h->st, "CallManager", &after, NULL,
	    &err), 0);
	assert_int_equal(X509_cmp(before, after), 0);
	X509_free(before);
	X509_free(after);
	/* other purposes are free, and reset every device but tomcat/ipsec */
	generate(h, "tomcat", 0, &err);
}

static void
replacement_lists_devices_to_reset(void **state)
{
	struct test_home *h = *state;
	const struct purpose_info *p = purpose_find("ITLRecovery");
	struct identity_params params;
	struct certmgr_outcome o;
	struct ucerr err;

	add_lsc_holder(h, "SEP0011223344AA");
	identity_params_default(p, &params);
	assert_int_equal(certmgr_generate(h->st, p, &params, &o, &err), 0);
	assert_int_equal(o.republished, 1);
	assert_int_equal(o.n_reset, 1);
	assert_string_equal(o.reset[0], "SEP0011223344AA");
	certmgr_outcome_free(&o);
	p = purpose_find("ipsec");
	identity_params_default(p, &params);
	assert_int_equal(certmgr_generate(h->st, p, &params, &o, &err), 0);
	assert_int_equal(o.n_reset, 0);
	certmgr_outcome_free(&o);
}

static void
plan_counts_lsc_holders_of_the_capf(void **state)
{
	struct test_home *h = *state;
	const struct purpose_info *capf = purpose_find("CAPF");
	struct certmgr_plan plan;
	struct device d;
	struct ucerr err;

	add_lsc_holder(h, "SEP0011223344AA");
	add_lsc_holder(h, "SEP0011223344BB");
	test_device_init(&d, "SEP0011223344CC");
	test_device_add(h->st, &d);
	assert_int_equal(certmgr_plan(h->st, capf, &plan, &err), 0);
	assert_int_equal(plan.devices, 3);
	assert_int_equal(plan.lsc_holders, 2);
	assert_non_null(strstr(plan.in_store, "2 device(s) hold LSCs from the "
	    "current CAPF"));
	assert_non_null(strstr(plan.impact, "LSCs should be re-issued"));
	/* a new CAPF has issued none of them */
	generate(h, "CAPF", 0, &err);
	assert_int_equal(certmgr_plan(h->st, capf, &plan, &err), 0);
	assert_int_equal(plan.lsc_holders, 0);
	assert_int_equal(certmgr_plan(h->st, purpose_find("TVS"), &plan,
	    &err), 0);
	assert_non_null(strstr(plan.in_store, "3 device(s) must reset"));
}

/* The name the CAPF certificate has in CAPF-trust. */
static void
capf_trust_name(struct test_home *h, char *out, size_t outlen)
{
	struct trust_row row;
	struct ucerr err;
	X509 *capf;
	char sha[65];

	assert_int_equal(identity_load(h->st, "CAPF", &capf, NULL, &err), 0);
	cert_sha256_hex(capf, sha);
	X509_free(capf);
	assert_int_equal(store_trust_find_sha256(h->st, "CAPF-trust", sha,
	    &row, &err), 1);
	snprintf(out, outlen, "%s", row.name);
	trust_row_free(&row);
}

static void
trust_delete_keeps_a_capf_that_signs_lscs(void **state)
{
	struct test_home *h = *state;
	struct trust_row row;
	struct ucerr err;
	int64_t holders;
	char old[256];

	add_lsc_holder(h, "SEP0011223344AA");
	capf_trust_name(h, old, sizeof(old));
	generate(h, "CAPF", 0, &err);
	assert_int_equal(certmgr_trust_delete(h->st, "CAPF-trust", old, 0,
	    &holders, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "signs the current LSC of 1 "
	    "device(s)"));
	assert_int_equal(store_trust_get(h->st, "CAPF-trust", old, &row,
	    &err), 1);
	trust_row_free(&row);
	/* force deletes it, and says how many LSCs it still signed */
	assert_int_equal(certmgr_trust_delete(h->st, "CAPF-trust", old, 1,
	    &holders, NULL, &err), 0);
	assert_int_equal(holders, 1);
	assert_int_equal(store_trust_get(h->st, "CAPF-trust", old, &row,
	    &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_identities_are_not_guarded,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(guard_applies_to_every_verb,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(replacement_lists_devices_to_reset,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(plan_counts_lsc_holders_of_the_capf,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(
		    trust_delete_keeps_a_capf_that_signs_lscs, test_setup_node,
		    test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
