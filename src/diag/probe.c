/* probe.c - a TLS server checked as its clients see it (see probe.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "certinfo.h"
#include "clock.h"
#include "probe.h"
#include "tls_client.h"
#include "x509.h"

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

/* Where OpenSSL looks by default, with the environment's overrides. */
static void
system_store_label(char *out, size_t outlen)
{
	const char *file = getenv(X509_get_default_cert_file_env());
	const char *dir = getenv(X509_get_default_cert_dir_env());

	snprintf(out, outlen, "the system's CA store (%s, %s)",
	    file ? file : X509_get_default_cert_file(),
	    dir ? dir : X509_get_default_cert_dir());
}

/*
 * A chain that stops where the server sent nothing more is the server's
 * fault when the certificate it stops at is the server's own (no CA
 * issues server certificates from its root); when it stops at a CA the
 * server did send, the missing issuer is most often a root this client
 * lacks, but may be a second intermediate.
 */
static void
missing_issuer(X509 *culprit, int depth, struct findings *f)
{
	char issuer[512], subject[512];

	name_oneline(X509_get_issuer_name(culprit), issuer, sizeof(issuer));
	name_oneline(X509_get_subject_name(culprit), subject, sizeof(subject));
	if (depth == 0 && X509_check_ca(culprit) == 0)
		findings_add(f, SEV_ERROR, "missing-intermediate", "configure the "
		    "server to send its full chain (its certificate, then the "
		    "intermediate CAs); if that issuer is a root CA, add it to "
		    "the trust store", "the server left out its intermediate: "
		    "it presented no certificate for its issuer %s", issuer);
	else
		findings_add(f, SEV_ERROR, "missing-issuer", "add the root CA to "
		    "the trust store; if the issuer is an intermediate, the "
		    "server must send it", "the chain stops at %s: its issuer %s "
		    "is neither presented by the server nor trusted", subject,
		    issuer);
}

static void
verify_chain(X509 *leaf, STACK_OF(X509) *presented, X509_STORE *trusted,
    const char *label, struct findings *f)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *culprit;
	char name[512];
	int e, depth;

	if (ctx == NULL || X509_STORE_CTX_init(ctx, trusted, leaf,
	    presented) != 1) {
		findings_add(f, SEV_ERROR, "verify", NULL, "the chain could not "
		    "be verified: out of memory");
		X509_STORE_CTX_free(ctx);
		return;
	}
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	X509_STORE_CTX_set_time(ctx, 0, clock_now());
	if (X509_verify_cert(ctx) == 1) {
		findings_add(f, SEV_INFO, "trusted", NULL, "the server's chain "
		    "verifies against %s", label);
		X509_STORE_CTX_free(ctx);
		return;
	}
	e = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	culprit = X509_STORE_CTX_get_current_cert(ctx);
	name[0] = '\0';
	if (culprit != NULL)
		name_oneline(X509_get_subject_name(culprit), name, sizeof(name));
	if (culprit != NULL && (e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	    e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY))
		missing_issuer(culprit, depth, f);
	else if (e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	    e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
		findings_add(f, SEV_ERROR, "untrusted-root", "add the root CA to "
		    "the trust store", "the root %s is not in %s", name, label);
	else if (e == X509_V_ERR_CERT_HAS_EXPIRED)
		findings_add(f, SEV_ERROR, "expired-link", "renew that "
		    "certificate and install the new chain on the server",
		    "%s in the server's chain has expired", name);
	else
		findings_add(f, SEV_ERROR, "untrusted", "check the server's chain "
		    "with its CA", "the server's certificate does not verify: "
		    "%s: %s", name,
		    X509_verify_cert_error_string(e));
	X509_STORE_CTX_free(ctx);
}

static void
check_server(SSL *ssl, const struct probe_opts *o, X509_STORE *trusted,
    const char *label, struct findings *f)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	X509 *leaf = SSL_get1_peer_certificate(ssl);
	struct certinfo info;
	char subject[512];
	int i;

	findings_add(f, SEV_INFO, "tls", NULL, "%s, cipher %s",
	    SSL_get_version(ssl), SSL_get_cipher_name(ssl));
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		certinfo_get(sk_X509_value(chain, i), &info);
		findings_add(f, SEV_INFO, "presented", NULL, "%d: %s (issuer %s, "
		    "serial %s)", i, info.subject, info.issuer, info.serial);
	}
	if (leaf == NULL) {
		findings_add(f, SEV_ERROR, "no-certificate", "configure a "
		    "certificate on the server", "the server presented no "
		    "certificate");
		return;
	}
	if (X509_check_host(leaf, o->name, 0, 0, NULL) != 1) {
		name_oneline(X509_get_subject_name(leaf), subject, sizeof(subject));
		findings_add(f, SEV_ERROR, "name-mismatch", "put the name "
		    "clients use in the certificate's SAN (and CN)", "Server "
		    "presented certificate that does not match host %s (%s)",
		    o->name, subject);
	}
	verify_chain(leaf, chain, trusted, label, f);
	X509_free(leaf);
}

int
probe_run(const struct probe_opts *o, struct findings *f, struct ucerr *err)
{
	struct tls_client_opts t;
	struct tls_client tls;
	X509_STORE *system = NULL;
	char label[600];
	int connected;

	memset(&t, 0, sizeof(t));
	t.host = o->host;
	t.port = o->port;
	t.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
	t.tls1 = o->tls1;
	t.tls1_2_only = o->tls1_2_only;
	t.sni = o->name;
	t.cert = o->cert;
	t.key = o->key;
	connected = tls_client_connect(&tls, &t, err) == 0;
	if (!connected && tls.failure != TLS_FAIL_HANDSHAKE) {
		tls_client_close(&tls);
		return -1;
	}
	if (!connected) {
		findings_add(f, SEV_ERROR, "handshake", "see below", "%s", err->msg);
		explain_alert(f, tls.alert_received);
		err->msg[0] = '\0';
		tls_client_close(&tls);
		return 0;
	}
	if (o->trusted != NULL) {
		snprintf(label, sizeof(label), "%s", o->trusted_label ?
		    o->trusted_label : "the given CAs");
	} else {
		/* Nothing named: verify as most clients would, and say so. */
		system_store_label(label, sizeof(label));
		if ((system = X509_STORE_new()) == NULL ||
		    X509_STORE_set_default_paths(system) != 1) {
			X509_STORE_free(system);
			tls_client_close(&tls);
			return ucerr_ssl(err, "probe: the system's CA store");
		}
	}
	findings_add(f, SEV_INFO, "trust", NULL, "verified against %s", label);
	check_server(tls.ssl, o, o->trusted ? o->trusted : system, label, f);
	X509_STORE_free(system);
	tls_client_close(&tls);
	return 0;
}
