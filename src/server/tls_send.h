/*
 * tls_send.h - one message on a TLS bufferevent (libevent's OpenSSL
 * bufferevent over a socket), as one record, written at once when
 * nothing is queued before it; the rest, if the socket is full, through
 * the bufferevent.  The SSL_CTX must have SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER.
 * The sessions of `ucpki serve` and the swarm's phones use it.
 */
#ifndef UCPKI_TLS_SEND_H
#define UCPKI_TLS_SEND_H

#include <stddef.h>

struct bufferevent;

/* 0, or -1 when the peer is gone (the caller ends the session). */
int	tls_send(struct bufferevent *bev, const void *data, size_t len);

#endif
