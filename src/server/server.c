/*
 * server.c - `ucpki serve`: identities, loops, listeners, limits and
 * signals.  It runs the services as rows (struct service_def) and names
 * none: their sessions live in capf_session.c, tvs_session.c and
 * server_tftp.c, their list in services.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <openssl/err.h>
#include <openssl/tls1.h>

#include "fileio.h"
#include "identity.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "tls_log.h"
#include "trust.h"
#include "x509.h"

/* How long SIGTERM waits for sessions in flight before leaving anyway. */
#define DRAIN_TIMEOUT_S		10
/* Out of descriptors: accepting pauses this long, then tries again. */
#define ACCEPT_BACKOFF_MS	200
/* Connections one listener accepts per turn of its loop: libevent would
 * accept for as long as a flood lasts, and the loop's sessions (closing
 * ones too) would wait. */
#define ACCEPT_BATCH		32
/* Quiet connections looked at for one from a crowded address. */
#define EVICT_SCAN		32
/* How often the services look for changes made by other processes (the
 * CLI, another node): identities, trust, TVS's certificates. */
#define STORE_WATCH_MS		1000
/* Descriptors kept back from --max-connections: the store (three per
 * connection), the log, the monitor, mail, listeners and each loop's own. */
#define FD_RESERVE_BASE		64
#define FD_RESERVE_PER_LOOP	16

void
server_config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	/* Every address: the phones must reach CAPF and TVS. */
	snprintf(cfg->listen_addr, sizeof(cfg->listen_addr), "0.0.0.0");
	cfg->capf_port = 3804;
	cfg->tvs_port = 2445;
	cfg->handshake_timeout_s = 10;
	/* A handshake holds ~40 KB until it ends; 256 per loop keep both
	 * cores busy (a handshake's round trips leave its loop idle) for
	 * ~20 MB, where a storm of 10,000 held 420 MB. */
	cfg->max_handshakes = 256;
	cfg->handshake_wait_s = 30;
	cfg->idle_timeout_s = 30;
	cfg->message_timeout_s = 10;
	cfg->keygen_timeout_s = 300;
	cfg->max_connections = 0;
	cfg->max_per_address = 100;
	cfg->monitor_interval_s = 3600;
	cfg->store_poll_s = 30;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->log_limit = 10;
	tftpd_config_defaults(&cfg->tftp);
	/* The administration service answers this host only unless told:
	 * administrators choose who may reach it. */
	cfg->admin_port = 8443;
	snprintf(cfg->admin_listen, sizeof(cfg->admin_listen), "127.0.0.1");
}

void
identity_set_release(struct identity_set *ids)
{
	int i;

	if (ids == NULL || atomic_fetch_sub(&ids->refs, 1) != 1)
		return;
	for (i = 0; i < ids->n; i++) {
		SSL_CTX_free(ids->tls[i].ctx);
		X509_free(ids->tls[i].cert);
		EVP_PKEY_free(ids->tls[i].key);
	}
	free(ids);
}

const struct service_tls *
identity_set_get(const struct identity_set *ids, const char *purpose)
{
	int i;

	for (i = 0; i < ids->n; i++)
		if (strcmp(ids->tls[i].purpose, purpose) == 0)
			return &ids->tls[i];
	return NULL;
}

int
server_service_on(const struct server *s, const char *name)
{
	int i;

	for (i = 0; i < s->n_defs; i++)
		if (strcmp(s->defs[i]->name, name) == 0)
			return 1;
	return 0;
}

struct identity_set *
server_identities(struct server *s)
{
	struct identity_set *ids;

	pthread_mutex_lock(&s->lock);
	ids = s->ids;
	atomic_fetch_add(&ids->refs, 1);
	pthread_mutex_unlock(&s->lock);
	return ids;
}

/* The services refuse keys that others can read (issue: key hygiene). */
static int
check_key_mode(struct store *st, const char *purpose, struct ucerr *err)
{
	struct identity_row row;
	char path[4096], what[64];
	int found;

	if ((found = store_identity_get(st, purpose, &row, err)) != 1)
		return found == 0 ? ucerr_set(err, "%s: no identity", purpose) : -1;
	found = identity_key_path(st, row.key_file, path, sizeof(path), err);
	identity_row_free(&row);
	if (found == -1)
		return -1;
	snprintf(what, sizeof(what), "the %s private key", purpose);
	return path_check_private(path, what, 077, "600", 0, err);
}

