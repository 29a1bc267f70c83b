/*
 * https.c - the TLS of HTTPS on 6971: each connection gets a bufferevent
 * over the context of CallManager-ECDSA, the EC identity with the TFTP
 * role that phones holding an ITL of version 1.1 check the server against.
 *
 * A regenerated (or uploaded) CallManager-ECDSA is taken without a
 * restart: before a connection, at most once a second, the identity's
 * row is looked at and a changed updated_at builds a new context (also
 * after SIGHUP, tftpd_reload).  Connections keep the context they began
 * with (an SSL holds a reference to it).  Until the home has the
 * identity, handshakes fail: 6971 never answers in the clear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/sha.h>

#include "identity.h"
#include "store.h"
#include "tftpd_int.h"

#define ECDSA_PURPOSE	"CallManager-ECDSA"

/* The identity's context, or NULL (err set) when it cannot be had. */
static SSL_CTX *
ctx_load(struct tftpd *t, struct ucerr *err)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	SSL_CTX *ctx = NULL;
	int found;

	if ((found = identity_load_if_any(t->st, ECDSA_PURPOSE, &cert, &key,
	    err)) == 1)
		ctx = t->cfg.tls_ctx(cert, key, err);
	else if (found == 0)
		ucerr_set(err, "this home has no " ECDSA_PURPOSE " (ucpki cert "
		    "regenerate " ECDSA_PURPOSE " --yes makes one)");
	X509_free(cert);
	EVP_PKEY_free(key);
	return ctx;
}

/* The SHA-256 of the identity's certificate (all zero: none), or -1. */
static int
cert_hash(struct tftpd *t, unsigned char out[32])
{
	struct identity_row row;
	struct ucerr err;
	int found;

	memset(out, 0, 32);
	if ((found = store_identity_get(t->st, ECDSA_PURPOSE, &row,
	    &err)) == -1) {
		log_error("tftp: https: %s", err.msg);
		return -1;	/* keep what works */
	}
	if (found) {
		SHA256(row.cert_der, row.cert_len, out);
		identity_row_free(&row);
	}
	return 0;
}

/*
 * The row's updated_at says a change to the second; the certificate's
 * hash says it exactly (two regenerations within a second are two).
 */
static void
ctx_refresh(struct tftpd *t)
{
	int asked = atomic_exchange(&t->tls_reload, 0);
	unsigned char sha[32];
	struct timespec now;
	struct ucerr err;
	SSL_CTX *ctx;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - t->tls_checked.tv_sec) * 1000 +
	    (now.tv_nsec - t->tls_checked.tv_nsec) / 1000000;
	if (!asked && ms < 1000)
		return;
	t->tls_checked = now;
	if (cert_hash(t, sha) == -1 ||
	    (!asked && memcmp(sha, t->tls_cert, sizeof(sha)) == 0))
		return;
	memcpy(t->tls_cert, sha, sizeof(sha));
	/* A failure is said once per change; the old context stays. */
	if ((ctx = ctx_load(t, &err)) == NULL) {
		log_error("tftp: https: %s", err.msg);
		return;
	}
	if (t->tls_ctx != NULL)
		log_info("tftp: https: " ECDSA_PURPOSE " loaded afresh; new "
		    "connections get its certificate");
	SSL_CTX_free(t->tls_ctx);
	t->tls_ctx = ctx;
}

void
tftpd_https_init(struct tftpd *t)
{
	atomic_store(&t->tls_reload, 1);
	ctx_refresh(t);
}

struct bufferevent *
tftpd_https_bev(struct event_base *base, void *arg)
{
	struct tftpd *t = arg;
	struct bufferevent *bev;
	SSL *ssl;

	ctx_refresh(t);
	/* Without the identity, a context with no certificate: every
	 * handshake fails rather than anything going out in the clear. */
	if (t->tls_ctx == NULL && (t->tls_ctx = SSL_CTX_new(
	    TLS_server_method())) == NULL)
		return NULL;
	if ((ssl = SSL_new(t->tls_ctx)) == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		SSL_free(ssl);
	return bev;
}

void
tftpd_https_free(struct tftpd *t)
{
	SSL_CTX_free(t->tls_ctx);
	t->tls_ctx = NULL;
}
