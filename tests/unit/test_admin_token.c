/*
 * test_admin_token.c - the administration API's tokens (admin_token.c):
 * shown once, stored only as a hash, matched whole or not at all, and
 * gone when removed; the per-address limit on failures (admin_auth.c).
 */
#include "test.h"
#include "admin_auth.h"
#include "admin_token.h"

struct seen {
	int		 n;
	struct token_row rows[4];
};

static int
collect(void *arg, const struct token_row *row)
{
	struct seen *s = arg;

	if (s->n < 4)
		s->rows[s->n] = *row;
	s->n++;
	return 0;
}

static void
made_token_checks_and_is_stored_hashed(void **state)
{
	struct test_home *h = *state;
	char token[ADMIN_TOKEN_LEN + 1], name[64], sha[65];
	enum admin_role role;
	struct seen seen = { 0 };
	struct ucerr err;

	assert_int_equal(admin_token_add(h->st, "ci", ADMIN_ROLE_ADMIN, token,
	    &err), 0);
	assert_int_equal(strlen(token), ADMIN_TOKEN_LEN);
	assert_int_equal(strncmp(token, "ucpki_", 6), 0);
	assert_int_equal(strspn(token + 6, "0123456789abcdef"), 64);
	assert_int_equal(admin_token_check(h->st, token, name, &role, &err), 1);
	assert_string_equal(name, "ci");
	assert_int_equal(role, ADMIN_ROLE_ADMIN);
	/* The store has the SHA-256, never the token. */
	assert_int_equal(admin_token_each(h->st, collect, &seen, &err), 0);
	assert_int_equal(seen.n, 1);
	sha256_hex(token, strlen(token), sha);
	assert_string_equal(seen.rows[0].sha256, sha);
	assert_null(strstr(seen.rows[0].sha256, token + 6));
	assert_string_equal(seen.rows[0].role, "admin");
}

static void
near_misses_do_not_check(void **state)
{
	struct test_home *h = *state;
	char token[ADMIN_TOKEN_LEN + 1], other[ADMIN_TOKEN_LEN + 2], name[64];
	enum admin_role role;
	struct ucerr err;

	assert_int_equal(admin_token_add(h->st, "ci", ADMIN_ROLE_ADMIN, token,
	    &err), 0);
	/* One digit changed, one short, one long, empty, the prefix alone. */
	memcpy(other, token, sizeof(token));
	other[ADMIN_TOKEN_LEN - 1] = other[ADMIN_TOKEN_LEN - 1] == '0' ? '1' : '0';
	assert_int_equal(admin_token_check(h->st, other, name, &role, &err), 0);
	memcpy(other, token, sizeof(token));
	other[ADMIN_TOKEN_LEN - 1] = '\0';
	assert_int_equal(admin_token_check(h->st, other, name, &role, &err), 0);
	snprintf(other, sizeof(other), "%sa", token);
	assert_int_equal(admin_token_check(h->st, other, name, &role, &err), 0);
	assert_int_equal(admin_token_check(h->st, "", name, &role, &err), 0);
	assert_int_equal(admin_token_check(h->st, "ucpki_", name, &role, &err), 0);
	/* Its hash is not a token either. */
	sha256_hex(token, strlen(token), other);
	assert_int_equal(admin_token_check(h->st, other, name, &role, &err), 0);
}

static void
roles_names_and_removal(void **state)
{
	struct test_home *h = *state;
	char a[ADMIN_TOKEN_LEN + 1], b[ADMIN_TOKEN_LEN + 1], name[64];
	enum admin_role role;
	struct ucerr err;

	assert_int_equal(admin_token_add(h->st, "viewer", ADMIN_ROLE_READ_ONLY,
	    a, &err), 0);
	assert_int_equal(admin_token_add(h->st, "ops", ADMIN_ROLE_ADMIN, b,
	    &err), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(admin_token_check(h->st, a, name, &role, &err), 1);
	assert_string_equal(name, "viewer");
	assert_int_equal(role, ADMIN_ROLE_READ_ONLY);
	/* A name is taken once; bad names are refused with the rule. */
	assert_int_equal(admin_token_add(h->st, "viewer", ADMIN_ROLE_ADMIN, b,
	    &err), -1);
	assert_string_equal(err.msg, "token viewer: already exists");
	assert_int_equal(admin_token_add(h->st, "a b", ADMIN_ROLE_ADMIN, b,
	    &err), -1);
	assert_non_null(strstr(err.msg, "not a token name"));
	assert_int_equal(admin_token_remove(h->st, "viewer", &err), 0);
	assert_int_equal(admin_token_check(h->st, a, name, &role, &err), 0);
	assert_int_equal(admin_token_remove(h->st, "viewer", &err), -1);
	assert_string_equal(err.msg, "token viewer: no such token");
	assert_int_equal(admin_role_parse("read-only"), ADMIN_ROLE_READ_ONLY);
	assert_int_equal(admin_role_parse("root"), -1);
}

static void
failures_are_limited_per_address(void **state)
{
	static struct auth_limit l;
	char addr[48];
	int i;

	(void)state;
	memset(&l, 0, sizeof(l));
	for (i = 0; i < ADMIN_AUTH_FAILURES; i++) {
		assert_int_equal(auth_limit_wait(&l, "192.0.2.1", 1000), 0);
		auth_limit_failed(&l, "192.0.2.1", 1000);
	}
	assert_int_equal(auth_limit_wait(&l, "192.0.2.1", 1010),
	    ADMIN_AUTH_WINDOW_S - 10);
	/* Another address is not held back by it. */
	assert_int_equal(auth_limit_wait(&l, "192.0.2.2", 1010), 0);
	/* The window ends. */
	assert_int_equal(auth_limit_wait(&l, "192.0.2.1",
	    1000 + ADMIN_AUTH_WINDOW_S), 0);
	/* Bounded: many addresses take the oldest slots, never more. */
	for (i = 0; i < 3 * ADMIN_AUTH_SLOTS; i++) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", i);
		auth_limit_failed(&l, addr, 2000 + i);
	}
	for (i = 0; i < ADMIN_AUTH_FAILURES; i++)
		auth_limit_failed(&l, "192.0.2.9", 5000);
	assert_true(auth_limit_wait(&l, "192.0.2.9", 5001) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(made_token_checks_and_is_stored_hashed,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test_setup_teardown(near_misses_do_not_check,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test_setup_teardown(roles_names_and_removal,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test(failures_are_limited_per_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
