/*
 * cmd_config.c - `ucpki config`: cluster settings, and the reset hook
 * that phones affected by a change go through (phones cannot be reset
 * from here: the call agent does it, e.g. asterisk -rx "sip notify
 * cisco-restart {device}").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certmgr.h"
#include "commands.h"
#include "export.h"
#include "json.h"
#include "log.h"
#include "reset.h"
#include "store.h"

const struct opt config_opts[] = {
	{ "reset-command", OPT_VALUE, "CMD", "run for each affected device; {device} is its name" },
	{ "reset-concurrency", OPT_VALUE, "N", "resets at once (default 4)" },
	{ "reset-timeout", OPT_VALUE, "SECONDS", "a reset command still running after this is killed (default 30)" },
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

	if (args_get(a, "reload-command") != NULL && export_reload_command_set(st,
	    args_get(a, "reload-command"), &cli->err) == -1)
		return -1;
	return forget == NULL ? 0 : export_forget(st, forget, &cli->err);
}

int
cmd_config(struct cli *cli, const struct args *a)
{
	struct reset_config reset;
	struct export_print p;
	struct store *st;
	struct json j;
	char reload[2048];
	long n = 0, timeout_s = 0;
	int has_reload, rc;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (args_has(a, "reset-concurrency") && args_int(cli, a,
	    "reset-concurrency", RESET_CONCURRENCY, 1, RESET_CONCURRENCY_MAX,
	    &n) == -1)
		return -1;
	if (args_has(a, "reset-timeout") && args_int(cli, a, "reset-timeout",
	    RESET_TIMEOUT_S, 1, RESET_TIMEOUT_MAX, &timeout_s) == -1)
		return -1;
	if (reset_config_set(st, args_get(a, "reset-command"), n, timeout_s,
	    &cli->err) == -1 || set_exports(cli, st, a) == -1 ||
	    reset_config_load(st, &reset, &cli->err) == -1)
		return -1;
	has_reload = export_reload_command_get(st, reload, sizeof(reload),
	    NULL) == 1;
	p.cli = cli;
	p.j = NULL;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		json_string(&j, "reset_command", reset.has_command ? reset.command :
		    NULL);
		json_int(&j, "reset_concurrency", reset.concurrency);
		json_int(&j, "reset_timeout", reset.timeout_s);
		json_string(&j, "reload_command", has_reload ? reload : NULL);
		json_array_begin(&j, "exports");
		p.j = &j;
		rc = store_export_each(st, print_export, &p, &cli->err);
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
		return rc;
	}
	if (reset.has_command)
		fprintf(cli->out, "reset-command %s\n", reset.command);
	else
		fprintf(cli->out, "reset-command (none: affected devices are "
		    "listed)\n");
	fprintf(cli->out, "reset-concurrency %ld\n", reset.concurrency);
	fprintf(cli->out, "reset-timeout %ld\n", reset.timeout_s);
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

static void
print_reset(void *arg, const char *device, int exited, int code)
{
	struct cli *cli = arg;

	fprintf(cli->out, "reset: %s: %s %d\n", device, exited ? "exit" :
	    "signal", code);
}

int
cli_reset_devices(struct cli *cli, const char *why, char (*names)[64],
    size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	fflush(cli->out);
	if (devices_reset(cli->store, names, n, print_reset, cli) == 1)
		return 0;
	fprintf(cli->out, "%s: reset these %zu device(s) (no reset command "
	    "is configured: ucpki config --reset-command CMD):\n", why, n);
	for (i = 0; i < n; i++)
		fprintf(cli->out, "  %s\n", names[i]);
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