static SSL_CTX *
tls_server_ctx(X509 *cert, EVP_PKEY *key, int tls1, struct ucerr *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL)
		goto fail;
	if (tls1) {
		/* 7900-series phones: TLS 1.0, RSA key exchange, AES-CBC-SHA.
		 * OpenSSL 3 allows those only at security level 0. */
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
		if (SSL_CTX_set_cipher_list(ctx, "HIGH:!aNULL:!MD5:!RC4:!3DES:"
		    "AES256-SHA:AES128-SHA") != 1)
			goto fail;
	} else {
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
		if (SSL_CTX_set_cipher_list(ctx, "HIGH:!aNULL:!MD5:!RC4:!3DES:"
		    "!SHA1:!CAMELLIA:!ARIA") != 1)
			goto fail;
	}
	/* The elliptic curves only: X25519 costs ~37 us a key exchange
	 * here, P-256 ~51 us; x448 and finite-field groups several times
	 * that, and no phone needs them (protocols.md: ECDHE). */
	if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384:P-521") != 1)
		goto fail;
	/* Server authentication only: phones do not send certificates. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* Phones do not resume sessions: no cache, no tickets to encrypt. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	/* Thousands of phones sit idle in key generation: let OpenSSL free
	 * their 34 KB of record buffers while they do. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);	/* tls_send() */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	/* A failed handshake gets a line: what was offered, what was said. */
	if (tls_ctx_note_handshakes(ctx) == -1)
		goto fail;
	if (tls_ctx_use_identity(ctx, cert, key) == -1)
		goto fail;
	return ctx;
fail:
	ucerr_ssl(err, "TLS: cannot set up the server context");
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *
server_tls_ctx(X509 *cert, EVP_PKEY *key, struct ucerr *err)
{
	/* HTTPS is for phones with an ITL of version 1.1: TLS 1.2 at least,
	 * whatever --tls1 allows the 7900 series on CAPF and TVS. */
	return tls_server_ctx(cert, key, 0, err);
}

/* Every listener's identity, from the store as it is now. */
static struct identity_set *
load_identities(struct server *s, struct store *st, struct ucerr *err)
{
	struct identity_set *ids = calloc(1, sizeof(*ids));
	struct service_tls *t;
	int i;

	if (ids == NULL) {
		ucerr_set(err, "out of memory");
		return NULL;
	}
	atomic_init(&ids->refs, 1);
	for (i = 0; i < s->n_services; i++) {
		t = &ids->tls[ids->n++];
		t->purpose = s->services[i].def->identity;
		if (check_key_mode(st, t->purpose, err) == -1 ||
		    identity_load(st, t->purpose, &t->cert, &t->key, err) == -1 ||
		    (t->ctx = tls_server_ctx(t->cert, t->key, s->cfg.tls1,
		    err)) == NULL)
			goto fail;
		cert_sha256_hex(t->cert, t->sha256);
	}
	return ids;
fail:
	identity_set_release(ids);
	return NULL;
}

/* Has any listener's certificate changed since ids was loaded? */
static int
identities_changed(struct store *st, const struct identity_set *ids)
{
	struct identity_row row;
	struct ucerr err;
	X509 *cert;
	char sha[65];
	int i, found, changed = 0;

	for (i = 0; i < ids->n && !changed; i++) {
		if ((found = store_identity_get(st, ids->tls[i].purpose, &row,
		    &err)) == -1)
			return -1;
		if (found == 0)
			continue;
		if (cert_from_der(row.cert_der, row.cert_len, &cert, &err) == 0) {
			cert_sha256_hex(cert, sha);
			changed = strcmp(sha, ids->tls[i].sha256) != 0;
			X509_free(cert);
		}
		identity_row_free(&row);
	}
	return changed;
}

