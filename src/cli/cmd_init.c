/* cmd_init.c - `ucpki init`: a new node with its six identities. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "identity.h"
#include "store.h"
#include "publish.h"
#include "stage.h"

const struct opt init_opts[] = {
	{ "node", OPT_VALUE, "FQDN", "the node's fully qualified name (required)" },
	{ "org", OPT_VALUE, "O", "organisation" },
	{ "ou", OPT_VALUE, "OU", "organisational unit" },
	{ "locality", OPT_VALUE, "L", "locality (city)" },
	{ "state", OPT_VALUE, "ST", "state or province" },
	{ "country", OPT_VALUE, "C", "two-letter country code" },
	{ NULL, 0, NULL, NULL },
};

static int
valid_fqdn(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 253 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

static int
save_node(struct store *st, const struct args *a, struct ucerr *err)
{
	static const struct { const char *opt, *key; } fields[] = {
		{ "node", "node" }, { "org", "org" }, { "ou", "ou" },
		{ "locality", "locality" }, { "state", "state" },
		{ "country", "country" },
	};
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		v = args_get(a, fields[i].opt);
		if (store_meta_set(st, fields[i].key, v ? v : "", err) == -1)
			return -1;
	}
	return 0;
}

/* The node's settings and its six identities, in one transaction. */
static int
build_node(struct store *st, const struct args *a, struct ucerr *err)
{
	const struct purpose_info *p;
	struct identity_params params;
	char key_file[128];
	X509 *cert;

	if (store_begin(st, err) == -1)
		return -1;
	if (save_node(st, a, err) == -1)
		goto fail;
	for (p = purposes; p->name != NULL; p++) {
		identity_params_default(p, &params);
		if (identity_create(st, p, &params, &cert, key_file,
		    sizeof(key_file), err) == -1)
			goto fail;
		if (identity_install(st, p, cert, key_file, "self-signed", 1,
		    err) == -1) {
			X509_free(cert);
			goto fail;
		}
		X509_free(cert);
	}
	if (store_commit(st, err) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int
cmd_init(struct cli *cli, const struct args *a)
{
	const struct purpose_info *p;
	const char *node = args_get(a, "node");
	const char *country = args_get(a, "country");
	struct stage stage;
	char path[4096];
	struct store *st;

	if (node == NULL)
		return ucerr_set(&cli->err, "init: --node FQDN is required");
	if (!valid_fqdn(node))
		return ucerr_set(&cli->err, "init: '%s' is not a host name", node);
	if (country != NULL && strlen(country) != 2)
		return ucerr_set(&cli->err, "init: --country must be a two-letter "
		    "code, not '%s'", country);
	if (cli_home_path(cli, path, sizeof(path), "ucpki.db") == -1)
		return -1;
	if (path_exists(path))
		return ucerr_set(&cli->err, "init: %s is already initialised; "
		    "refusing to overwrite it", cli->home);
	/*
	 * Everything is built in a hidden directory and renamed into the
	 * home at the end, the database last: an init that fails (a full
	 * disk) leaves no half-built home, and init can simply run again.
	 */
	if (stage_begin(&stage, cli->home, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "init");
	if ((st = store_open(stage.tmp, STORE_CREATE, &cli->err)) == NULL)
		goto fail;
	if (build_node(st, a, &cli->err) == -1 ||
	    tftp_publish(st, NULL, &cli->err) == -1) {
		store_close(st);
		goto fail;
	}
	store_close(st);
	if (stage_commit(&stage, "ucpki.db", &cli->err) == -1)
		goto fail;
	for (p = purposes; p->name != NULL; p++)
		fprintf(cli->out, "%s/%s.pem: Self-signed certificate generated "
		    "by system\n", p->name, p->name);
	fprintf(cli->out, "Initialised %s for node %s.\n", cli->home, node);
	fprintf(cli->out, "ITLFile.tlv published to %s/tftp\n", cli->home);
	return 0;
fail:
	stage_rename_in(&stage, &cli->err);
	stage_abort(&stage);
	return ucerr_wrap(&cli->err, "init");
}
