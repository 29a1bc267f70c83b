/* test_csv.c - RFC 4180 records for device import, and the phone-name
 * normaliser that import and every NAME argument share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csv.h"
#include "device.h"

static struct csv_record rec;

static void
csv_reads_quotes_commas_and_newlines(void **state)
{
	const char *text =
	    "name,model\r\n"
	    "SEP001122334455,\"8845, desk\"\n"
	    "  \"SEP00112233445A\" , \"say \"\"hi\"\"\"\n"
	    "SEP00112233445B,\"two\nlines\"\n"
	    "\n"
	    "last,,";
	struct ucerr err;
	struct csv c;

	(void)state;
	csv_init(&c, text, strlen(text));
	assert_int_equal(csv_next(&c, &rec, &err), 1);
	assert_int_equal(rec.line, 1);
	assert_int_equal(rec.n_fields, 2);
	assert_string_equal(rec.fields[1], "model");

	assert_int_equal(csv_next(&c, &rec, &err), 1);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.n_fields, 2);
	assert_string_equal(rec.fields[1], "8845, desk");

	assert_int_equal(csv_next(&c, &rec, &err), 1);
	assert_int_equal(rec.line, 3);
	assert_string_equal(rec.fields[0], "SEP00112233445A");
	assert_string_equal(rec.fields[1], "say \"hi\"");

	assert_int_equal(csv_next(&c, &rec, &err), 1);
	assert_int_equal(rec.line, 4);
	assert_string_equal(rec.fields[1], "two\nlines");

	assert_int_equal(csv_next(&c, &rec, &err), 1);	/* the blank line */
	assert_int_equal(rec.line, 6);
	assert_int_equal(rec.n_fields, 1);
	assert_string_equal(rec.fields[0], "");

	assert_int_equal(csv_next(&c, &rec, &err), 1);
	assert_int_equal(rec.line, 7);
	assert_int_equal(rec.n_fields, 3);
	assert_string_equal(rec.fields[0], "last");
	assert_string_equal(rec.fields[2], "");
	assert_int_equal(csv_next(&c, &rec, &err), 0);
}

static void
csv_names_the_line_of_a_mistake(void **state)
{
	const char *open_quote = "a,b\nc,\"never\nclosed\n";
	const char *after_quote = "a,\"b\"x\n";
	const char *too_long_text;
	char *big;
	struct ucerr err;
	struct csv c;

	(void)state;
	csv_init(&c, open_quote, strlen(open_quote));
	assert_int_equal(csv_next(&c, &rec, &err), 1);
	assert_int_equal(csv_next(&c, &rec, &err), -1);
	assert_int_equal(c.err_line, 2);
	assert_non_null(strstr(err.msg, "never closed"));

	csv_init(&c, after_quote, strlen(after_quote));
	assert_int_equal(csv_next(&c, &rec, &err), -1);
	assert_int_equal(c.err_line, 1);
	assert_non_null(strstr(err.msg, "after the closing quote"));

	big = malloc(CSV_FIELD_MAX + 10);
	assert_non_null(big);
	memset(big, 'x', CSV_FIELD_MAX + 9);
	big[CSV_FIELD_MAX + 9] = '\0';
	too_long_text = big;
	csv_init(&c, too_long_text, strlen(too_long_text));
	assert_int_equal(csv_next(&c, &rec, NULL), -1);
	free(big);
}

static void
device_names_written_as_macs(void **state)
{
	static const char *const spellings[] = {
		"SEP001122AABBCC", "sep001122aabbcc", "00:11:22:aa:bb:cc",
		"00-11-22-AA-BB-CC", "0011.22aa.bbcc", "001122AABBCC",
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		assert_int_equal(device_name_normalise(spellings[i], out,
		    sizeof(out)), i == 0 ? 0 : 1);
		assert_string_equal(out, "SEP001122AABBCC");
		assert_true(device_name_valid(out));
	}
	/* Not MACs: left alone for device_name_valid to judge. */
	assert_int_equal(device_name_normalise("CSFjsmith", out, sizeof(out)), 0);
	assert_string_equal(out, "CSFjsmith");
	assert_int_equal(device_name_normalise("00:11:22:33:44", out,
	    sizeof(out)), 0);
	assert_int_equal(device_name_normalise("0011.2233.445G", out,
	    sizeof(out)), 0);
	assert_int_equal(device_name_normalise("SEP0011223344556", out,
	    sizeof(out)), 0);
	assert_false(device_name_valid(out));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_reads_quotes_commas_and_newlines),
		cmocka_unit_test(csv_names_the_line_of_a_mistake),
		cmocka_unit_test(device_names_written_as_macs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
