/*
 * test_identity.c - the node's identities and the cluster ITL built from
 * them: init's seven purposes with their keys, regeneration replacing the
 * certificate and its trust entry, and the ITL naming each in its role.
 */
#include "test.h"
#include "itl.h"
#include "publish.h"
#include "trust.h"

static void
every_purpose_has_a_matching_key(void **state)
{
	struct test_home *h = *state;
	const struct purpose_info *p;
	struct ucerr err;
	EVP_PKEY *key;
	X509 *cert;

	for (p = purposes; p->name != NULL; p++) {
		if (identity_load(h->st, p->name, &cert, &key, &err) == -1)
			fail_msg("%s: %s", p->name, err.msg);
		assert_int_equal(cert_matches_key(cert, key), 1);
		X509_free(cert);
		EVP_PKEY_free(key);
	}
	assert_null(purpose_find("NoSuchPurpose"));
	assert_non_null(purpose_find("callmanager"));
}

/* CallManager-ECDSA is EC P-256 by default, and EC only. */
static void
ecdsa_identity_is_ec(void **state)
{
	const struct purpose_info *p = purpose_find("CallManager-ECDSA");
	struct identity_params params;
	struct key_spec rsa = { 0, 2048 }, ec384 = { 1, 384 };
	struct ucerr err;
	EVP_PKEY *key;
	X509 *cert;

	assert_non_null(p);
	assert_string_equal(p->trust_store, "CallManager-trust");
	identity_params_default(p, &params);
	assert_int_equal(params.key.is_ec, 1);
	assert_int_equal(params.key.bits, 256);
	assert_int_equal(identity_key_usable(p, &rsa, &err), -1);
	assert_non_null(strstr(err.msg, "use ec256"));
	assert_int_equal(identity_key_usable(p, &ec384, &err), 0);
	assert_int_equal(identity_load(((struct test_home *)*state)->st,
	    p->name, &cert, &key, &err), 0);
	assert_int_equal(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
	assert_int_equal(EVP_PKEY_get_bits(key), 256);
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void
regenerate_replaces_certificate_and_trust(void **state)
{
	struct test_home *h = *state;
	const struct purpose_info *p = purpose_find("TVS");
	struct identity_params params;
	STACK_OF(X509) *trusted;
	struct ucerr err;
	X509 *before, *after;
	int i, found = 0;

	assert_int_equal(identity_load(h->st, "TVS", &before, NULL, &err), 0);
	identity_params_default(p, &params);
	if (identity_generate(h->st, p, &params, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(identity_load(h->st, "TVS", &after, NULL, &err), 0);
	assert_int_not_equal(X509_cmp(before, after), 0);
	assert_int_equal(trust_certs(h->st, p->trust_store, &trusted, &err), 0);
	for (i = 0; i < sk_X509_num(trusted); i++) {
		assert_int_not_equal(X509_cmp(sk_X509_value(trusted, i), before), 0);
		found += X509_cmp(sk_X509_value(trusted, i), after) == 0;
	}
	assert_int_equal(found, 1);
	sk_X509_pop_free(trusted, X509_free);
	X509_free(before);
	X509_free(after);
}

static void
cluster_itl_names_each_identity_in_its_role(void **state)
{
	static const struct { const char *purpose; int role; } expect[] = {
		{ "CallManager", ROLE_CCM_TFTP },
		{ "CallManager-ECDSA", ROLE_CCM_TFTP }, { "CAPF", ROLE_CAPF },
		{ "TVS", ROLE_TVS }, { "tomcat", ROLE_APP_SERVER },
		{ "ITLRecovery", ROLE_SAST },
	};
	struct test_home *h = *state;
	struct trustlist_options o;
	struct itl_file itl;
	struct ucerr err;
	uint8_t *data;
	size_t len, i;
	X509 *cert;

	memset(&o, 0, sizeof(o));
	if (itl_build_from_store(h->st, &o, &data, &len, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(itl_parse(data, len, &itl, &err), 0);
	free(data);
	if (itl_verify(&itl, &err) == -1)
		fail_msg("%s", err.msg);
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		assert_int_equal(identity_load(h->st, expect[i].purpose, &cert,
		    NULL, &err), 0);
		if (itl_find_cert(&itl, cert, ROLE_BIT(expect[i].role)) < 0)
			fail_msg("%s is not in the ITL as %s", expect[i].purpose,
			    role_name(expect[i].role));
		X509_free(cert);
	}
	itl_free(&itl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_purpose_has_a_matching_key),
		cmocka_unit_test(ecdsa_identity_is_ec),
		cmocka_unit_test(regenerate_replaces_certificate_and_trust),
		cmocka_unit_test(cluster_itl_names_each_identity_in_its_role),
	};

	/* One node for the group: six RSA keys take a while to make. */
	return cmocka_run_group_tests(tests, test_setup_node, test_teardown_home);
}
