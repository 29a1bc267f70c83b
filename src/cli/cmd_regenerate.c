/*
 * cmd_regenerate.c - `ucpki cert regenerate PURPOSE`: the seeds' impact of
 * regenerating each certificate with this store's numbers (certmgr_plan),
 * then the replacement itself (certmgr_generate, as `cert generate`).
 */
#include <stdio.h>

#include "certmgr.h"
#include "commands.h"

const struct opt cert_regenerate_opts[] = {
	{ "yes", OPT_FLAG, NULL, "really regenerate (without it, only the impact is shown)" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_cert_regenerate(struct cli *cli, const struct args *a)
{
	const struct purpose_info *p;
	struct identity_params params;
	struct certmgr_outcome o;
	struct certmgr_plan plan;
	struct store *st;
	int rc;

	if ((p = purpose_find(a->positional[0])) == NULL)
		return ucerr_set(&cli->err, "%s: unknown certificate purpose",
		    a->positional[0]);
	if ((st = cli_store(cli)) == NULL ||
	    certmgr_plan(st, p, &plan, &cli->err) == -1)
		return -1;
	fprintf(cli->out, "Regenerate %s: %s\n", p->name, plan.impact);
	if (plan.in_store[0] != '\0')
		fprintf(cli->out, "%s\n", plan.in_store);
	if (plan.itl_laggards[0] != '\0')
		fprintf(cli->out, "%s\n", plan.itl_laggards);
	if (plan.blocked)
		return ucerr_set(&cli->err, "%s", plan.why.msg);
	if (!args_has(a, "yes"))
		return ucerr_set(&cli->err, "cert regenerate %s: not done; repeat "
		    "with --yes", p->name);
	identity_params_default(p, &params);
	rc = certmgr_generate(st, p, &params, &o, &cli->err);
	rc = cli_report_outcome(cli, &o, rc);
	certmgr_outcome_free(&o);
	return rc;
}
