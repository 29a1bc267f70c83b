/* cmd_audit.c - `ucpki audit`: the audit trail (src/pki/audit.c). */
#include <stdio.h>

#include "audit.h"
#include "clock.h"
#include "commands.h"
#include "json.h"

const struct opt audit_opts[] = {
	{ "since", OPT_VALUE, "PERIOD|TIME", "only rows since then: 7d, 24h, or \"YYYY-MM-DD HH:MM\"" },
	{ "limit", OPT_VALUE, "N", "at most N rows (default 100)" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

struct audit_list {
	struct cli	*cli;
	struct json	*json;
};

static int
list_one(void *arg, const struct audit_row *row)
{
	struct audit_list *l = arg;
	char when[TIME_TEXT_MAX];

	if (l->json != NULL) {
		audit_json(l->json, row);
		return 0;
	}
	time_format((time_t)row->at, when, sizeof(when));
	fprintf(l->cli->out, "%s  %s (%s, %s)  %s%s%s: %s", when, row->who,
	    row->via, row->peer, row->action, row->object[0] != '\0' ? " " :
	    "", row->object, row->result);
	if (row->before[0] != '\0' || row->after[0] != '\0')
		fprintf(l->cli->out, "  [%.16s -> %.16s]",
		    row->before[0] != '\0' ? row->before : "none",
		    row->after[0] != '\0' ? row->after : "none");
	fprintf(l->cli->out, "\n");
	return 0;
}

int
cmd_audit(struct cli *cli, const struct args *a)
{
	struct audit_list l = { cli, NULL };
	const char *since_arg = args_get(a, "since");
	int64_t since = 0, limit;
	struct store *st;
	struct json j;
	int rc;

	if ((since_arg != NULL && audit_since_parse(since_arg, &since,
	    &cli->err) == -1) ||
	    audit_limit_parse(args_get(a, "limit"), &limit, &cli->err) == -1 ||
	    (st = cli_store(cli)) == NULL)
		return -1;
	l.json = cli_json_list(cli, a, &j);
	rc = audit_each(st, since, limit, list_one, &l, &cli->err);
	cli_json_list_end(l.json);
	return rc;
}
