/*
 * swarm.c - many simulated phones on one libevent loop (see swarm.h).
 * Keys come from a pool made before the clock starts, so the client is
 * not what is measured; each phone runs the same CAPF state machine as
 * `ucpki phone capf` (capf_client.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "capf_client.h"
#include "capf_msg.h"
#include "itl.h"
#include "phone_state.h"
#include "swarm.h"
#include "tls_send.h"
#include "tvs_msg.h"

#define KEY_POOL	4	/* RSA-2048 keys take ~0.5 s each to make */

struct swarm;

struct sim_phone {
	struct swarm		*swarm;
	struct bufferevent	*bev;
	struct event		*delay;
	struct capf_client	 client;
	char			 name[16];
	X509			*mic;
	double			 started;
	int			 tvs_left;	/* TVS requests still to send */
	int			 connected;	/* TLS handshake completed */
	int			 starting;	/* inside bufferevent_socket_connect */
	short			 early_event;	/* what it reported meanwhile */
};

struct swarm {
	const struct swarm_opts	*o;
	struct swarm_result	*r;
	struct event_base	*base;
	SSL_CTX			*ctx;
	struct sockaddr_in	 sin;
	EVP_PKEY		*pool[KEY_POOL];
	uint8_t			*pool_spki[KEY_POOL];	/* encoded once */
	int			 pool_spki_len[KEY_POOL];
	unsigned long		 pool_turn;
	X509			*mfg_ca;
	EVP_PKEY		*mfg_key;
	long			 next;		/* next device index */
	long			 finished;
	int			 active;
	double			*latencies;
	double			 started;
	struct event		*tick;
	uint8_t			*tvs_request;
	size_t			 tvs_request_len;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
swarm_device_name(long index, int softphone, char out[16])
{
	snprintf(out, 16, "%s%012lX", softphone ? "CSF" : "SEP", index);
}

static EVP_PKEY *
pool_key(void *ctx, const struct key_spec *spec)
{
	struct swarm *sw = ctx;
	EVP_PKEY *key;

	(void)spec;
	key = sw->pool[sw->pool_turn++ % KEY_POOL];
	EVP_PKEY_up_ref(key);
	return key;
}

/* A pool key's public half, encoded when the pool was made. */
static const uint8_t *
pool_spki(void *ctx, EVP_PKEY *key, int *len)
{
	struct swarm *sw = ctx;
	int i;

	for (i = 0; i < KEY_POOL; i++)
		if (sw->pool[i] == key) {
			*len = sw->pool_spki_len[i];
			return sw->pool_spki[i];
		}
	return NULL;
}

static void	start_next(struct swarm *sw);
static void	count_reason(struct swarm_result *r, const char *fmt, ...)
		    UC_PRINTF(2, 3);

/* Counts a failure under its reason; distinct reasons are few (refused,
 * closed during the handshake, a CAPF END_SESSION reason...). */
static void
count_reason(struct swarm_result *r, const char *fmt, ...)
{
	char what[128];
	va_list ap;
	int i;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	for (i = 0; i < r->n_reasons; i++)
		if (strcmp(r->reasons[i].what, what) == 0) {
			r->reasons[i].count++;
			return;
		}
	if (r->n_reasons == SWARM_REASONS) {
		r->other_reasons++;
		return;
	}
	snprintf(r->reasons[r->n_reasons].what, sizeof(r->reasons[0].what),
	    "%s", what);
	r->reasons[r->n_reasons++].count = 1;
}

static void
phone_finish(struct swarm *sw)
{
	sw->active--;
	sw->finished++;
	start_next(sw);
	if (sw->finished == sw->o->devices)
		event_base_loopexit(sw->base, NULL);
}

/*
 * The phone is freed here: callers return at once and touch it no more
 * (bufferevent_free inside the bufferevent's own callback is deferred
 * by libevent until the callback returns).
 */
static void
phone_done(struct sim_phone *p, int ok)
{
	struct swarm *sw = p->swarm;
	double ms = (now_s() - p->started) * 1000;

	if (ok) {
		sw->latencies[sw->r->completed] = ms;
		sw->r->completed++;
	} else {
		sw->r->failed++;
	}
	if (!sw->o->tvs && (unsigned)p->client.outcome < OUTCOME_COUNT)
		sw->r->by_outcome[p->client.outcome]++;
	if (p->delay != NULL)
		event_free(p->delay);
	bufferevent_free(p->bev);
	capf_client_free(&p->client);
	X509_free(p->mic);
	free(p);
	phone_finish(sw);
}

/* The CAPF client's own account of a session that did not succeed. */
static void
capf_reason(struct sim_phone *p)
{
	struct swarm_result *r = p->swarm->r;

	switch (p->client.outcome) {
	case OUTCOME_NO_ACTION:
		count_reason(r, "CAPF: no operation pending");
		break;
	case OUTCOME_UNKNOWN_DEVICE:
		count_reason(r, "CAPF: unknown device");
		break;
	case OUTCOME_REJECTED:
		count_reason(r, "CAPF: the server ended the session (reason %d)",
		    p->client.end_reason);
		break;
	case OUTCOME_FAILED:
		count_reason(r, "CAPF: %s", p->client.message);
		break;
	default:
		break;
	}
}

static int
send_writer(struct sim_phone *p, struct writer *w)
{
	/* Nothing to send: a softphone's key is its next message. */
	if (w->len == 0)
		return 0;
	return tls_send(p->bev, w->data, w->len);
}

static void
on_key_delay(evutil_socket_t fd, short what, void *arg)
{
	struct sim_phone *p = arg;
	struct writer out;

	(void)fd;
	(void)what;
	writer_init(&out, CAPF_MESSAGE_MAX);
	if (capf_client_keygen(&p->client, &out) != CLIENT_SEND ||
	    send_writer(p, &out) != 0) {
		writer_free(&out);
		capf_reason(p);
		if (p->client.outcome != OUTCOME_FAILED)
			count_reason(p->swarm->r, "cannot send the key");
		phone_done(p, 0);
		return;
	}
	writer_free(&out);
}

/* Returns -1 when the phone is done (and freed), else 0. */
static int
capf_message(struct sim_phone *p, const uint8_t *msg, size_t len)
{
	struct writer out;
	enum capf_client_action action;
	struct timeval delay;

	writer_init(&out, CAPF_MESSAGE_MAX);
	action = capf_client_handle(&p->client, msg, len, &out);
	if (action == CLIENT_STORE) {
		/* The phone keeps the LSC (here: writes down its serial)
		 * before it acknowledges it, as a real phone stores first. */
		if (p->swarm->o->record != NULL) {
			char serial[64];

			cert_serial_hex(p->client.new_lsc, serial, sizeof(serial));
			fprintf(p->swarm->o->record, "%s %s\n", p->name, serial);
			fflush(p->swarm->o->record);
		}
		action = capf_client_stored(&p->client, 1, &out);
	}
	switch (action) {
	case CLIENT_SEND:
		send_writer(p, &out);
		break;
	case CLIENT_KEYGEN:
		send_writer(p, &out);
		delay.tv_sec = p->swarm->o->key_delay_ms / 1000;
		delay.tv_usec = (p->swarm->o->key_delay_ms % 1000) * 1000;
		p->delay = evtimer_new(p->swarm->base, on_key_delay, p);
		evtimer_add(p->delay, &delay);
		break;
	case CLIENT_DONE:
		writer_free(&out);
		capf_reason(p);
		phone_done(p, p->client.outcome == OUTCOME_INSTALLED ||
		    p->client.outcome == OUTCOME_DELETED ||
		    p->client.outcome == OUTCOME_FETCHED);
		return -1;
	default:
		writer_free(&out);
		capf_reason(p);
		phone_done(p, 0);
		return -1;
	}
	writer_free(&out);
	return 0;
}

static void
tvs_send(struct sim_phone *p)
{
	tls_send(p->bev, p->swarm->tvs_request, p->swarm->tvs_request_len);
	p->tvs_left--;
}

/* Returns -1 when the phone is done (and freed), else 0. */
static int
tvs_message(struct sim_phone *p, const uint8_t *msg, size_t len)
{
	struct tvs_msg m;

	if (tvs_msg_decode(msg, len, &m, NULL) == -1 ||
	    m.command != TVS_VERIFY_RESPONSE || !m.has_status) {
		count_reason(p->swarm->r, "TVS: not a VERIFY_RESPONSE with a "
		    "status");
		phone_done(p, 0);
		return -1;
	}
	if (p->tvs_left > 0) {
		tvs_send(p);
		return 0;
	}
	if (m.status != TVS_STATUS_VALID)
		count_reason(p->swarm->r, "TVS: status %d", m.status);
	phone_done(p, m.status == TVS_STATUS_VALID);
	return -1;
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct sim_phone *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t have, need, header = p->swarm->o->tvs ? TVS_HEADER_LEN :
	    CAPF_HEADER_LEN;
	uint8_t *data;
	int rc;

	while ((have = evbuffer_get_length(in)) >= header) {
		data = evbuffer_pullup(in, (ssize_t)header);
		rc = p->swarm->o->tvs ? tvs_msg_need(data, have, &need, NULL) :
		    capf_msg_need(data, have, &need, NULL);
		if (rc == -1 || need > CAPF_MESSAGE_MAX) {
			count_reason(p->swarm->r, "the server sent a malformed "
			    "message");
			phone_done(p, 0);
			return;
		}
		if (have < need)
			return;
		data = evbuffer_pullup(in, (ssize_t)need);
		/* Copy: the handlers may free the phone and its buffer; once
		 * they say so, p is gone and the loop must not look at it. */
		{
			uint8_t msg[CAPF_MESSAGE_MAX];

			memcpy(msg, data, need);
			evbuffer_drain(in, need);
			if ((p->swarm->o->tvs ? tvs_message(p, msg, need) :
			    capf_message(p, msg, need)) == -1)
				return;
		}
	}
}

static int
server_trusted(struct sim_phone *p)
{
	const struct itl_file *itl = p->swarm->o->itl;
	SSL *ssl = bufferevent_openssl_get_ssl(p->bev);
	X509 *server;
	int found;

	if (itl == NULL)
		return 1;
	if ((server = SSL_get1_peer_certificate(ssl)) == NULL)
		return 0;
	found = itl_find_cert(itl, server, ROLE_BIT(p->swarm->o->tvs ?
	    ROLE_TVS : ROLE_CAPF));
	X509_free(server);
	return found != -1;
}

/*
 * What went wrong on the connection, as one short phrase.  libevent
 * hands over OpenSSL's queued errors, or SSL_ERROR_SYSCALL (not an
 * OpenSSL error code) when the socket failed: then errno says why.
 */
static void
connection_reason(struct sim_phone *p, struct bufferevent *bev, short what)
{
	struct swarm_result *r = p->swarm->r;
	const char *stage = p->connected ? "during the session" :
	    "during the TLS handshake";
	unsigned long ssl_err = bufferevent_get_openssl_error(bev);
	int sock_err = EVUTIL_SOCKET_ERROR();

	while (bufferevent_get_openssl_error(bev) != 0)
		;
	if (ssl_err != 0 && ERR_GET_LIB(ssl_err) == 0)
		ssl_err = 0;
	/* A refused connect reaches us as EOF (dirty shutdowns are allowed),
	 * with errno telling. */
	if (!p->connected && sock_err == ECONNREFUSED)
		count_reason(r, "connection refused");
	else if (what & BEV_EVENT_TIMEOUT)
		count_reason(r, "timed out %s", stage);
	else if ((what & BEV_EVENT_EOF) || (ssl_err != 0 &&
	    ERR_GET_REASON(ssl_err) == SSL_R_UNEXPECTED_EOF_WHILE_READING))
		count_reason(r, "closed by the server %s", stage);
	else if (ssl_err != 0)
		count_reason(r, "TLS error %s: %s", stage,
		    ERR_reason_error_string(ssl_err) ?
		    ERR_reason_error_string(ssl_err) : "unknown");
	else if (sock_err == ECONNRESET || sock_err == EPIPE)
		count_reason(r, "reset by the server %s", stage);
	else if (sock_err != 0)
		count_reason(r, "connection failed %s: %s", stage,
		    strerror(sock_err));
	else
		count_reason(r, "closed by the server %s", stage);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct sim_phone *p = arg;

	/* libevent may report a failed connect from inside
	 * bufferevent_socket_connect: start_phone deals with it there. */
	if (p->starting) {
		p->early_event = what;
		return;
	}
	if (what & BEV_EVENT_CONNECTED) {
		p->connected = 1;
		if (!server_trusted(p)) {
			p->swarm->r->server_mismatch++;
			count_reason(p->swarm->r, "the server's certificate is not "
			    "in the ITL");
			phone_done(p, 0);
			return;
		}
		if (p->swarm->o->tvs)
			tvs_send(p);
		return;
	}
	/* A refusal (closed at once, reset, or refused) is a failure with
	 * its reason, never the end of the swarm. */
	if (!p->connected)
		p->swarm->r->connect_failed++;
	connection_reason(p, bev, what);
	phone_done(p, 0);
}

static X509 *
make_mic(struct swarm *sw, const char *name, EVP_PKEY *key)
{
	struct cert_template t;
	X509 *mic = NULL;
	char cn[64];

	snprintf(cn, sizeof(cn), "CP-8845-%s", name);
	memset(&t, 0, sizeof(t));
	t.subject.cn = cn;
	t.profile = PROFILE_LSC;
	t.days = 3650;
	cert_build(&t, key, sw->mfg_ca, sw->mfg_key, &mic, NULL);
	return mic;
}

static void
start_phone(struct swarm *sw, long index)
{
	struct sim_phone *p = calloc(1, sizeof(*p));
	struct timeval tv = { sw->o->timeout_s, 0 };
	SSL *ssl;
	int rc;

	if (p == NULL)
		return;
	p->swarm = sw;
	p->started = now_s();
	swarm_device_name(index, sw->o->softphone, p->name);
	capf_client_init(&p->client);
	p->client.device_name = p->name;
	p->client.softphone = sw->o->softphone;
	p->client.password = sw->o->auth_string ? sw->o->auth_string : "";
	p->client.keygen = pool_key;
	p->client.keygen_ctx = sw;
	p->client.keygen_spki = pool_spki;
	p->tvs_left = sw->o->requests_per_session;
	if (sw->o->auth_mic) {
		EVP_PKEY *key = sw->pool[index % KEY_POOL];

		p->mic = make_mic(sw, p->name, key);
		p->client.auth_cert = p->mic;
		p->client.auth_key = key;
	}
	ssl = SSL_new(sw->ctx);
	p->bev = ssl ? bufferevent_openssl_socket_new(sw->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE) : NULL;
	sw->active++;
	if (p->bev == NULL) {
		SSL_free(ssl);
		sw->r->connect_failed++;
		sw->r->failed++;
		count_reason(sw->r, "cannot set up a connection");
		capf_client_free(&p->client);
		X509_free(p->mic);
		free(p);
		phone_finish(sw);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(p->bev, 1);
	bufferevent_setcb(p->bev, on_read, NULL, on_event, p);
	bufferevent_set_timeouts(p->bev, &tv, &tv);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	p->starting = 1;
	rc = bufferevent_socket_connect(p->bev, (struct sockaddr *)&sw->sin,
	    sizeof(sw->sin));
	p->starting = 0;
	if (rc == -1 || (p->early_event & (BEV_EVENT_ERROR | BEV_EVENT_EOF))) {
		sw->r->connect_failed++;
		if (p->early_event != 0)
			connection_reason(p, p->bev, p->early_event);
		else
			count_reason(sw->r, "cannot connect: %s",
			    strerror(EVUTIL_SOCKET_ERROR()));
		phone_done(p, 0);
	}
}

static void
start_next(struct swarm *sw)
{
	while (sw->active < sw->o->concurrency && sw->next <= sw->o->devices)
		start_phone(sw, sw->next++);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct swarm *sw = arg;
	double elapsed = now_s() - sw->started;

	(void)fd;
	(void)what;
	fprintf(sw->o->progress, "swarm: %ld/%ld done, %ld failed, %d active, "
	    "%.0f/s\n", sw->r->completed, sw->o->devices, sw->r->failed,
	    sw->active, elapsed > 0 ? sw->r->completed / elapsed : 0);
	fflush(sw->o->progress);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
percentile(const double *sorted, long n, double p)
{
	long i;

	if (n == 0)
		return 0;
	i = (long)(p * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

static int
prepare(struct swarm *sw, struct ucerr *err)
{
	const struct swarm_opts *o = sw->o;
	struct writer w;
	uint8_t *der = NULL;
	int i, der_len;

	memset(&sw->sin, 0, sizeof(sw->sin));
	sw->sin.sin_family = AF_INET;
	sw->sin.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, strcmp(o->host, "localhost") == 0 ? "127.0.0.1" :
	    o->host, &sw->sin.sin_addr) != 1)
		return ucerr_set(err, "swarm: %s: give an IPv4 address", o->host);
	if ((sw->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return ucerr_ssl(err, "swarm: TLS");
	/* Phones speak TLS 1.2 (78xx/88xx) at most. */
	SSL_CTX_set_min_proto_version(sw->ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(sw->ctx, TLS1_2_VERSION);
	/* Messages go at once (tls_send), not on the loop's next turn: the
	 * swarm shares the server's cores, so its system calls count. */
	SSL_CTX_set_mode(sw->ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (!o->tvs) {
		for (i = 0; i < KEY_POOL; i++) {
			if (key_generate(&o->key, &sw->pool[i], err) == -1)
				return -1;
			if ((sw->pool_spki_len[i] = i2d_PUBKEY(sw->pool[i],
			    &sw->pool_spki[i])) <= 0)
				return ucerr_ssl(err, "swarm: cannot encode a key");
		}
		if (o->auth_mic &&
		    mfg_ca_load(o->home, &sw->mfg_ca, &sw->mfg_key, err) == -1)
			return -1;
	} else {
		if (o->tvs_cert == NULL ||
		    (der_len = i2d_X509(o->tvs_cert, &der)) <= 0)
			return ucerr_set(err, "swarm: no certificate to ask TVS about");
		tvs_msg_begin(&w, TVS_VERIFY_REQUEST, 7);
		tvs_put_device_name(&w, "CP-8845-SEP000000000001");
		writer_tlv(&w, TVS_EL_CERTIFICATE, der, (size_t)der_len);
		tvs_msg_end(&w);
		OPENSSL_free(der);
		sw->tvs_request = writer_take(&w, &sw->tvs_request_len);
	}
	if ((sw->latencies = calloc((size_t)o->devices + 1, sizeof(double))) == NULL)
		return ucerr_set(err, "swarm: out of memory");
	return 0;
}

int
swarm_run(const struct swarm_opts *o, struct swarm_result *r,
    struct ucerr *err)
{
	struct swarm sw;
	struct rusage ru0, ru1;
	struct timeval second = { 1, 0 };
	int i, rc = -1;

	memset(&sw, 0, sizeof(sw));
	memset(r, 0, sizeof(*r));
	/* A server that closes a connection (a refusal at its limits) makes
	 * the next write fail with EPIPE: a failure to count, not a signal
	 * that kills the swarm. */
	signal(SIGPIPE, SIG_IGN);
	sw.o = o;
	sw.r = r;
	sw.next = 1;
	if ((sw.base = event_base_new()) == NULL)
		return ucerr_set(err, "swarm: cannot create an event loop");
	if (prepare(&sw, err) == -1)
		goto out;
	if (o->progress != NULL) {
		sw.tick = event_new(sw.base, -1, EV_PERSIST, on_tick, &sw);
		event_add(sw.tick, &second);
	}
	getrusage(RUSAGE_SELF, &ru0);
	sw.started = now_s();
	start_next(&sw);
	if (sw.finished < o->devices)
		event_base_dispatch(sw.base);
	r->wall_s = now_s() - sw.started;
	getrusage(RUSAGE_SELF, &ru1);
	r->cpu_user_s = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
	    (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6;
	r->cpu_sys_s = (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	    (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	qsort(sw.latencies, (size_t)r->completed, sizeof(double), cmp_double);
	r->p50_ms = percentile(sw.latencies, r->completed, 0.50);
	r->p95_ms = percentile(sw.latencies, r->completed, 0.95);
	r->p99_ms = percentile(sw.latencies, r->completed, 0.99);
	r->max_ms = r->completed ? sw.latencies[r->completed - 1] : 0;
	rc = 0;
out:
	if (sw.tick != NULL)
		event_free(sw.tick);
	for (i = 0; i < KEY_POOL; i++) {
		EVP_PKEY_free(sw.pool[i]);
		OPENSSL_free(sw.pool_spki[i]);
	}
	X509_free(sw.mfg_ca);
	EVP_PKEY_free(sw.mfg_key);
	SSL_CTX_free(sw.ctx);
	free(sw.latencies);
	free(sw.tvs_request);
	event_base_free(sw.base);
	return rc;
}
