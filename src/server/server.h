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
struct admin;

struct server_config {
	const char	*home;
	char		 listen_addr[64];	/* default 0.0.0.0 */
	int		 capf_port;		/* 0: CAPF off */
	int		 tvs_port;		/* 0: TVS off */
	int		 tls1;			/* allow TLS 1.0 on CAPF/TVS */
	int		 loops;			/* 0: one per core */
	int		 workers;		/* 0: one per core */
	int		 handshake_timeout_s;	/* whole handshake, from its start */
	int		 max_handshakes;	/* in progress per loop */
	int		 handshake_wait_s;	/* parked, waiting for one */
	int		 idle_timeout_s;	/* until a message begins */
	int		 message_timeout_s;	/* a message, once begun */
	int		 keygen_timeout_s;
	int		 max_connections;	/* 0: from the descriptor limit */
	int		 max_per_address;
	int		 allow_rsa512;
	int		 monitor_interval_s;	/* 0: no scheduled monitor */
	int		 store_poll_s;		/* PostgreSQL: catch-up reads */
	int		 log_level;		/* enum log_level */
	int		 syslog;
	int		 log_limit;		/* lines per kind and network per 10 s */
	char		 user[33];		/* drop privileges to this user */
	struct tftpd_config tftp;		/* HTTP 6970 and TFTP 69 */
	char		 config_dir[256];	/* "": <home>/config */
	int		 admin_port;		/* HTTPS administration; 0: off */
	char		 admin_listen[64];	/* default 127.0.0.1 */
};

void	server_config_defaults(struct server_config *cfg);
/* A subscriber's CAPF stays closed (server_node.c: CAPF runs where its
 * key is, the publisher): says so in the log, turns cfg's CAPF off. */
int	server_node_capf_check(struct server_config *cfg, struct ucerr *err);

/* Services with a TLS listener on the loops, at most. */
#define SERVER_MAX_LISTENERS	4

/* One service's TLS identity: its certificate, key and context. */
struct service_tls {
	const char	*purpose;		/* "CAPF", "TVS", ... */
	SSL_CTX		*ctx;
	X509		*cert;
	EVP_PKEY	*key;
	char		 sha256[65];
};

/*
 * What the services' sessions need, swapped whole when an identity
 * changes (the store's generation moves, or SIGHUP).  A session holds a
 * reference for its life, so it finishes with the identity it began with.
 */
