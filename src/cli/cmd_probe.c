/*
 * cmd_probe.c - `ucpki probe HOST:PORT`: connect, show the chain the
 * server presents, verify it, check its name, and explain the result in
 * the seeds' words (like the Expressway secure traversal test).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "certinfo.h"
#include "commands.h"
#include "findings.h"
#include "fileio.h"
#include "identity.h"
#include "tls_client.h"
#include "trust.h"
#include "x509.h"

const struct opt probe_opts[] = {
	{ "cert", OPT_VALUE, "PEM", "present this client certificate" },
	{ "key", OPT_VALUE, "PEM", "its private key" },
	{ "trust", OPT_VALUE, "STORE|FILE", "verify the server with this trust store or CA file" },
	{ "name", OPT_VALUE, "FQDN", "the name the server must carry (default HOST)" },
	{ "tls1_2", OPT_FLAG, NULL, "TLS 1.2 only" },
	{ "tls1", OPT_FLAG, NULL, "TLS 1.0 (older phones and servers)" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

static X509_STORE *
load_trust(struct cli *cli, const char *what)
{
	STACK_OF(X509) *cas;
	X509_STORE *xs = NULL;
	int i;

	if (trust_store_valid(what)) {
		if (cli_store(cli) == NULL ||
		    trust_x509_store(cli->store, what, &xs, &cli->err) == -1)
			return NULL;
		return xs;
	}
	if (certs_load_file(what, &cas, &cli->err) == -1)
		return NULL;
	if ((xs = X509_STORE_new()) != NULL)
		for (i = 0; i < sk_X509_num(cas); i++)
			X509_STORE_add_cert(xs, sk_X509_value(cas, i));
	sk_X509_pop_free(cas, X509_free);
	return xs;
}

static void
explain_alert(struct findings *f, int alert)
{
	if (alert == 48)
		findings_add(f, SEV_ERROR, "unknown-ca", "add the CA that issued "
		    "the client certificate to the server's trust store",
		    "tlsv1 alert unknown ca: the server does not trust the "
		    "client certificate's issuer");
	else if (alert == 46)
		findings_add(f, SEV_ERROR, "certificate-unknown", "check the "
		    "client certificate's usages (TLS Web Client Authentication) "
		    "and chain", "certificate_unknown: the server refused the "
		    "client certificate");
	else if (alert == 42 || alert == 116)
		findings_add(f, SEV_ERROR, "certificate-required", "present a "
		    "client certificate (--cert, --key)", "the server requires a "
		    "client certificate");
	else if (alert >= 0)
		findings_add(f, SEV_ERROR, "alert", "see the server's log",
		    "the server sent TLS alert %d (%s)", alert,
		    SSL_alert_desc_string_long(alert));
}

int
cmd_probe(struct cli *cli, const struct args *a)
{
	struct tls_client_opts o;
	struct tls_client tls;
	struct findings f;
	struct certinfo info;
	STACK_OF(X509) *chain, *client = NULL;
	X509_STORE *trusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *leaf = NULL;
	EVP_PKEY *key = NULL;
	const char *name = args_get(a, "name");
	char host[256], subject[512];
	int i, rc = -1, connected;

	memset(&o, 0, sizeof(o));
	memset(&f, 0, sizeof(f));
	if (cli_host_port(cli, a->positional[0], host, sizeof(host), &o.port) == -1)
		return -1;
	o.host = host;
	o.timeout_ms = 10000;
	o.tls1 = args_has(a, "tls1");
	o.tls1_2_only = args_has(a, "tls1_2");
	o.sni = name ? name : host;
	if (args_get(a, "cert") != NULL) {
		if (certs_load_file(args_get(a, "cert"), &client, &cli->err) == -1 ||
		    key_load_file(args_get(a, "key") ? args_get(a, "key") :
		    args_get(a, "cert"), &key, &cli->err) == -1)
			goto out;
		o.cert = sk_X509_value(client, 0);
		o.key = key;
	}
	if (args_get(a, "trust") != NULL &&
	    (trusted = load_trust(cli, args_get(a, "trust"))) == NULL)
		goto out;
	connected = tls_client_connect(&tls, &o, &cli->err) == 0;
	if (!connected && tls.failure != TLS_FAIL_HANDSHAKE) {
		tls_client_close(&tls);
		goto out;
	}
	if (!connected) {
		findings_add(&f, SEV_ERROR, "handshake", "see below", "%s",
		    cli->err.msg);
		explain_alert(&f, tls.alert_received);
	} else {
		findings_add(&f, SEV_INFO, "tls", NULL, "%s, cipher %s",
		    SSL_get_version(tls.ssl), SSL_get_cipher_name(tls.ssl));
		chain = SSL_get_peer_cert_chain(tls.ssl);
		leaf = SSL_get1_peer_certificate(tls.ssl);
		for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
			certinfo_get(sk_X509_value(chain, i), &info);
			findings_add(&f, SEV_INFO, "presented", NULL, "%d: %s "
			    "(issuer %s, serial %s)", i, info.subject, info.issuer,
			    info.serial);
		}
		if (leaf != NULL && X509_check_host(leaf, o.sni, 0, 0, NULL) != 1) {
			name_oneline(X509_get_subject_name(leaf), subject,
			    sizeof(subject));
			findings_add(&f, SEV_ERROR, "name-mismatch", "put the name "
			    "clients use in the certificate's SAN (and CN)",
			    "Server presented certificate that does not match "
			    "host %s (%s)", o.sni, subject);
		}
		if (trusted != NULL && leaf != NULL &&
		    (ctx = X509_STORE_CTX_new()) != NULL &&
		    X509_STORE_CTX_init(ctx, trusted, leaf, chain) == 1) {
			X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
			if (X509_verify_cert(ctx) != 1)
				findings_add(&f, SEV_ERROR, "untrusted", "add the "
				    "server's CA chain to the trust store", "the "
				    "server's certificate does not verify: %s",
				    X509_verify_cert_error_string(
				    X509_STORE_CTX_get_error(ctx)));
			else
				findings_add(&f, SEV_INFO, "trusted", NULL, "the "
				    "server's chain verifies");
		}
	}
	tls_client_close(&tls);
	cli->err.msg[0] = '\0';
	rc = cli_report_findings(cli, a, a->positional[0], &f);
out:
	X509_STORE_CTX_free(ctx);
	X509_free(leaf);
	X509_STORE_free(trusted);
	EVP_PKEY_free(key);
	sk_X509_pop_free(client, X509_free);
	return rc;
}
