/* tls_client.c - a blocking TLS client (see tls_client.h). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "tls_client.h"

static void
info_callback(const SSL *ssl, int where, int ret)
{
	struct tls_client *c = SSL_get_app_data(ssl);

	/* ret holds the alert: high byte level, low byte description. */
	if (c != NULL && (where & SSL_CB_READ_ALERT))
		c->alert_received = ret & 0xff;
}

static int
connect_timeout(int fd, const struct sockaddr *sa, socklen_t len,
    int timeout_ms)
{
	struct pollfd pfd = { fd, POLLOUT, 0 };
	socklen_t errlen = sizeof(int);
	int flags = fcntl(fd, F_GETFL), soerr = 0;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, sa, len) == -1) {
		if (errno != EINPROGRESS)
			return -1;
		if (poll(&pfd, 1, timeout_ms) != 1) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &errlen) == -1 ||
		    soerr != 0) {
			errno = soerr ? soerr : ECONNREFUSED;
			return -1;
		}
	}
	fcntl(fd, F_SETFL, flags);
	return 0;
}

static int
tcp_connect(struct tls_client *c, const struct tls_client_opts *o,
    struct ucerr *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv;
	char port[16];
	int rc, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", o->port);
	if ((rc = getaddrinfo(o->host, port, &hints, &res)) != 0) {
		c->failure = TLS_FAIL_RESOLVE;
		return ucerr_set(err, "%s: cannot resolve: %s", o->host,
		    gai_strerror(rc));
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (c->fd == -1)
			continue;
		if (connect_timeout(c->fd, ai->ai_addr, ai->ai_addrlen,
		    o->timeout_ms) == 0)
			break;
		saved = errno;
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(res);
	if (c->fd == -1) {
		c->failure = TLS_FAIL_CONNECT;
		return ucerr_set(err, "%s:%d: cannot connect: %s", o->host,
		    o->port, strerror(saved ? saved : ECONNREFUSED));
	}
	tv.tv_sec = o->timeout_ms / 1000;
	tv.tv_usec = (o->timeout_ms % 1000) * 1000;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return 0;
}

int
tls_client_connect(struct tls_client *c, const struct tls_client_opts *o,
    struct ucerr *err)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->alert_received = -1;
	if (tcp_connect(c, o, err) == -1)
		return -1;
	c->failure = TLS_FAIL_HANDSHAKE;
	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto ssl_fail;
	if (o->tls1) {
		/* TLS 1.0 and SHA-1 need security level 0 in OpenSSL 3. */
		SSL_CTX_set_security_level(c->ctx, 0);
		SSL_CTX_set_min_proto_version(c->ctx, TLS1_VERSION);
		SSL_CTX_set_max_proto_version(c->ctx, TLS1_VERSION);
		SSL_CTX_set_cipher_list(c->ctx, "AES256-SHA:AES128-SHA");
	} else {
		SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
		if (o->tls1_2_only)
			SSL_CTX_set_max_proto_version(c->ctx, TLS1_2_VERSION);
	}
	if (o->cert != NULL && (SSL_CTX_use_certificate(c->ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey(c->ctx, o->key) != 1))
		goto ssl_fail;
	if ((c->ssl = SSL_new(c->ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		goto ssl_fail;
	SSL_set_app_data(c->ssl, c);
	SSL_set_info_callback(c->ssl, info_callback);
	if (o->sni != NULL)
		SSL_set_tlsext_host_name(c->ssl, o->sni);
	if (o->before_handshake != NULL)
		o->before_handshake(c->ssl, o->hook_arg);
	if (SSL_connect(c->ssl) != 1)
		goto ssl_fail;
	c->failure = TLS_FAIL_NONE;
	return 0;
ssl_fail:
	ucerr_ssl(err, "%s:%d: TLS handshake failed", o->host, o->port);
	return -1;
}

void
tls_client_close(struct tls_client *c)
{
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	c->ssl = NULL;
	c->ctx = NULL;
	c->fd = -1;
}

int
tls_client_write(struct tls_client *c, const void *data, size_t len,
    struct ucerr *err)
{
	size_t written = 0;

	if (len == 0)
		return 0;
	if (SSL_write_ex(c->ssl, data, len, &written) != 1 || written != len)
		return ucerr_ssl(err, "TLS write failed");
	return 0;
}

int
tls_client_read(struct tls_client *c, void *data, size_t len,
    struct ucerr *err)
{
	size_t got = 0, n;

	while (got < len) {
		if (SSL_read_ex(c->ssl, (char *)data + got, len - got, &n) != 1)
			return ucerr_ssl(err, "connection closed or timed out");
		got += n;
	}
	return 0;
}
