/*
 * cmd_itl.c - trust lists and provisioning files: `itl`, `tlv`, `ctl`,
 * `sgn`, `cnf` and `tftp` commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "device_cert.h"
#include "enccnf.h"
#include "fileio.h"
#include "identity.h"
#include "itl.h"
#include "json.h"
#include "sgn.h"
#include "store.h"
#include "publish.h"
#include "x509.h"

#define DIGEST_OPT { "digest", OPT_VALUE, "ALG", "sha1 (default) or sha512" }
#define VERSION_OPT { "version", OPT_VALUE, "V", "signer version 1.0 or 1.1 (default: 1.1 when a record is EC)" }

const struct opt itl_build_opts[] = {
	{ "out", OPT_VALUE, "FILE", "output file (default $UCPKI_HOME/tftp/ITLFile.tlv)" },
	DIGEST_OPT, VERSION_OPT,
	{ "sign-with", OPT_VALUE, "WHO", "tftp (the CallManager key, default) or itlrecovery" },
	{ NULL, 0, NULL, NULL },
};

const struct opt itl_show_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt tlv_build_opts[] = {
	{ "sast", OPT_MULTI, "PEM", "SAST record; the first one (cert + key) signs" },
	{ "ccm", OPT_MULTI, "PEM", "CCM record" },
	{ "ccm-tftp", OPT_MULTI, "PEM", "CCM+TFTP record" },
	{ "tftp", OPT_MULTI, "PEM", "TFTP record" },
	{ "capf", OPT_MULTI, "PEM", "CAPF record" },
	{ "app-server", OPT_MULTI, "PEM", "APP-SERVER record" },
	{ "tvs", OPT_MULTI, "PEM", "TVS record" },
	DIGEST_OPT, VERSION_OPT,
	{ "filename", OPT_VALUE, "NAME", "header FILENAME (default: the output's name)" },
	{ "no-size-limit", OPT_FLAG, NULL, "write files larger than phones accept (64 KB), for tools and tests" },
	{ NULL, 0, NULL, NULL },
};

const struct opt ctl_build_opts[] = {
	{ "out", OPT_VALUE, "FILE", "output file (default $UCPKI_HOME/tftp/CTLFile.tlv; turns mixed mode on)" },
	{ "sast", OPT_VALUE, "PEM", "a second SAST record (cert, with its key to sign with it)" },
	{ "sign-with", OPT_VALUE, "WHO", "itlrecovery (default) or sast (the --sast file)" },
	DIGEST_OPT, VERSION_OPT,
	{ NULL, 0, NULL, NULL },
};

const struct opt sgn_sign_opts[] = {
	{ "signer", OPT_VALUE, "PEM", "certificate and key (default: the CallManager identity)" },
	DIGEST_OPT,
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

const struct opt cnf_encrypt_opts[] = {
	{ "device-cert", OPT_VALUE, "PEM", "the phone's LSC or MIC (default: its LSC from the store)" },
	{ "signer", OPT_VALUE, "PEM", "certificate and key (default: the CallManager identity)" },
	DIGEST_OPT,
	{ NULL, 0, NULL, NULL },
};

const struct opt cnf_decrypt_opts[] = {
	{ "key", OPT_VALUE, "PEM", "the phone's private key (required)" },
	{ "signer", OPT_VALUE, "CERT", "check the signature with this certificate (default: CallManager of the store, when there is one)" },
	{ "out", OPT_VALUE, "FILE", "output (default: FILE without .enc.sgn)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt tftp_publish_opts[] = {
	{ NULL, 0, NULL, NULL },
};

static int
options_common(struct cli *cli, const struct args *a, uint8_t *hash_alg,
    int *signer_version)
{
	const char *v;

	*hash_alg = SIG_HASH_SHA1;
	if ((v = args_get(a, "digest")) != NULL &&
	    sig_hash_parse(v, hash_alg, &cli->err) == -1)
		return -1;
	*signer_version = 0;
	if ((v = args_get(a, "version")) != NULL) {
		if (strcmp(v, "1.0") == 0)
			*signer_version = 10;
		else if (strcmp(v, "1.1") == 0)
			*signer_version = 11;
		else
			return ucerr_set(&cli->err, "--version must be 1.0 or 1.1, "
			    "not '%s'", v);
	}
	return 0;
}

/* A PEM file with a certificate and (when key != NULL) its key. */
static int
load_pem_pair(struct cli *cli, const char *path, X509 **cert, EVP_PKEY **key)
{
	STACK_OF(X509) *certs;
	struct ucerr why;

	*cert = NULL;
	if (certs_load_file(path, &certs, &cli->err) == -1)
		return -1;
	*cert = X509_dup(sk_X509_value(certs, 0));
	sk_X509_pop_free(certs, X509_free);
	if (key == NULL)
		return 0;
	if (key_load_file(path, key, &cli->err) == -1) {
		X509_free(*cert);
		*cert = NULL;
		/* Keep the reason (encrypted, damaged, absent), add the rule. */
		why = cli->err;
		return ucerr_set(&cli->err, "%s (the certificate's private key "
		    "must be in the same file)", why.msg);
	}
	if (!cert_matches_key(*cert, *key)) {
		X509_free(*cert);
		EVP_PKEY_free(*key);
		*cert = NULL;
		*key = NULL;
		return ucerr_set(&cli->err, "%s: the certificate does not match "
		    "the key", path);
	}
	return 0;
}

