/*
 * cmd_config.c - `ucpki config`: cluster settings, and the reset hook
 * that phones affected by a change go through (phones cannot be reset
 * from here: the call agent does it, e.g. asterisk -rx "sip notify
 * cisco-restart {device}").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "store_device.h"

/* Resets run at most this many at once unless configured. */
#define RESET_CONCURRENCY	4

const struct opt config_opts[] = {
	{ "reset-command", OPT_VALUE, "CMD", "run for each affected device; {device} is its name" },
	{ "reset-concurrency", OPT_VALUE, "N", "resets at once (default 4)" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_config(struct cli *cli, const struct args *a)
{
	struct store *st;
	struct json j;
	char v[1024], c[32];
	long n;
	int has_command;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (args_get(a, "reset-command") != NULL && store_meta_set(st,
	    "reset.command", args_get(a, "reset-command"), &cli->err) == -1)
		return -1;
	if (args_has(a, "reset-concurrency")) {
		if (args_int(cli, a, "reset-concurrency", RESET_CONCURRENCY, 1, 256,
		    &n) == -1)
			return -1;
		snprintf(v, sizeof(v), "%ld", n);
		if (store_meta_set(st, "reset.concurrency", v, &cli->err) == -1)
			return -1;
	}
	has_command = store_meta_get(st, "reset.command", v, sizeof(v),
	    NULL) == 1;
	if (store_meta_get(st, "reset.concurrency", c, sizeof(c), NULL) != 1)
		snprintf(c, sizeof(c), "%d", RESET_CONCURRENCY);
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		json_string(&j, "reset_command", has_command ? v : NULL);
		json_int(&j, "reset_concurrency", strtol(c, NULL, 10));
		json_object_end(&j);
		json_finish(&j);
		return 0;
	}
	if (has_command)
		fprintf(cli->out, "reset-command %s\n", v);
	else
		fprintf(cli->out, "reset-command (none: affected devices are "
		    "listed)\n");
	fprintf(cli->out, "reset-concurrency %s\n", c);
	return 0;
}

struct names {
	char	(*v)[64];
	size_t	 n;
};

static int
collect(void *arg, const struct device *d)
{
	struct names *l = arg;
	char (*grown)[64] = reallocarray(l->v, l->n + 1, 64);

	if (grown == NULL)
		return -1;
	l->v = grown;
	snprintf(l->v[l->n++], 64, "%s", d->name);
	return 0;
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

static void
reap_one(struct cli *cli, pid_t *pids, char (*who)[64], int *running)
{
	int status, i;
	pid_t pid = wait(&status);

	for (i = 0; i < *running; i++) {
		if (pids[i] != pid)
			continue;
		fprintf(cli->out, "reset: %s: %s %d\n", who[i],
		    WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status));
		pids[i] = pids[*running - 1];
		memcpy(who[i], who[*running - 1], 64);
		(*running)--;
		return;
	}
}

int
cli_reset_devices(struct cli *cli, const char *why)
{
	struct names l = { NULL, 0 };
	pid_t pids[256];
	char who[256][64], cmd[1024], line[2048], v[32];
	struct store *st = cli->store;
	long limit = RESET_CONCURRENCY;
	size_t i;
	int running = 0;

	if (st == NULL || store_device_each(st, NULL, collect, &l, &cli->err) != 0)
		return -1;
	if (l.n == 0) {
		free(l.v);
		return 0;
	}
	if (store_meta_get(st, "reset.command", cmd, sizeof(cmd), NULL) != 1) {
		fprintf(cli->out, "%s: reset these %zu device(s) (no reset command "
		    "is configured: ucpki config --reset-command CMD):\n", why, l.n);
		for (i = 0; i < l.n; i++)
			fprintf(cli->out, "  %s\n", l.v[i]);
		free(l.v);
		return 0;
	}
	if (store_meta_get(st, "reset.concurrency", v, sizeof(v), NULL) == 1)
		limit = strtol(v, NULL, 10);
	if (limit < 1 || limit > 256)
		limit = RESET_CONCURRENCY;
	fflush(cli->out);
	for (i = 0; i < l.n; i++) {
		while (running >= limit)
			reap_one(cli, pids, who, &running);
		expand(cmd, l.v[i], line, sizeof(line));
		if ((pids[running] = fork()) == 0) {
			execl("/bin/sh", "sh", "-c", line, (char *)NULL);
			_exit(127);
		}
		if (pids[running] == -1)
			break;
		snprintf(who[running++], 64, "%s", l.v[i]);
	}
	while (running > 0)
		reap_one(cli, pids, who, &running);
	free(l.v);
	return 0;
}
