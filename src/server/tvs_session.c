/*
 * tvs_session.c - the Trust Verification Service: a phone asks whether a
 * certificate its ITL does not hold is one of the cluster's, and with
 * which roles.  Several requests per TLS session; an idle session is
 * closed.  Answers come from the in-memory index (tvs_index.h), rebuilt
 * when the store's generation changes (the service's refresh hook).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "deadline.h"
#include "log.h"
#include "server.h"
#include "tls_log.h"
#include "services.h"
#include "store.h"
#include "tls_send.h"
#include "tvs_index.h"
#include "tvs_msg.h"
#include "x509.h"

/* Replies a client has not read: past this it is not a phone, and the
 * session ends (each reply is a few dozen bytes; phones read each one
 * before they ask again). */
#define TVS_OUTPUT_MAX	(32 * 1024)

struct tvs_session {
	struct loop		*loop;
	struct bufferevent	*bev;
	struct deadline		 deadline;
	struct quiet		 quiet;		/* until its first request */
	char			 peer[64];
	char			 net[48];	/* for rate-limited lines */
	int			 connected;	/* TLS is up */
	int			 requests, valid;
	int			 logged;	/* the session's line is out */
};

/* Refusals and protocol errors: rate-limited per source network. */
#define tvs_limited(s, ...) \
	log_limited(LOG_LEVEL_WARN, "tvs: protocol errors", (s)->net, \
	    __VA_ARGS__)

struct tvs_index_ref *
server_tvs_index(struct server *s)
{
	struct tvs_index_ref *ref;

	pthread_mutex_lock(&s->lock);
	ref = s->tvs;
	if (ref != NULL)
		atomic_fetch_add(&ref->refs, 1);
	pthread_mutex_unlock(&s->lock);
	return ref;
}

void
tvs_index_ref_release(struct tvs_index_ref *ref)
{
	if (ref == NULL || atomic_fetch_sub(&ref->refs, 1) != 1)
		return;
	tvs_index_free(&ref->idx);
	free(ref);
}

/* Rebuilds the index when the store changed (on loop 0). */
static int
index_refresh(struct server *s, struct store *st, struct ucerr *err)
{
	struct tvs_index_ref *ref, *old;
	int64_t gen = store_generation(st);

	pthread_mutex_lock(&s->lock);
	old = s->tvs;
	pthread_mutex_unlock(&s->lock);
	if (old != NULL && old->idx.generation == gen)
		return 0;
	if ((ref = calloc(1, sizeof(*ref))) == NULL)
		return ucerr_set(err, "TVS index: out of memory");
	atomic_init(&ref->refs, 1);
	if (tvs_index_build(st, &ref->idx, err) == -1) {
		free(ref);
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	old = s->tvs;
	s->tvs = ref;
	pthread_mutex_unlock(&s->lock);
	tvs_index_ref_release(old);
	log_debug("tvs: index rebuilt: %zu certificates", ref->idx.n);
	return 0;
}

/* The session's one line, unless an error line already said why. */
static void
log_outcome(struct tvs_session *s, const char *how)
{
	if (s->logged)
		return;
	s->logged = 1;
	if (s->requests > 0)
		log_info("tvs: %s: %d request%s (%d valid, %d unknown); %s",
		    s->peer, s->requests, s->requests == 1 ? "" : "s", s->valid,
		    s->requests - s->valid, how);
	else
		log_limited(LOG_LEVEL_INFO, "tvs: sessions without a request",
		    s->net, "tvs: %s: no request; %s", s->peer, how);
}

static void
session_free(struct tvs_session *s)
{
	server_quiet_remove(&s->quiet);
	if (!s->connected)
		server_handshake_done(s->loop);
	deadline_free(&s->deadline);
	bufferevent_free(s->bev);
	s->loop->sessions--;
	server_connection_closed(s->loop->server, s->peer);
	free(s);
}

static void
close_when_flushed(struct bufferevent *bev, void *arg)
{
	(void)bev;
	session_free(arg);
}

static void
close_on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	session_free(arg);
}

/* Ends the session after what is queued has been sent; s may be freed
 * at once, so callers return and read nothing of it. */
static void
finish(struct tvs_session *s)
{
	s->logged = 1;	/* the error line was the session's line */
	bufferevent_disable(s->bev, EV_READ);
	deadline_phase(&s->deadline, s->loop->server->cfg.idle_timeout_s);
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0) {
		session_free(s);
		return;
	}
	bufferevent_setcb(s->bev, NULL, close_when_flushed, close_on_event, s);
}

