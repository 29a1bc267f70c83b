/*
 * test_device_settings.c - device set's settings (device_settings.c),
 * which the CLI and the API both give by option name: the same checks
 * and messages, nothing written when one is refused, and the change
 * with its history when applied.
 */
#include "test.h"
#include "device_settings.h"
#include "device_view.h"
#include "store_device.h"

static void
add_device(struct store *st, const char *name)
{
	struct device d;

	test_device_init(&d, name);
	test_device_add(st, &d);
}

static void
options_are_checked_with_the_cli_messages(void **state)
{
	struct device_settings s;
	struct ucerr err;

	(void)state;
	device_settings_init(&s);
	assert_int_equal(device_settings_option(&s, "operation", "sometimes",
	    &err), -1);
	assert_string_equal(err.msg, "--operation must be install, delete, "
	    "troubleshoot or none, not 'sometimes'");
	assert_int_equal(device_settings_option(&s, "auth", "pin", &err), -1);
	assert_int_equal(device_settings_option(&s, "auth-string", "12", &err),
	    -1);
	/* A secret is not echoed, even malformed. */
	assert_null(strstr(err.msg, "12"));
	assert_int_equal(device_settings_option(&s, "by", "tomorrow", &err), -1);
	assert_int_equal(device_settings_option(&s, "colour", "red", &err), -1);
	assert_string_equal(err.msg, "device set: unknown setting 'colour'");
	assert_int_equal(device_settings_option(&s, "key", "rsa512", &err), 0);
	assert_true(s.weak_key);
	assert_int_equal(device_settings_option(&s, "auth-string", "1234", &err),
	    0);
	assert_int_equal(device_settings_option(&s, "generate-string", "yes",
	    &err), 0);
	assert_int_equal(device_settings_check(&s, &err), -1);
	device_settings_clear(&s);
}

static void
applied_with_history(void **state)
{
	struct test_home *h = *state;
	struct device_settings s;
	struct device d;
	struct ucerr err;

	add_device(h->st, "SEP001122334455");
	device_settings_init(&s);
	assert_int_equal(device_settings_option(&s, "operation", "install",
	    &err), 0);
	assert_int_equal(device_settings_option(&s, "auth", "string", &err), 0);
	/* By Authentication String without a string: refused, unwritten. */
	assert_int_equal(device_settings_apply(h->st, "SEP001122334455", &s,
	    &err), -1);
	assert_non_null(strstr(err.msg, "By Authentication String needs"));
	assert_int_equal(device_lookup(h->st, "SEP001122334455", &d, &err), 1);
	assert_int_equal(d.operation, CERT_OP_NONE);
	device_free(&d);
	assert_int_equal(device_settings_option(&s, "generate-string", "yes",
	    &err), 0);
	assert_int_equal(device_settings_apply(h->st, "SEP001122334455", &s,
	    &err), 0);
	assert_int_equal(strlen(s.generated), 8);
	assert_int_equal(device_lookup(h->st, "SEP001122334455", &d, &err), 1);
	assert_int_equal(d.operation, CERT_OP_INSTALL);
	assert_int_equal(d.status, CERT_STATUS_SCHEDULE);
	assert_string_equal(d.auth_string, s.generated);
	device_free(&d);
	assert_int_equal(device_settings_apply(h->st, "SEP0011223344FF", &s,
	    &err), -1);
	assert_string_equal(err.msg, "SEP0011223344FF: no such device");
	assert_int_equal(device_lookup(h->st, "nonsense", &d, &err), 0);
	assert_non_null(strstr(err.msg, "not a device name"));
	device_settings_clear(&s);
}

static void
count_each(void *arg, const char *name, size_t i, size_t n,
    const struct device_settings *s)
{
	(void)name;
	(void)n;
	(void)s;
	assert_int_equal(*(size_t *)arg, i);
	(*(size_t *)arg)++;
}

/* device set --model/--status/--all: every selected device, or none. */
static void
bulk_is_all_or_none(void **state)
{
	struct test_home *h = *state;
	struct device_settings s;
	struct device_filter f;
	struct device d;
	struct ucerr err;
	size_t n, seen = 0;

	test_device_init(&d, "SEP0011223344A1");
	snprintf(d.auth_string, sizeof(d.auth_string), "1234");
	test_device_add(h->st, &d);
	add_device(h->st, "SEP0011223344A2");
	test_device_init(&d, "SEP0011223344B1");
	snprintf(d.model, sizeof(d.model), "7841");
	test_device_add(h->st, &d);
	device_filter_init(&f);
	assert_int_equal(device_filter_option(&f, "model", "8845", &err), 0);
	/* The second device has no string: nothing is written, not even
	 * the first one, which has. */
	device_settings_init(&s);
	assert_int_equal(device_settings_option(&s, "operation", "install",
	    &err), 0);
	assert_int_equal(device_settings_option(&s, "auth", "string", &err), 0);
	/* In the caller's transaction (the CLI's, or serve's writer). */
	assert_int_equal(store_begin(h->st, &err), 0);
	assert_int_equal(device_settings_apply_all(h->st, &f, &s, NULL, NULL,
	    &n, &err), -1);
	store_rollback(h->st);
	assert_non_null(strstr(err.msg, "SEP0011223344A2"));
	assert_int_equal(n, 0);
	assert_int_equal(device_lookup(h->st, "SEP0011223344A1", &d, &err), 1);
	assert_int_equal(d.operation, CERT_OP_NONE);
	device_free(&d);
	device_settings_clear(&s);
	/* By Null String: both 8845s, each reported, the 7841 untouched. */
	device_settings_init(&s);
	assert_int_equal(device_settings_option(&s, "operation", "install",
	    &err), 0);
	assert_int_equal(store_begin(h->st, &err), 0);
	assert_int_equal(device_settings_apply_all(h->st, &f, &s, count_each,
	    &seen, &n, &err), 0);
	assert_int_equal(store_commit(h->st, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(seen, 2);
	assert_int_equal(device_lookup(h->st, "SEP0011223344A2", &d, &err), 1);
	assert_int_equal(d.status, CERT_STATUS_SCHEDULE);
	device_free(&d);
	assert_int_equal(device_lookup(h->st, "SEP0011223344B1", &d, &err), 1);
	assert_int_equal(d.operation, CERT_OP_NONE);
	device_free(&d);
	device_settings_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_are_checked_with_the_cli_messages),
		cmocka_unit_test_setup_teardown(applied_with_history,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test_setup_teardown(bulk_is_all_or_none,
		    test_setup_home, test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
