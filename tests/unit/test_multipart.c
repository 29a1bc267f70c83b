/* test_multipart.c - multipart/form-data bodies as browsers send them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "multipart.h"

#define B "----WebKitFormBoundaryQ3x"

static int
parse(const char *body, size_t len, struct multipart *m, struct ucerr *err)
{
	return multipart_parse((const uint8_t *)body, len, B, m, err);
}

static void
boundary_from_content_type(void **state)
{
	char b[MULTIPART_BOUNDARY_MAX + 1];
	struct ucerr err;

	(void)state;
	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
	    B, b, &err), 0);
	assert_string_equal(b, B);
	assert_int_equal(multipart_boundary("Multipart/Form-Data; charset=utf-8;"
	    " boundary=\"a b\"", b, &err), 0);
	assert_string_equal(b, "a b");
	assert_int_equal(multipart_boundary("application/x-www-form-urlencoded",
	    b, &err), -1);
	assert_string_equal(err.msg, "the body must be multipart/form-data");
	assert_int_equal(multipart_boundary("multipart/form-data", b, &err), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=",
	    b, &err), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aa", b, &err), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=a<b",
	    b, &err), -1);
	assert_string_equal(err.msg, "multipart: the boundary holds a "
	    "character it may not");
}

static void
fields_and_a_binary_file(void **state)
{
	static const char body[] =
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n"
	    "tomcat\r\n"
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"file\"; "
	    "filename=\"tomcat.der\"\r\n"
	    "Content-Type: application/x-x509-ca-cert\r\n\r\n"
	    "\x30\x00\r\n--not-it\r\n"
	    "\r\n--" B "--\r\n";
	const struct multipart_part *p;
	struct multipart m;
	struct ucerr err;

	(void)state;
	assert_int_equal(parse(body, sizeof(body) - 1, &m, &err), 0);
	assert_int_equal(m.n, 2);
	p = multipart_find(&m, "purpose");
	assert_non_null(p);
	assert_int_equal(p->is_file, 0);
	assert_int_equal(p->len, 6);
	assert_memory_equal(p->data, "tomcat", 6);
	p = multipart_find(&m, "file");
	assert_non_null(p);
	assert_int_equal(p->is_file, 1);
	assert_string_equal(p->filename, "tomcat.der");
	assert_string_equal(p->type, "application/x-x509-ca-cert");
	/* A NUL and a line that merely starts like a boundary are data. */
	assert_int_equal(p->len, 14);
	assert_memory_equal(p->data, "\x30\x00\r\n--not-it\r\n", 14);
	assert_null(multipart_find(&m, "store"));
}

static void
bad_bodies_get_one_line(void **state)
{
	struct multipart m;
	struct ucerr err;
	char big[4096];

	(void)state;
	assert_int_equal(parse("", 0, &m, &err), -1);
	assert_string_equal(err.msg, "multipart: the body does not follow its "
	    "boundary (at byte 0)");
	assert_int_equal(m.n, 0);
	/* Cut short: no closing boundary. */
	{
		static const char cut[] = "--" B "\r\nContent-Disposition: "
		    "form-data; name=\"file\"\r\n\r\nabc";

		assert_int_equal(parse(cut, sizeof(cut) - 1, &m, &err), -1);
		assert_string_equal(err.msg, "multipart: part 1 (file) does not "
		    "end with the boundary: the body is cut short");
	}
	{
		static const char noname[] = "--" B "\r\nContent-Disposition: "
		    "form-data; filename=\"x\"\r\n\r\nabc\r\n--" B "--";

		assert_int_equal(parse(noname, sizeof(noname) - 1, &m, &err), -1);
		assert_string_equal(err.msg, "multipart: part 1: no name");
	}
	{
		static const char nodisp[] = "--" B "\r\nContent-Type: text/plain"
		    "\r\n\r\nabc\r\n--" B "--";

		assert_int_equal(parse(nodisp, sizeof(nodisp) - 1, &m, &err),
		    -1);
		assert_string_equal(err.msg, "multipart: part 1: no "
		    "Content-Disposition");
	}
	{
		static const char ctl[] = "--" B "\r\nContent-Disposition: "
		    "form-data; name=\"a\x1b\"\r\n\r\nabc\r\n--" B "--";

		assert_int_equal(parse(ctl, sizeof(ctl) - 1, &m, &err), -1);
		assert_string_equal(err.msg, "multipart: part 1: a control "
		    "character in a header");
	}
	/* A header line past the bound. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "--" B "\r\nX: ", 2 + strlen(B) + 5);
	memcpy(big + sizeof(big) - 4, "\r\n\r\n", 4);
	assert_int_equal(parse(big, sizeof(big), &m, &err), -1);
	assert_string_equal(err.msg, "multipart: part 1: a header line longer "
	    "than 1024 bytes");
}

static void
parts_are_bounded(void **state)
{
	static const char one[] = "--" B "\r\nContent-Disposition: form-data; "
	    "name=\"f\"\r\n\r\nv\r\n";
	char body[4096];
	struct multipart m;
	struct ucerr err;
	size_t len = 0;
	int i;

	(void)state;
	for (i = 0; i < MULTIPART_PARTS_MAX + 1; i++) {
		memcpy(body + len, one, sizeof(one) - 1);
		len += sizeof(one) - 1;
	}
	memcpy(body + len, "--" B "--", strlen(B) + 4);
	len += strlen(B) + 4;
	assert_int_equal(parse(body, len, &m, &err), -1);
	assert_string_equal(err.msg, "multipart: more than 16 parts");
	/* One fewer is fine. */
	len = (sizeof(one) - 1) * MULTIPART_PARTS_MAX;
	memcpy(body + len, "--" B "--", strlen(B) + 4);
	assert_int_equal(parse(body, len + strlen(B) + 4, &m, &err), 0);
	assert_int_equal(m.n, MULTIPART_PARTS_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boundary_from_content_type),
		cmocka_unit_test(fields_and_a_binary_file),
		cmocka_unit_test(bad_bodies_get_one_line),
		cmocka_unit_test(parts_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