static int
verify(struct tvs_session *s, const struct tvs_msg *m, struct writer *w)
{
	const struct tvs_entry *e;
	struct tvs_index_ref *ref;
	char serial[80], issuer[512];
	X509 *cert;
	int by_serial, i;

	tvs_msg_begin(w, TVS_VERIFY_RESPONSE, m->session_id);
	if (!tvs_device_name_valid(m->device_name)) {
		tvs_limited(s, "tvs: %s: DEVICE_NAME '%.40s' is not "
		    "CP-<model>-SEP<MAC>", s->peer, m->device_name);
		return -1;
	}
	if (m->cert == NULL || m->cert_len == 0) {
		tvs_limited(s, "tvs: %s from %s: CERTIFICATE missing",
		    m->device_name, s->peer);
		return -1;
	}
	ref = server_tvs_index(s->loop->server);
	/* The common case, a known certificate, needs no parsing at all. */
	by_serial = 0;
	e = ref != NULL ? tvs_index_lookup_der(&ref->idx, m->cert,
	    m->cert_len) : NULL;
	if (e == NULL) {
		if (cert_from_der(m->cert, m->cert_len, &cert, NULL) == -1) {
			tvs_limited(s, "tvs: %s from %s: CERTIFICATE is not DER",
			    m->device_name, s->peer);
			tvs_index_ref_release(ref);
			return -1;
		}
		cert_serial_hex(cert, serial, sizeof(serial));
		name_oneline(X509_get_issuer_name(cert), issuer, sizeof(issuer));
		if (ref != NULL)
			e = tvs_index_lookup(&ref->idx, cert, &by_serial);
		X509_free(cert);
	}
	/* One line per request is for troubleshooting: a session's line
	 * counts them. */
	if (e == NULL) {
		log_debug("tvs: %s from %s: tvsHandleCertVerificationReq serial %s "
		    "issuer %s: getCertificateInformation(cert) : certificate "
		    "not found; No associated roles found for the certificate",
		    m->device_name, s->peer, serial, issuer);
		writer_tlv(w, TVS_EL_STATUS, (uint8_t[]){ TVS_STATUS_INVALID }, 1);
	} else {
		uint8_t ttl[4] = { (uint8_t)(e->ttl >> 24), (uint8_t)(e->ttl >> 16),
		    (uint8_t)(e->ttl >> 8), (uint8_t)e->ttl };
		char roles[64] = "";

		for (i = 0; i < (int)e->n_roles; i++)
			snprintf(roles + strlen(roles), sizeof(roles) - strlen(roles),
			    "%s%u", i ? "," : "", e->roles[i]);
		s->valid++;
		log_debug("tvs: %s from %s: %s: valid, roles %s, ttl %u%s",
		    m->device_name, s->peer, e->label, roles, e->ttl,
		    by_serial ? " (matched by serial number and issuer)" : "");
		writer_tlv(w, TVS_EL_STATUS, (uint8_t[]){ TVS_STATUS_VALID }, 1);
		writer_tlv(w, TVS_EL_ROLES, e->roles, e->n_roles);
		writer_tlv(w, TVS_EL_TTL, ttl, 4);
	}
	tvs_index_ref_release(ref);
	return 0;
}

static int
on_message(struct tvs_session *s, const uint8_t *data, size_t len)
{
	struct tvs_msg m;
	struct ucerr err;
	struct writer w;
	int rc = -1;

	if (tvs_msg_decode(data, len, &m, &err) == -1) {
		tvs_limited(s, "tvs: %s: %s", s->peer, err.msg);
		return -1;
	}
	if (m.unknown_tag != 0) {
		tvs_limited(s, "tvs: %s: unknown element %u", s->peer,
		    m.unknown_tag);
		return -1;
	}
	s->requests++;
	switch (m.command) {
	case TVS_VERIFY_REQUEST:
		rc = verify(s, &m, &w);
		break;
	case TVS_QUERY_REQUEST:
		/* Certificate queries are not offered: answered invalid. */
		tvs_msg_begin(&w, TVS_QUERY_RESPONSE, m.session_id);
		writer_tlv(&w, TVS_EL_STATUS, (uint8_t[]){ TVS_STATUS_INVALID },
		    1);
		log_debug("tvs: %s: QUERY_REQUEST answered invalid (not offered)",
		    s->peer);
		rc = 0;
		break;
	default:
		tvs_limited(s, "tvs: %s: unexpected command %u", s->peer,
		    m.command);
		return -1;
	}
	if (rc == 0 && tvs_msg_end(&w) == 0 &&
	    tls_send(s->bev, w.data, w.len) == 0) {
		writer_free(&w);
		return 0;
	}
	writer_free(&w);
	return -1;
}

