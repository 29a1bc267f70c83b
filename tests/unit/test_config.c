/* test_config.c - key = value files, the serve settings, installed or
 * checkout, and the status file reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "commands.h"
#include "kvfile.h"
#include "paths.h"
#include "server.h"
#include "server_conf.h"
#include "server_status.h"

struct seen {
	char	text[512];
};

static int
collect(void *ctx, const char *key, const char *value, struct ucerr *err)
{
	struct seen *s = ctx;
	size_t n = strlen(s->text);

	(void)err;
	snprintf(s->text + n, sizeof(s->text) - n, "[%s=%s]", key, value);
	return 0;
}

static int
parse(const char *text, struct seen *s, struct ucerr *err)
{
	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	return kv_parse("t.conf", (const uint8_t *)text, strlen(text), collect, s,
	    err);
}

static void
kv_reads_keys_values_comments_and_blanks(void **state)
{
	struct seen s;
	struct ucerr err;

	(void)state;
	assert_int_equal(parse("# comment\n\n  a = 1\nb-2=two words \r\n"
	    "\t# indented comment\nc =\nd = x # not a comment", &s, &err), 0);
	assert_string_equal(s.text, "[a=1][b-2=two words][c=][d=x # not a comment]");
	assert_int_equal(parse("", &s, &err), 0);
	assert_string_equal(s.text, "");
}

static void
kv_refuses_with_file_and_line(void **state)
{
	struct seen s;
	struct ucerr err;
	char *big;

	(void)state;
	assert_int_equal(parse("a = 1\nb 2\n", &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:2: b: expected '=' after the key");
	assert_int_equal(parse("a = 1\n\nListen = x\n", &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:3: expected 'key = value'");
	assert_int_equal(parse("ok = 1\nkey_x = 1\n", &s, &err), -1);
	assert_string_equal(err.msg,
	    "t.conf:2: key_: keys are lower-case letters, digits and '-'");
	assert_int_equal(parse("= 1\n", &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:1: expected 'key = value'");
	assert_int_equal(parse("a = 1\na = x\x01y\n", &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:2: control character 0x01 at column 6");
	assert_int_equal(kv_parse("t.conf", (const uint8_t *)"a = 1\n\0b = 2", 13,
	    collect, &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:2: control character 0x00 at column 1");

	big = malloc(KV_LINE_MAX + 8);
	assert_non_null(big);
	memset(big, 'a', KV_LINE_MAX + 1);
	big[KV_LINE_MAX + 1] = '\0';
	assert_int_equal(parse(big, &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:1: line longer than 1024 bytes");
	/* A key of 64 characters is too long even though the line is not. */
	memset(big, 'k', 64);
	strcpy(big + 64, " = 1");
	assert_int_equal(parse(big, &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:1: key longer than 63 characters");
	free(big);
}

static int
conf(struct server_config *cfg, const char *text, struct ucerr *err)
{
	server_config_defaults(cfg);
	memset(err, 0, sizeof(*err));
	return server_config_parse(cfg, "/etc/ucpki/ucpki.conf",
	    (const uint8_t *)text, strlen(text), err);
}

static void
settings_from_the_file(void **state)
{
	struct server_config cfg;
	struct ucerr err;
	char v[64];

	(void)state;
	assert_int_equal(conf(&cfg, "listen = 127.0.0.1\ncapf-port = 13804\n"
	    "tvs-port = 0\ntls1 = yes\nallow-rsa512 = Off\nsyslog = 1\n"
	    "log-level = debug\nuser = ucpki\nmonitor-interval = 0\n", &err), 0);
	assert_string_equal(cfg.listen_addr, "127.0.0.1");
	assert_int_equal(cfg.capf_port, 13804);
	assert_int_equal(cfg.tvs_port, 0);
	assert_int_equal(cfg.tls1, 1);
	assert_int_equal(cfg.allow_rsa512, 0);
	assert_int_equal(cfg.syslog, 1);
	assert_int_equal(cfg.log_level, 3);
	assert_string_equal(cfg.user, "ucpki");
	assert_int_equal(cfg.monitor_interval_s, 0);
	/* Untouched settings keep their defaults. */
	assert_int_equal(cfg.idle_timeout_s, 30);
	assert_int_equal(server_config_get(&cfg, "tls1", v, sizeof(v)), 0);
	assert_string_equal(v, "yes");
	assert_int_equal(server_config_get(&cfg, "log-level", v, sizeof(v)), 0);
	assert_string_equal(v, "debug");
	assert_int_equal(server_config_get(&cfg, "nope", v, sizeof(v)), -1);
}

static void
bad_settings_are_refused_with_the_line(void **state)
{
	struct server_config cfg;
	struct ucerr err;

	(void)state;
	assert_int_equal(conf(&cfg, "capf-port = 3804\ncapf-port = 3805\n", &err), -1);
	assert_string_equal(err.msg, "/etc/ucpki/ucpki.conf:2: capf-port: set twice");
	assert_int_equal(conf(&cfg, "\ncapf-prot = 3804\n", &err), -1);
	assert_string_equal(err.msg, "/etc/ucpki/ucpki.conf:2: capf-prot: unknown "
	    "setting (the settings are serve's long options; see ucpki serve --help)");
	assert_int_equal(conf(&cfg, "capf-port = 65536\n", &err), -1);
	assert_string_equal(err.msg, "/etc/ucpki/ucpki.conf:1: capf-port: must be "
	    "a number from 0 to 65535, not '65536'");
	assert_int_equal(conf(&cfg, "idle-timeout = 0\n", &err), -1);
	assert_int_equal(conf(&cfg, "loops = 2x\n", &err), -1);
	assert_int_equal(conf(&cfg, "workers =\n", &err), -1);
	assert_int_equal(conf(&cfg, "tls1 = maybe\n", &err), -1);
	assert_string_equal(err.msg, "/etc/ucpki/ucpki.conf:1: tls1: must be yes "
	    "or no, not 'maybe'");
	assert_int_equal(conf(&cfg, "listen = ::1\n", &err), -1);
	assert_string_equal(err.msg, "/etc/ucpki/ucpki.conf:1: listen: '::1' is "
	    "not an IPv4 address");
	assert_int_equal(conf(&cfg, "listen = 0.0.0.0 # all\n", &err), -1);
	assert_int_equal(conf(&cfg, "log-level = loud\n", &err), -1);
	assert_int_equal(conf(&cfg, "user = root;rm\n", &err), -1);
	assert_string_equal(err.msg, "/etc/ucpki/ucpki.conf:1: user: 'root;rm' is "
	    "not a user name");
}

/* The defaults, then the file, then the command line, whichever order
 * the command line gives its options in. */
static void
command_line_over_file_over_defaults(void **state)
{
	static const struct server_config_arg args[] = {
		{ "capf-port", "14804" },
		{ "tls1", "yes" },
	};
	static const struct server_config_arg bad[] = {
		{ "tvs-port", "2445" },
		{ "capf-port", "70000" },
	};
	char path[] = "/tmp/ucpki-conf.XXXXXX";
	const char *text = "capf-port = 13804\ntvs-port = 12445\n";
	struct server_config cfg;
	const char *source = NULL;
	struct ucerr err;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(server_config_resolve(&cfg, path, args, 2, &source,
	    &err), 0);
	assert_string_equal(source, path);
	assert_int_equal(cfg.capf_port, 14804);	/* command line */
	assert_int_equal(cfg.tvs_port, 12445);	/* file */
	assert_int_equal(cfg.tls1, 1);		/* command line */
	assert_int_equal(cfg.idle_timeout_s, 30);	/* default */
	/* A checkout binary reads no file unless told. */
	assert_int_equal(server_config_resolve(&cfg, NULL, args, 1, &source,
	    &err), 0);
	assert_string_equal(source, "built-in defaults");
	assert_int_equal(cfg.capf_port, 14804);
	assert_int_equal(cfg.tvs_port, 2445);
	assert_int_equal(cfg.tls1, 0);
	/* The bad option is named as the command line spells it. */
	assert_int_equal(server_config_resolve(&cfg, path, bad, 2, &source,
	    &err), -1);
	assert_string_equal(err.msg, "serve: --capf-port: must be a number "
	    "from 0 to 65535, not '70000'");
	/* A file named but missing is an error, not the defaults. */
	unlink(path);
	assert_int_equal(server_config_resolve(&cfg, path, NULL, 0, &source,
	    &err), -1);
	assert_non_null(strstr(err.msg, path));
}

/* ucpki.conf has a key for every serve option, and nothing else. */
static void
every_serve_option_is_a_setting(void **state)
{
	const struct opt *o;
	const char *key;
	int i, n_opts = 0, found;

	(void)state;
	for (o = serve_opts; o->name != NULL; o++) {
		if (strcmp(o->name, "config") == 0 ||
		    strcmp(o->name, "check-config") == 0) {
			assert_false(server_config_known(o->name));
			continue;
		}
		n_opts++;
		if (!server_config_known(o->name))
			fail_msg("serve --%s has no ucpki.conf key", o->name);
		assert_int_equal(server_config_key_is_flag(o->name),
		    o->kind == OPT_FLAG);
	}
	for (i = 0; (key = server_config_key(i)) != NULL; i++) {
		found = 0;
		for (o = serve_opts; o->name != NULL; o++)
			found |= strcmp(o->name, key) == 0;
		if (!found)
			fail_msg("ucpki.conf key %s is not a serve option", key);
	}
	assert_int_equal(i, n_opts);
}

static void
installed_means_running_from_the_bindir(void **state)
{
	char dir[] = "/tmp/ucpki-paths.XXXXXX", bin[256], link[256], exe[300];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(bin, sizeof(bin), "%s/usr-bin", dir);
	snprintf(link, sizeof(link), "%s/bin", dir);
	assert_int_equal(mkdir(bin, 0755), 0);
	assert_int_equal(symlink(bin, link), 0);
	/* /proc/self/exe is resolved; the bindir may be a symbolic link. */
	snprintf(exe, sizeof(exe), "%s/ucpki", bin);
	assert_true(paths_is_installed(exe, bin));
	assert_true(paths_is_installed(exe, link));
	snprintf(exe, sizeof(exe), "%s/ucpki-other", bin);
	assert_false(paths_is_installed(exe, bin));
	assert_false(paths_is_installed("/work/build/ucpki", bin));
	assert_false(paths_is_installed(exe, "/no/such/dir"));
	/* This test program is not installed: the checkout defaults. */
	assert_false(paths_installed());
	assert_string_equal(paths_default_home(), "./var");
	assert_null(paths_default_config());
	unlink(link);
	rmdir(bin);
	rmdir(dir);
}

static void
write_status(const char *dir, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, SERVE_STATUS_FILE);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

static void
status_file_verdicts(void **state)
{
	char dir[] = "/tmp/ucpki-status.XXXXXX", text[512];
	struct serve_status st;
	struct ucerr err;
	pid_t dead;
	time_t now = time(NULL);

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(server_status_read(dir, now, &st, &err), 0);
	assert_string_equal(st.verdict, "not running");
	assert_false(st.up);

	/* A process that has exited. */
	if ((dead = fork()) == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(text, sizeof(text), "state = running\npid = %ld\nupdated = %lld\n"
	    "listener = CAPF 0.0.0.0 3804\nlistener = TVS 0.0.0.0 2445\n"
	    "devices = 12\npending = 3\nerror = 1700000000 capf: trust: x\n"
	    "future-key = ignored\n", (long)dead, (long long)now);
	write_status(dir, text);
	assert_int_equal(server_status_read(dir, now, &st, &err), 1);
	assert_string_equal(st.verdict, "not running");
	assert_int_equal(st.n_listeners, 2);
	assert_string_equal(st.listeners[1].service, "TVS");
	assert_int_equal(st.listeners[1].port, 2445);
	assert_int_equal(st.devices, 12);
	assert_int_equal(st.pending, 3);
	assert_int_equal(st.n_errors, 1);
	assert_string_equal(st.errors[0].msg, "capf: trust: x");

	/* Alive but not ucpki (this test): a reused pid is not the service. */
	snprintf(text, sizeof(text), "state = running\npid = %ld\nupdated = %lld\n",
	    (long)getpid(), (long long)now);
	write_status(dir, text);
	assert_int_equal(server_status_read(dir, now, &st, &err), 1);
	assert_string_equal(st.verdict, "not running");

	snprintf(text, sizeof(text), "state = stopped\npid = %ld\n", (long)dead);
	write_status(dir, text);
	assert_int_equal(server_status_read(dir, now, &st, &err), 1);
	assert_string_equal(st.verdict, "stopped");

	write_status(dir, "state = running\npid = 12x\n");
	assert_int_equal(server_status_read(dir, now, &st, &err), -1);
	assert_non_null(strstr(err.msg, "serve.status:2: pid: '12x' is not a number"));
	write_status(dir, "state = running\n");
	assert_int_equal(server_status_read(dir, now, &st, &err), -1);
	write_status(dir, "pid = 5\nlistener = CAPF\n");
	assert_int_equal(server_status_read(dir, now, &st, &err), -1);

	snprintf(text, sizeof(text), "%s/%s", dir, SERVE_STATUS_FILE);
	unlink(text);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kv_reads_keys_values_comments_and_blanks),
		cmocka_unit_test(kv_refuses_with_file_and_line),
		cmocka_unit_test(settings_from_the_file),
		cmocka_unit_test(bad_settings_are_refused_with_the_line),
		cmocka_unit_test(command_line_over_file_over_defaults),
		cmocka_unit_test(every_serve_option_is_a_setting),
		cmocka_unit_test(installed_means_running_from_the_bindir),
		cmocka_unit_test(status_file_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