/* --signer PEM, else the CallManager identity of the store. */
static int
load_signer(struct cli *cli, const struct args *a, X509 **cert, EVP_PKEY **key)
{
	const char *file = args_get(a, "signer");
	struct store *st;

	if (file != NULL)
		return load_pem_pair(cli, file, cert, key);
	if ((st = cli_store(cli)) == NULL)
		return ucerr_wrap(&cli->err, "no --signer given");
	return identity_load(st, "CallManager", cert, key, &cli->err);
}

static int
write_output(struct cli *cli, const char *path, const uint8_t *data,
    size_t len, const char *what)
{
	if (file_write_atomic(path, data, len, 0644, &cli->err) == -1)
		return -1;
	/* With --out - the file is standard output: the note goes aside. */
	fprintf(path_is_stdio(path) ? stderr : cli->out, "%s: %s written "
	    "(%zu bytes)\n", path_is_stdio(path) ? "standard output" : path,
	    what, len);
	return 0;
}

/* Default output inside the TFTP root. */
static int
tftp_path(struct cli *cli, struct store *st, const char *name, char *out,
    size_t outlen)
{
	char dir[4096];

	if (tftp_dir(st, dir, sizeof(dir), &cli->err) == -1)
		return -1;
	return path_join(out, outlen, dir, name, &cli->err);
}

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
	if (options_common(cli, a, &o.hash_alg, &o.signer_version) == -1 ||
	    (st = cli_store(cli)) == NULL)
		return -1;
	o.sign_with = args_get(a, "sign-with");
	if (out == NULL) {
		if (tftp_path(cli, st, "ITLFile.tlv", path, sizeof(path)) == -1)
			return -1;
		out = path;
	}
	if (itl_build_from_store(st, &o, &data, &len, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "itl build");
	rc = write_output(cli, out, data, len, "ITL");
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

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
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
	if (options_common(cli, a, &p.hash_alg, &p.signer_version) == -1)
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
		if (load_pem_pair(cli, a->items[i].value, &entries[n].cert,
		    role == ROLE_SAST && p.signer == NULL ? &p.key : NULL) == -1)
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
	    base_name(out);
	if (itl_build(entries, n, &p, &data, &len, &cli->err) == -1)
		goto out;
	if (!args_has(a, "no-size-limit") &&
	    itl_phone_size_check(len, n, &why) == -1) {
		ucerr_set(&cli->err, "%s: %s (--no-size-limit writes it for "
		    "tools)", out, why.msg);
		goto out;
	}
	rc = write_output(cli, out, data, len, "trust list");
out:
	while (n > 0)
		X509_free(entries[--n].cert);
	free(entries);
	EVP_PKEY_free(p.key);
	free(data);
	return rc;
}

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
	if (options_common(cli, a, &o.hash_alg, &o.signer_version) == -1 ||
	    (st = cli_store(cli)) == NULL)
		return -1;
	if (sign_with != NULL && strcmp(sign_with, "itlrecovery") != 0 &&
	    strcmp(sign_with, "sast") != 0)
		return ucerr_set(&cli->err, "ctl build: --sign-with must be "
		    "itlrecovery or sast");
	if (sign_with != NULL && strcmp(sign_with, "sast") == 0 && sast == NULL)
		return ucerr_set(&cli->err, "ctl build: --sign-with sast needs "
		    "--sast PEM");
	if (sast != NULL && load_pem_pair(cli, sast, &o.extra_sast,
	    sign_with && strcmp(sign_with, "sast") == 0 ? &sast_key : NULL) == -1)
		return -1;
	if (sast_key != NULL) {
		o.signer = o.extra_sast;
		o.signer_key = sast_key;
	}
	if (out == NULL &&
	    tftp_path(cli, st, "CTLFile.tlv", path, sizeof(path)) == -1)
		goto out;
	if (ctl_build_from_store(st, &o, &data, &len, &cli->err) == -1) {
		ucerr_wrap(&cli->err, "ctl build");
		goto out;
	}
	if (write_output(cli, out ? out : path, data, len, "CTL") == -1)
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

