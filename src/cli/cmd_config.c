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

#include "certmgr.h"
#include "commands.h"
#include "export.h"
#include "json.h"
#include "log.h"
#include "store.h"

/* Resets run at most this many at once unless configured. */
#define RESET_CONCURRENCY	4

const struct opt config_opts[] = {
	{ "reset-command", OPT_VALUE, "CMD", "run for each affected device; {device} is its name" },
	{ "reset-concurrency", OPT_VALUE, "N", "resets at once (default 4)" },
	{ "reload-command", OPT_VALUE, "CMD", "run after an export kept current changed (\"\" for none)" },
	{ "forget-export", OPT_VALUE, "PATH", "stop keeping this export current" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

struct export_print {
	struct cli	*cli;
	struct json	*j;		/* or NULL: text */
};

static int
print_export(void *arg, const struct export_row *row)
{
	struct export_print *p = arg;

	if (p->j == NULL) {
		fprintf(p->cli->out, "export %s %s %s\n", row->kind, row->path,
		    row->what);
		return 0;
	}
	json_object_begin(p->j, NULL);
	json_string(p->j, "kind", row->kind);
	json_string(p->j, "path", row->path);
	json_string(p->j, "what", row->what);
	json_object_end(p->j);
	return 0;
}

static int
set_exports(struct cli *cli, struct store *st, const struct args *a)
{
	const char *forget = args_get(a, "forget-export");
	int n;

	if (args_get(a, "reload-command") != NULL && store_meta_set(st,
	    "export.reload_command", args_get(a, "reload-command"),
	    &cli->err) == -1)
		return -1;
	if (forget == NULL)
		return 0;
	if ((n = store_export_delete(st, forget, &cli->err)) == -1)
		return -1;
	if (n == 0)
		return ucerr_set(&cli->err, "%s: not an export kept current "
		    "(ucpki config lists them)", forget);
	return 0;
}

int
cmd_config(struct cli *cli, const struct args *a)
{
	struct export_print p;
	struct store *st;
	struct json j;
	char v[1024], c[32], reload[2048];
	long n;
	int has_command, has_reload, rc;

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
	if (set_exports(cli, st, a) == -1)
		return -1;
	has_command = store_meta_get(st, "reset.command", v, sizeof(v),
	    NULL) == 1;
	if (store_meta_get(st, "reset.concurrency", c, sizeof(c), NULL) != 1)
		snprintf(c, sizeof(c), "%d", RESET_CONCURRENCY);
	has_reload = store_meta_get(st, "export.reload_command", reload,
	    sizeof(reload), NULL) == 1 && reload[0] != '\0';
	p.cli = cli;
	p.j = NULL;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		json_string(&j, "reset_command", has_command ? v : NULL);
		json_int(&j, "reset_concurrency", strtol(c, NULL, 10));
		json_string(&j, "reload_command", has_reload ? reload : NULL);
		json_array_begin(&j, "exports");
		p.j = &j;
		rc = store_export_each(st, print_export, &p, &cli->err);
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
		return rc;
	}
	if (has_command)
		fprintf(cli->out, "reset-command %s\n", v);
	else
		fprintf(cli->out, "reset-command (none: affected devices are "
		    "listed)\n");
	fprintf(cli->out, "reset-concurrency %s\n", c);
	if (has_reload)
		fprintf(cli->out, "reload-command %s\n", reload);
	else
		fprintf(cli->out, "reload-command (none)\n");
	return store_export_each(st, print_export, &p, &cli->err);
}

void
cli_exports_report(struct cli *cli, const struct export_refresh *r)
{
	(void)cli;
	fputs(r->notes, stderr);
	if (r->failed > 0)
		fprintf(stderr, "%d export(s) not kept current (%s)\n", r->failed,
		    r->failure);
	if (r->reload_run && r->reload_status != 0)
		fprintf(stderr, "the reload command failed (exit %d)\n",
		    r->reload_status);
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
cli_reset_devices(struct cli *cli, const char *why, char (*names)[64],
    size_t n)
{
	pid_t pids[256];
	char who[256][64], cmd[1024], line[2048], v[32];
	struct store *st = cli->store;
	long limit = RESET_CONCURRENCY;
	size_t i;
	int running = 0;

	if (n == 0)
		return 0;
	if (store_meta_get(st, "reset.command", cmd, sizeof(cmd), NULL) != 1) {
		fprintf(cli->out, "%s: reset these %zu device(s) (no reset command "
		    "is configured: ucpki config --reset-command CMD):\n", why, n);
		for (i = 0; i < n; i++)
			fprintf(cli->out, "  %s\n", names[i]);
		return 0;
	}
	if (store_meta_get(st, "reset.concurrency", v, sizeof(v), NULL) == 1)
		limit = strtol(v, NULL, 10);
	if (limit < 1 || limit > 256)
		limit = RESET_CONCURRENCY;
	fflush(cli->out);
	for (i = 0; i < n; i++) {
		while (running >= limit)
			reap_one(cli, pids, who, &running);
		expand(cmd, names[i], line, sizeof(line));
		if ((pids[running] = fork()) == 0) {
			execl("/bin/sh", "sh", "-c", line, (char *)NULL);
			_exit(127);
		}
		if (pids[running] == -1)
			break;
		snprintf(who[running++], 64, "%s", names[i]);
	}
	while (running > 0)
		reap_one(cli, pids, who, &running);
	return 0;
}

int
cli_report_outcome(struct cli *cli, const struct certmgr_outcome *o, int rc)
{
	int i;

	for (i = 0; i < o->cas_added; i++)
		fprintf(stderr, "%s: CA certificate added to %s\n",
		    o->trust_store, o->trust_store);
	if (o->replaced)
		fprintf(cli->out, "%s/%s.pem: %s\n", o->purpose, o->purpose,
		    strcmp(o->type, "CA-signed") == 0 ? "Certificate Signed by "
		    "a Certificate Authority installed" : "Self-signed "
		    "certificate generated by system");
	if (o->republished) {
		fprintf(stderr, "%s: ITL republished to the TFTP root\n",
		    o->purpose);
		cli_exports_report(cli, &o->exports);
	}
	if (rc == -1)
		return -1;
	return cli_reset_devices(cli, o->purpose, o->reset, o->n_reset);
}
