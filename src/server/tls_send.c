/* tls_send.c - a message on a TLS bufferevent, written at once (see tls_send.h). */
#include <limits.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls_send.h"

/*
 * One message, written now when nothing is queued before it.  Through
 * bufferevent_write it would wait for the loop's next turn: an epoll_ctl
 * to watch for writability, an epoll_wait, the write, and an epoll_ctl
 * to stop watching -- for a socket that is nearly always writable.  When
 * the socket is full the record is made and partly sent: the rest of the
 * same bytes goes through the bufferevent, which finishes it (the
 * context accepts a moved write buffer for that).
 */
int
tls_send(struct bufferevent *bev, const void *data, size_t len)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	int n;

	if (ssl == NULL || len == 0 || len > INT_MAX ||
	    !SSL_is_init_finished(ssl) ||
	    evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return bufferevent_write(bev, data, len);
	ERR_clear_error();
	if ((n = SSL_write(ssl, data, (int)len)) > 0) {
		if ((size_t)n == len)
			return 0;
		/* Partial writes: whole records went, the rest waits. */
		return bufferevent_write(bev, (const uint8_t *)data + n,
		    len - (size_t)n);
	}
	switch (SSL_get_error(ssl, n)) {
	case SSL_ERROR_WANT_WRITE:
	case SSL_ERROR_WANT_READ:
		return bufferevent_write(bev, data, len);
	default:
		/* The peer is gone; the session ends on the -1. */
		ERR_clear_error();
		return -1;
	}
}
