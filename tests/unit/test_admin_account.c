/*
 * test_admin_account.c - the web pages' accounts (admin_account.c): the
 * password rules, argon2id hashes only, the login check, the lockout
 * after ADMIN_LOCKOUT_FAILURES and its end; sessions (web_session.c) and
 * the cookie reader; store_begin nested inside a transaction.
 */
#include "test.h"
#include "admin_account.h"
#include "web_int.h"

#define PW	"correct horse battery staple"

static void
passwords_are_hashed_and_checked(void **state)
{
	struct test_home *h = *state;
	struct admin_login login;
	struct account_row row;
	struct ucerr err;

	assert_int_equal(admin_password_usable("short", &err), -1);
	assert_null(strstr(err.msg, "short"));
	assert_int_equal(admin_password_usable("twelve chars\x01", &err), -1);
	assert_int_equal(admin_account_add(h->st, "alice", ADMIN_ROLE_ADMIN,
	    "tooshort", &err), -1);
	assert_int_equal(admin_account_add(h->st, "a b", ADMIN_ROLE_ADMIN, PW,
	    &err), -1);
	assert_int_equal(admin_account_add(h->st, "alice", ADMIN_ROLE_READ_ONLY,
	    PW, &err), 0);
	assert_int_equal(admin_account_add(h->st, "alice", ADMIN_ROLE_ADMIN, PW,
	    &err), -1);
	assert_non_null(strstr(err.msg, "already exists"));
	assert_int_equal(admin_account_find(h->st, "alice", &row, &err), 0);
	assert_int_equal(strncmp(row.hash, "$argon2id$v=19$m=19456,t=2,p=1$",
	    31), 0);
	assert_null(strstr(row.hash, PW));
	assert_int_equal(admin_account_check(h->st, "alice", PW, 1000, &login,
	    &err), 0);
	assert_int_equal(login.result, ADMIN_LOGIN_OK);
	assert_int_equal(login.role, ADMIN_ROLE_READ_ONLY);
	assert_int_equal(admin_account_check(h->st, "alice", PW "!", 1000,
	    &login, &err), 0);
	assert_int_equal(login.result, ADMIN_LOGIN_BAD);
	assert_int_equal(admin_account_check(h->st, "nobody", PW, 1000, &login,
	    &err), 0);
	assert_int_equal(login.result, ADMIN_LOGIN_BAD);
	assert_int_equal(admin_account_find(h->st, "nobody", &row, &err), -1);
	assert_int_equal(admin_account_remove(h->st, "alice", &err), 0);
	assert_int_equal(admin_account_remove(h->st, "alice", &err), -1);
}

static void
failures_lock_the_account(void **state)
{
	struct test_home *h = *state;
	struct admin_login login;
	struct ucerr err;
	enum admin_role role;
	int i;

	assert_int_equal(admin_account_add(h->st, "bob", ADMIN_ROLE_ADMIN, PW,
	    &err), 0);
	for (i = 0; i < ADMIN_LOCKOUT_FAILURES - 1; i++)
		assert_int_equal(admin_account_note(h->st, "bob", 0, 1000,
		    &err), 0);
	assert_int_equal(admin_account_check(h->st, "bob", PW, 1000, &login,
	    &err), 0);
	assert_int_equal(login.result, ADMIN_LOGIN_OK);
	assert_int_equal(admin_account_note(h->st, "bob", 0, 1000, &err), 0);
	/* Locked: even the right password. */
	assert_int_equal(admin_account_check(h->st, "bob", PW, 1001, &login,
	    &err), 0);
	assert_int_equal(login.result, ADMIN_LOGIN_LOCKED);
	assert_int_equal(login.locked_until, 1000 + ADMIN_LOCKOUT_S);
	/* More failures while locked do not lengthen it. */
	for (i = 0; i < 10; i++)
		assert_int_equal(admin_account_note(h->st, "bob", 0, 1100,
		    &err), 0);
	assert_int_equal(admin_account_check(h->st, "bob", PW,
	    1000 + ADMIN_LOCKOUT_S, &login, &err), 0);
	assert_int_equal(login.result, ADMIN_LOGIN_OK);
	/* A new password lifts a lock and ends older sessions. */
	for (i = 0; i < ADMIN_LOCKOUT_FAILURES; i++)
		assert_int_equal(admin_account_note(h->st, "bob", 0, 5000,
		    &err), 0);
	/* A session begun after the password was set holds... */
	assert_int_equal(admin_account_current(h->st, "bob",
	    (int64_t)time(NULL) + 5, &role, &err), 1);
	assert_int_equal(role, ADMIN_ROLE_ADMIN);
	assert_int_equal(admin_account_passwd(h->st, "bob", "a new long "
	    "password", &err), 0);
	assert_int_equal(admin_account_check(h->st, "bob", "a new long "
	    "password", 5001, &login, &err), 0);
	assert_int_equal(login.result, ADMIN_LOGIN_OK);
	/* ... one begun before a new password does not. */
	assert_int_equal(admin_account_current(h->st, "bob",
	    (int64_t)time(NULL) - 5, &role, &err), 0);
	assert_int_equal(admin_account_current(h->st, "nobody", 0, &role, &err),
	    0);
}

