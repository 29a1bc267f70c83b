/*
 * tls_client.h - a blocking TLS client for the simulator, the probe and
 * the TVS client: connect with a timeout, optionally present a
 * certificate, and read or write whole buffers.
 */
#ifndef UCPKI_TLS_CLIENT_H
#define UCPKI_TLS_CLIENT_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "err.h"

struct tls_client_opts {
	const char	*host;
	int		 port;
	int		 timeout_ms;	/* connect and each read/write */
	int		 tls1;		/* allow TLS 1.0 (7900-series phones) */
	int		 tls1_2_only;
	X509		*cert;		/* client certificate, optional */
	EVP_PKEY	*key;
	const char	*sni;		/* server name to send, optional */
	/* Called once the connection is set up, before the ClientHello:
	 * what a phone logs before it knows the handshake's outcome. */
	void		(*before_handshake)(SSL *ssl, void *arg);
	void		*hook_arg;
};

/* Failure kinds, so callers can say what a phone would say. */
enum tls_fail {
	TLS_FAIL_NONE, TLS_FAIL_RESOLVE, TLS_FAIL_CONNECT, TLS_FAIL_HANDSHAKE,
};

struct tls_client {
	SSL_CTX		*ctx;
	SSL		*ssl;
	int		 fd;
	enum tls_fail	 failure;
	int		 alert_received;	/* TLS alert from the peer, or -1 */
};

/*
 * Connects and completes the handshake.  The server's certificate is not
 * verified here: callers check it against an ITL or a trust store.
 */
int	tls_client_connect(struct tls_client *c, const struct tls_client_opts *o,
	    struct ucerr *err);
void	tls_client_close(struct tls_client *c);
int	tls_client_write(struct tls_client *c, const void *data, size_t len,
	    struct ucerr *err);
/* Reads exactly len bytes; 0 on success, -1 on error or EOF. */
int	tls_client_read(struct tls_client *c, void *data, size_t len,
	    struct ucerr *err);

#endif
