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
#include "x509.h"

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

static const struct {
	const char	*opt;
	int		 role;
} tlv_role_opts[] = {
	{ "sast", ROLE_SAST }, { "ccm", ROLE_CCM }, { "ccm-tftp", ROLE_CCM_TFTP },
	{ "tftp", ROLE_TFTP }, { "capf", ROLE_CAPF },
	{ "app-server", ROLE_APP_SERVER }, { "tvs", ROLE_TVS },
};

static int
opt_role(const struct args *a, int item)
{
	const char *name = a->cmd->opts[a->items[item].opt].name;
	size_t i;

	for (i = 0; i < sizeof(tlv_role_opts) / sizeof(tlv_role_opts[0]); i++)
		if (strcmp(name, tlv_role_opts[i].opt) == 0)
			return tlv_role_opts[i].role;
	return -1;
}

int
cmd_tlv_build(struct cli *cli, const struct args *a)
{
	struct itl_entry *entries;
	struct sigfile_params p;
	struct ucerr why;
	const char *out = a->positional[0];
	uint8_t *data = NULL;
	size_t len, n = 0;
	int i, role, rc = -1;

	memset(&p, 0, sizeof(p));
	if (cli_sig_options(cli, a, &p.hash_alg, &p.signer_version) == -1)
		return -1;
	if (args_count(a, "sast") == 0)
		return ucerr_set(&cli->err, "tlv build: at least one --sast "
		    "(the signer) is required");
	/* One record per option: the command line is the only bound. */
	if ((entries = calloc((size_t)a->n_items + 1, sizeof(*entries))) == NULL)
		return ucerr_set(&cli->err, "tlv build: out of memory");
	for (i = 0; i < a->n_items; i++) {
		if ((role = opt_role(a, i)) == -1)
			continue;
		/* The first SAST signs, so its file must carry the key. */
		if (cert_key_load_file(a->items[i].value, &entries[n].cert,
		    role == ROLE_SAST && p.signer == NULL ? &p.key : NULL,
		    &cli->err) == -1)
			goto out;
		entries[n].role = role;
		if (role == ROLE_SAST && p.signer == NULL)
			p.signer = entries[n].cert;
		n++;
	}
	if (p.signer_version == 0) {
		p.signer_version = 10;
		for (i = 0; i < (int)n; i++)
			if (EVP_PKEY_get_base_id(X509_get0_pubkey(
			    entries[i].cert)) == EVP_PKEY_EC)
				p.signer_version = 11;
	}
	p.version_major = 1;
	p.version_minor = 2;
	p.filename = args_get(a, "filename") ? args_get(a, "filename") :
	    path_base(out);
	if (itl_build(entries, n, &p, &data, &len, &cli->err) == -1)
		goto out;
	if (!args_has(a, "no-size-limit") &&
	    itl_phone_size_check(len, n, &why) == -1) {
		ucerr_set(&cli->err, "%s: %s (--no-size-limit writes it for "
		    "tools)", out, why.msg);
		goto out;
	}
	rc = cli_write_output(cli, out, data, len, "trust list");
out:
	while (n > 0)
		X509_free(entries[--n].cert);
	free(entries);
	EVP_PKEY_free(p.key);
	free(data);
	return rc;
}