static void
sessions_expire(void **state)
{
	struct web_sessions *ss = web_sessions_new();
	struct web_session *s;
	char id[65], other[65];

	(void)state;
	assert_non_null(s = web_session_start(ss, "alice", ADMIN_ROLE_ADMIN,
	    1000, id));
	assert_int_equal(strlen(id), 64);
	assert_ptr_equal(web_session_find(ss, id, 1000 + 60), s);
	assert_true(web_csrf_ok(s, s->csrf));
	memcpy(other, s->csrf, sizeof(other));
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_false(web_csrf_ok(s, other));
	assert_false(web_csrf_ok(s, NULL));
	/* Idle: each request restarts the idle clock... */
	assert_ptr_equal(web_session_find(ss, id, 1000 + WEB_SESSION_IDLE_S),
	    s);
	/* ... but not past the absolute lifetime. */
	assert_null(web_session_find(ss, id, 1000 + 2 * WEB_SESSION_IDLE_S));
	assert_non_null(web_session_start(ss, "alice", ADMIN_ROLE_ADMIN, 2000,
	    id));
	assert_null(web_session_find(ss, id, 2000 + WEB_SESSION_IDLE_S + 1));
	assert_non_null(s = web_session_start(ss, "alice", ADMIN_ROLE_ADMIN,
	    3000, id));
	assert_null(web_session_find(ss, other, 3000));
	web_session_end(s);
	assert_null(web_session_find(ss, id, 3000));
	web_sessions_free(ss);
	(void)WEB_SESSION_MAX_S;
}

static void
cookies_are_read(void **state)
{
	char out[65];

	(void)state;
	assert_int_equal(web_cookie_value("a=1; __Host-ucpki=abc ; b=2",
	    WEB_COOKIE, out, sizeof(out)), 1);
	assert_string_equal(out, "abc");
	assert_int_equal(web_cookie_value("x__Host-ucpki=abc", WEB_COOKIE, out,
	    sizeof(out)), 0);
	assert_int_equal(web_cookie_value(";;;", WEB_COOKIE, out, sizeof(out)),
	    0);
	assert_int_equal(web_cookie_value("__Host-ucpki=", WEB_COOKIE, out,
	    sizeof(out)), 1);
	assert_string_equal(out, "");
	assert_int_equal(web_cookie_value("__Host-ucpki=toolong", WEB_COOKIE,
	    out, 4), 0);
	assert_int_equal(web_cookie_value(NULL, WEB_COOKIE, out, sizeof(out)),
	    0);
}

static void
nested_transactions_are_savepoints(void **state)
{
	struct test_home *h = *state;
	struct ucerr err;
	char v[16];

	assert_int_equal(store_begin(h->st, &err), 0);
	assert_int_equal(store_meta_set(h->st, "t.outer", "1", &err), 0);
	assert_int_equal(store_begin(h->st, &err), 0);
	assert_int_equal(store_meta_set(h->st, "t.inner", "1", &err), 0);
	store_rollback(h->st);
	assert_int_equal(store_begin(h->st, &err), 0);
	assert_int_equal(store_meta_set(h->st, "t.kept", "1", &err), 0);
	assert_int_equal(store_commit(h->st, &err), 0);
	assert_int_equal(store_commit(h->st, &err), 0);
	assert_int_equal(store_meta_get(h->st, "t.outer", v, sizeof(v), &err),
	    1);
	assert_int_equal(store_meta_get(h->st, "t.inner", v, sizeof(v), &err),
	    0);
	assert_int_equal(store_meta_get(h->st, "t.kept", v, sizeof(v), &err),
	    1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(passwords_are_hashed_and_checked,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test_setup_teardown(failures_lock_the_account,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test(sessions_expire),
		cmocka_unit_test(cookies_are_read),
		cmocka_unit_test_setup_teardown(nested_transactions_are_savepoints,
		    test_setup_home, test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
