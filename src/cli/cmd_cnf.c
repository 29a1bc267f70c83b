/*
 * cmd_cnf.c - `cnf encrypt|decrypt`: encrypted phone configuration
 * files (.cnf.xml.enc.sgn) and their signed stubs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "device_cert.h"
#include "enccnf.h"
#include "fileio.h"
#include "identity.h"
#include "store.h"
#include "x509.h"

const struct opt cnf_encrypt_opts[] = {
	{ "device-cert", OPT_VALUE, "PEM", "the phone's LSC or MIC (default: its LSC from the store)" },
	{ "signer", OPT_VALUE, "PEM", "certificate and key (default: the CallManager identity)" },
	CLI_DIGEST_OPT,
	{ NULL, 0, NULL, NULL },
};

const struct opt cnf_decrypt_opts[] = {
	{ "key", OPT_VALUE, "PEM", "the phone's private key (required)" },
	{ "signer", OPT_VALUE, "CERT", "check the signature with this certificate (default: CallManager of the store, when there is one)" },
	{ "out", OPT_VALUE, "FILE", "output (default: FILE without .enc.sgn)" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_cnf_encrypt(struct cli *cli, const struct args *a)
{
	struct sigfile_params p;
	struct enccnf_out enc;
	const char *in = a->positional[0], *device = args_get(a, "device-cert");
	char out[4096];
	uint8_t *xml = NULL;
	size_t len;
	X509 *device_cert = NULL;
	enum device_cert_kind kind;
	char name[64];
	int signer_version, rc = -1;

	memset(&p, 0, sizeof(p));
	memset(&enc, 0, sizeof(enc));
	/* The file's name says which phone it is for and names the two
	 * files written beside it. */
	if (path_is_stdio(in))
		return ucerr_set(&cli->err, "cnf encrypt: give the file as "
		    "SEP<MAC>.cnf.xml, not -: its name names the phone and the "
		    "files written");
	if (cli_sig_options(cli, a, &p.hash_alg, &signer_version) == -1)
		return -1;
	if (device == NULL) {
		if (cli_store(cli) == NULL)
			return -1;
		if (device_config_cert(cli->store, in, name, sizeof(name),
		    &device_cert, &kind, &cli->err) == -1) {
			char why[sizeof(cli->err.msg)];

			snprintf(why, sizeof(why), "%s", cli->err.msg);
			return ucerr_set(&cli->err, "%s; or give --device-cert",
			    why);
		}
		fprintf(stderr, "%s: encrypted for the device's %s from the "
		    "store\n", name, kind == DEVICE_CERT_LSC ? "LSC" : "MIC");
	} else if (cert_key_load_file(device, &device_cert, NULL,
	    &cli->err) == -1) {
		return -1;
	}
	if (file_read(in, FILE_READ_MAX, &xml, &len, &cli->err) == -1 ||
	    cli_signer(cli, a, &p.signer, &p.key) == -1)
		goto out;
	if (enccnf_encrypt(xml, len, path_base(in), device_cert, &p, &enc,
	    &cli->err) == -1) {
		ucerr_wrap(&cli->err, "%s", in);
		goto out;
	}
	snprintf(out, sizeof(out), "%s.enc.sgn", in);
	if (cli_write_output(cli, out, enc.enc, enc.enc_len,
	    "encrypted configuration") == -1)
		goto out;
	snprintf(out, sizeof(out), "%s.sgn", in);
	rc = cli_write_output(cli, out, enc.stub, enc.stub_len, "signed stub");
out:
	enccnf_out_free(&enc);
	X509_free(device_cert);
	X509_free(p.signer);
	EVP_PKEY_free(p.key);
	free(xml);
	return rc;
}

int
cmd_cnf_decrypt(struct cli *cli, const struct args *a)
{
	const char *in = a->positional[0], *out = args_get(a, "out");
	const char *key_file = args_get(a, "key"), *signer = args_get(a, "signer");
	char path[4096];
	uint8_t *data = NULL, *xml = NULL;
	size_t len, xml_len;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int rc = -1;

	if (key_file == NULL)
		return ucerr_set(&cli->err, "cnf decrypt: --key PEM (the phone's "
		    "private key) is required");
	if (out == NULL && path_is_stdio(in))
		out = "-";
	if (out == NULL) {
		if (cli_strip_suffix(cli, in, ".enc.sgn", path, sizeof(path)) == -1)
			return -1;
		out = path;
	}
	if (key_load_file(key_file, &key, &cli->err) == -1 ||
	    file_read(in, FILE_READ_MAX, &data, &len, &cli->err) == -1)
		goto out;
	/* Without --signer, the cluster's CallManager if there is one. */
	if ((signer != NULL || (store_exists(cli->home) &&
	    cli_store(cli) != NULL)) &&
	    identity_signer_load(cli->store, signer, &cert, NULL,
	    &cli->err) == -1)
		goto out;
	if (enccnf_decrypt(data, len, key, cert, &xml, &xml_len, &cli->err) == -1) {
		ucerr_wrap(&cli->err, "%s", in);
		goto out;
	}
	if (cert == NULL)
		fprintf(stderr, "%s: signature not checked (no --signer and no "
		    "cluster)\n", in);
	rc = cli_write_output(cli, out, xml, xml_len, "configuration");
out:
	EVP_PKEY_free(key);
	X509_free(cert);
	free(data);
	free(xml);
	return rc;
}