int
cmd_sgn_sign(struct cli *cli, const struct args *a)
{
	struct sigfile_params p;
	const char *in = a->positional[0];
	char out[4096], name[300];
	uint8_t *data = NULL, *signed_data = NULL;
	size_t len, signed_len;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	if (options_common(cli, a, &p.hash_alg, &p.signer_version) == -1)
		return -1;
	p.signer_version = 0;	/* .sgn headers carry none */
	/* From standard input the signed file goes to standard output, and
	 * only the user knows the name phones will fetch it by. */
	if (path_is_stdio(in) && args_get(a, "filename") == NULL)
		return ucerr_set(&cli->err, "sgn sign -: give --filename NAME "
		    "(the name phones fetch, e.g. SEP001122334455.cnf.xml.sgn)");
	if (snprintf(out, sizeof(out), "%s%s", in, path_is_stdio(in) ? "" :
	    ".sgn") >= (int)sizeof(out))
		return ucerr_set(&cli->err, "%s: path too long", in);
	snprintf(name, sizeof(name), "%s.sgn", base_name(in));
	if (file_read(in, FILE_READ_MAX, &data, &len, &cli->err) == -1 ||
	    load_signer(cli, a, &p.signer, &p.key) == -1)
		goto out;
	p.version_major = 1;
	p.filename = args_get(a, "filename") ? args_get(a, "filename") : name;
	if (sgn_sign(data, len, &p, &signed_data, &signed_len, &cli->err) == -1)
		goto out;
	rc = write_output(cli, out, signed_data, signed_len, "signed file");
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
		if (signer != NULL)
			rc = load_pem_pair(cli, signer, &cert, NULL);
		else if (cli_store(cli) != NULL)
			rc = identity_load(cli->store, "CallManager", &cert, NULL,
			    &cli->err);
		if (rc == 0 || cert != NULL)
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

/* path without the suffix, or NULL when it does not end with it. */
static int
strip_suffix(struct cli *cli, const char *path, const char *suffix, char *out,
    size_t outlen)
{
	size_t len = strlen(path), slen = strlen(suffix);

	if (len <= slen || strcmp(path + len - slen, suffix) != 0 ||
	    len - slen >= outlen)
		return ucerr_set(&cli->err, "%s: name does not end with %s (give "
		    "--out)", path, suffix);
	memcpy(out, path, len - slen);
	out[len - slen] = '\0';
	return 0;
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
		if (strip_suffix(cli, a->positional[0], ".sgn", path,
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
	rc = write_output(cli, out, body, body_len, "original file");
out:
	free(data);
	return rc;
}

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
	if (options_common(cli, a, &p.hash_alg, &signer_version) == -1)
		return -1;
	if (device == NULL) {
		/* SEP<MAC>.cnf.xml is the device's: its LSC, else its MIC. */
		snprintf(name, sizeof(name), "%.*s",
		    (int)strcspn(base_name(in), "."), base_name(in));
		if (cli_store(cli) == NULL)
			return -1;
		if (device_encryption_cert(cli->store, name, &device_cert, &kind,
		    &cli->err) == -1) {
			char why[sizeof(cli->err.msg)];

			snprintf(why, sizeof(why), "%s", cli->err.msg);
			return ucerr_set(&cli->err, "%s; or give --device-cert",
			    why);
		}
		fprintf(stderr, "%s: encrypted for the device's %s from the "
		    "store\n", name, kind == DEVICE_CERT_LSC ? "LSC" : "MIC");
	} else if (load_pem_pair(cli, device, &device_cert, NULL) == -1) {
		return -1;
	}
	if (file_read(in, FILE_READ_MAX, &xml, &len, &cli->err) == -1 ||
	    load_signer(cli, a, &p.signer, &p.key) == -1)
		goto out;
	if (enccnf_encrypt(xml, len, base_name(in), device_cert, &p, &enc,
	    &cli->err) == -1) {
		ucerr_wrap(&cli->err, "%s", in);
		goto out;
	}
	snprintf(out, sizeof(out), "%s.enc.sgn", in);
	if (write_output(cli, out, enc.enc, enc.enc_len,
	    "encrypted configuration") == -1)
		goto out;
	snprintf(out, sizeof(out), "%s.sgn", in);
	rc = write_output(cli, out, enc.stub, enc.stub_len, "signed stub");
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
		if (strip_suffix(cli, in, ".enc.sgn", path, sizeof(path)) == -1)
			return -1;
		out = path;
	}
	if (key_load_file(key_file, &key, &cli->err) == -1 ||
	    file_read(in, FILE_READ_MAX, &data, &len, &cli->err) == -1)
		goto out;
	if (signer != NULL) {
		if (load_pem_pair(cli, signer, &cert, NULL) == -1)
			goto out;
	} else {
		char db[4096];

		/* Without --signer, the cluster's CallManager if there is one. */
		if (cli_home_path(cli, db, sizeof(db), "ucpki.db") == 0 &&
		    path_exists(db) && cli_store(cli) != NULL &&
		    identity_load(cli->store, "CallManager", &cert, NULL,
		    &cli->err) == -1)
			goto out;
	}
	if (enccnf_decrypt(data, len, key, cert, &xml, &xml_len, &cli->err) == -1) {
		ucerr_wrap(&cli->err, "%s", in);
		goto out;
	}
	if (cert == NULL)
		fprintf(stderr, "%s: signature not checked (no --signer and no "
		    "cluster)\n", in);
	rc = write_output(cli, out, xml, xml_len, "configuration");
out:
	EVP_PKEY_free(key);
	X509_free(cert);
	free(data);
	free(xml);
	return rc;
}

int
cmd_tftp_publish(struct cli *cli, const struct args *a)
{
	struct store *st;
	char dir[4096];

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (a->n_positional == 1)
		snprintf(dir, sizeof(dir), "%s", a->positional[0]);
	else if (tftp_dir(st, dir, sizeof(dir), &cli->err) == -1)
		return -1;
	if (tftp_publish(st, dir, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "tftp publish");
	fprintf(cli->out, "%s: trust lists published\n", dir);
	return 0;
}

const struct opt itl_reset_opts[] = {
	DIGEST_OPT,
	{ NULL, 0, NULL, NULL },
};

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
	if (options_common(cli, a, &o.hash_alg, &signer_version) == -1 ||
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
	if (tftp_path(cli, st, "ITLFile.tlv", path, sizeof(path)) == -1 ||
	    itl_build_from_store(st, &o, &data, &len, &cli->err) == -1)
		goto out;
	if (write_output(cli, path, data, len, "ITL signed by ITLRecovery") == -1)
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
