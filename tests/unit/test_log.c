/* test_log.c - the log's rate limiter: a few lines per kind and network
 * per interval, then one line that counts what was left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

static int64_t fake_now = 1;

static int64_t
fake_clock(void)
{
	return fake_now;
}

static FILE *out;

static int
setup(void **state)
{
	(void)state;
	out = tmpfile();
	log_set_stream(out);
	log_set_clock(fake_clock);
	log_setup(LOG_LEVEL_INFO, 0);
	log_limit_setup(3, 10);
	fake_now += 1000000;	/* every test starts in fresh windows */
	log_limit_flush(1);
	rewind(out);
	if (ftruncate(fileno(out), 0) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	log_limit_flush(1);
	log_set_stream(NULL);
	log_set_clock(NULL);
	fclose(out);
	return 0;
}

/* The lines written so far, joined. */
static char *
written(int *lines)
{
	static char buf[65536];
	size_t n;
	char *p;

	fflush(out);
	rewind(out);
	n = fread(buf, 1, sizeof(buf) - 1, out);
	buf[n] = '\0';
	*lines = 0;
	for (p = buf; (p = strchr(p, '\n')) != NULL; p++)
		(*lines)++;
	fseek(out, 0, SEEK_END);
	return buf;
}

static void
a_flood_becomes_a_few_lines_and_a_count(void **state)
{
	int i, lines;
	char *text;

	(void)state;
	for (i = 0; i < 4916; i++)
		log_limited(LOG_LEVEL_WARN, "serve: CAPF connections refused",
		    "127.0.0.0/8", "serve: refused %d", i);
	text = written(&lines);
	assert_int_equal(lines, 3);
	assert_non_null(strstr(text, "refused 2\n"));
	assert_null(strstr(text, "refused 3\n"));
	fake_now += 10000;
	log_limit_flush(0);
	text = written(&lines);
	assert_int_equal(lines, 4);
	assert_non_null(strstr(text, "WRN serve: CAPF connections refused ... "
	    "and 4,913 more from 127.0.0.0/8 in the last 10 s"));
	/* A new window: lines again. */
	log_limited(LOG_LEVEL_WARN, "serve: CAPF connections refused",
	    "127.0.0.0/8", "serve: refused again");
	text = written(&lines);
	assert_non_null(strstr(text, "refused again"));
}

static void
networks_and_kinds_are_counted_apart(void **state)
{
	int i, lines;
	char *text;

	(void)state;
	for (i = 0; i < 10; i++) {
		log_limited(LOG_LEVEL_WARN, "k1", "10.0.0.0/24", "a %d", i);
		log_limited(LOG_LEVEL_WARN, "k1", "10.0.1.0/24", "b %d", i);
		log_limited(LOG_LEVEL_WARN, "k2", "10.0.0.0/24", "c %d", i);
	}
	text = written(&lines);
	assert_int_equal(lines, 9);
	log_limit_flush(1);
	text = written(&lines);
	assert_int_equal(lines, 12);
	assert_non_null(strstr(text, "k1 ... and 7 more from 10.0.1.0/24"));
	assert_non_null(strstr(text, "k2 ... and 7 more from 10.0.0.0/24"));
}

static void
many_networks_stay_bounded(void **state)
{
	char net[32];
	int i, lines;

	(void)state;
	/* 100,000 networks in one interval: the table is full after 64, the
	 * rest share one window. */
	for (i = 0; i < 100000; i++) {
		snprintf(net, sizeof(net), "10.%d.%d.0/24", i / 256 % 256,
		    i % 256);
		log_limited(LOG_LEVEL_WARN, "flood", net, "line %d", i);
	}
	log_limit_flush(1);
	(void)written(&lines);
	assert_true(lines <= 65 * 4);
}

static void
once_per_interval(void **state)
{
	int i, lines;
	char *text;

	(void)state;
	for (i = 0; i < 50; i++)
		log_once(LOG_LEVEL_WARN, "serve: accept paused", "paused %d", i);
	fake_now += 10000;
	log_once(LOG_LEVEL_WARN, "serve: accept paused", "paused later");
	text = written(&lines);
	assert_int_equal(lines, 3);
	assert_non_null(strstr(text, "paused 0\n"));
	assert_non_null(strstr(text, "serve: accept paused ... and 49 more in "
	    "the last 10 s"));
	assert_non_null(strstr(text, "paused later"));
}

static void
no_limit_and_level(void **state)
{
	int i, lines;

	(void)state;
	log_limit_setup(0, 10);
	for (i = 0; i < 100; i++)
		log_limited(LOG_LEVEL_WARN, "k", "n", "line %d", i);
	log_limit_setup(3, 10);
	for (i = 0; i < 100; i++)
		log_limited(LOG_LEVEL_DEBUG, "k", "n", "hidden %d", i);
	log_limit_flush(1);
	(void)written(&lines);
	assert_int_equal(lines, 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    a_flood_becomes_a_few_lines_and_a_count, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    networks_and_kinds_are_counted_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(many_networks_stay_bounded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(once_per_interval, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(no_limit_and_level, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
