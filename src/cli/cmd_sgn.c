/* cmd_sgn.c - `sgn sign|verify|strip`: signed files (.sgn) for phones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "identity.h"
#include "itl.h"
#include "sgn.h"
#include "x509.h"

const struct opt sgn_sign_opts[] = {
	{ "signer", OPT_VALUE, "PEM", "certificate and key (default: the CallManager identity)" },
	CLI_DIGEST_OPT,
	{ "filename", OPT_VALUE, "NAME", "header FILENAME (default: FILE's name + .sgn)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt sgn_verify_opts[] = {
	{ "itl", OPT_VALUE, "FILE", "verify as a phone holding this ITL" },
	{ "signer", OPT_VALUE, "CERT", "verify with this certificate" },
	{ NULL, 0, NULL, NULL },
};

const struct opt sgn_strip_opts[] = {
	{ "out", OPT_VALUE, "FILE", "output (default: FILE without .sgn)" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_sgn_sign(struct cli *cli, const struct args *a)
{
	struct sigfile_params p;
	const char *in = a->positional[0];
	char out[4096], name[300];
	uint8_t *data = NULL, *signed_data = NULL;
	size_t len, signed_len;
	int signer_version, rc = -1;

	memset(&p, 0, sizeof(p));
	if (cli_sig_options(cli, a, &p.hash_alg, &signer_version) == -1)
		return -1;
	/* From standard input the signed file goes to standard output, and
	 * only the user knows the name phones will fetch it by. */
	if (path_is_stdio(in) && args_get(a, "filename") == NULL)
		return ucerr_set(&cli->err, "sgn sign -: give --filename NAME "
		    "(the name phones fetch, e.g. SEP001122334455.cnf.xml.sgn)");
	if (snprintf(out, sizeof(out), "%s%s", in, path_is_stdio(in) ? "" :
	    ".sgn") >= (int)sizeof(out))
		return ucerr_set(&cli->err, "%s: path too long", in);
	snprintf(name, sizeof(name), "%s.sgn", path_base(in));
	if (file_read(in, FILE_READ_MAX, &data, &len, &cli->err) == -1 ||
	    cli_signer(cli, a, &p.signer, &p.key) == -1)
		goto out;
	p.filename = args_get(a, "filename") ? args_get(a, "filename") : name;
	if (sgn_sign(data, len, &p, &signed_data, &signed_len, &cli->err) == -1)
		goto out;
	rc = cli_write_output(cli, out, signed_data, signed_len, "signed file");
out:
	X509_free(p.signer);
	EVP_PKEY_free(p.key);
	free(data);
	free(signed_data);
	return rc;
}

int
cmd_sgn_verify(struct cli *cli, const struct args *a)
{
	const char *itl_path = args_get(a, "itl"), *signer = args_get(a, "signer");
	struct sigfile_header hdr;
	struct itl_file itl;
	uint8_t *data;
	size_t len;
	X509 *cert = NULL;
	int record = -1, rc = -1;

	if (itl_path != NULL && signer != NULL)
		return ucerr_set(&cli->err, "sgn verify: give --itl or --signer, "
		    "not both");
	if (file_read(a->positional[0], FILE_READ_MAX, &data, &len,
	    &cli->err) == -1)
		return -1;
	if (sigfile_header_parse(data, len, &hdr, &cli->err) == -1)
		goto out;
	if (itl_path != NULL) {
		if (itl_load_file(itl_path, &itl, &cli->err) == -1)
			goto out;
		rc = sgn_verify_itl(data, len, &itl, &record, &cli->err);
		if (rc == 0)
			fprintf(cli->out, "%s: verified: signed by %s (ITL record "
			    "%d, %s)\n", a->positional[0], hdr.signer_name,
			    record + 1, role_name(itl.records[record].role));
		itl_free(&itl);
	} else {
		if ((signer != NULL || cli_store(cli) != NULL) &&
		    (rc = identity_signer_load(cli->store, signer, &cert, NULL,
		    &cli->err)) == 0)
			rc = sgn_verify_cert(data, len, cert, &cli->err);
		if (rc == 0)
			fprintf(cli->out, "%s: verified: signed by %s\n",
			    a->positional[0], hdr.signer_name);
	}
out:
	if (rc == -1)
		ucerr_wrap(&cli->err, "%s", a->positional[0]);
	X509_free(cert);
	free(data);
	return rc;
}

int
cmd_sgn_strip(struct cli *cli, const struct args *a)
{
	struct sigfile_header hdr;
	const uint8_t *body;
	const char *out = args_get(a, "out");
	char path[4096];
	uint8_t *data;
	size_t len, body_len;
	int rc = -1;

	if (out == NULL && path_is_stdio(a->positional[0]))
		out = "-";
	if (out == NULL) {
		if (cli_strip_suffix(cli, a->positional[0], ".sgn", path,
		    sizeof(path)) == -1)
			return -1;
		out = path;
	}
	if (file_read(a->positional[0], FILE_READ_MAX, &data, &len,
	    &cli->err) == -1)
		return -1;
	if (sgn_parse(data, len, &hdr, &body, &body_len, &cli->err) == -1) {
		ucerr_wrap(&cli->err, "%s", a->positional[0]);
		goto out;
	}
	rc = cli_write_output(cli, out, body, body_len, "original file");
out:
	free(data);
	return rc;
}