/* Installs a new set of identities; the old one goes with its last session. */
static int
reload_identities(struct server *s, const char *why)
{
	struct identity_set *ids, *old;
	struct ucerr err;

	if ((ids = load_identities(s, s->loops[0].store, &err)) == NULL) {
		log_error("serve: %s: identities not reloaded: %s", why, err.msg);
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	old = s->ids;
	s->ids = ids;
	pthread_mutex_unlock(&s->lock);
	identity_set_release(old);
	log_info("serve: %s: identities reloaded", why);
	return 0;
}

/* The notifications' socket, watched again after each reconnection. */
static void	on_store_watch(evutil_socket_t fd, short what, void *arg);

static void
watch_socket(struct server *s)
{
	unsigned epoch;
	int fd = store_watch_fd(s->watch, &epoch);

	if (fd == s->notify_fd && epoch == s->notify_epoch &&
	    (fd == -1) == (s->store_notify == NULL))
		return;
	if (s->store_notify != NULL)
		event_free(s->store_notify);
	s->store_notify = NULL;
	s->notify_fd = fd;
	s->notify_epoch = epoch;
	if (fd >= 0 && (s->store_notify = event_new(s->loops[0].base, fd,
	    EV_READ | EV_PERSIST, on_store_watch, s)) != NULL)
		event_add(s->store_notify, NULL);
}

/*
 * Changes made by any process (the CLI, the API, another serve on the
 * same PostgreSQL) reach the running services without a signal: the
 * store's generation moves with every identity, trust and TVS change,
 * and the watch (store_watch.c) sees it move, at once by notification on
 * PostgreSQL, within a second on SQLite.  The services compare against
 * the generation kept here (store_generation_follow), not the database.
 */
static void
on_store_watch(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct store *st = s->loops[0].store;
	struct identity_set *ids;
	int64_t gen;
	int i, how, changed;

	(void)fd;
	(void)what;
	how = store_watch_check(s->watch, &gen);
	watch_socket(s);
	if (how > 0 && gen != s->watched_generation) {
		log_debug("store: generation %lld (%s)", (long long)gen,
		    how == STORE_WATCH_NOTIFIED ? "notified" : "read");
		s->watched_generation = gen;
		store_generation_follow(gen);
		s->refresh_due = 1;
	}
	/* A refresh that could not read the store (the database went
	 * between the change and the rebuild) is tried again at each tick
	 * until it is done: no later change may come to trigger it. */
	if (!s->refresh_due)
		return;
	s->refresh_due = 0;
	ids = server_identities(s);
	/* (An identity that cannot be loaded waits for the administrator:
	 * SIGHUP, or the next change.) */
	if ((changed = identities_changed(st, ids)) == -1)
		s->refresh_due = 1;
	else if (changed == 1)
		(void)reload_identities(s, "an identity changed");
	identity_set_release(ids);
	for (i = 0; i < s->n_defs; i++)
		if (s->defs[i]->refresh != NULL && s->defs[i]->refresh(s,
		    st) == -1)
			s->refresh_due = 1;
}

X509_STORE *
server_capf_trust(struct server *s, struct store *st)
{
	X509_STORE *xs = NULL;
	struct ucerr err;
	int64_t gen = store_generation(st);

	pthread_mutex_lock(&s->lock);
	/* Rebuilt only when a trust store or identity changed. */
	if (s->capf_trust == NULL || gen != s->trust_generation) {
		if (trust_x509_store(st, "CAPF-trust", &xs, &err) == 0) {
			X509_STORE_free(s->capf_trust);
			s->capf_trust = xs;
			s->trust_generation = gen;
		} else {
			log_error("capf: CAPF-trust: %s", err.msg);
		}
	}
	xs = s->capf_trust;
	if (xs != NULL)
		X509_STORE_up_ref(xs);
	pthread_mutex_unlock(&s->lock);
	return xs;
}

void
server_quiet_add(struct loop *loop, struct quiet *q, const char *peer,
    void (*evict)(struct quiet *q))
{
	q->peer = peer;
	q->evict = evict;
	q->next = &loop->quiet;
	q->prev = loop->quiet.prev;
	q->prev->next = q;
	loop->quiet.prev = q;
}

void
server_quiet_remove(struct quiet *q)
{
	if (q->prev == NULL)
		return;
	q->prev->next = q->next;
	q->next->prev = q->prev;
	q->prev = q->next = NULL;
}

/*
 * Full: the oldest quiet connection of this loop goes, preferring one
 * from an address that holds others (a flood's) over a lone phone's.
 * Returns 0 when there is none to close.
 */
static int
evict_quiet(struct loop *loop, const struct service *svc, const char *addr)
{
	struct server *s = loop->server;
	struct quiet *q, *victim = NULL;
	char victim_addr[48], net[48], kind[64];
	int n;

	if (loop->quiet.next == &loop->quiet)
		return 0;
	pthread_mutex_lock(&s->lock);
	for (q = loop->quiet.next, n = 0; q != &loop->quiet && n < EVICT_SCAN;
	    q = q->next, n++) {
		snprintf(victim_addr, sizeof(victim_addr), "%s", q->peer);
		if (strrchr(victim_addr, ':') != NULL)
			*strrchr(victim_addr, ':') = '\0';
		if (addr_table_count(&s->per_addr, victim_addr) > 1) {
			victim = q;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (victim == NULL)
		victim = loop->quiet.next;
	snprintf(kind, sizeof(kind), "serve: %s connections closed to make room",
	    svc->name);
	log_peer_net(victim->peer, net, sizeof(net));
	log_limited(LOG_LEVEL_WARN, kind, net, "serve: %s: %d connections "
	    "(limit): closed %s, which had sent nothing, for %s", svc->name,
	    s->cfg.max_connections, victim->peer, addr);
	server_quiet_remove(victim);
	victim->evict(victim);
	return 1;
}

/* 1: admitted; 0: refused; -1: refused, the server is full. */
static int
connection_admit(struct server *s, const struct service *svc,
    const char *addr, int log_full)
{
	char kind[64], net[48];
	int rc;

	if (atomic_load(&s->draining))
		return 0;
	snprintf(kind, sizeof(kind), "serve: %s connections refused",
	    svc->name);
	log_peer_net(addr, net, sizeof(net));
	if (atomic_fetch_add(&s->connections, 1) >= s->cfg.max_connections) {
		atomic_fetch_sub(&s->connections, 1);
		if (log_full)
			log_limited(LOG_LEVEL_WARN, kind, net, "serve: %s: "
			    "connection from %s refused: %d connections (limit)",
			    svc->name, addr, s->cfg.max_connections);
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	rc = addr_table_add(&s->per_addr, addr, s->cfg.max_per_address);
	pthread_mutex_unlock(&s->lock);
	if (rc == 1)
		return 1;
	atomic_fetch_sub(&s->connections, 1);
	if (rc == 0)
		log_limited(LOG_LEVEL_WARN, kind, net, "serve: %s: connection "
		    "from %s refused: %d from that address (limit)", svc->name,
		    addr, s->cfg.max_per_address);
	else
		log_limited(LOG_LEVEL_WARN, kind, net, "serve: %s: connection "
		    "from %s refused: out of memory", svc->name, addr);
	return 0;
}

void
server_connection_closed(struct server *s, const char *peer)
{
	char addr[48];

	/* peer is "addr:port"; the count is per address. */
	snprintf(addr, sizeof(addr), "%s", peer);
	if (strrchr(addr, ':') != NULL)
		*strrchr(addr, ':') = '\0';
	pthread_mutex_lock(&s->lock);
	addr_table_remove(&s->per_addr, addr);
	pthread_mutex_unlock(&s->lock);
	atomic_fetch_sub(&s->connections, 1);
}

/* The cached time changes once per turn of the loop. */
static void
accept_turn(struct loop *loop, struct evconnlistener *listener)
{
	struct timeval now, zero = { 0, 0 };
	int i;

	event_base_gettimeofday_cached(loop->base, &now);
	if (timercmp(&now, &loop->turn, !=)) {
		loop->turn = now;
		loop->accepted = 0;
	}
	if (++loop->accepted < ACCEPT_BATCH || atomic_load(&loop->server->draining))
		return;
	for (i = 0; i < loop->server->n_services; i++)
		if (loop->listeners[i] == listener) {
			evconnlistener_disable(listener);
			evtimer_add(loop->resume[i], &zero);
		}
}

static void
on_accept(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct loop *loop = arg;
	struct server *s = loop->server;
	struct service *svc = NULL;
	int slot = 0;
	char addr[48] = "?", peer[64];
	int i, port = 0, rc = 0;

	(void)socklen;
	for (i = 0; i < s->n_services; i++)
		if (loop->listeners[i] == listener) {
			svc = &s->services[i];
			slot = i;
		}
	accept_turn(loop, listener);
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		port = ntohs(in6->sin6_port);
	}
	snprintf(peer, sizeof(peer), "%s:%d", addr, port);
	rc = svc != NULL ? connection_admit(s, svc, addr, 0) : 0;
	if (rc == -1) {
		/* Full: room is made by closing one that said nothing. */
		evict_quiet(loop, svc, addr);
		rc = connection_admit(s, svc, addr, 1);
	}
	if (rc != 1) {
		evutil_closesocket(fd);
		return;
	}
	handshake_gate_enter(loop, slot, fd, peer);
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct loop *loop = arg;
	int i;

	(void)fd;
	(void)what;
	if (atomic_load(&loop->server->draining))
		return;
	for (i = 0; i < loop->server->n_services; i++)
		evconnlistener_enable(loop->listeners[i]);
}

/*
 * accept() failed.  Out of descriptors the listening socket stays
 * readable, so trying again at once spins a core and, through libevent,
 * logs a line each time: accepting pauses instead (the kernel keeps new
 * connections in the backlog) and resumes after a short back-off.
 */
static void
on_accept_error(struct evconnlistener *listener, void *arg)
{
	struct loop *loop = arg;
	struct server *s = loop->server;
	struct timeval backoff = { 0, ACCEPT_BACKOFF_MS * 1000 };
	int e = EVUTIL_SOCKET_ERROR(), i;

	for (i = 0; i < s->n_services; i++) {
		if (loop->listeners[i] != listener)
			continue;
		if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM)
			log_once(LOG_LEVEL_WARN, "serve: accept paused",
			    "serve: %s: accept paused: %s (%d connections open, "
			    "%d allowed); trying again every %d ms",
			    s->services[i].name, strerror(e),
			    atomic_load(&s->connections), s->cfg.max_connections,
			    ACCEPT_BACKOFF_MS);
		else
			log_once(LOG_LEVEL_WARN, "serve: accept failed",
			    "serve: %s: accept: %s", s->services[i].name,
			    strerror(e));
		if (atomic_load(&s->draining))
			return;
		evconnlistener_disable(listener);
		evtimer_add(loop->resume[i], &backoff);
	}
}

static int
loop_listen(struct loop *loop, struct ucerr *err)
{
	struct server *s = loop->server;
	struct sockaddr_in sin;
	int i;

	for (i = 0; i < s->n_services; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)s->services[i].port);
		if (inet_pton(AF_INET, s->cfg.listen_addr, &sin.sin_addr) != 1)
			return ucerr_set(err, "--listen %s: not an IPv4 address",
			    s->cfg.listen_addr);
		/* Every loop binds the port; the kernel spreads connections. */
		loop->listeners[i] = evconnlistener_new_bind(loop->base,
		    on_accept, loop, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
		    LEV_OPT_REUSEABLE_PORT, 4096, (struct sockaddr *)&sin,
		    sizeof(sin));
		if (loop->listeners[i] == NULL)
			return ucerr_set(err, "%s: cannot listen on %s:%d: %s",
			    s->services[i].name, s->cfg.listen_addr,
			    s->services[i].port, strerror(errno));
		evconnlistener_set_error_cb(loop->listeners[i], on_accept_error);
		if ((loop->resume[i] = evtimer_new(loop->base, on_resume,
		    loop)) == NULL)
			return ucerr_set(err, "cannot create a timer");
	}
	return 0;
}

