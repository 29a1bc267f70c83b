/* reset.c - the reset hook (see reset.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "reset.h"
#include "store.h"

/* A number setting: its value, or def when unset or out of range. */
static long
load_number(struct store *st, const char *key, long def, long max)
{
	char v[32];
	long n;

	if (store_meta_get(st, key, v, sizeof(v), NULL) != 1)
		return def;
	n = strtol(v, NULL, 10);
	return n < 1 || n > max ? def : n;
}

int
reset_config_load(struct store *st, struct reset_config *c, struct ucerr *err)
{
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = store_meta_get(st, "reset.command", c->command,
	    sizeof(c->command), err)) == -1)
		return -1;
	/* `config --reset-command ""` takes it away. */
	c->has_command = rc == 1 && c->command[0] != '\0';
	c->concurrency = load_number(st, "reset.concurrency",
	    RESET_CONCURRENCY, RESET_CONCURRENCY_MAX);
	c->timeout_s = load_number(st, "reset.timeout", RESET_TIMEOUT_S,
	    RESET_TIMEOUT_MAX);
	return 0;
}

static int
set_number(struct store *st, const char *key, long value, struct ucerr *err)
{
	char v[32];

	if (value == 0)
		return 0;
	snprintf(v, sizeof(v), "%ld", value);
	return store_meta_set(st, key, v, err);
}

int
reset_config_set(struct store *st, const char *command, long concurrency,
    long timeout_s, struct ucerr *err)
{
	if (concurrency != 0 && (concurrency < 1 ||
	    concurrency > RESET_CONCURRENCY_MAX))
		return ucerr_set(err, "reset concurrency must be from 1 to %d",
		    RESET_CONCURRENCY_MAX);
	if (timeout_s != 0 && (timeout_s < 1 || timeout_s > RESET_TIMEOUT_MAX))
		return ucerr_set(err, "reset timeout must be from 1 to %d "
		    "seconds", RESET_TIMEOUT_MAX);
	if (command != NULL && store_meta_set(st, "reset.command", command,
	    err) == -1)
		return -1;
	if (set_number(st, "reset.concurrency", concurrency, err) == -1)
		return -1;
	return set_number(st, "reset.timeout", timeout_s, err);
}

/* cmd with every {device} replaced by name (names are validated). */
static void
expand(const char *cmd, const char *name, char *out, size_t outlen)
{
	size_t used = 0;
	const char *p;

	for (p = cmd; *p != '\0' && used + 1 < outlen; p++) {
		if (strncmp(p, "{device}", 8) == 0) {
			used += (size_t)snprintf(out + used, outlen - used, "%s", name);
			p += 7;
		} else {
			out[used++] = *p;
		}
	}
	out[used < outlen ? used : outlen - 1] = '\0';
}

struct running {
	pid_t		 pid;
	int64_t		 deadline;	/* monotonic ms */
	char		 who[64];
};

/*
 * Waits for the oldest reset still running, until its deadline: then
 * its process group (the shell and what it started) is killed.  Its own
 * child, by pid: in serve another thread's child (an export's reload
 * command) must be left to the waitpid that thread makes.
 */
static void
reap_one(struct running *r, int *n, reset_done_fn done, void *arg)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	int status = 0, killed = 0;
	pid_t got;

	for (;;) {
		got = waitpid(r[0].pid, &status, killed ? 0 : WNOHANG);
		if (got == r[0].pid)
			break;
		if (got == -1 && errno != EINTR) {
			status = 0x7f00;	/* lost: reported as exit 127 */
			break;
		}
		if (got == 0 && clock_monotonic_ms() >= r[0].deadline) {
			log_warn("reset: %s: the command did not end in time: "
			    "killed", r[0].who);
			(void)kill(-r[0].pid, SIGKILL);
			(void)kill(r[0].pid, SIGKILL);
			killed = 1;
		} else if (got == 0) {
			nanosleep(&tick, NULL);
		}
	}
	if (done != NULL)
		done(arg, r[0].who, WIFEXITED(status), WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status));
	memmove(&r[0], &r[1], (size_t)(*n - 1) * sizeof(*r));
	(*n)--;
}

int
devices_reset(struct store *st, char (*names)[64], size_t n,
    reset_done_fn done, void *arg)
{
	struct running r[RESET_CONCURRENCY_MAX];
	struct reset_config c;
	char line[2048];
	size_t i;
	int running = 0;

	if (reset_config_load(st, &c, NULL) == -1 || !c.has_command)
		return 0;
	for (i = 0; i < n; i++) {
		while (running >= c.concurrency)
			reap_one(r, &running, done, arg);
		expand(c.command, names[i], line, sizeof(line));
		if ((r[running].pid = fork()) == 0) {
			/* A group of its own, so the time limit stops it all. */
			(void)setpgid(0, 0);
			execl("/bin/sh", "sh", "-c", line, (char *)NULL);
			_exit(127);
		}
		if (r[running].pid == -1)
			break;
		r[running].deadline = clock_monotonic_ms() + c.timeout_s * 1000;
		snprintf(r[running++].who, sizeof(r[0].who), "%s", names[i]);
	}
	while (running > 0)
		reap_one(r, &running, done, arg);
	return 1;
}
