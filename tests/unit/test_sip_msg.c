/*
 * test_sip_msg.c - the phone's REGISTER and its reading of responses:
 * status lines, Content-Length (long and compact form), CSeq, and every
 * malformation refused with the byte it is at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sip_msg.h"

static int
parse(const char *text, struct sip_response *r, struct ucerr *err)
{
	return sip_response_parse((const uint8_t *)text, strlen(text), r, err);
}

static void
builds_a_register(void **state)
{
	struct sip_register reg = {
		"SEP001122334455", "cucm.example.test", 5061, "192.0.2.7", 50123,
		"Cisco-CP8845/14.2.1", "c0ffee", "b1", "t1", 3600,
	};
	char out[2048];
	size_t len;
	struct ucerr err;

	(void)state;
	assert_int_equal(sip_register_build(&reg, out, sizeof(out), &len, &err), 0);
	assert_int_equal(len, strlen(out));
	assert_non_null(strstr(out, "REGISTER sip:cucm.example.test:5061;"
	    "transport=tls SIP/2.0\r\n"));
	assert_non_null(strstr(out, "Via: SIP/2.0/TLS 192.0.2.7:50123;"
	    "branch=z9hG4bKb1;rport\r\n"));
	assert_non_null(strstr(out, "From: <sip:SEP001122334455@cucm.example."
	    "test>;tag=t1\r\n"));
	assert_non_null(strstr(out, "CSeq: 101 REGISTER\r\n"));
	assert_non_null(strstr(out, "urn:uuid:00000000-0000-0000-0000-"
	    "001122334455"));
	assert_non_null(strstr(out, "Content-Length: 0\r\n\r\n"));
	/* The head ends where the blank line ends. */
	assert_int_equal(sip_head_length((uint8_t *)out, len), len);
	assert_int_equal(sip_head_length((uint8_t *)out, len - 1), 0);
	assert_int_equal(sip_register_build(&reg, out, 64, &len, &err), -1);
}

static void
reads_responses(void **state)
{
	struct sip_response r;
	struct ucerr err;

	(void)state;
	assert_int_equal(parse("SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS x\r\n"
	    "CSeq: 101 REGISTER\r\nContent-Length: 0\r\n\r\n", &r, &err), 0);
	assert_int_equal(r.code, 200);
	assert_string_equal(r.status_line, "SIP/2.0 200 OK");
	assert_string_equal(r.cseq_method, "REGISTER");
	assert_int_equal(r.content_length, 0);
	assert_int_equal(parse("SIP/2.0 100 Trying\r\ncseq:  7 REGISTER\r\n"
	    "l : 12\r\n\r\n", &r, &err), 0);
	assert_int_equal(r.code, 100);
	assert_int_equal(r.content_length, 12);
	assert_int_equal(parse("SIP/2.0 403 Certificate Does Not Name This "
	    "Device\r\nCSeq: 101 REGISTER\r\nContent-Length: 0\r\n\r\n", &r,
	    &err), 0);
	assert_int_equal(r.code, 403);
	assert_string_equal(r.status_line, "SIP/2.0 403 Certificate Does Not "
	    "Name This Device");
}

static void
refuses_malformed_responses(void **state)
{
	struct sip_response r;
	struct ucerr err;

	(void)state;
	assert_int_equal(parse("", &r, &err), -1);
	assert_string_equal(err.msg, "sip: response: no status line");
	assert_int_equal(parse("HTTP/1.1 200 OK\r\n\r\n", &r, &err), -1);
	assert_string_equal(err.msg, "sip: response: bad status line at byte 0");
	assert_int_equal(parse("SIP/2.0 2x0 OK\r\n\r\n", &r, &err), -1);
	assert_int_equal(parse("SIP/2.0 700 Huh\r\n\r\n", &r, &err), -1);
	assert_int_equal(parse("SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\n\r\n", &r,
	    &err), -1);
	assert_string_equal(err.msg, "sip: response: no Content-Length");
	assert_int_equal(parse("SIP/2.0 200 OK\r\nContent-Length: 1x\r\n\r\n",
	    &r, &err), -1);
	assert_string_equal(err.msg, "sip: response: bad Content-Length at "
	    "byte 16");
	assert_int_equal(parse("SIP/2.0 200 OK\r\nContent-Length: 9999999\r\n"
	    "\r\n", &r, &err), -1);
	assert_int_equal(parse("SIP/2.0 200 OK\r\nContent-Length: 70000\r\n"
	    "\r\n", &r, &err), -1);
	assert_string_equal(err.msg, "sip: response: body of 70000 bytes is too "
	    "large");
	assert_int_equal(parse("SIP/2.0 200 OK\r\nX: a\x01" "b\r\n\r\n", &r,
	    &err), -1);
	assert_string_equal(err.msg, "sip: response: control character in the "
	    "header at byte 16");
	assert_int_equal(parse("SIP/2.0 200 OK\r\nContent-Length: 0", &r, &err),
	    -1);
	assert_string_equal(err.msg, "sip: response: header at byte 16 has no "
	    "line end");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builds_a_register),
		cmocka_unit_test(reads_responses),
		cmocka_unit_test(refuses_malformed_responses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
