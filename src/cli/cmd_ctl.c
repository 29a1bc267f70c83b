/* cmd_ctl.c - `ctl build`: CTLFile.tlv for mixed mode. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "publish.h"

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
	char path[4096];
	size_t len;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	if (cli_sig_options(cli, a, &o.hash_alg, &o.signer_version) == -1 ||
	    cli_store(cli) == NULL)
		return -1;
	if (ctl_options_load(&o, args_get(a, "sast"), args_get(a, "sign-with"),
	    &cli->err) == -1 ||
	    ctl_write(cli->store, &o, args_get(a, "out"), path, sizeof(path),
	    &len, &cli->err) == -1) {
		ucerr_wrap(&cli->err, "ctl build");
		goto out;
	}
	cli_note_written(cli, path, "CTL", len);
	rc = 0;
out:
	trustlist_options_free(&o);
	return rc;
}
