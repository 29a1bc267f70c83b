/* cmd_trust.c - `ucpki trust ...`: the trust stores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509v3.h>

#include "certmgr.h"
#include "cert_view.h"
#include "commands.h"
#include "export.h"
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
	{ "out", OPT_VALUE, "FILE|-", "write the PEM bundle here (- standard output, never kept current)" },
	{ "hashed-dir", OPT_VALUE, "DIR", "write <hash>.0 certificates and <hash>.r0 CRLs (OpenSSL's CApath)" },
	{ "once", OPT_FLAG, NULL, "write it now only (else it is kept current)" },
	{ NULL, 0, NULL, NULL },
};

static int
store_arg(struct cli *cli, const char *name)
{
	return trust_store_name_check(name, &cli->err);
}

int
cmd_trust_add(struct cli *cli, const struct args *a)
{
	const char *store_name = a->positional[0], *file = a->positional[1];
	STACK_OF(X509) *certs = NULL;
	struct trust_added *results = NULL;
	struct export_refresh exports;
	struct store *st;
	int i, n, rc = -1;

	if (store_arg(cli, store_name) == -1 || (st = cli_store(cli)) == NULL)
		return -1;
	if (certs_load_file(file, &certs, &cli->err) == -1)
		return -1;
	n = sk_X509_num(certs);
	if ((results = calloc((size_t)n, sizeof(*results))) == NULL) {
		ucerr_set(&cli->err, "trust add: out of memory");
		goto out;
	}
	if (trust_add_bundle(st, store_name, certs, args_get(a, "name"),
	    results, &exports, &cli->err) == -1)
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
	cli_exports_report(cli, &exports);
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
	struct export_refresh exports;
	struct store *st;
	int64_t holders;
	char name[256];

	trust_name_normalize(a->positional[1], name, sizeof(name));
	if (store_arg(cli, store_name) == -1 || (st = cli_store(cli)) == NULL ||
	    certmgr_trust_delete(st, store_name, name, args_has(a, "force"),
	    &holders, &exports, &cli->err) == -1)
		return -1;
	if (holders > 0)
		fprintf(stderr, "%s/%s.pem: deleted although it signs %lld "
		    "device(s)' LSCs; they will fail with Invalid LSC\n",
		    store_name, name, (long long)holders);
	fprintf(cli->out, "%s/%s.pem: deleted\n", store_name, name);
	cli_exports_report(cli, &exports);
	return 0;
}

/* An export's path made absolute, so it stays the same from anywhere. */
static int
absolute(struct cli *cli, const char *path, char *out, size_t outlen)
{
	char cwd[4096];

	if (path[0] == '/')
		return snprintf(out, outlen, "%s", path) < (int)outlen ? 0 :
		    ucerr_set(&cli->err, "%s: path too long", path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return ucerr_set(&cli->err, "%s: cannot resolve", path);
	return path_join(out, outlen, cwd, path, &cli->err);
}

int
cmd_trust_export(struct cli *cli, const struct args *a)
{
	const char *out = args_get(a, "out"), *dir = args_get(a, "hashed-dir");
	struct export_counts c;
	struct export_row row;
	size_t len = 0, used = 0;
	char *buf = NULL;
	struct store *st;
	int i, count, rc = -1;

	memset(&row, 0, sizeof(row));
	for (i = 0; i < a->n_positional; i++) {
		if (store_arg(cli, a->positional[i]) == -1)
			return -1;
		used += (size_t)snprintf(row.what + used, sizeof(row.what) - used,
		    "%s%s", i ? " " : "", a->positional[i]);
		if (used >= sizeof(row.what))
			return ucerr_set(&cli->err, "trust export: too many stores");
	}
	if (out != NULL && dir != NULL)
		return ucerr_set(&cli->err, "trust export: --out or --hashed-dir, "
		    "not both");
	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (dir == NULL && (out == NULL || path_is_stdio(out))) {
		if (trust_bundle(st, row.what, &buf, &len, &count, &cli->err) == -1)
			return -1;
		fwrite(buf, 1, len, cli->out);
		free(buf);
		if (out != NULL)
			fprintf(stderr, "%s: %d certificates written to standard "
			    "output\n", row.what, count);
		return 0;
	}
	snprintf(row.kind, sizeof(row.kind), "%s", dir ? "hashed" : "bundle");
	if (absolute(cli, dir ? dir : out, row.path, sizeof(row.path)) == -1 ||
	    export_add(st, &row, args_has(a, "once"), &c, &cli->err) == -1)
		goto out;
	if (dir != NULL)
		fprintf(stderr, "%s: %d certificate(s) and %d CRL(s) in %s\n",
		    row.what, c.certs, c.crls, row.path);
	else
		fprintf(stderr, "%s: %d certificates written to %s\n", row.what,
		    c.certs, row.path);
	if (!args_has(a, "once"))
		fprintf(stderr, "%s: kept current (ucpki config lists it; "
		    "--once for a copy)\n", row.path);
	rc = 0;
out:
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
