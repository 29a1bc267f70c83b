/*
 * cmd_diagnose.c - `ucpki diagnose LOGFILE`: each cause once, with its
 * fix and the lines it explains, then a summary.
 */
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

static size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static void
print_json(struct cli *cli, const struct log_report *r)
{
	const struct log_cause *c;
	struct json j;
	size_t i, k;

	json_init(&j, cli->out);
	json_array_begin(&j, NULL);
	for (i = 0; i < r->n_causes; i++) {
		c = &r->causes[i];
		json_object_begin(&j, NULL);
		json_string(&j, "pattern", c->pattern->name);
		json_string(&j, "cause", c->pattern->cause);
		json_string(&j, "fix", c->pattern->fix);
		json_int(&j, "count", (int64_t)c->count);
		json_array_begin(&j, "lines");
		for (k = 0; k < min_size(c->count, LOGDIAG_LINES); k++)
			json_int(&j, NULL, (int64_t)c->lines[k]);
		json_array_end(&j);
		json_int(&j, "last_line", (int64_t)c->last_line);
		json_array_begin(&j, "quoted");
		for (k = 0; k < min_size(c->count, LOGDIAG_QUOTED); k++) {
			json_object_begin(&j, NULL);
			json_int(&j, "line", (int64_t)c->quoted[k].line);
			json_string(&j, "text", c->quoted[k].text);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_finish(&j);
}

static void
print_text(struct cli *cli, const char *path, const struct log_report *r)
{
	const struct log_cause *c;
	size_t i, k;

	for (i = 0; i < r->n_causes; i++) {
		c = &r->causes[i];
		fprintf(cli->out, "%s: %zu line%s (", c->pattern->name, c->count,
		    c->count == 1 ? "" : "s");
		for (k = 0; k < min_size(c->count, LOGDIAG_LINES); k++)
			fprintf(cli->out, "%s%zu", k ? ", " : "", c->lines[k]);
		if (c->count > LOGDIAG_LINES)
			fprintf(cli->out, ", ... %zu", c->last_line);
		fprintf(cli->out, ")\n  cause: %s\n  fix: %s\n", c->pattern->cause,
		    c->pattern->fix);
		for (k = 0; k < min_size(c->count, LOGDIAG_QUOTED); k++)
			fprintf(cli->out, "  line %zu: %s\n", c->quoted[k].line,
			    c->quoted[k].text);
		if (c->count > LOGDIAG_QUOTED)
			fprintf(cli->out, "  (%zu more line%s like these)\n",
			    c->count - LOGDIAG_QUOTED, c->count - LOGDIAG_QUOTED
			    == 1 ? "" : "s");
	}
	if (r->n_causes == 0) {
		fprintf(cli->out, "%s: nothing the troubleshooting guides "
		    "describe was found\n", path);
		return;
	}
	fprintf(cli->out, "summary: %zu cause%s in %zu line%s:", r->n_causes,
	    r->n_causes == 1 ? "" : "s", r->hits, r->hits == 1 ? "" : "s");
	for (i = 0; i < r->n_causes; i++)
		fprintf(cli->out, "%s %s (%zu)", i ? "," : "",
		    r->causes[i].pattern->name, r->causes[i].count);
	fprintf(cli->out, "\n");
}

int
cmd_diagnose(struct cli *cli, const struct args *a)
{
	struct log_report *r;
	uint8_t *data;
	size_t len;

	if (file_read(a->positional[0], FILE_READ_MAX, &data, &len,
	    &cli->err) == -1)
		return -1;
	if ((r = malloc(sizeof(*r))) == NULL) {
		free(data);
		return ucerr_set(&cli->err, "diagnose: out of memory");
	}
	logdiag_report(data, len, r);
	free(data);
	if (args_has(a, "json"))
		print_json(cli, r);
	else
		print_text(cli, a->positional[0], r);
	free(r);
	return 0;
}
