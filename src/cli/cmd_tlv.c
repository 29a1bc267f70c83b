/*
 * cmd_tlv.c - `tlv build`: an ITL or CTL file from certificate files,
 * one record per option.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "itl.h"
#include "itl_files.h"

const struct opt tlv_build_opts[] = {
	{ "sast", OPT_MULTI, "PEM", "SAST record; the first one (cert + key) signs" },
	{ "ccm", OPT_MULTI, "PEM", "CCM record" },
	{ "ccm-tftp", OPT_MULTI, "PEM", "CCM+TFTP record" },
	{ "tftp", OPT_MULTI, "PEM", "TFTP record" },
	{ "capf", OPT_MULTI, "PEM", "CAPF record" },
	{ "app-server", OPT_MULTI, "PEM", "APP-SERVER record" },
	{ "tvs", OPT_MULTI, "PEM", "TVS record" },
	CLI_DIGEST_OPT, CLI_VERSION_OPT,
	{ "filename", OPT_VALUE, "NAME", "header FILENAME (default: the output's name)" },
	{ "no-size-limit", OPT_FLAG, NULL, "write files larger than phones accept (64 KB), for tools and tests" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_tlv_build(struct cli *cli, const struct args *a)
{
	struct itl_file_record *recs;
	struct itl_files_params p;
	struct ucerr why;
	const char *out = a->positional[0];
	uint8_t *data = NULL;
	size_t len, n = 0;
	int i, role, rc;

	memset(&p, 0, sizeof(p));
	if (cli_sig_options(cli, a, &p.hash_alg, &p.signer_version) == -1)
		return -1;
	if (args_count(a, "sast") == 0)
		return ucerr_set(&cli->err, "tlv build: at least one --sast "
		    "(the signer) is required");
	/* The record options are named after their roles, in order. */
	if ((recs = calloc((size_t)a->n_items + 1, sizeof(*recs))) == NULL)
		return ucerr_set(&cli->err, "tlv build: out of memory");
	for (i = 0; i < a->n_items; i++) {
		role = role_parse(a->cmd->opts[a->items[i].opt].name);
		if (role == -1)
			continue;
		recs[n].role = role;
		recs[n++].path = a->items[i].value;
	}
	p.filename = args_get(a, "filename") ? args_get(a, "filename") :
	    path_base(out);
	p.no_size_limit = args_has(a, "no-size-limit");
	rc = itl_build_files(recs, n, &p, &data, &len, &cli->err);
	free(recs);
	if (rc == ITL_FILES_TOO_LARGE) {
		why = cli->err;
		return ucerr_set(&cli->err, "%s: %s (--no-size-limit writes it "
		    "for tools)", out, why.msg);
	}
	if (rc == 0)
		rc = cli_write_output(cli, out, data, len, "trust list");
	free(data);
	return rc;
}
