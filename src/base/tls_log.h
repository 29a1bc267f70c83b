/*
 * tls_log.h - what a failed TLS handshake says, once for every listener:
 * a context set up with tls_ctx_note_handshakes notes the version the
 * ClientHello offered and the alert, and tls_handshake_failed logs them
 * (rate-limited per kind and source network; a port check that says
 * nothing is only a debug line).
 */
#ifndef UCPKI_TLS_LOG_H
#define UCPKI_TLS_LOG_H

#include <openssl/ssl.h>

struct bufferevent;

/* -1 when OpenSSL has no room for the note. */
int	tls_ctx_note_handshakes(SSL_CTX *ctx);
void	tls_handshake_failed(const char *service, struct bufferevent *bev,
	    const char *peer, int timed_out, int seconds);
/* The same from the SSL and its last error (e: 0 when unknown), for a
 * connection whose bufferevent is gone (evhttp's). */
void	tls_ssl_failed(const char *service, const SSL *ssl, unsigned long e,
	    const char *peer, int timed_out, int seconds);

#endif
