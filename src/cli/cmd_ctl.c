/* cmd_ctl.c - `ctl build`: CTLFile.tlv for mixed mode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "publish.h"
#include "store.h"
#include "x509.h"

const struct opt ctl_build_opts[] = {
	{ "out", OPT_VALUE, "FILE", "output file (default $UCPKI_HOME/tftp/CTLFile.tlv; turns mixed mode on)" },
	{ "sast", OPT_VALUE, "PEM", "a second SAST record (cert, with its key to sign with it)" },
	{ "sign-with", OPT_VALUE, "WHO", "itlrecovery (default) or sast (the --sast file)" },
	CLI_DIGEST_OPT, CLI_VERSION_OPT,
	{ NULL, 0, NULL, NULL },
};

int
cmd_ctl_build(struct cli *cli, const struct args *a)
{
	struct trustlist_options o;
	const char *out = args_get(a, "out"), *sast = args_get(a, "sast");
	const char *sign_with = args_get(a, "sign-with");
	char path[4096];
	EVP_PKEY *sast_key = NULL;
	uint8_t *data = NULL;
	size_t len;
	struct store *st;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	if (cli_sig_options(cli, a, &o.hash_alg, &o.signer_version) == -1 ||
	    (st = cli_store(cli)) == NULL)
		return -1;
	if (sign_with != NULL && strcmp(sign_with, "itlrecovery") != 0 &&
	    strcmp(sign_with, "sast") != 0)
		return ucerr_set(&cli->err, "ctl build: --sign-with must be "
		    "itlrecovery or sast");
	if (sign_with != NULL && strcmp(sign_with, "sast") == 0 && sast == NULL)
		return ucerr_set(&cli->err, "ctl build: --sign-with sast needs "
		    "--sast PEM");
	if (sast != NULL && cert_key_load_file(sast, &o.extra_sast,
	    sign_with && strcmp(sign_with, "sast") == 0 ? &sast_key : NULL,
	    &cli->err) == -1)
		return -1;
	if (sast_key != NULL) {
		o.signer = o.extra_sast;
		o.signer_key = sast_key;
	}
	if (out == NULL &&
	    tftp_file_path(st, "CTLFile.tlv", path, sizeof(path),
	    &cli->err) == -1)
		goto out;
	if (ctl_build_from_store(st, &o, &data, &len, &cli->err) == -1) {
		ucerr_wrap(&cli->err, "ctl build");
		goto out;
	}
	if (cli_write_output(cli, out ? out : path, data, len, "CTL") == -1)
		goto out;
	/* A CTL in the TFTP root is what mixed mode means to phones. */
	if (out == NULL &&
	    store_meta_set(st, "cluster.mode", "mixed", &cli->err) == -1)
		goto out;
	rc = 0;
out:
	X509_free(o.extra_sast);
	EVP_PKEY_free(sast_key);
	free(data);
	return rc;
}
