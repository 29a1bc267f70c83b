/* cmd_diagnose.c - `ucpki diagnose LOGFILE`: causes and fixes. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "fileio.h"
#include "json.h"
#include "logdiag.h"

const struct opt diagnose_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

struct diag_ctx {
	struct cli	*cli;
	struct json	*json;
};

static void
on_hit(void *arg, const struct log_hit *hit)
{
	struct diag_ctx *d = arg;

	if (d->json != NULL) {
		json_object_begin(d->json, NULL);
		json_int(d->json, "line", (int64_t)hit->line);
		json_string(d->json, "pattern", hit->pattern->name);
		json_string(d->json, "cause", hit->pattern->cause);
		json_string(d->json, "fix", hit->pattern->fix);
		json_string(d->json, "text", hit->text);
		json_object_end(d->json);
		return;
	}
	fprintf(d->cli->out, "line %zu: %s\n  %s\n  cause: %s\n  fix: %s\n",
	    hit->line, hit->pattern->name, hit->text, hit->pattern->cause,
	    hit->pattern->fix);
}

int
cmd_diagnose(struct cli *cli, const struct args *a)
{
	struct diag_ctx d = { cli, NULL };
	struct json j;
	uint8_t *data;
	size_t len, hits;

	if (file_read(a->positional[0], FILE_READ_MAX, &data, &len,
	    &cli->err) == -1)
		return -1;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_array_begin(&j, NULL);
		d.json = &j;
	}
	hits = logdiag_scan(data, len, on_hit, &d);
	if (d.json != NULL) {
		json_array_end(&j);
		json_finish(&j);
	} else if (hits == 0) {
		fprintf(cli->out, "%s: nothing the troubleshooting guides "
		    "describe was found\n", a->positional[0]);
	}
	free(data);
	return 0;
}
