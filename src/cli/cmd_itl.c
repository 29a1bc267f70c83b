/*
 * cmd_itl.c - `itl build`, `itl show` and `itl reset`: the cluster's ITL
 * from the store, any .tlv file shown and verified, ITL recovery.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "itl.h"
#include "json.h"
#include "publish.h"

const struct opt itl_build_opts[] = {
	{ "out", OPT_VALUE, "FILE", "output file (default $UCPKI_HOME/tftp/ITLFile.tlv)" },
	CLI_DIGEST_OPT, CLI_VERSION_OPT,
	{ "sign-with", OPT_VALUE, "WHO", "tftp (the CallManager key, default) or itlrecovery" },
	{ NULL, 0, NULL, NULL },
};

const struct opt itl_show_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt itl_reset_opts[] = {
	CLI_DIGEST_OPT,
	{ NULL, 0, NULL, NULL },
};

int
cmd_itl_build(struct cli *cli, const struct args *a)
{
	struct trustlist_options o;
	char path[4096];
	size_t len;

	memset(&o, 0, sizeof(o));
	if (cli_sig_options(cli, a, &o.hash_alg, &o.signer_version) == -1 ||
	    cli_store(cli) == NULL)
		return -1;
	o.sign_with = args_get(a, "sign-with");
	if (itl_write(cli->store, &o, args_get(a, "out"), path, sizeof(path),
	    &len, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "itl build");
	cli_note_written(cli, path, "ITL", len);
	return 0;
}

int
cmd_itl_show(struct cli *cli, const struct args *a)
{
	struct itl_file itl;
	struct json j;
	int rc;

	if (itl_load_file(a->positional[0], &itl, &cli->err) == -1)
		return -1;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		itl_show_json(&j, &itl);
		json_finish(&j);
	} else {
		itl_show(cli->out, &itl, a->positional[0]);
	}
	/* The verdict is also the exit status, for scripts. */
	if ((rc = itl_verify(&itl, &cli->err)) == -1)
		ucerr_wrap(&cli->err, "%s: not verified", a->positional[0]);
	itl_free(&itl);
	return rc;
}

/*
 * `itl reset localkey`: the seeds' ITL recovery: the cluster's ITL signed
 * with ITLRecovery, which every phone already trusts, published to the
 * TFTP root.  `remotekey KEYFILE`: the same with an ITLRecovery key kept
 * elsewhere (it must match the ITLRecovery certificate).
 */
int
cmd_itl_reset(struct cli *cli, const struct args *a)
{
	const char *which = a->positional[0];
	char path[4096];
	uint8_t hash_alg;
	size_t len;
	int signer_version;

	if (cli_sig_options(cli, a, &hash_alg, &signer_version) == -1)
		return -1;
	if (strcmp(which, "localkey") == 0) {
		if (a->n_positional != 1)
			return ucerr_set(&cli->err, "itl reset localkey takes no "
			    "key file");
	} else if (strcmp(which, "remotekey") == 0) {
		if (a->n_positional != 2)
			return ucerr_set(&cli->err, "itl reset remotekey KEYFILE");
	} else {
		return ucerr_set(&cli->err, "itl reset: say localkey or "
		    "remotekey");
	}
	if (cli_store(cli) == NULL || itl_reset(cli->store, hash_alg,
	    a->n_positional == 2 ? a->positional[1] : NULL, path, sizeof(path),
	    &len, &cli->err) == -1)
		return -1;
	cli_note_written(cli, path, "ITL signed by ITLRecovery", len);
	fprintf(cli->out, "Reset the phones: they accept it because their "
	    "current ITL holds ITLRecovery.\n");
	return 0;
}
