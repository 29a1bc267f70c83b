/* test_hostport.c - servers named on the command line: HOST:PORT,
 * [IPV6]:PORT, a default port, and one clear line for each mistake. */
#include "test.h"
#include "hostport.h"

static void
parse_ok(const char *arg, int default_port, const char *host, int port)
{
	struct ucerr err;
	char got[64];
	int got_port = -1;

	if (hostport_parse(arg, default_port, got, sizeof(got), &got_port,
	    &err) == -1)
		fail_msg("%s: %s", arg, err.msg);
	assert_string_equal(got, host);
	assert_int_equal(got_port, port);
}

static void
parse_refused(const char *arg, int default_port, const char *reason)
{
	struct ucerr err;
	char got[16] = "untouched";
	int port = -1;

	assert_int_equal(hostport_parse(arg, default_port, got, sizeof(got),
	    &port, &err), -1);
	if (strstr(err.msg, reason) == NULL)
		fail_msg("%s: '%s' does not say '%s'", arg, err.msg, reason);
	assert_int_equal(strncmp(err.msg, arg, strlen(arg)), 0);
	assert_string_equal(got, "untouched");
	assert_int_equal(port, -1);
}

static void
names_and_addresses(void **state)
{
	(void)state;
	parse_ok("127.0.0.1:3804", 0, "127.0.0.1", 3804);
	parse_ok("cucm.example.test:6971", 0, "cucm.example.test", 6971);
	parse_ok("[::1]:2445", 0, "::1", 2445);
	parse_ok("[fe80::1%eth0]:1", 0, "fe80::1%eth0", 1);
	parse_ok("localhost:65535", 0, "localhost", 65535);
}

static void
default_port_only_when_given(void **state)
{
	(void)state;
	parse_ok("cucm.example.test", 3804, "cucm.example.test", 3804);
	parse_ok("[::1]", 6971, "::1", 6971);
	parse_ok("cucm:99", 3804, "cucm", 99);
	parse_refused("cucm.example.test", 0, "expected HOST:PORT");
	parse_refused("[::1]", 0, "expected HOST:PORT");
}

static void
mistakes_are_named(void **state)
{
	(void)state;
	parse_refused(":3804", 0, "no host");
	parse_refused("[]:3804", 0, "no host");
	parse_refused("host:", 0, "bad port");
	parse_refused("host:0", 0, "bad port");
	parse_refused("host:65536", 0, "bad port");
	parse_refused("host:+80", 0, "bad port");
	parse_refused("host: 80", 0, "bad port");
	parse_refused("host:80x", 0, "bad port");
	parse_refused("host:99999999999999999999", 0, "bad port");
	parse_refused("::1:3804", 0, "in brackets");
	parse_refused("[::1:3804", 0, "without ']'");
	parse_refused("[::1]3804", 0, "after ']'");
	parse_refused("a b:80", 0, "cannot have");
	parse_refused("a/b:80", 0, "cannot have");
	/* 16 bytes of room: 15 characters and the NUL */
	parse_refused("sixteen.chars.xx:80", 0, "longer than 15");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_addresses),
		cmocka_unit_test(default_port_only_when_given),
		cmocka_unit_test(mistakes_are_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
