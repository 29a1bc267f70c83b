/* test_claims.c - one CAPF operation per device, and the mark that tells
 * a session whether the device it read may be older than the last
 * session that held it (claims.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "claims.h"

static void
one_holder_at_a_time(void **state)
{
	struct claim_set c;
	unsigned long mark;
	int stale;

	(void)state;
	assert_int_equal(claims_init(&c, 64), 0);
	mark = claims_mark(&c, "SEP000000000001");
	assert_int_equal(claims_take(&c, "SEP000000000001", mark, &stale), 1);
	assert_int_equal(stale, 0);
	/* A second session, on any loop, is told to retry later. */
	assert_int_equal(claims_take(&c, "SEP000000000001", mark, &stale), 0);
	assert_int_equal(claims_take(&c, "SEP000000000002",
	    claims_mark(&c, "SEP000000000002"), &stale), 1);
	claims_drop(&c, "SEP000000000001");
	claims_drop(&c, "SEP000000000002");
	claims_free(&c);
}

static void
a_session_that_ended_since_the_read_makes_it_stale(void **state)
{
	struct claim_set c;
	unsigned long mark;
	int stale;

	(void)state;
	assert_int_equal(claims_init(&c, 64), 0);
	/* A holds the device; B reads it (its mark), then A ends. */
	assert_int_equal(claims_take(&c, "SEP00000000000A",
	    claims_mark(&c, "SEP00000000000A"), &stale), 1);
	mark = claims_mark(&c, "SEP00000000000A");
	claims_drop(&c, "SEP00000000000A");
	assert_int_equal(claims_take(&c, "SEP00000000000A", mark, &stale), 1);
	assert_int_equal(stale, 1);
	claims_drop(&c, "SEP00000000000A");
	/* Read after that end: current. */
	mark = claims_mark(&c, "SEP00000000000A");
	assert_int_equal(claims_take(&c, "SEP00000000000A", mark, &stale), 1);
	assert_int_equal(stale, 0);
	claims_drop(&c, "SEP00000000000A");
	/* Dropping what nobody holds ends nothing. */
	mark = claims_mark(&c, "SEP00000000000A");
	claims_drop(&c, "SEP00000000000A");
	assert_int_equal(claims_take(&c, "SEP00000000000A", mark, &stale), 1);
	assert_int_equal(stale, 0);
	claims_drop(&c, "SEP00000000000A");
	claims_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_holder_at_a_time),
		cmocka_unit_test(a_session_that_ended_since_the_read_makes_it_stale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