/* A peer of the port lock asked who holds it: it has its answer. */
static void
on_lock_probe(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	(void)listener;
	(void)sa;
	(void)socklen;
	(void)arg;
	evutil_closesocket(fd);
}

/*
 * One instance per port.  Every loop binds the port with SO_REUSEPORT,
 * which would equally let a second `ucpki serve` (another home, another
 * CA) share it and take half the phones.  An abstract unix socket named
 * after the port is held for the life of the process (the kernel drops
 * it when the process dies, however it dies); whoever fails to bind it
 * learns the holder's pid from SO_PEERCRED.  A bind without SO_REUSEPORT
 * then checks that no other program (or older ucpki) serves the port.
 */
static int
port_lock(struct server *s, int i, struct ucerr *err)
{
	const struct service *svc = &s->services[i];
	struct sockaddr_un sun;
	struct sockaddr_in sin;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	socklen_t sun_len;
	int fd, probe, one = 1, taken;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "ucpki-%d",
	    svc->port);
	sun_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(sun.sun_path + 1));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return ucerr_set(err, "%s: socket: %s", svc->name, strerror(errno));
	if (bind(fd, (struct sockaddr *)&sun, sun_len) == -1) {
		taken = errno == EADDRINUSE;
		close(fd);
		if (!taken)
			return ucerr_set(err, "%s: port %d: cannot take the "
			    "instance lock: %s", svc->name, svc->port,
			    strerror(errno));
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd != -1 && connect(fd, (struct sockaddr *)&sun,
		    sun_len) == 0 && getsockopt(fd, SOL_SOCKET, SO_PEERCRED,
		    &cred, &len) == 0 && cred.pid > 0) {
			close(fd);
			return ucerr_set(err, "%s: port %d is already served by "
			    "another ucpki serve (pid %ld); stop it, or give this "
			    "one another --%s-port", svc->name, svc->port,
			    (long)cred.pid, i == 0 && s->cfg.capf_port > 0 ?
			    "capf" : "tvs");
		}
		if (fd != -1)
			close(fd);
		return ucerr_set(err, "%s: port %d is already served by another "
		    "ucpki serve", svc->name, svc->port);
	}
	if (listen(fd, 8) == -1 || (s->lock_listeners[i] = evconnlistener_new(
	    s->loops[0].base, on_lock_probe, NULL, LEV_OPT_CLOSE_ON_FREE, 0,
	    fd)) == NULL) {
		close(fd);
		return ucerr_set(err, "%s: port %d: cannot hold the instance "
		    "lock", svc->name, svc->port);
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)svc->port);
	if (inet_pton(AF_INET, s->cfg.listen_addr, &sin.sin_addr) != 1)
		return ucerr_set(err, "--listen %s: not an IPv4 address",
		    s->cfg.listen_addr);
	/* SO_REUSEADDR only: connections of an earlier run in TIME_WAIT do
	 * not count, another socket bound to the port does. */
	if ((probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return ucerr_set(err, "%s: socket: %s", svc->name, strerror(errno));
	setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(probe, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		ucerr_set(err, "%s: cannot listen on %s:%d: %s%s", svc->name,
		    s->cfg.listen_addr, svc->port, strerror(errno),
		    errno == EADDRINUSE ? " (another program serves it)" : "");
		close(probe);
		return -1;
	}
	close(probe);
	return 0;
}

/*
 * Every connection is a descriptor: the soft limit goes up to the hard
 * one, and --max-connections defaults to what that allows, less what the
 * store, the log and the loops need, so the server refuses connections
 * (with a line) before accept() runs out.
 */
static void
descriptor_limits(struct server *s, char *note, size_t notelen)
{
	struct rlimit rl;
	rlim_t before;
	long reserve = FD_RESERVE_BASE + (long)FD_RESERVE_PER_LOOP * s->n_loops;
	long fds, allowed;

	note[0] = '\0';
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	before = rl.rlim_cur;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	fds = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1000000 + 1024 ?
	    1000000 + 1024 : (long)rl.rlim_cur;
	allowed = fds - reserve > 1 ? fds - reserve : 1;
	if (s->cfg.max_connections == 0) {
		s->cfg.max_connections = (int)allowed;
		snprintf(note, notelen, "serve: %ld descriptors (%s %lu); at most "
		    "%ld connections (%ld kept for the store, the log and the "
		    "loops; --max-connections)", fds, rl.rlim_cur != before ?
		    "soft limit raised from" : "hard limit", rl.rlim_cur !=
		    before ? (unsigned long)before : (unsigned long)rl.rlim_max,
		    allowed, reserve);
	} else if (s->cfg.max_connections > allowed) {
		snprintf(note, notelen, "serve: --max-connections %d is more than "
		    "%ld descriptors allow (%ld): accepting pauses when they run "
		    "out", s->cfg.max_connections, fds, allowed);
	}
}

static void
on_log_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	log_limit_flush(0);
	server_memory_tick(arg);
}

