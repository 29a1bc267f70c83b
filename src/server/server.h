/*
 * server.h - `ucpki serve`: one process, one event loop per core, each
 * accepting on every service's port (SO_REUSEPORT); sessions are state
 * machines driven by their loop; private-key work goes to the worker
 * pool, durable writes to the single writer.  Every limit is explicit.
 */
#ifndef UCPKI_SERVER_H
#define UCPKI_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/time.h>

#include <openssl/ssl.h>

#include "claims.h"
#include "addr_table.h"
#include "err.h"
#include "jobs.h"
#include "lsc.h"
#include "server_conf.h"		/* the settings by name */
#include "tftpd.h"

struct event_base;
struct evconnlistener;
struct bufferevent;
struct store;

struct server_config {
	const char	*home;
	char		 listen_addr[64];	/* default 0.0.0.0 */
	int		 capf_port;		/* 0: CAPF off */
	int		 tvs_port;		/* 0: TVS off */
	int		 tls1;			/* allow TLS 1.0 on CAPF/TVS */
	int		 loops;			/* 0: one per core */
	int		 workers;		/* 0: one per core */
	int		 handshake_timeout_s;	/* whole handshake, from accept */
	int		 idle_timeout_s;	/* until a message begins */
	int		 message_timeout_s;	/* a message, once begun */
	int		 keygen_timeout_s;
	int		 max_connections;	/* 0: from the descriptor limit */
	int		 max_per_address;
	int		 allow_rsa512;
	int		 monitor_interval_s;	/* 0: no scheduled monitor */
	int		 log_level;		/* enum log_level */
	int		 syslog;
	int		 log_limit;		/* lines per kind and network per 10 s */
	char		 user[33];		/* drop privileges to this user */
	struct tftpd_config tftp;		/* HTTP 6970 and TFTP 69 */
	char		 config_dir[256];	/* "": <home>/config */
};

void	server_config_defaults(struct server_config *cfg);

/* What a service's sessions need, swapped whole on SIGHUP. */
struct identity_set {
	atomic_int	 refs;
	SSL_CTX		*capf_ctx, *tvs_ctx;
	X509		*capf_cert;
	EVP_PKEY	*capf_key;
	char		 capf_sha256[65];
};

#include "tvs_index.h"

/* TVS's index, shared by the loops and swapped whole when rebuilt. */
struct tvs_index_ref {
	atomic_int		 refs;
	struct tvs_index	 idx;
};

struct loop;

/*
 * A connection that has not yet sent a whole message (in the TLS
 * handshake, or trickling its first message).  When the server is full,
 * the oldest of these on the loop goes to make room for a new one, so
 * connections that say nothing cannot keep phones out (server.c).
 */
struct quiet {
	struct quiet	*prev, *next;		/* NULL when not listed */
	const char	*peer;
	void		(*evict)(struct quiet *q);
};

struct service {
	const char	*name;			/* "CAPF", "TVS" */
	int		 port;
	/* A connection's TLS is up (or the TLS handshake starts). */
	void		(*accept)(struct loop *loop, struct bufferevent *bev,
			    const char *peer);
	SSL_CTX		*(*ctx)(struct identity_set *ids);
};

struct server;

struct loop {
	struct server		*server;
	struct event_base	*base;
	pthread_t		 thread;
	struct evconnlistener	*listeners[2];
	struct event		*resume[2];	/* accept paused */
	struct timeval		 turn;		/* accepts in this turn */
	int			 accepted;
	struct quiet		 quiet;		/* oldest first (sentinel) */
	struct store		*store;		/* read connection of this loop */
	struct spki_decoder	 spki_decoder;	/* phones' keys, decoded here */
	int			 sessions;
};

