/* reset.c - the reset hook (see reset.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reset.h"
#include "store.h"

int
reset_config_load(struct store *st, struct reset_config *c, struct ucerr *err)
{
	char v[32];
	int rc;

	memset(c, 0, sizeof(*c));
	c->concurrency = RESET_CONCURRENCY;
	if ((rc = store_meta_get(st, "reset.command", c->command,
	    sizeof(c->command), err)) == -1)
		return -1;
	/* `config --reset-command ""` takes it away. */
	c->has_command = rc == 1 && c->command[0] != '\0';
	if (store_meta_get(st, "reset.concurrency", v, sizeof(v), NULL) == 1)
		c->concurrency = strtol(v, NULL, 10);
	if (c->concurrency < 1 || c->concurrency > RESET_CONCURRENCY_MAX)
		c->concurrency = RESET_CONCURRENCY;
	return 0;
}

int
reset_config_set(struct store *st, const char *command, long concurrency,
    struct ucerr *err)
{
	char v[32];

	if (concurrency != 0 && (concurrency < 1 ||
	    concurrency > RESET_CONCURRENCY_MAX))
		return ucerr_set(err, "reset concurrency must be from 1 to %d",
		    RESET_CONCURRENCY_MAX);
	if (command != NULL && store_meta_set(st, "reset.command", command,
	    err) == -1)
		return -1;
	if (concurrency == 0)
		return 0;
	snprintf(v, sizeof(v), "%ld", concurrency);
	return store_meta_set(st, "reset.concurrency", v, err);
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

/*
 * Waits for the oldest reset still running.  Its own child, by pid: in
 * serve another thread's child (an export's reload command) must be left
 * to the waitpid that thread makes.
 */
static void
reap_one(pid_t *pids, char (*who)[64], int *running, reset_done_fn done,
    void *arg)
{
	int status, i;

	while (waitpid(pids[0], &status, 0) == -1)
		if (errno != EINTR) {
			status = 0x7f00;	/* lost: reported as exit 127 */
			break;
		}
	if (done != NULL)
		done(arg, who[0], WIFEXITED(status), WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status));
	for (i = 1; i < *running; i++) {
		pids[i - 1] = pids[i];
		memcpy(who[i - 1], who[i], 64);
	}
	(*running)--;
}

int
devices_reset(struct store *st, char (*names)[64], size_t n,
    reset_done_fn done, void *arg)
{
	pid_t pids[RESET_CONCURRENCY_MAX];
	char who[RESET_CONCURRENCY_MAX][64], line[2048];
	struct reset_config c;
	size_t i;
	int running = 0;

	if (reset_config_load(st, &c, NULL) == -1 || !c.has_command)
		return 0;
	for (i = 0; i < n; i++) {
		while (running >= c.concurrency)
			reap_one(pids, who, &running, done, arg);
		expand(c.command, names[i], line, sizeof(line));
		if ((pids[running] = fork()) == 0) {
			execl("/bin/sh", "sh", "-c", line, (char *)NULL);
			_exit(127);
		}
		if (pids[running] == -1)
			break;
		snprintf(who[running++], 64, "%s", names[i]);
	}
	while (running > 0)
		reap_one(pids, who, &running, done, arg);
	return 1;
}
