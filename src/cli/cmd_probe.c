/*
 * cmd_probe.c - `ucpki probe HOST:PORT`: the options into a probe
 * (src/diag/probe.c), its findings printed.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "findings.h"
#include "hostport.h"
#include "identity.h"
#include "probe.h"
#include "trustcheck.h"
#include "x509.h"

const struct opt probe_opts[] = {
	{ "cert", OPT_VALUE, "PEM", "present this client certificate" },
	{ "key", OPT_VALUE, "PEM", "its private key" },
	{ "trust", OPT_VALUE, "STORE|FILE", "verify the server with this trust store or CA file (default: the system's CA store)" },
	{ "name", OPT_VALUE, "FQDN", "the name the server must carry (default HOST)" },
	{ "tls1_2", OPT_FLAG, NULL, "TLS 1.2 only" },
	{ "tls1", OPT_FLAG, NULL, "TLS 1.0 (older phones and servers)" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_probe(struct cli *cli, const struct args *a)
{
	struct probe_opts o;
	struct findings f;
	STACK_OF(X509) *client = NULL;
	const char *name = args_get(a, "name");
	char host[256], label[512];
	int rc = -1;

	memset(&o, 0, sizeof(o));
	memset(&f, 0, sizeof(f));
	if (hostport_parse(a->positional[0], 0, host, sizeof(host), &o.port,
	    &cli->err) == -1)
		return -1;
	o.host = host;
	o.name = name ? name : host;
	o.tls1 = args_has(a, "tls1");
	o.tls1_2_only = args_has(a, "tls1_2");
	if (args_get(a, "cert") != NULL) {
		if (certs_load_file(args_get(a, "cert"), &client, &cli->err) == -1 ||
		    key_load_file(args_get(a, "key") ? args_get(a, "key") :
		    args_get(a, "cert"), &o.key, &cli->err) == -1)
			goto out;
		o.cert = sk_X509_value(client, 0);
	}
	if (args_get(a, "trust") != NULL) {
		if ((trust_store_valid(args_get(a, "trust")) &&
		    cli_store(cli) == NULL) ||
		    trust_source_load(cli->store, args_get(a, "trust"),
		    &o.trusted, label, sizeof(label), &cli->err) == -1)
			goto out;
		o.trusted_label = label;
	}
	if (probe_run(&o, &f, &cli->err) == -1)
		goto out;
	rc = cli_report_findings(cli, a, a->positional[0], &f);
out:
	X509_STORE_free(o.trusted);
	EVP_PKEY_free(o.key);
	sk_X509_pop_free(client, X509_free);
	return rc;
}
