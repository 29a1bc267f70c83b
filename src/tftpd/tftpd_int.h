/* tftpd_int.h - what the TFTP service's transports share (transfers.c, tftpd.c). */
#ifndef UCPKI_TFTPD_INT_H
#define UCPKI_TFTPD_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <event2/util.h>

#include "log.h"
#include "tftp_files.h"
#include "tftpd.h"

struct event_base;
struct evhttp;
struct event;
struct addr_slot;
struct tftp_xfer;
struct http_conn;
struct tftpd;

/* One HTTP listener: plain (6970) or TLS (6971). */
struct http_side {
	struct tftpd		*t;
	struct evhttp		*http;
	int			 port;
	int			 tls;
	const char		*transport;	/* "http", "https" */
};

#define ADDR_BUCKETS	1024

struct tftpd {
	struct tftpd_config	 cfg;
	struct event_base	*base;
	pthread_t		 thread;
	int			 thread_up;
	struct store		*st;		/* this thread's read connection */
	struct tftp_files	*files;
	tftpd_record_fn		 record;
	void			*record_arg;
	/* HTTP and HTTPS */
	struct http_side	 http, https;
	struct http_conn	*conns[ADDR_BUCKETS];	/* by connection */
	int			 connections;
	struct addr_slot	*conn_addrs[ADDR_BUCKETS];
	/* HTTPS: CallManager-ECDSA's context, for the certificate whose
	 * SHA-256 is tls_cert (all zero: none) */
	SSL_CTX			*tls_ctx;
	unsigned char		 tls_cert[32];
	struct timespec		 tls_checked;
	atomic_int		 tls_reload;
	/* TFTP */
	evutil_socket_t		 udp_fd;
	struct event		*udp_ev;
	struct tftp_xfer	*xfers;		/* transfers in flight */
	/* limits, both transports */
	int			 transfers;
	struct addr_slot	*addrs[ADDR_BUCKETS];
	unsigned long		 served, refused;
	char			 root[4096], config[4096];
};

/* A slot for a transfer from addr, or 0 when a limit says no. */
int	tftpd_admit(struct tftpd *t, const char *addr, const char *transport);
void	tftpd_release(struct tftpd *t, const char *addr);
/* Counts per address in a table: 1 added, 0 at limit, -1 no memory. */
int	tftpd_addr_add(struct addr_slot **table, const char *addr, int limit);
void	tftpd_addr_remove(struct addr_slot **table, const char *addr);
void	tftpd_addr_clear(struct addr_slot **table);
/* What a peer can cause at will (a refusal, a request for a broken
 * file): logged rate-limited per kind and source network (log.h). */
void	tftpd_log_peer(enum log_level level, const char *kind,
	    const char *addr, const char *fmt, ...) UC_PRINTF(4, 5);
/* Hands a finished fetch to the recorder. */
void	tftpd_record(struct tftpd *t, const struct tftp_served *s,
	    const char *name, const char *addr, int port, const char *transport);

int	tftpd_http_start(struct tftpd *t, struct http_side *side,
	    struct ucerr *err);
void	tftpd_http_stop(struct tftpd *t, struct http_side *side);
/* HTTPS (https.c): a connection's TLS bufferevent, with the current
 * CallManager-ECDSA context; and the context's end. */
void	tftpd_https_init(struct tftpd *t);
struct bufferevent *tftpd_https_bev(struct event_base *base, void *arg);
void	tftpd_https_free(struct tftpd *t);
int	tftpd_tftp_start(struct tftpd *t, struct ucerr *err);
void	tftpd_tftp_stop(struct tftpd *t);

#endif
