/* test_text.c - control characters found, escaped, and UTF-8 kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

static void
utf8_char_accepts_well_formed_and_refuses_the_rest(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_char("A", &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_char("\xc3\xa9", &cp), 2);	/* é */
	assert_int_equal(cp, 0xe9);
	assert_int_equal(utf8_char("\xe2\x80\xa6", &cp), 3);	/* … */
	assert_int_equal(cp, 0x2026);
	assert_int_equal(utf8_char("\xf0\x9f\x94\x92", &cp), 4);
	assert_int_equal(cp, 0x1f512);
	assert_int_equal(utf8_char("\xc2\x9b", &cp), 2);	/* C1 CSI */
	assert_int_equal(cp, 0x9b);
	assert_int_equal(utf8_char("\x9b", &cp), 0);		/* stray byte */
	assert_int_equal(utf8_char("\xc0\x8a", &cp), 0);	/* overlong */
	assert_int_equal(utf8_char("\xed\xa0\x80", &cp), 0);	/* surrogate */
	assert_int_equal(utf8_char("\xe2\x80", &cp), 0);	/* cut at NUL */
	assert_int_equal(utf8_char("\xf4\x90\x80\x80", &cp), 0); /* > U+10FFFF */
}

static void
find_control_sees_c0_del_and_c1_only(void **state)
{
	(void)state;
	assert_int_equal(text_find_control("SEP001122334455"), -1);
	assert_int_equal(text_find_control("caf\xc3\xa9"), -1);
	assert_int_equal(text_find_control("latin1 \xe9"), -1);	/* stray: not a control */
	assert_int_equal(text_find_control("ab\ncd"), 2);
	assert_int_equal(text_find_control("\x1b[31m"), 0);
	assert_int_equal(text_find_control("x\x7f"), 1);
	assert_int_equal(text_find_control("ab\xc2\x9b"), 2);
	assert_int_equal(text_find_control("tab\there"), 3);
}

static void
escape_writes_controls_and_stray_bytes_as_hex(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(text_escape("plain caf\xc3\xa9", out, sizeof(out)),
	    "plain caf\xc3\xa9");
	assert_string_equal(text_escape("a\nb\x1b[2J", out, sizeof(out)),
	    "a\\x0ab\\x1b[2J");
	assert_string_equal(text_escape("\xc2\x9bX\x9b", out, sizeof(out)),
	    "\\xc2\\x9bX\\x9b");
	assert_string_equal(text_escape("back\\slash", out, sizeof(out)),
	    "back\\slash");
}

static void
escape_truncates_at_a_whole_character(void **state)
{
	char out[8];

	(void)state;
	/* "ab" + "\x0a" would need 2 + 4 + NUL = 7; the next one does not fit. */
	assert_string_equal(text_escape("ab\n\n", out, sizeof(out)), "ab\\x0a");
	assert_string_equal(text_escape("abcdef\xc3\xa9", out, sizeof(out)),
	    "abcdef");
	assert_string_equal(text_escape("x", out, 1), "");
}

static void
escape_inplace_leaves_clean_text_alone(void **state)
{
	char s[32];

	(void)state;
	strcpy(s, "CN=cucm.example.com");
	text_escape_inplace(s, sizeof(s));
	assert_string_equal(s, "CN=cucm.example.com");
	strcpy(s, "CN=a\nb");
	text_escape_inplace(s, sizeof(s));
	assert_string_equal(s, "CN=a\\x0ab");
	strcpy(s, "0123456789\n\n\n\n\n\n");
	text_escape_inplace(s, sizeof(s));
	assert_int_equal(strlen(s) < sizeof(s), 1);
	assert_null(strchr(s, '\n'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_char_accepts_well_formed_and_refuses_the_rest),
		cmocka_unit_test(find_control_sees_c0_del_and_c1_only),
		cmocka_unit_test(escape_writes_controls_and_stray_bytes_as_hex),
		cmocka_unit_test(escape_truncates_at_a_whole_character),
		cmocka_unit_test(escape_inplace_leaves_clean_text_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