struct identity_set {
	atomic_int		 refs;
	int			 n;
	struct service_tls	 tls[SERVER_MAX_LISTENERS];
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

struct server;

/*
 * A service of `ucpki serve`, as a row (capf_session.c, tvs_session.c,
 * server_tftp.c define theirs; services.c lists them).  server.c runs the
 * rows and names no service.  Every hook but port may be NULL.
 */
struct service_def {
	const char	*name;			/* "CAPF", "TVS", "TFTP" */
	/* The identity its TLS listener presents; NULL: no listener on the
	 * loops (the service runs its own thread). */
	const char	*identity;
	/* Its port in these settings; 0: the service is off. */
	int		(*port)(const struct server_config *cfg);
	/* A connection's TLS handshake starts (listener services). */
	void		(*accept)(struct loop *loop, struct bufferevent *bev,
			    const char *peer);
	/* Before privileges are dropped (privileged ports). */
	int		(*bind)(struct server *s, struct ucerr *err);
	/* After, on loop 0, before the loops run. */
	int		(*start)(struct server *s, struct ucerr *err);
	/* On loop 0 after the store changed (its generation moved), within
	 * a second of the change; -1 when the store could not be read, and
	 * it is called again at the watch's next tick. */
	int		(*refresh)(struct server *s, struct store *st);
	/* SIGHUP, on loop 0: take what can be reloaded by hand afresh. */
	void		(*reload)(struct server *s);
	void		(*stop)(struct server *s);
};

/* A TLS listener: the row, its port and its slot in identity_set. */
struct service {
	const struct service_def *def;
	const char	*name;
	int		 port;
};

/*
 * The TLS handshakes in progress on a loop, and the connections parked
 * until one of them ends (handshake_gate.c).
 */
struct parked;
struct handshake_gate {
	int			 handshakes;	/* in progress */
	int			 parked;
	struct parked		*head, *tail;	/* oldest first */
	struct event		*unpark;	/* a slot came free */
	struct event		*expire;	/* the oldest one's wait ends */
};

struct loop {
	struct server		*server;
	struct event_base	*base;
	pthread_t		 thread;
	struct evconnlistener	*listeners[SERVER_MAX_LISTENERS];
	struct event		*resume[SERVER_MAX_LISTENERS];	/* accept paused */
	struct timeval		 turn;		/* accepts in this turn */
	int			 accepted;
	struct quiet		 quiet;		/* oldest first (sentinel) */
	struct store		*store;		/* read connection of this loop */
	struct spki_decoder	 spki_decoder;	/* phones' keys, decoded here */
	struct handshake_gate	 gate;
	int			 sessions;
};

struct server {
	struct server_config	 cfg;
	struct loop		*loops;
	int			 n_loops;
	struct workers		 workers;
	EVP_MD			*sha256;	/* fetched once: LSC signatures */
	struct writer_thread	 writer;
	const struct service_def *defs[8];	/* the services that are on */
	int			 n_defs;
	struct service		 services[SERVER_MAX_LISTENERS];	/* listeners */
	int			 n_services;
	pthread_mutex_t		 lock;		/* guards what follows */
	struct identity_set	*ids;
	X509_STORE		*capf_trust;
	int64_t			 trust_generation;
	/* connection limits */
	atomic_int		 connections;
	struct addr_table	 per_addr;	/* under lock */
	struct evconnlistener	*lock_listeners[SERVER_MAX_LISTENERS];	/* one instance per port */
	struct event		*log_tick;	/* rate-limited log counts */
	char			 fd_note[256];	/* descriptors, for the log */
	atomic_int		 draining;
	struct event		*drain_tick;	/* SIGTERM: waits for sessions */
	int			 drain_ticks;
	struct claim_set	 claims;	/* devices with a CAPF session */
	struct tvs_index_ref	*tvs;
	/* the store's generation as the services last saw it (loop 0):
	 * a tick, and on PostgreSQL the notifications' socket */
	struct store_watch	*watch;
	struct event		*store_watch;
	struct event		*store_notify;
	int			 notify_fd;
	unsigned		 notify_epoch;
	int64_t			 watched_generation;
	int			 refresh_due;	/* a refresh to (re)do */
	struct event		*monitor_tick;
	struct event		*monitor_done;		/* a run is over (loop 0) */
	struct monitor_job	*monitor_job;		/* the run in flight, or NULL */
	pthread_t		 monitor_thread;
	/* counters for logs and benchmarks */
	atomic_ulong		 sessions_done;
	/* what they were at the last heap trim (server_memory.c; loop 0) */
	int			 trimmed_connections;
	unsigned long		 trimmed_done;
	int			 trim_ticks;
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
	/* the administration service (server_admin.c) */
	struct admin		*admin;
};

/* Runs the services of defs (NULL-terminated; services.c has them all)
 * that the settings turn on, until SIGTERM. */
int	server_run(const struct server_config *cfg,
	    const struct service_def *const *defs, struct ucerr *err);

/* Current identities, with a reference the caller drops. */
struct identity_set *server_identities(struct server *s);
void	identity_set_release(struct identity_set *ids);
/* The identity a purpose's listener presents (NULL: not loaded). */
const struct service_tls *identity_set_get(const struct identity_set *ids,
	    const char *purpose);
/* Is a service of that name on? */
int	server_service_on(const struct server *s, const char *name);
/* CAPF-trust as of the store's current generation (caller frees). */
X509_STORE *server_capf_trust(struct server *s, struct store *st);
/* Lists a connection as quiet (the session calls it on accept), and
 * takes it off when its first whole message is in (or it closes). */
void	server_quiet_add(struct loop *loop, struct quiet *q, const char *peer,
	    void (*evict)(struct quiet *q));
void	server_quiet_remove(struct quiet *q);
/* An accepted connection's handshake starts now, or when one of the
 * loop's --max-handshakes ends (handshake_gate.c). */
int	handshake_gate_init(struct loop *loop);
void	handshake_gate_free(struct loop *loop);
void	handshake_gate_enter(struct loop *loop, int slot, int fd,
	    const char *peer);
/* A session's handshake ended, well or not (once per session, also when
 * its accept hook fails): the next parked connection may start. */
void	server_handshake_done(struct loop *loop);
/* Releases a connection's slot (its per-address count too). */
void	server_connection_closed(struct server *s, const char *peer);
/* Once a second on loop 0: every few seconds the heap's free pages go
 * back to the system if connections came or went (server_memory.c). */
void	server_memory_tick(struct server *s);

/* TVS's index (tvs_session.c). */
struct tvs_index_ref *server_tvs_index(struct server *s);
void	tvs_index_ref_release(struct tvs_index_ref *ref);
/* The certificate monitor on a schedule (server_monitor.c). */
void	server_monitor_start(struct server *s);
void	server_monitor_stop(struct server *s);
void	server_monitor_free(struct server *s);	/* after the writer stops */
/* CAPF's CRL and the exports kept current (at start, each monitor run,
 * SIGHUP). */
void	server_refresh_exports(struct server *s);
void	server_refresh_exports_with(struct store *st);	/* any thread */

/* serve.status and sd_notify (server_status.c): start sends READY=1 and
 * schedules the updates; update rewrites the file in the given state. */
void	server_status_start(struct server *s);
void	server_status_update(struct server *s, const char *state);
void	server_status_stop(struct server *s);
/* One sd_notify message ("RELOADING=1"); nothing outside systemd. */
void	server_notify(const char *msg);
/* The TLS context of serve's ports, TLS 1.2 and later (server.c). */
SSL_CTX	*server_tls_ctx(X509 *cert, EVP_PKEY *key, struct ucerr *err);


#endif
