/* cmd_init.c - `ucpki init`: a new node with its six identities. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fileio.h"
#include "identity.h"
#include "store.h"
#include "publish.h"

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

/* Removes the database of a home whose init failed, so init can rerun. */
static void
undo_init(struct cli *cli)
{
	static const char *const files[] = { "ucpki.db", "ucpki.db-wal",
	    "ucpki.db-shm" };
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (cli_home_path(cli, path, sizeof(path), files[i]) == 0)
			unlink(path);
}

int
cmd_init(struct cli *cli, const struct args *a)
{
	const struct purpose_info *p;
	struct identity_params params;
	const char *node = args_get(a, "node");
	const char *country = args_get(a, "country");
	char path[4096], key_file[128];
	X509 *cert;
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
	if ((st = store_open(cli->home, 1, &cli->err)) == NULL)
		return -1;
	cli->store = st;
	if (store_begin(st, &cli->err) == -1 || save_node(st, a, &cli->err) == -1)
		goto fail;
	for (p = purposes; p->name != NULL; p++) {
		identity_params_default(p, &params);
		if (identity_create(st, p, &params, &cert, key_file,
		    sizeof(key_file), &cli->err) == -1)
			goto fail;
		if (identity_install(st, p, cert, key_file, "self-signed", 1,
		    &cli->err) == -1) {
			X509_free(cert);
			goto fail;
		}
		X509_free(cert);
		fprintf(cli->out, "%s/%s.pem: Self-signed certificate generated "
		    "by system\n", p->name, p->name);
	}
	if (store_commit(st, &cli->err) == -1)
		goto fail;
	fprintf(cli->out, "Initialised %s for node %s.\n", cli->home, node);
	if (tftp_publish(st, NULL, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "init: ITL not published");
	fprintf(cli->out, "ITLFile.tlv published to %s/tftp\n", cli->home);
	return 0;
fail:
	store_rollback(st);
	store_close(st);
	cli->store = NULL;
	undo_init(cli);
	return -1;
}
