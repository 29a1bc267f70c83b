/*
 * cmd_itl.c - `itl build`, `itl show` and `itl reset`: the cluster's ITL
 * from the store, any .tlv file shown and verified, ITL recovery.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "identity.h"
#include "itl.h"
#include "json.h"
#include "publish.h"
#include "store.h"
#include "x509.h"

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
	const char *out = args_get(a, "out");
	char path[4096];
	uint8_t *data;
	size_t len;
	struct store *st;
	int rc;

	memset(&o, 0, sizeof(o));
	if (cli_sig_options(cli, a, &o.hash_alg, &o.signer_version) == -1 ||
	    (st = cli_store(cli)) == NULL)
		return -1;
	o.sign_with = args_get(a, "sign-with");
	if (out == NULL) {
		if (tftp_file_path(st, "ITLFile.tlv", path, sizeof(path),
		    &cli->err) == -1)
			return -1;
		out = path;
	}
	if (itl_build_from_store(st, &o, &data, &len, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "itl build");
	rc = cli_write_output(cli, out, data, len, "ITL");
	free(data);
	return rc;
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
	struct trustlist_options o;
	const char *which = a->positional[0];
	char path[4096];
	uint8_t *data = NULL;
	size_t len;
	struct store *st;
	int signer_version, rc = -1;

	memset(&o, 0, sizeof(o));
	if (cli_sig_options(cli, a, &o.hash_alg, &signer_version) == -1 ||
	    (st = cli_store(cli)) == NULL)
		return -1;
	if (strcmp(which, "localkey") == 0) {
		if (a->n_positional != 1)
			return ucerr_set(&cli->err, "itl reset localkey takes no "
			    "key file");
		o.sign_with = "itlrecovery";
	} else if (strcmp(which, "remotekey") == 0) {
		if (a->n_positional != 2)
			return ucerr_set(&cli->err, "itl reset remotekey KEYFILE");
		if (identity_load(st, "ITLRecovery", &o.signer, NULL,
		    &cli->err) == -1 ||
		    key_load_file(a->positional[1], &o.signer_key, &cli->err) == -1)
			goto out;
		if (!cert_matches_key(o.signer, o.signer_key)) {
			ucerr_set(&cli->err, "%s: not the ITLRecovery key",
			    a->positional[1]);
			goto out;
		}
	} else {
		return ucerr_set(&cli->err, "itl reset: say localkey or remotekey");
	}
	if (tftp_file_path(st, "ITLFile.tlv", path, sizeof(path),
	    &cli->err) == -1 ||
	    itl_build_from_store(st, &o, &data, &len, &cli->err) == -1)
		goto out;
	if (cli_write_output(cli, path, data, len, "ITL signed by ITLRecovery") == -1)
		goto out;
	fprintf(cli->out, "Reset the phones: they accept it because their "
	    "current ITL holds ITLRecovery.\n");
	rc = 0;
out:
	X509_free(o.signer);
	EVP_PKEY_free(o.signer_key);
	free(data);
	return rc;
}
