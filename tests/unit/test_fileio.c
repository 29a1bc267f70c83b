/* test_fileio.c - atomic writes against planted names, and the checks
 * that refuse files others own or can reach. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fileio.h"

struct fixture {
	char	dir[64];
	char	out[128];
	char	victim[128];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	FILE *fp;

	snprintf(f->dir, sizeof(f->dir), "/tmp/ucpki-fileio.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->out, sizeof(f->out), "%s/out.pem", f->dir);
	snprintf(f->victim, sizeof(f->victim), "%s/victim", f->dir);
	assert_non_null(fp = fopen(f->victim, "w"));
	fputs("victim\n", fp);
	fclose(fp);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
assert_file(const char *path, const char *want)
{
	uint8_t *data;
	size_t len;
	struct ucerr err;

	assert_int_equal(file_read(path, 4096, &data, &len, &err), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	free(data);
}

/* Entries in the directory other than these two. */
static int
others_in(const struct fixture *f)
{
	char cmd[256];
	FILE *p;
	int n = 0, c;

	snprintf(cmd, sizeof(cmd), "ls -A %s | grep -v -x -e out.pem -e victim "
	    "-e 'out.pem.tmp.*'", f->dir);
	assert_non_null(p = popen(cmd, "r"));
	while ((c = fgetc(p)) != EOF)
		n += c == '\n';
	pclose(p);
	return n;
}

/* The name the old code used, PATH.tmp.PID, planted as a hard link to
 * someone else's file: it must not be written through. */
static void
planted_hard_link_is_not_written(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	char planted[160];

	snprintf(planted, sizeof(planted), "%s.tmp.%ld", f->out, (long)getpid());
	assert_int_equal(link(f->victim, planted), 0);
	assert_int_equal(file_write_atomic(f->out, "new\n", 4, 0644, &err), 0);
	assert_file(f->victim, "victim\n");
	assert_file(planted, "victim\n");
	assert_file(f->out, "new\n");
	assert_int_equal(others_in(f), 0);
}

static void
planted_symlink_is_not_followed(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	char planted[160];

	snprintf(planted, sizeof(planted), "%s.tmp.%ld", f->out, (long)getpid());
	assert_int_equal(symlink(f->victim, planted), 0);
	assert_int_equal(file_write_atomic(f->out, "new\n", 4, 0600, &err), 0);
	assert_file(f->victim, "victim\n");
	assert_file(f->out, "new\n");
}

/* The output itself a link: replaced by the rename, never followed. */
static void
output_symlink_is_replaced(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	struct stat st;

	assert_int_equal(symlink(f->victim, f->out), 0);
	assert_int_equal(file_write_atomic(f->out, "new\n", 4, 0644, &err), 0);
	assert_int_equal(lstat(f->out, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_file(f->victim, "victim\n");
}

static void
mode_is_exact_whatever_the_umask(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	struct stat st;
	mode_t old = umask(0);

	assert_int_equal(file_write_atomic(f->out, "x", 1, 0600, &err), 0);
	assert_int_equal(stat(f->out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	umask(077);
	assert_int_equal(file_write_atomic(f->out, "x", 1, 0644, &err), 0);
	assert_int_equal(stat(f->out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	umask(old);
	assert_int_equal(others_in(f), 0);
}

static void
dir_make_gives_the_mode_asked(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	struct stat st;
	char path[160];
	mode_t old = umask(077);

	snprintf(path, sizeof(path), "%s/a/b", f->dir);
	assert_int_equal(dir_make(path, 0755, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	umask(old);
}

static void
private_checks_name_the_path_and_the_fix(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	char want[256];

	assert_int_equal(chmod(f->victim, 0600), 0);
	assert_int_equal(path_check_private(f->victim, "the key", 077, "600", 0,
	    &err), 0);
	assert_int_equal(chmod(f->victim, 0640), 0);
	assert_int_equal(path_check_private(f->victim, "the key", 077, "600", 0,
	    &err), -1);
	snprintf(want, sizeof(want), "%s: the key is readable by group or "
	    "others (mode 640); run: chmod 600 %s", f->victim, f->victim);
	assert_string_equal(err.msg, want);
	assert_int_equal(chmod(f->victim, 0602), 0);
	assert_int_equal(path_check_private(f->victim, "the key", 077, "600", 0,
	    &err), -1);
	assert_non_null(strstr(err.msg, "is writable by group or others"));
	/* 022 only: readable by others is allowed, writable is not. */
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(path_check_private(f->dir, "the home", 022, "go-w", 0,
	    &err), 0);
	assert_int_equal(chmod(f->dir, 0775), 0);
	assert_int_equal(path_check_private(f->dir, "the home", 022, "go-w", 0,
	    &err), -1);
	assert_non_null(strstr(err.msg, "run: chmod go-w"));
	assert_int_equal(chmod(f->dir, 0700), 0);
	assert_int_equal(path_check_private("/nonexistent/x", "x", 077, "600",
	    1, &err), 0);
	assert_int_equal(path_check_private("/nonexistent/x", "x", 077, "600",
	    0, &err), -1);
	if (geteuid() == 0) {
		assert_int_equal(chown(f->victim, 65534, 65534), 0);
		assert_int_equal(chmod(f->victim, 0600), 0);
		assert_int_equal(path_check_private(f->victim, "the key", 077,
		    "600", 0, &err), -1);
		assert_non_null(strstr(err.msg, "is owned by uid 65534"));
		assert_non_null(strstr(err.msg, "run: chown 0 "));
		path_allow_owner(65534);
		assert_int_equal(path_check_private(f->victim, "the key", 077,
		    "600", 0, &err), 0);
		path_allow_owner((uid_t)-1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(planted_hard_link_is_not_written, setup, teardown),
		cmocka_unit_test_setup_teardown(planted_symlink_is_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(output_symlink_is_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(mode_is_exact_whatever_the_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(dir_make_gives_the_mode_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(private_checks_name_the_path_and_the_fix, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