static void *
loop_main(void *arg)
{
	struct loop *loop = arg;

	event_base_dispatch(loop->base);
	return NULL;
}

static void
stop_all(struct server *s)
{
	int i;

	for (i = 0; i < s->n_loops; i++)
		event_base_loopexit(s->loops[i].base, NULL);
}

static void
check_drained(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	if (atomic_load(&s->connections) == 0 ||
	    ++s->drain_ticks > DRAIN_TIMEOUT_S * 10) {
		log_info("serve: stopped (%lu sessions served)",
		    (unsigned long)atomic_load(&s->sessions_done));
		stop_all(s);
	}
}

static void
on_sigterm(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	struct timeval tick = { 0, 100000 };
	int i, j;

	(void)what;
	if (atomic_exchange(&s->draining, 1))
		return;
	log_info("serve: %s: draining %d sessions", sig == SIGINT ? "SIGINT" :
	    "SIGTERM", atomic_load(&s->connections));
	server_notify("STOPPING=1");
	server_status_update(s, "draining");
	for (i = 0; i < s->n_loops; i++)
		for (j = 0; j < s->n_services; j++)
			if (s->loops[i].listeners[j] != NULL) {
				evtimer_del(s->loops[i].resume[j]);
				evconnlistener_disable(s->loops[i].listeners[j]);
			}
	s->drain_tick = event_new(s->loops[0].base, -1, EV_PERSIST,
	    check_drained, s);
	event_add(s->drain_tick, &tick);
}

