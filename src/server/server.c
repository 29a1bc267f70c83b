/*
 * server.c - `ucpki serve`: identities, loops, listeners, limits and
 * signals.  The services' sessions live in capf_session.c and
 * tvs_session.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include "identity.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "trust.h"
#include "x509.h"

/* How long SIGTERM waits for sessions in flight before leaving anyway. */
#define DRAIN_TIMEOUT_S		10

struct addr_count {
	char	addr[48];
	int	count;
};

void
server_config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	/* Every address: the phones must reach CAPF and TVS. */
	snprintf(cfg->listen_addr, sizeof(cfg->listen_addr), "0.0.0.0");
	cfg->capf_port = 3804;
	cfg->tvs_port = 2445;
	cfg->handshake_timeout_s = 10;
	cfg->idle_timeout_s = 30;
	cfg->keygen_timeout_s = 300;
	cfg->max_connections = 20000;
	cfg->max_per_address = 100;
	cfg->monitor_interval_s = 3600;
	cfg->log_level = LOG_LEVEL_INFO;
}

void
identity_set_release(struct identity_set *ids)
{
	if (ids == NULL || atomic_fetch_sub(&ids->refs, 1) != 1)
		return;
	SSL_CTX_free(ids->capf_ctx);
	SSL_CTX_free(ids->tvs_ctx);
	X509_free(ids->capf_cert);
	EVP_PKEY_free(ids->capf_key);
	free(ids);
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
	struct stat sb;
	char path[4096];
	int found;

	if ((found = store_identity_get(st, purpose, &row, err)) != 1)
		return found == 0 ? ucerr_set(err, "%s: no identity", purpose) : -1;
	found = identity_key_path(st, row.key_file, path, sizeof(path), err);
	identity_row_free(&row);
	if (found == -1)
		return -1;
	if (stat(path, &sb) == -1)
		return ucerr_set(err, "%s: %s", path, strerror(errno));
	if (sb.st_mode & 077)
		return ucerr_set(err, "%s: the %s private key is readable by group "
		    "or others (mode %03o); run chmod 600 on it", path, purpose,
		    (unsigned)(sb.st_mode & 0777));
	return 0;
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
	/* Server authentication only: phones do not send certificates. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* Phones do not resume sessions: no cache, no tickets to encrypt. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	/* Thousands of phones sit idle in key generation: let OpenSSL free
	 * their 34 KB of record buffers while they do. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	return ctx;
fail:
	ucerr_ssl(err, "TLS: cannot set up the server context");
	SSL_CTX_free(ctx);
	return NULL;
}

static struct identity_set *
load_identities(struct server *s, struct store *st, struct ucerr *err)
{
	struct identity_set *ids = calloc(1, sizeof(*ids));
	EVP_PKEY *tvs_key = NULL;
	X509 *tvs = NULL;

	if (ids == NULL) {
		ucerr_set(err, "out of memory");
		return NULL;
	}
	atomic_init(&ids->refs, 1);
	if (check_key_mode(st, "CAPF", err) == -1 ||
	    check_key_mode(st, "TVS", err) == -1 ||
	    identity_load(st, "CAPF", &ids->capf_cert, &ids->capf_key, err) == -1 ||
	    identity_load(st, "TVS", &tvs, &tvs_key, err) == -1)
		goto fail;
	cert_sha256_hex(ids->capf_cert, ids->capf_sha256);
	if ((ids->capf_ctx = tls_server_ctx(ids->capf_cert, ids->capf_key,
	    s->cfg.tls1, err)) == NULL ||
	    (ids->tvs_ctx = tls_server_ctx(tvs, tvs_key, s->cfg.tls1, err)) == NULL)
		goto fail;
	X509_free(tvs);
	EVP_PKEY_free(tvs_key);
	return ids;
fail:
	X509_free(tvs);
	EVP_PKEY_free(tvs_key);
	identity_set_release(ids);
	return NULL;
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

/* Per-address counts in a small open-addressing table (under lock). */
static struct addr_count *
addr_slot(struct server *s, const char *addr, int create)
{
	size_t i, h = 5381;
	const char *p;

	for (p = addr; *p; p++)
		h = h * 33 + (unsigned char)*p;
	for (i = 0; i < s->per_addr_cap; i++) {
		struct addr_count *slot = &s->per_addr[(h + i) % s->per_addr_cap];

		if (strcmp(slot->addr, addr) == 0)
			return slot;
		if (slot->addr[0] == '\0' && create) {
			snprintf(slot->addr, sizeof(slot->addr), "%s", addr);
			return slot;
		}
		if (slot->addr[0] == '\0')
			return NULL;
	}
	return NULL;
}

static int
connection_admit(struct server *s, const char *addr)
{
	struct addr_count *slot;
	int ok = 0;

	if (atomic_load(&s->draining))
		return 0;
	if (atomic_fetch_add(&s->connections, 1) >= s->cfg.max_connections) {
		atomic_fetch_sub(&s->connections, 1);
		log_warn("serve: connection from %s refused: %d connections "
		    "(limit)", addr, s->cfg.max_connections);
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	if ((slot = addr_slot(s, addr, 1)) != NULL &&
	    slot->count < s->cfg.max_per_address) {
		slot->count++;
		ok = 1;
	}
	pthread_mutex_unlock(&s->lock);
	if (!ok) {
		atomic_fetch_sub(&s->connections, 1);
		log_warn("serve: connection from %s refused: %d from that "
		    "address (limit)", addr, s->cfg.max_per_address);
	}
	return ok;
}

void
server_connection_closed(struct server *s, const char *peer)
{
	struct addr_count *slot;
	char addr[48];

	/* peer is "addr:port"; the count is per address. */
	snprintf(addr, sizeof(addr), "%s", peer);
	if (strrchr(addr, ':') != NULL)
		*strrchr(addr, ':') = '\0';
	pthread_mutex_lock(&s->lock);
	if ((slot = addr_slot(s, addr, 0)) != NULL && slot->count > 0)
		slot->count--;
	pthread_mutex_unlock(&s->lock);
	atomic_fetch_sub(&s->connections, 1);
}

static void
on_accept(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct loop *loop = arg;
	struct server *s = loop->server;
	struct service *svc = NULL;
	struct identity_set *ids;
	struct bufferevent *bev;
	char addr[48] = "?", peer[64];
	SSL *ssl;
	int i, port = 0;

	(void)socklen;
	for (i = 0; i < s->n_services; i++)
		if (loop->listeners[i] == listener)
			svc = &s->services[i];
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
	if (svc == NULL || !connection_admit(s, addr)) {
		evutil_closesocket(fd);
		return;
	}
	ids = server_identities(s);
	ssl = SSL_new(svc->ctx(ids));
	identity_set_release(ids);
	if (ssl == NULL) {
		evutil_closesocket(fd);
		server_connection_closed(s, peer);
		return;
	}
	bev = bufferevent_openssl_socket_new(loop->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		evutil_closesocket(fd);
		server_connection_closed(s, peer);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	svc->accept(loop, bev, peer);
}

static SSL_CTX *
capf_ctx(struct identity_set *ids)
{
	return ids->capf_ctx;
}

static SSL_CTX *
tvs_ctx(struct identity_set *ids)
{
	return ids->tvs_ctx;
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
	}
	return 0;
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
			if (s->loops[i].listeners[j] != NULL)
				evconnlistener_disable(s->loops[i].listeners[j]);
	s->drain_tick = event_new(s->loops[0].base, -1, EV_PERSIST,
	    check_drained, s);
	event_add(s->drain_tick, &tick);
}

static void
on_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	struct identity_set *ids, *old;
	struct ucerr err;

	(void)sig;
	(void)what;
	server_notify("RELOADING=1");
	if ((ids = load_identities(s, s->loops[0].store, &err)) == NULL) {
		log_error("serve: SIGHUP: identities not reloaded: %s", err.msg);
		server_notify("READY=1");
		return;
	}
	pthread_mutex_lock(&s->lock);
	old = s->ids;
	s->ids = ids;
	pthread_mutex_unlock(&s->lock);
	identity_set_release(old);
	log_info("serve: SIGHUP: identities reloaded");
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
	s->per_addr_cap = 65536;
	if ((s->per_addr = calloc(s->per_addr_cap, sizeof(*s->per_addr))) == NULL)
		return ucerr_set(err, "out of memory");
	for (i = 0; i < s->n_loops; i++) {
		s->loops[i].server = s;
		if ((s->loops[i].base = event_base_new()) == NULL)
			return ucerr_set(err, "cannot create an event loop");
		if ((s->loops[i].store = store_open(s->cfg.home, 0, err)) == NULL)
			return -1;
		if (spki_decoder_init(&s->loops[i].spki_decoder) == -1)
			return ucerr_ssl(err, "cannot set up a key decoder");
	}
	if ((s->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return ucerr_ssl(err, "SHA-256 unavailable");
	if ((s->ids = load_identities(s, s->loops[0].store, err)) == NULL)
		return -1;
	if (s->cfg.capf_port > 0)
		s->services[s->n_services++] = (struct service){ "CAPF",
		    s->cfg.capf_port, capf_session_accept, capf_ctx };
	if (s->cfg.tvs_port > 0 && server_tvs_enabled())
		s->services[s->n_services++] = (struct service){ "TVS",
		    s->cfg.tvs_port, tvs_session_accept, tvs_ctx };
	if (s->n_services == 0)
		return ucerr_set(err, "serve: no service to run");
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
	for (i = 0; s->loops != NULL && i < s->n_loops; i++) {
		for (j = 0; j < 2; j++)
			if (s->loops[i].listeners[j] != NULL)
				evconnlistener_free(s->loops[i].listeners[j]);
		if (s->loops[i].base != NULL)
			event_base_free(s->loops[i].base);
		store_close(s->loops[i].store);
		spki_decoder_free(&s->loops[i].spki_decoder);
	}
	EVP_MD_free(s->sha256);
	free(s->loops);
	free(s->per_addr);
	identity_set_release(s->ids);
	X509_STORE_free(s->capf_trust);
}

int
server_run(const struct server_config *cfg, struct ucerr *err)
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
	if (setup(&s, err) == -1)
		goto out;
	/* Every file the server needs is open before privileges go. */
	if (writer_start(&s.writer, cfg->home, err) == -1)
		goto out;
	writer_up = 1;
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
	for (i = 0; i < s.n_services; i++)
		log_info("serve: %s listening on %s:%d (%d loops)",
		    s.services[i].name, cfg->listen_addr, s.services[i].port,
		    s.n_loops);
	if (strcmp(cfg->listen_addr, "0.0.0.0") == 0)
		log_info("serve: the phones' services listen on every address "
		    "(phones must reach them); listen = ADDR in ucpki.conf or "
		    "--listen narrows that");
	if (s.cfg.tvs_port > 0 && server_tvs_start(&s, err) == -1)
		goto out;
	server_monitor_start(&s);
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
	server_tvs_stop(&s);
	if (workers_up)
		workers_stop(&s.workers);
	if (writer_up)
		writer_stop(&s.writer);
	teardown(&s);
	return rc;
}
