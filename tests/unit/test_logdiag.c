/* test_logdiag.c - the seeds' log patterns: found where they are, never
 * where they are not, and any bytes survive the scanner. */
#include "test.h"
#include "logdiag.h"

struct hits {
	size_t		 n;
	size_t		 line[8];
	const char	*name[8];
};

static void
collect(void *arg, const struct log_hit *hit)
{
	struct hits *h = arg;

	if (h->n < 8) {
		h->line[h->n] = hit->line;
		h->name[h->n] = hit->pattern->name;
	}
	h->n++;
}

static void
finds_unknown_ca_on_its_line(void **state)
{
	static const char log[] =
	    "3702: NOT 10:43:13.373 SECD: setupSecureSocket: connecting\n"
	    "3703: ERR 10:43:13.410 SECD: SSL3 alert read:fatal:unknown CA\n"
	    "3704: NOT 10:43:13.411 SECD: closing\n";
	struct hits h = { 0 };

	(void)state;
	assert_int_equal(logdiag_scan((const uint8_t *)log, sizeof(log) - 1,
	    collect, &h), 1);
	assert_int_equal(h.line[0], 2);
	assert_string_equal(h.name[0], "SSL3 alert unknown CA");
}

static void
needs_every_word_of_a_pattern(void **state)
{
	static const char log[] = "PXY_CERT_CIPHER cert [XYZ] cipher [AES]\n";
	struct hits h = { 0 };

	(void)state;
	assert_int_equal(logdiag_scan((const uint8_t *)log, sizeof(log) - 1,
	    collect, &h), 0);
}

static void
survives_any_bytes(void **state)
{
	uint8_t junk[4096];
	struct hits h = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	junk[100] = '\0';
	(void)logdiag_scan(junk, sizeof(junk), collect, &h);
	assert_int_equal(logdiag_scan(junk, 0, collect, &h), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_unknown_ca_on_its_line),
		cmocka_unit_test(needs_every_word_of_a_pattern),
		cmocka_unit_test(survives_any_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
