/* test_certcheck.c - the seeds' certificate mistakes, each found on a
 * certificate made to have it, and none on a sound one. */
#include "test.h"
#include "certcheck.h"

static int
has(const struct findings *f, const char *code)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->list[i].code, code) == 0)
			return 1;
	return 0;
}

static X509 *
make(const char *cn, const char *san, enum cert_profile profile, long days,
    time_t not_before, const char *key_name)
{
	struct cert_template t;
	struct key_spec spec;
	struct ucerr err;
	EVP_PKEY *key;
	X509 *cert;

	memset(&t, 0, sizeof(t));
	t.subject.cn = cn;
	t.san = san;
	t.profile = profile;
	t.days = days;
	t.not_before = not_before;
	assert_int_equal(key_spec_parse(key_name, &spec, &err), 0);
	assert_int_equal(key_generate(&spec, &key, &err), 0);
	if (cert_build(&t, key, NULL, key, &cert, &err) == -1)
		fail_msg("%s", err.msg);
	EVP_PKEY_free(key);
	return cert;
}

static void
sound_server_certificate_has_no_error(void **state)
{
	struct cert_check_opts o = { .role = "callmanager", .now = clock_now() };
	struct findings f = { .n = 0 };
	struct ucerr err;
	X509 *cert = make("cucm.example.test", "DNS:cucm.example.test",
	    PROFILE_SERVER, 365, 0, "ec256");

	(void)state;
	assert_int_equal(cert_check(cert, &o, &f, &err), 0);
	assert_int_equal(findings_errors(&f), 0);
	X509_free(cert);
}

static void
expired_and_future_found(void **state)
{
	struct cert_check_opts o = { .now = clock_now() };
	struct findings f = { .n = 0 };
	struct ucerr err;
	X509 *old = make("old.example.test", "DNS:old.example.test",
	    PROFILE_SERVER, 10, clock_now() - 20 * 86400, "ec256");
	X509 *future = make("new.example.test", "DNS:new.example.test",
	    PROFILE_SERVER, 10, clock_now() + 5 * 86400, "ec256");

	(void)state;
	assert_int_equal(cert_check(old, &o, &f, &err), 0);
	assert_true(has(&f, "expired"));
	assert_false(has(&f, "not-yet-valid"));
	f.n = 0;
	assert_int_equal(cert_check(future, &o, &f, &err), 0);
	assert_true(has(&f, "not-yet-valid"));
	assert_false(has(&f, "expired"));
	X509_free(old);
	X509_free(future);
}

static void
required_san_missing_found(void **state)
{
	struct cert_check_opts o = { .require_san = "cucm.example.test,cucm",
	    .now = clock_now() };
	struct findings f = { .n = 0 };
	struct ucerr err;
	X509 *cert = make("cucm.example.test", "DNS:cucm.example.test",
	    PROFILE_SERVER, 365, 0, "ec256");

	(void)state;
	assert_int_equal(cert_check(cert, &o, &f, &err), 0);
	assert_true(has(&f, "san-missing"));
	X509_free(cert);
}

static void
trust_store_duplicates_and_expired(void **state)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	struct findings f = { .n = 0 };
	char *names[] = { "a", "a-again", "old" };
	X509 *a = make("Root A", NULL, PROFILE_CA, 365, 0, "ec256");
	X509 *old = make("Root Old", NULL, PROFILE_CA, 1,
	    clock_now() - 10 * 86400, "ec256");

	(void)state;
	sk_X509_push(certs, a);
	X509_up_ref(a);
	sk_X509_push(certs, a);
	sk_X509_push(certs, old);
	trust_check(certs, names, clock_now(), &f);
	assert_true(has(&f, "duplicate"));
	assert_true(has(&f, "expired"));
	sk_X509_pop_free(certs, X509_free);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sound_server_certificate_has_no_error),
		cmocka_unit_test(expired_and_future_found),
		cmocka_unit_test(required_san_missing_found),
		cmocka_unit_test(trust_store_duplicates_and_expired),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
