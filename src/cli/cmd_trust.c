/* cmd_trust.c - `ucpki trust ...`: the trust stores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "certmgr.h"
#include "cert_view.h"
#include "commands.h"
#include "fileio.h"
#include "identity.h"
#include "store.h"
#include "trust.h"
#include "x509.h"

const struct opt trust_add_opts[] = {
	{ "name", OPT_VALUE, "NAME", "entry name (default: the certificate's CN)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt trust_delete_opts[] = {
	{ "force", OPT_FLAG, NULL, "delete even a CA that signs a current identity or LSCs" },
	{ NULL, 0, NULL, NULL },
};

const struct opt trust_export_opts[] = {
	{ "out", OPT_VALUE, "FILE", "write the PEM bundle here instead of standard output" },
	{ NULL, 0, NULL, NULL },
};

static int
store_arg(struct cli *cli, const char *name)
{
	return trust_store_check(name, &cli->err);
}

int
cmd_trust_add(struct cli *cli, const struct args *a)
{
	const char *store_name = a->positional[0], *file = a->positional[1];
	STACK_OF(X509) *certs = NULL;
	struct trust_added *results = NULL;
	struct store *st;
	int i, n, rc = -1;

	if (store_arg(cli, store_name) == -1 || (st = cli_store(cli)) == NULL)
		return -1;
	if (certs_load_file(file, &certs, &cli->err) == -1)
		return -1;
	n = sk_X509_num(certs);
	if (args_has(a, "name") && n > 1) {
		ucerr_set(&cli->err, "%s: --name needs a file with one "
		    "certificate (it has %d)", file, n);
		goto out;
	}
	if ((results = calloc((size_t)n, sizeof(*results))) == NULL) {
		ucerr_set(&cli->err, "trust add: out of memory");
		goto out;
	}
	if (trust_add_bundle(st, store_name, certs, args_get(a, "name"),
	    results, &cli->err) == -1)
		goto out;
	/* Printed only once committed: every line is true. */
	for (i = 0; i < n; i++) {
		if (results[i].duplicate)
			fprintf(cli->out, "%s/%s.pem: already in %s; skipped\n",
			    store_name, results[i].name, store_name);
		else
			fprintf(cli->out, "%s/%s.pem: Trust Certificate added\n",
			    store_name, results[i].name);
	}
	rc = 0;
out:
	free(results);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
cmd_trust_delete(struct cli *cli, const struct args *a)
{
	const char *store_name = a->positional[0];
	struct store *st;
	int64_t holders;
	char name[256];

	trust_name_normalize(a->positional[1], name, sizeof(name));
	if (store_arg(cli, store_name) == -1 || (st = cli_store(cli)) == NULL ||
	    certmgr_trust_delete(st, store_name, name, args_has(a, "force"),
	    &holders, &cli->err) == -1)
		return -1;
	if (holders > 0)
		fprintf(stderr, "%s/%s.pem: deleted although it signs %lld "
		    "device(s)' LSCs; they will fail with Invalid LSC\n",
		    store_name, name, (long long)holders);
	fprintf(cli->out, "%s/%s.pem: deleted\n", store_name, name);
	return 0;
}

struct export_ctx {
	FILE		*fp;
	int		 count;
};

static int
export_one(void *arg, const struct trust_row *row)
{
	struct export_ctx *ctx = arg;
	X509 *cert;
	char *pem;
	size_t len;

	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1)
		return 0;
	if (cert_to_pem(cert, &pem, &len, NULL) == 0) {
		fprintf(ctx->fp, "# %s/%s.pem\n", row->store, row->name);
		fwrite(pem, 1, len, ctx->fp);
		free(pem);
		ctx->count++;
	}
	X509_free(cert);
	return 0;
}

int
cmd_trust_export(struct cli *cli, const struct args *a)
{
	const char *store_name = a->positional[0], *out = args_get(a, "out");
	struct export_ctx ctx = { NULL, 0 };
	char *buf = NULL;
	size_t len = 0;
	struct store *st;
	int rc = -1;

	if (store_arg(cli, store_name) == -1 || (st = cli_store(cli)) == NULL)
		return -1;
	/* Bundle in memory first so a failure never leaves half a file. */
	if ((ctx.fp = open_memstream(&buf, &len)) == NULL)
		return ucerr_set(&cli->err, "export: out of memory");
	if (store_trust_each(st, store_name, export_one, &ctx, &cli->err) != 0) {
		fclose(ctx.fp);
		goto out;
	}
	fclose(ctx.fp);
	if (out != NULL) {
		if (file_write_atomic(out, buf, len, 0644, &cli->err) == -1)
			goto out;
		fprintf(stderr, "%s: %d certificates written to %s\n",
		    store_name, ctx.count, path_is_stdio(out) ?
		    "standard output" : out);
	} else {
		fwrite(buf, 1, len, cli->out);
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int
cmd_trust_show(struct cli *cli, const struct args *a)
{
	const char *store_name = a->positional[0];
	char label[300];
	struct store *st;
	X509 *cert;
	int rc;

	if (store_arg(cli, store_name) == -1 || (st = cli_store(cli)) == NULL)
		return -1;
	if (trust_cert_get(st, store_name, a->positional[1], &cert, label,
	    sizeof(label), &cli->err) != 1)
		return -1;
	rc = cli_show_cert(cli, a, cert, "name", label, NULL);
	X509_free(cert);
	return rc;
}
