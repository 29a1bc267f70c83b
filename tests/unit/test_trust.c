/* test_trust.c - trust stores: CUCM's naming, same-CN certificates kept
 * apart, duplicates refused, identities replaced, X509_STORE built. */
#include "test.h"
#include "trust.h"

/* A self-signed CA (test_cert_make, shared by every unit test). */
static X509 *
make_cert(const char *cn, EVP_PKEY **key_out)
{
	return test_cert_make(cn, PROFILE_CA, NULL, NULL, 30, key_out);
}

static void
names_drop_pem(void **state)
{
	char out[64];

	(void)state;
	trust_name_normalize("ca.example.pem", out, sizeof(out));
	assert_string_equal(out, "ca.example");
	trust_name_normalize("ca.example", out, sizeof(out));
	assert_string_equal(out, "ca.example");
}

/* A CN is the attacker's text; the entry name becomes a file name. */
static void
names_are_safe_as_files(void **state)
{
	char out[64];

	(void)state;
	trust_name_normalize("<img src=x onerror=alert(2)>\"", out, sizeof(out));
	assert_string_equal(out, "_img_src=x_onerror=alert(2)__");
	trust_name_normalize("../a/b;rm -rf $HOME`x`", out, sizeof(out));
	assert_string_equal(out, "_._a_b_rm_-rf__HOME_x_");
	trust_name_normalize("-rf", out, sizeof(out));
	assert_string_equal(out, "_rf");
	trust_name_normalize("Soci\xc3\xa9t\xc3\xa9 CA+1@x,(y)#2", out, sizeof(out));
	assert_string_equal(out, "Soci\xc3\xa9t\xc3\xa9_CA+1@x,(y)#2");
}

static void
same_cn_kept_apart_and_duplicate_refused(void **state)
{
	struct test_home *h = *state;
	struct trust_row row;
	struct ucerr err;
	char first[256], second[256], sha[65];
	X509 *a = make_cert("Example Root", NULL);
	X509 *b = make_cert("Example Root", NULL);

	assert_int_equal(trust_add_cert(h->st, "tomcat-trust", a, NULL, first,
	    sizeof(first), &err), 0);
	assert_string_equal(first, "Example_Root");	/* unsafe in file names */
	assert_int_equal(trust_add_cert(h->st, "tomcat-trust", b, NULL, second,
	    sizeof(second), &err), 0);
	/* CSCuh19734: the second keeps its own name, no silent overwrite. */
	cert_sha256_hex(b, sha);
	assert_int_equal(strncmp(second, "Example_Root_", 13), 0);
	assert_int_equal(strncmp(second + 13, sha, 8), 0);
	assert_int_equal(trust_add_cert(h->st, "tomcat-trust", a, NULL, NULL, 0,
	    &err), -1);
	assert_int_equal(store_trust_get(h->st, "tomcat-trust", "Example_Root",
	    &row, &err), 1);
	cert_sha256_hex(a, sha);
	assert_string_equal(row.sha256, sha);
	trust_row_free(&row);
	X509_free(a);
	X509_free(b);
}

/* A bundle: duplicates skipped, a hand-given name only for one. */
static void
bundle_skips_duplicates_and_names_one(void **state)
{
	struct test_home *h = *state;
	struct trust_added added[2];
	struct export_refresh exports;
	STACK_OF(X509) *certs = sk_X509_new_null();
	struct ucerr err;
	X509 *a = make_cert("Bundle Root A", NULL);
	X509 *b = make_cert("Bundle Root B", NULL);

	assert_non_null(certs);
	sk_X509_push(certs, a);
	sk_X509_push(certs, b);
	assert_int_equal(trust_add_bundle(h->st, "tomcat-trust", certs, "mine",
	    added, &exports, &err), -1);
	assert_string_equal(err.msg, "tomcat-trust: --name is for one "
	    "certificate; the bundle has 2");
	assert_int_equal(trust_add_cert(h->st, "tomcat-trust", a, NULL, NULL, 0,
	    &err), 0);
	assert_true(trust_add_bundle(h->st, "tomcat-trust", certs, NULL, added,
	    &exports, &err) >= 0);
	assert_true(added[0].duplicate);
	assert_false(added[1].duplicate);
	assert_string_equal(added[1].name, "Bundle_Root_B");
	sk_X509_pop_free(certs, X509_free);
}

static void
identity_replaces_its_entry(void **state)
{
	struct test_home *h = *state;
	STACK_OF(X509) *certs;
	struct ucerr err;
	X509 *old = make_cert("cucm.example.test", NULL);
	X509 *new = make_cert("cucm.example.test", NULL);

	assert_int_equal(trust_add_identity(h->st, "CallManager-trust", old, 1,
	    &err), 0);
	assert_int_equal(trust_add_identity(h->st, "CallManager-trust", new, 1,
	    &err), 0);
	assert_int_equal(trust_certs(h->st, "CallManager-trust", &certs, &err), 0);
	assert_int_equal(sk_X509_num(certs), 1);
	assert_int_equal(X509_cmp(sk_X509_value(certs, 0), new), 0);
	sk_X509_pop_free(certs, X509_free);
	/* Without replace, both stay (the CAPF that signed older LSCs). */
	assert_int_equal(trust_add_identity(h->st, "CallManager-trust", old, 0,
	    &err), 0);
	assert_int_equal(trust_certs(h->st, "CallManager-trust", &certs, &err), 0);
	assert_int_equal(sk_X509_num(certs), 2);
	sk_X509_pop_free(certs, X509_free);
	X509_free(old);
	X509_free(new);
}

static void
x509_store_verifies_what_it_holds(void **state)
{
	struct test_home *h = *state;
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_STORE *xs;
	struct ucerr err;
	EVP_PKEY *key;
	X509 *root = make_cert("Verify Root", &key);
	X509 *other = make_cert("Other Root", NULL);

	assert_int_equal(trust_add_cert(h->st, "CAPF-trust", root, NULL, NULL, 0,
	    &err), 0);
	assert_int_equal(trust_x509_store(h->st, "CAPF-trust", &xs, &err), 0);
	assert_int_equal(X509_STORE_CTX_init(ctx, xs, root, NULL), 1);
	assert_int_equal(X509_verify_cert(ctx), 1);
	X509_STORE_CTX_cleanup(ctx);
	assert_int_equal(X509_STORE_CTX_init(ctx, xs, other, NULL), 1);
	assert_int_not_equal(X509_verify_cert(ctx), 1);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(xs);
	EVP_PKEY_free(key);
	X509_free(root);
	X509_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_drop_pem),
		cmocka_unit_test(names_are_safe_as_files),
		cmocka_unit_test_setup_teardown(
		    same_cn_kept_apart_and_duplicate_refused, test_setup_home,
		    test_teardown_home),
		cmocka_unit_test_setup_teardown(
		    bundle_skips_duplicates_and_names_one,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(identity_replaces_its_entry,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test_setup_teardown(x509_store_verifies_what_it_holds,
		    test_setup_home, test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
