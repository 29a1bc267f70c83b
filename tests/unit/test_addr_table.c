/* test_addr_table.c - per-address connection counts: entries go with
 * their last connection, so churn through many addresses leaves nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "addr_table.h"

static void
counts_up_to_the_limit(void **state)
{
	struct addr_table t;
	int i;

	(void)state;
	assert_int_equal(addr_table_init(&t), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(addr_table_add(&t, "10.0.0.1", 3), 1);
	assert_int_equal(addr_table_add(&t, "10.0.0.1", 3), 0);
	assert_int_equal(addr_table_add(&t, "10.0.0.2", 3), 1);
	assert_int_equal(addr_table_count(&t, "10.0.0.1"), 3);
	addr_table_remove(&t, "10.0.0.1");
	assert_int_equal(addr_table_add(&t, "10.0.0.1", 3), 1);
	/* Removing what is not there changes nothing. */
	addr_table_remove(&t, "10.9.9.9");
	assert_int_equal(t.n, 2);
	addr_table_free(&t);
}

static void
churn_leaves_nothing_behind(void **state)
{
	struct addr_table t;
	char addr[32];
	size_t peak;
	int i;

	(void)state;
	assert_int_equal(addr_table_init(&t), 0);
	/* 200,000 distinct addresses, 1,000 open at a time. */
	for (i = 0; i < 200000; i++) {
		snprintf(addr, sizeof(addr), "127.%d.%d.%d", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
		assert_int_equal(addr_table_add(&t, addr, 100), 1);
		if (i >= 1000) {
			snprintf(addr, sizeof(addr), "127.%d.%d.%d",
			    (i - 1000) >> 16 & 255, (i - 1000) >> 8 & 255,
			    (i - 1000) & 255);
			addr_table_remove(&t, addr);
		}
	}
	assert_int_equal(t.n, 1000);
	peak = t.n_buckets;
	assert_true(peak <= 2048);
	for (i = 199000; i < 200000; i++) {
		snprintf(addr, sizeof(addr), "127.%d.%d.%d", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
		addr_table_remove(&t, addr);
	}
	assert_int_equal(t.n, 0);
	assert_int_equal(t.n_buckets, 64);
	/* Still admits new addresses. */
	assert_int_equal(addr_table_add(&t, "192.0.2.1", 1), 1);
	addr_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_up_to_the_limit),
		cmocka_unit_test(churn_leaves_nothing_behind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