/* A client that asks and never reads would grow its output for ever. */
static int
reading_replies(struct tvs_session *s)
{
	size_t queued = evbuffer_get_length(bufferevent_get_output(s->bev));

	if (queued <= TVS_OUTPUT_MAX)
		return 1;
	s->logged = 1;
	tvs_limited(s, "tvs: %s: closed after %d requests: it does not read "
	    "its replies (%zu bytes queued)", s->peer, s->requests, queued);
	return 0;
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct tvs_session *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct ucerr err;
	uint8_t *data;
	size_t have, need;

	while ((have = evbuffer_get_length(in)) >= TVS_HEADER_LEN) {
		data = evbuffer_pullup(in, TVS_HEADER_LEN);
		if (tvs_msg_need(data, have, &need, &err) == -1) {
			tvs_limited(s, "tvs: %s: %s", s->peer, err.msg);
			finish(s);
			return;
		}
		if (have < need)
			break;
		data = evbuffer_pullup(in, (ssize_t)need);
		server_quiet_remove(&s->quiet);
		if (on_message(s, data, need) == -1) {
			finish(s);
			return;
		}
		evbuffer_drain(in, need);
		if (!reading_replies(s)) {
			session_free(s);
			return;
		}
		/* Answered: the phone has the idle time for its next one. */
		deadline_phase(&s->deadline, s->loop->server->cfg.idle_timeout_s);
	}
	if (evbuffer_get_length(in) > 0)
		deadline_message_begun(&s->deadline);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct tvs_session *s = arg;

	if (what & BEV_EVENT_CONNECTED) {
		s->connected = 1;
		server_handshake_done(s->loop);
		deadline_phase(&s->deadline, s->loop->server->cfg.idle_timeout_s);
		return;
	}
	if (!s->connected)
		tls_handshake_failed("tvs", bev, s->peer, 0, 0);
	else
		log_outcome(s, "closed by the phone");
	session_free(s);
}

/* A deadline passed: the handshake, a silence or a message took too long. */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct tvs_session *s = arg;
	const struct server_config *cfg = &s->loop->server->cfg;

	(void)fd;
	(void)what;
	if (!s->connected)
		tls_handshake_failed("tvs", s->bev, s->peer, 1,
		    cfg->handshake_timeout_s);
	else if (s->deadline.in_message)
		log_limited(LOG_LEVEL_WARN, "tvs: sessions timed out", s->net,
		    "tvs: %s: closed: a message took over %d s", s->peer,
		    cfg->message_timeout_s);
	else
		log_outcome(s, "closed when idle");
	session_free(s);
}

/* The server is full and this connection has said nothing: it goes. */
static void
evict(struct quiet *q)
{
	session_free((struct tvs_session *)(void *)((char *)q -
	    offsetof(struct tvs_session, quiet)));
}

static void
tvs_session_accept(struct loop *loop, struct bufferevent *bev,
    const char *peer)
{
	struct tvs_session *s = calloc(1, sizeof(*s));
	const struct server_config *cfg = &loop->server->cfg;

	if (s == NULL || deadline_init(&s->deadline, loop->base,
	    cfg->message_timeout_s, on_deadline, s) == -1) {
		free(s);
		bufferevent_free(bev);
		server_handshake_done(loop);
		server_connection_closed(loop->server, peer);
		return;
	}
	s->loop = loop;
	s->bev = bev;
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	log_peer_net(peer, s->net, sizeof(s->net));
	server_quiet_add(loop, &s->quiet, s->peer, evict);
	loop->sessions++;
	bufferevent_setcb(bev, on_read, NULL, on_event, s);
	bufferevent_setwatermark(bev, EV_READ, 0, TVS_MESSAGE_MAX * 2);
	/* The whole handshake, however slowly its bytes come, from now:
	 * it may have waited for a slot (handshake_gate.c). */
	deadline_phase(&s->deadline, cfg->handshake_timeout_s);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static int
tvs_refresh(struct server *s, struct store *st)
{
	struct ucerr err;

	if (index_refresh(s, st, &err) == 0)
		return 0;
	/* Tried again each second while the store cannot be read. */
	log_once(LOG_LEVEL_ERROR, "tvs-refresh", "tvs: index not rebuilt: %s",
	    err.msg);
	return -1;
}

static int
tvs_start(struct server *s, struct ucerr *err)
{
	return index_refresh(s, s->loops[0].store, err);
}

static void
tvs_stop(struct server *s)
{
	tvs_index_ref_release(s->tvs);
	s->tvs = NULL;
}

static int
tvs_port(const struct server_config *cfg)
{
	return cfg->tvs_port;
}

const struct service_def tvs_service = {
	.name = "TVS",
	.identity = "TVS",
	.port = tvs_port,
	.accept = tvs_session_accept,
	.start = tvs_start,
	.refresh = tvs_refresh,
	.stop = tvs_stop,
};
