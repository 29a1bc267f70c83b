/* admin_tls.c - the tomcat identity for HTTPS (see admin_tls.h). */
#include <string.h>

#include <openssl/err.h>

#include "admin_tls.h"
#include "identity.h"
#include "log.h"
#include "store.h"
#include "tls_log.h"
#include "x509.h"

#define ADMIN_IDENTITY	"tomcat"

static SSL_CTX *
make_ctx(X509 *cert, EVP_PKEY *key, struct ucerr *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL)
		goto fail;
	/* Browsers and scripts: TLS 1.2 and 1.3, forward-secret AEAD. */
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:"
	    "DHE+AESGCM:!aNULL:!SHA1") != 1)
		goto fail;
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* A failed handshake gets a line (the CAPF and TVS listeners'). */
	if (tls_ctx_note_handshakes(ctx) == -1 ||
	    tls_ctx_use_identity(ctx, cert, key) == -1)
		goto fail;
	return ctx;
fail:
	ucerr_ssl(err, "admin: tomcat: cannot set up TLS");
	SSL_CTX_free(ctx);
	return NULL;
}

int
admin_tls_load(struct admin_tls *t, struct store *st, struct ucerr *err)
{
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	SSL_CTX *ctx;
	int64_t gen = store_generation(st);

	if (identity_load(st, ADMIN_IDENTITY, &cert, &key, err) == -1)
		return ucerr_wrap(err, "admin");
	ctx = make_ctx(cert, key, err);
	if (ctx != NULL) {
		SSL_CTX_free(t->ctx);
		t->ctx = ctx;
		cert_sha256_hex(cert, t->sha256);
		t->generation = gen;
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	return ctx != NULL ? 0 : -1;
}

void
admin_tls_refresh(struct admin_tls *t, struct store *st)
{
	struct identity_row row;
	struct ucerr err;
	X509 *cert;
	char sha[65] = "";
	int64_t gen = store_generation(st);

	if (gen == -1 || gen == t->generation)
		return;
	if (store_identity_get(st, ADMIN_IDENTITY, &row, &err) == 1) {
		if (cert_from_der(row.cert_der, row.cert_len, &cert, &err) == 0) {
			cert_sha256_hex(cert, sha);
			X509_free(cert);
		}
		identity_row_free(&row);
	}
	if (sha[0] == '\0' || strcmp(sha, t->sha256) == 0) {
		t->generation = gen;
		return;
	}
	if (admin_tls_load(t, st, &err) == -1)
		log_error("admin: tomcat changed but not reloaded: %s", err.msg);
	else
		log_info("admin: tomcat changed: new connections present "
		    "%.16s…", t->sha256);
}

void
admin_tls_free(struct admin_tls *t)
{
	SSL_CTX_free(t->ctx);
	memset(t, 0, sizeof(*t));
}
