/*
 * test_renew.c - the renewal policy: the fractions an administrator
 * may write, and when an LSC falls due.
 */
#include "test.h"
#include "renew.h"

static void
fractions(void **state)
{
	long num, den;

	(void)state;
	assert_int_equal(renew_fraction_parse("2/3", &num, &den), 0);
	assert_int_equal(num, 2);
	assert_int_equal(den, 3);
	assert_int_equal(renew_fraction_parse("0.75", &num, &den), 0);
	assert_int_equal(num, 750);
	assert_int_equal(den, 1000);
	assert_int_equal(renew_fraction_parse("80%", &num, &den), 0);
	assert_int_equal(num, 800);
	assert_int_equal(renew_fraction_parse("off", &num, &den), 0);
	assert_int_equal(num, 0);
	assert_int_equal(renew_fraction_parse("3/2", &num, &den), -1);
	assert_int_equal(renew_fraction_parse("1/1", &num, &den), -1);
	assert_int_equal(renew_fraction_parse("0/3", &num, &den), -1);
	assert_int_equal(renew_fraction_parse("2/0", &num, &den), -1);
	assert_int_equal(renew_fraction_parse("1.5", &num, &den), -1);
	assert_int_equal(renew_fraction_parse("0", &num, &den), -1);
	assert_int_equal(renew_fraction_parse("2/3x", &num, &den), -1);
	assert_int_equal(renew_fraction_parse("", &num, &den), -1);
	assert_int_equal(renew_fraction_parse("soon", &num, &den), -1);
}

static void
due_at(void **state)
{
	struct renew_config c = { 1, 2, 3, 86400 };
	char text[32];

	(void)state;
	/* 30 days from 1000: due after 20. */
	assert_int_equal(renew_due_at(&c, 1000, 1000 + 30 * 86400),
	    1000 + 20 * 86400);
	/* Twenty years of seconds do not overflow. */
	assert_int_equal(renew_due_at(&c, 0, 3LL * 20 * 365 * 86400),
	    2LL * 20 * 365 * 86400);
	/* A certificate that ends before it starts is due at once. */
	assert_int_equal(renew_due_at(&c, 5000, 10), 5000);
	renew_fraction_text(&c, text, sizeof(text));
	assert_string_equal(text, "2/3");
	c.enabled = 0;
	renew_fraction_text(&c, text, sizeof(text));
	assert_string_equal(text, "off");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fractions),
		cmocka_unit_test(due_at),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