static void
on_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	int i;

	(void)sig;
	(void)what;
	server_notify("RELOADING=1");
	reload_identities(s, "SIGHUP");
	server_refresh_exports(s);
	for (i = 0; i < s->n_defs; i++)
		if (s->defs[i]->reload != NULL)
			s->defs[i]->reload(s);
	server_notify("READY=1");
	server_status_update(s, "running");
}

static int
drop_privileges(const char *user, struct ucerr *err)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL)
		return ucerr_set(err, "--user %s: no such user", user);
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)
		return ucerr_set(err, "--user %s: %s", user, strerror(errno));
	if (setuid(0) == 0)
		return ucerr_set(err, "--user %s: privileges not dropped", user);
	log_info("serve: running as %s", user);
	return 0;
}

static int
setup(struct server *s, struct ucerr *err)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	s->n_loops = s->cfg.loops > 0 ? s->cfg.loops : (int)(cores > 0 ? cores : 1);
	if ((s->loops = calloc((size_t)s->n_loops, sizeof(*s->loops))) == NULL)
		return ucerr_set(err, "out of memory");
	if (addr_table_init(&s->per_addr) == -1)
		return ucerr_set(err, "out of memory");
	if (claims_init(&s->claims, 4096) == -1)
		return ucerr_set(err, "out of memory");
	descriptor_limits(s, s->fd_note, sizeof(s->fd_note));
	for (i = 0; i < s->n_loops; i++) {
		s->loops[i].server = s;
		s->loops[i].quiet.next = s->loops[i].quiet.prev =
		    &s->loops[i].quiet;
		if ((s->loops[i].base = event_base_new()) == NULL)
			return ucerr_set(err, "cannot create an event loop");
		if ((s->loops[i].store = store_open(s->cfg.home,
		    STORE_EVENT_LOOP, err)) == NULL)
			return -1;
		if (spki_decoder_init(&s->loops[i].spki_decoder) == -1)
			return ucerr_ssl(err, "cannot set up a key decoder");
		if (handshake_gate_init(&s->loops[i]) == -1)
			return ucerr_set(err, "cannot create an event");
	}
	if ((s->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return ucerr_ssl(err, "SHA-256 unavailable");
	for (i = 0; i < s->n_defs; i++) {
		const struct service_def *d = s->defs[i];

		if (d->identity == NULL)
			continue;
		if (s->n_services == SERVER_MAX_LISTENERS)
			return ucerr_set(err, "serve: too many services");
		s->services[s->n_services++] = (struct service){ d, d->name,
		    d->port(&s->cfg) };
	}
	if (s->n_defs == 0)
		return ucerr_set(err, "serve: no service to run");
	if ((s->ids = load_identities(s, s->loops[0].store, err)) == NULL)
		return -1;
	for (i = 0; i < s->n_services; i++)
		if (port_lock(s, i, err) == -1)
			return -1;
	for (i = 0; i < s->n_loops; i++)
		if (loop_listen(&s->loops[i], err) == -1)
			return -1;
	return 0;
}

static void
teardown(struct server *s)
{
	int i, j;

	if (s->drain_tick != NULL)
		event_free(s->drain_tick);
	if (s->log_tick != NULL)
		event_free(s->log_tick);
	if (s->store_watch != NULL)
		event_free(s->store_watch);
	if (s->store_notify != NULL)
		event_free(s->store_notify);
	store_watch_close(s->watch);
	for (j = 0; j < SERVER_MAX_LISTENERS; j++)
		if (s->lock_listeners[j] != NULL)
			evconnlistener_free(s->lock_listeners[j]);
	for (i = 0; s->loops != NULL && i < s->n_loops; i++) {
		for (j = 0; j < SERVER_MAX_LISTENERS; j++) {
			if (s->loops[i].listeners[j] != NULL)
				evconnlistener_free(s->loops[i].listeners[j]);
			if (s->loops[i].resume[j] != NULL)
				event_free(s->loops[i].resume[j]);
		}
		handshake_gate_free(&s->loops[i]);
		if (s->loops[i].base != NULL)
			event_base_free(s->loops[i].base);
		store_close(s->loops[i].store);
		spki_decoder_free(&s->loops[i].spki_decoder);
	}
	EVP_MD_free(s->sha256);
	free(s->loops);
	addr_table_free(&s->per_addr);
	claims_free(&s->claims);
	log_limit_flush(1);
	identity_set_release(s->ids);
	X509_STORE_free(s->capf_trust);
}

/* The rows of defs that these settings turn on, in their order. */
static int
services_on(struct server *s, const struct service_def *const *defs,
    struct ucerr *err)
{
	int i;

	for (i = 0; defs[i] != NULL; i++) {
		if (defs[i]->port(&s->cfg) <= 0)
			continue;
		if (s->n_defs == (int)(sizeof(s->defs) / sizeof(s->defs[0])))
			return ucerr_set(err, "serve: too many services");
		s->defs[s->n_defs++] = defs[i];
	}
	return 0;
}

int
server_run(const struct server_config *cfg,
    const struct service_def *const *defs, struct ucerr *err)
{
	struct server s;
	struct event *sigs[3] = { NULL, NULL, NULL };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int i, rc = -1, writer_up = 0, workers_up = 0;

	memset(&s, 0, sizeof(s));
	s.cfg = *cfg;
	s.started_at = (int64_t)time(NULL);
	pthread_mutex_init(&s.lock, NULL);
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	s.notify_fd = -1;
	if (server_node_capf_check(&s.cfg, err) == -1 ||
	    services_on(&s, defs, err) == -1 || setup(&s, err) == -1)
		goto out;
	/* The generation the services start from, before they load. */
	if ((s.watch = store_watch_open(cfg->home, cfg->store_poll_s,
	    err)) == NULL || store_watch_check(s.watch,
	    &s.watched_generation) == -1) {
		ucerr_set(err, "serve: cannot read the store's generation");
		goto out;
	}
	store_generation_follow(s.watched_generation);
	/* Every file the server needs is open before privileges go. */
	if (writer_start(&s.writer, cfg->home, err) == -1)
		goto out;
	writer_up = 1;
	/* Privileged ports (TFTP's 69) are bound before privileges go. */
	for (i = 0; i < s.n_defs; i++)
		if (s.defs[i]->bind != NULL && s.defs[i]->bind(&s, err) == -1)
			goto out;
	if (cfg->user[0] != '\0' && drop_privileges(cfg->user, err) == -1)
		goto out;
	if (workers_start(&s.workers, cfg->workers > 0 ? cfg->workers :
	    (int)(cores > 0 ? cores : 1), &s.writer.q, err) == -1)
		goto out;
	workers_up = 1;
	sigs[0] = evsignal_new(s.loops[0].base, SIGTERM, on_sigterm, &s);
	sigs[1] = evsignal_new(s.loops[0].base, SIGINT, on_sigterm, &s);
	sigs[2] = evsignal_new(s.loops[0].base, SIGHUP, on_sighup, &s);
	for (i = 0; i < 3; i++)
		event_add(sigs[i], NULL);
	if ((s.log_tick = event_new(s.loops[0].base, -1, EV_PERSIST, on_log_tick,
	    &s)) != NULL)
		event_add(s.log_tick, &(struct timeval){ 1, 0 });
	if (s.fd_note[0] != '\0')
		log_msg(s.cfg.max_connections == cfg->max_connections ?
		    LOG_LEVEL_WARN : LOG_LEVEL_INFO, "%s", s.fd_note);
	for (i = 0; i < s.n_services; i++)
		log_info("serve: %s listening on %s:%d (%d loops)",
		    s.services[i].name, cfg->listen_addr, s.services[i].port,
		    s.n_loops);
	if (strcmp(cfg->listen_addr, "0.0.0.0") == 0)
		log_info("serve: the phones' services listen on every address "
		    "(phones must reach them); listen = ADDR in ucpki.conf or "
		    "--listen narrows that");
	for (i = 0; i < s.n_defs; i++)
		if (s.defs[i]->start != NULL && s.defs[i]->start(&s, err) == -1)
			goto out;
	watch_socket(&s);
	if ((s.store_watch = event_new(s.loops[0].base, -1, EV_PERSIST,
	    on_store_watch, &s)) == NULL || event_add(s.store_watch,
	    &(struct timeval){ 0, STORE_WATCH_MS * 1000 }) == -1) {
		ucerr_set(err, "serve: cannot start the store watch");
		goto out;
	}
	server_monitor_start(&s);
	/* Each loop, the writer, the watch, the TFTP and administration
	 * services hold one (README, "Cluster"); the monitor one per run. */
	if (store_remote(s.loops[0].store))
		log_info("serve: %d connections to PostgreSQL (%d loops, the "
		    "writer, the store watch and the services' own)",
		    store_remote_connections(), s.n_loops);
	for (i = 1; i < s.n_loops; i++)
		pthread_create(&s.loops[i].thread, NULL, loop_main, &s.loops[i]);
	/* Every listener is bound (setup) and every thread is up. */
	server_status_start(&s);
	event_base_dispatch(s.loops[0].base);
	for (i = 1; i < s.n_loops; i++)
		pthread_join(s.loops[i].thread, NULL);
	rc = 0;
out:
	server_status_stop(&s);
	for (i = 0; i < 3; i++)
		if (sigs[i] != NULL)
			event_free(sigs[i]);
	server_monitor_stop(&s);
	/* Every service gets its stop, started or not: stops tolerate that. */
	for (i = s.n_defs - 1; i >= 0; i--)
		if (s.defs[i]->stop != NULL)
			s.defs[i]->stop(&s);
	if (workers_up)
		workers_stop(&s.workers);
	if (writer_up)
		writer_stop(&s.writer);
	server_monitor_free(&s);
	teardown(&s);
	return rc;
}