struct server {
	struct server_config	 cfg;
	struct loop		*loops;
	int			 n_loops;
	struct workers		 workers;
	EVP_MD			*sha256;	/* fetched once: LSC signatures */
	struct writer_thread	 writer;
	struct service		 services[2];
	int			 n_services;
	pthread_mutex_t		 lock;		/* guards what follows */
	struct identity_set	*ids;
	X509_STORE		*capf_trust;
	int64_t			 trust_generation;
	/* connection limits */
	atomic_int		 connections;
	struct addr_table	 per_addr;	/* under lock */
	struct evconnlistener	*lock_listeners[2];	/* one instance per port */
	struct event		*log_tick;	/* rate-limited log counts */
	char			 fd_note[256];	/* descriptors, for the log */
	atomic_int		 draining;
	struct event		*drain_tick;	/* SIGTERM: waits for sessions */
	int			 drain_ticks;
	struct claim_set	 claims;	/* devices with a CAPF session */
	struct tvs_index_ref	*tvs;
	struct event		*tvs_refresh;
	struct event		*monitor_tick;
	/* counters for logs and benchmarks */
	atomic_ulong		 sessions_done;
	/* serve.status and sd_notify (server_status.c; loop 0 only) */
	struct event		*status_tick;
	int64_t			 started_at;
	int			 status_started;
	int			 status_failed;	/* last write failed: logged once */
	int			 watchdog;	/* WATCHDOG=1 on every tick */
	/* the last scheduled monitor run (server_monitor.c; loop 0 only) */
	int64_t			 monitor_at;
	int			 monitor_alarms;
	/* the TFTP service (server_tftp.c) */
	struct tftpd		*tftpd;
	atomic_int		 fetch_queue;	/* fetch records not yet written */
};

int	server_run(const struct server_config *cfg, struct ucerr *err);

/* Current identities, with a reference the caller drops. */
struct identity_set *server_identities(struct server *s);
void	identity_set_release(struct identity_set *ids);
/* CAPF-trust as of the store's current generation (caller frees). */
X509_STORE *server_capf_trust(struct server *s, struct store *st);
/* Lists a connection as quiet (the session calls it on accept), and
 * takes it off when its first whole message is in (or it closes). */
void	server_quiet_add(struct loop *loop, struct quiet *q, const char *peer,
	    void (*evict)(struct quiet *q));
void	server_quiet_remove(struct quiet *q);
/* Releases a connection's slot (its per-address count too). */
void	server_connection_closed(struct server *s, const char *peer);
/* One (rate-limited) line for a TLS handshake that failed or ran out of
 * time: the address, the TLS version the peer offered, the alert. */
void	server_tls_failed(const char *service, struct bufferevent *bev,
	    const char *peer, int timed_out, int seconds);

/* TVS (tvs_session.c). */
int	server_tvs_enabled(void);
void	tvs_session_accept(struct loop *loop, struct bufferevent *bev,
	    const char *peer);
int	server_tvs_start(struct server *s, struct ucerr *err);
void	server_tvs_stop(struct server *s);
struct tvs_index_ref *server_tvs_index(struct server *s);
void	tvs_index_ref_release(struct tvs_index_ref *ref);
int	server_tvs_refresh(struct server *s, struct store *st, struct ucerr *err);
/* The certificate monitor on a schedule (server_monitor.c). */
void	server_monitor_start(struct server *s);
void	server_monitor_stop(struct server *s);

/* serve.status and sd_notify (server_status.c): start sends READY=1 and
 * schedules the updates; update rewrites the file in the given state. */
void	server_status_start(struct server *s);
void	server_status_update(struct server *s, const char *state);
void	server_status_stop(struct server *s);
/* One sd_notify message ("RELOADING=1"); nothing outside systemd. */
void	server_notify(const char *msg);
/* The TFTP service, its fetches recorded by the writer (server_tftp.c). */
int	server_tftp_start(struct server *s, struct ucerr *err);
void	server_tftp_log(struct server *s);
/* SIGHUP: HTTPS takes CallManager-ECDSA afresh. */
void	server_tftp_reload(struct server *s);
void	server_tftp_stop(struct server *s);
/* The TLS context of serve's ports, TLS 1.2 and later (server.c). */
SSL_CTX	*server_tls_ctx(X509 *cert, EVP_PKEY *key, struct ucerr *err);

/* The CAPF service (capf_session.c). */
void	capf_session_accept(struct loop *loop, struct bufferevent *bev,
	    const char *peer);

#endif
