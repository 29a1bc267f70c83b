/*
 * test_audit.c - the audit trail (audit.c, store_audit.c): a row holds
 * what the front end said, escaped to one line, newest first; the trail
 * keeps only the newest rows; a device's fingerprint moves with its
 * settings but never depends on the string alone beyond "set or not".
 */
#include "test.h"
#include "audit.h"
#include "device_new.h"
#include "device_settings.h"

struct seen {
	int			 n;
	struct audit_row	 rows[8];
};

static int
collect(void *arg, const struct audit_row *row)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->rows[s->n] = *row;
	s->n++;
	return 0;
}

static void
rows_are_kept_newest_first_and_trimmed(void **state)
{
	struct test_home *h = *state;
	struct audit_entry e = { "ops", "api", "127.0.0.1:5", "POST /devices",
	    "SEP\n001", NULL, "", "" };
	struct audit_row row;
	struct seen seen = { 0 };
	struct ucerr err;
	int i;

	assert_int_equal(audit_record(h->st, &e, &err), 0);
	assert_int_equal(audit_each(h->st, 0, 10, collect, &seen, &err), 0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.rows[0].result, "ok");
	assert_null(strchr(seen.rows[0].object, '\n'));
	assert_int_equal(strncmp(seen.rows[0].object, "SEP", 3), 0);
	/* Trimmed as rows are added: the newest `keep` stay. */
	memset(&row, 0, sizeof(row));
	for (i = 0; i < 10; i++) {
		snprintf(row.object, sizeof(row.object), "n%d", i);
		assert_int_equal(store_audit_add(h->st, &row, 3, &err), 0);
	}
	seen.n = 0;
	assert_int_equal(audit_each(h->st, 0, 100, collect, &seen, &err), 0);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.rows[0].object, "n9");
	assert_string_equal(seen.rows[2].object, "n7");
}

static void
limits_and_periods(void **state)
{
	struct ucerr err;
	int64_t v;

	(void)state;
	assert_int_equal(audit_limit_parse(NULL, &v, &err), 0);
	assert_int_equal(v, AUDIT_LIMIT_DEFAULT);
	assert_int_equal(audit_limit_parse("0", &v, &err), -1);
	assert_int_equal(audit_limit_parse("100001", &v, &err), -1);
	assert_int_equal(audit_limit_parse("5x", &v, &err), -1);
	assert_int_equal(audit_since_parse("soon", &v, &err), -1);
	assert_int_equal(audit_since_parse("2026-01-02 03:04 UTC", &v, &err), 0);
	assert_int_equal(v, 1767323040);
}

static void
device_fingerprint_follows_settings_not_the_string(void **state)
{
	struct test_home *h = *state;
	struct device_settings s;
	struct ucerr err;
	char a[65], b[65], c[65];

	audit_fingerprint(h->st, AUDIT_DEVICE, "SEP001122334455", NULL, a);
	assert_string_equal(a, "");
	assert_int_equal(device_add(h->st, "SEP001122334455", "8845", &err), 0);
	audit_fingerprint(h->st, AUDIT_DEVICE, "SEP001122334455", NULL, a);
	assert_int_equal(strlen(a), 64);
	device_settings_init(&s);
	assert_int_equal(device_settings_option(&s, "auth", "string", &err), 0);
	assert_int_equal(device_settings_option(&s, "auth-string", "1234", &err), 0);
	assert_int_equal(device_settings_apply(h->st, "SEP001122334455", &s, &err), 0);
	audit_fingerprint(h->st, AUDIT_DEVICE, "SEP001122334455", NULL, b);
	assert_string_not_equal(a, b);
	device_settings_init(&s);
	assert_int_equal(device_settings_option(&s, "auth-string", "98765", &err), 0);
	assert_int_equal(device_settings_apply(h->st, "SEP001122334455", &s, &err), 0);
	audit_fingerprint(h->st, AUDIT_DEVICE, "SEP001122334455", NULL, c);
	/* Another string alone: the digest cannot tell, so cannot leak it. */
	assert_string_equal(b, c);
	device_settings_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rows_are_kept_newest_first_and_trimmed,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test(limits_and_periods),
		cmocka_unit_test_setup_teardown(
		    device_fingerprint_follows_settings_not_the_string,
		    test_setup_home, test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
