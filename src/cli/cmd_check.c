/* cmd_check.c - `ucpki check cert|csr|chain|trust`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certcheck.h"
#include "clock.h"
#include "commands.h"
#include "fileio.h"
#include "identity.h"
#include "json.h"
#include "store.h"
#include "trustcheck.h"
#include "x509.h"

const struct opt check_cert_opts[] = {
	{ "key", OPT_VALUE, "KEYFILE", "also check this private key file" },
	{ "role", OPT_VALUE, "ROLE", "expressway-c|expressway-e|callmanager|tomcat|capf|lsc|mic" },
	{ "require-san", OPT_VALUE, "NAMES", "names the SAN must hold, comma separated" },
	{ "mra-domains", OPT_VALUE, "DOMAINS", "MRA on Expressway-E: each domain, or collab-edge.<domain>" },
	{ "security-profiles", OPT_VALUE, "NAMES", "MRA on Expressway-C: phone security profile names" },
	{ "xmpp-domains", OPT_VALUE, "DOMAINS", "XMPP federation domains (Expressway-E)" },
	{ "chat-aliases", OPT_VALUE, "NAMES", "IM&P chat node aliases (federated group chat)" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt check_csr_opts[] = {
	{ "cert", OPT_VALUE, "CERT", "the signed certificate (required)" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt check_chain_opts[] = {
	{ "store", OPT_VALUE, "STORE", "trust this trust store of the home" },
	{ "ca", OPT_VALUE, "FILE", "trust the CA certificates in this file" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt check_trust_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

/* Prints the findings; non-zero exit when there is an error among them. */
int
cli_report_findings(struct cli *cli, const struct args *a, const char *subject,
    const struct findings *f)
{
	struct json j;

	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		json_string(&j, "subject", subject);
		findings_json(&j, f);
		json_object_end(&j);
		json_finish(&j);
	} else {
		findings_print(cli->out, f, subject);
	}
	if (findings_errors(f) > 0)
		return ucerr_set(&cli->err, "%s: %d error(s) found", subject,
		    findings_errors(f));
	return 0;
}

int
cmd_check_cert(struct cli *cli, const struct args *a)
{
	struct cert_check_opts o;
	struct findings f;
	STACK_OF(X509) *certs;
	uint8_t *key = NULL;
	size_t key_len = 0;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	memset(&f, 0, sizeof(f));
	if (certs_load_file(a->positional[0], &certs, &cli->err) == -1)
		return -1;
	if (args_get(a, "key") != NULL && file_read(args_get(a, "key"),
	    FILE_READ_MAX, &key, &key_len, &cli->err) == -1)
		goto out;
	o.role = args_get(a, "role");
	o.require_san = args_get(a, "require-san");
	o.mra_domains = args_get(a, "mra-domains");
	o.security_profiles = args_get(a, "security-profiles");
	o.xmpp_domains = args_get(a, "xmpp-domains");
	o.chat_aliases = args_get(a, "chat-aliases");
	o.key_pem = key;
	o.key_len = key_len;
	o.now = clock_now();
	if (cert_check(sk_X509_value(certs, 0), &o, &f, &cli->err) == -1)
		goto out;
	rc = cli_report_findings(cli, a, a->positional[0], &f);
out:
	if (key != NULL) {
		OPENSSL_cleanse(key, key_len);
		free(key);
	}
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
cmd_check_csr(struct cli *cli, const struct args *a)
{
	STACK_OF(X509) *certs;
	struct findings f;
	X509_REQ *req;
	int rc;

	memset(&f, 0, sizeof(f));
	if (args_get(a, "cert") == NULL)
		return ucerr_set(&cli->err, "check csr: --cert CERT is required");
	if (csr_load_file(a->positional[0], &req, &cli->err) == -1)
		return -1;
	if (certs_load_file(args_get(a, "cert"), &certs, &cli->err) == -1) {
		X509_REQ_free(req);
		return -1;
	}
	csr_check(req, sk_X509_value(certs, 0), &f);
	rc = cli_report_findings(cli, a, a->positional[0], &f);
	X509_REQ_free(req);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
cmd_check_chain(struct cli *cli, const struct args *a)
{
	const char *store_name = args_get(a, "store"), *ca = args_get(a, "ca");
	STACK_OF(X509) *certs;
	X509_STORE *trusted = NULL;
	struct findings f;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	if ((store_name == NULL) == (ca == NULL))
		return ucerr_set(&cli->err, "check chain: give --store STORE or "
		    "--ca FILE");
	if (certs_load_file(a->positional[0], &certs, &cli->err) == -1)
		return -1;
	/* The home is opened for a known store name only: an unknown one
	 * is named as such, initialised home or not. */
	if (store_name != NULL && trust_store_valid(store_name) &&
	    cli_store(cli) == NULL)
		goto out;
	if ((store_name != NULL ? trust_store_load(cli->store, store_name,
	    &trusted, &cli->err) : ca_file_store(ca, &trusted, NULL,
	    &cli->err)) == -1)
		goto out;
	chain_check(sk_X509_value(certs, 0), certs, trusted, clock_now(), &f);
	rc = cli_report_findings(cli, a, a->positional[0], &f);
out:
	X509_STORE_free(trusted);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
cmd_check_trust(struct cli *cli, const struct args *a)
{
	struct findings f;

	memset(&f, 0, sizeof(f));
	if ((trust_store_valid(a->positional[0]) && cli_store(cli) == NULL) ||
	    trust_store_check(cli->store, a->positional[0], clock_now(), &f,
	    &cli->err) == -1)
		return -1;
	return cli_report_findings(cli, a, a->positional[0], &f);
}
