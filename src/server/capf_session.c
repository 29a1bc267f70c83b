/*
 * capf_session.c - one phone's CAPF session: a state machine driven by
 * its event loop.  The LSC and its status are durable in the store
 * before STORE_CERTIFICATE_REQUEST leaves, so a crash can never leave a
 * phone holding a certificate the cluster does not know.
 *
 * Phones speak protocol version 3; Jabber clients (CSF, BOT, TCT, TAB)
 * version 2, which the session follows when the AUTH_RESPONSE says so:
 * no certificate to authenticate with (null or authentication string
 * only), a key request with only a KEY_SIZE (RSA), and one LSC per
 * softphone (device_softphone_refused).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "capf_cert.h"
#include "capf_msg.h"
#include "clock.h"
#include "deadline.h"
#include "device.h"
#include "device_rules.h"
#include "log.h"
#include "lsc.h"
#include "revoke.h"
#include "server.h"
#include "tls_log.h"
#include "services.h"
#include "store_device.h"
#include "tls_send.h"
#include "x509.h"

/* The seeds: after 5 wrong strings a device is locked out. */
#define AUTH_FAILURES_MAX	5
/* RETRY_DELAY (seconds) for a phone whose device is busy in another
 * session: about what a phone takes to make its key. */
#define RETRY_DELAY_S		30

enum capf_state {
	S_HANDSHAKE,		/* TLS accepting */
	S_WAIT_AUTH,		/* AUTH_REQUEST sent */
	S_COUNTING,		/* a string attempt being counted */
	S_WAIT_KEY,		/* KEY_GENERATE_REQUEST sent */
	S_SIGNING,		/* LSC being signed and stored */
	S_WAIT_STORE,		/* STORE_CERTIFICATE_REQUEST sent */
	S_WAIT_DELETE,		/* DELETE_CERTIFICATE_REQUEST sent */
	S_WAIT_FETCH,		/* FETCH_CERTIFICATE_REQUEST sent */
	S_SAVING,		/* a write the reply waits for */
	S_CLOSING,		/* final message queued */
};

/*
 * What became of a session after a step that may end it.  GONE: it was
 * freed, or only its connection was (a job it waits for still runs and
 * frees it when done); either way the caller returns at once and reads
 * nothing of it, so no field is ever read after a free.
 */
enum session_fate {
	SESSION_ALIVE,
	SESSION_GONE,
};

struct capf_session;

/* A write (and for LSCs, a signature first) done off the loop. */
struct capf_job {
	struct job		 base;
	struct capf_session	*session;	/* NULL when fire-and-forget */
	char			 device[64];
	char			 peer[64];
	int			 operation;
	int			 status;
	int			 reserve_attempt; /* count a string attempt */
	int			 reserved;	/* ...counted (not locked out) */
	int			 attempts;	/* ...the count after it */
	int			 release_attempt; /* the string was right */
	/* LSC issuance */
	uint8_t			*spki;		/* the phone's key, as sent */
	size_t			 spki_len;
	const EVP_MD		*md;
	struct lsc_facts	 facts;
	X509			*ca;
	EVP_PKEY		*ca_key;
	char			 ca_sha256[65];
	long			 days;
	uint8_t			*der;		/* issued LSC, or fetched cert */
	size_t			 der_len;
	int			 is_mic;	/* der is a verified MIC to keep */
	int			 clear_lsc;	/* delete confirmed */
	int			 fetched;	/* der is what a troubleshoot got */
	int			 fetched_lsc;	/* ...an LSC we issued the device */
	char			 fetched_issuer[65];
	int			 reopen;	/* LSC on record but not confirmed */
	int			 confirmed;	/* the phone stored its LSC */
	char			 detail[256];
};

struct capf_session {
	struct loop		*loop;
	struct bufferevent	*bev;
	struct deadline		 deadline;	/* absolute, per phase */
	struct quiet		 quiet;		/* until its first message */
	struct event		*done_ev;
	struct capf_job		*job;		/* in flight, or NULL */
	struct identity_set	*ids;
	char			 peer[64];
	char			 net[48];	/* for rate-limited lines */
	enum capf_state		 state;
	uint32_t		 session_id;
	uint8_t			 version;	/* the client's: 2 or 3 */
	struct device		 dev;
	int			 have_device;
	struct key_spec		 asked;
	struct key_spec		 fallback;	/* EC Preferred, RSA Backup */
	int			 has_fallback;
	int			 final_status;	/* for the outcome log line */
	int			 closed;	/* peer gone while a job ran */
	char			 claimed[64];	/* the device it holds, or "" */
	unsigned long		 claim_mark;	/* claims_mark() before the read */
	uint8_t			 end_reason;	/* END_SESSION after S_SAVING */
	char			 password[64];	/* while S_COUNTING */
};

static enum session_fate session_free(struct capf_session *s);
static enum session_fate send_end(struct capf_session *s, uint8_t reason);
static void	save_then_reply(struct capf_session *s, struct capf_job *j,
		    uint8_t end_reason);
static enum session_fate claim_and_start(struct capf_session *s);
static enum session_fate refuse_second_lsc(struct capf_session *s);
static void	on_read(struct bufferevent *bev, void *arg);

static uint32_t
new_session_id(void)
{
	uint32_t id = 0;

	RAND_bytes((unsigned char *)&id, sizeof(id));
	return id ? id : 1;
}

static void
job_free(struct capf_job *j)
{
	free(j->spki);
	EVP_PKEY_free(j->ca_key);
	X509_free(j->ca);
	free(j->der);
	free(j);
}

static void
job_free_base(struct job *job)
{
	job_free((struct capf_job *)job);
}

/*
 * An install that failed after its LSC was put on record (the phone
 * vanished or refused it) stays pending, so the phone retries at its next
 * reset as with any other failure -- unless the administrator has
 * already changed the operation.
 */
static int
job_reopen(struct store *st, struct capf_job *j, struct ucerr *err)
{
	struct device d;
	int found, rc = 0;

	memset(&d, 0, sizeof(d));
	if ((found = store_device_get(st, j->device, &d, err)) == -1)
		return -1;
	if (found && d.operation == CERT_OP_NONE) {
		d.operation = CERT_OP_INSTALL;
		rc = store_device_update(st, &d, err);
	}
	device_free(&d);
	return rc;
}

/* The writes every job may carry, in one savepoint. */
static int
job_apply(struct job *job, struct store *st, struct ucerr *err)
{
	struct capf_job *j = (struct capf_job *)job;

	if (j->reserve_attempt &&
	    (j->reserved = store_device_auth_reserve(st, j->device,
	    AUTH_FAILURES_MAX, &j->attempts, err)) == -1)
		return -1;
	if (j->release_attempt &&
	    store_device_auth_release(st, j->device, err) == -1)
		return -1;
	if (j->fetched &&
	    store_device_record_fetch(st, j->device, j->der, j->der_len,
	    err) == -1)
		return -1;
	if (j->is_mic && j->der != NULL &&
	    store_device_record_mic(st, j->device, j->der, j->der_len, err) == -1)
		return -1;
	if (j->operation == CERT_OP_INSTALL && j->der != NULL && !j->is_mic)
		return store_device_record_lsc(st, j->device, j->der, j->der_len,
		    &j->facts, j->ca_sha256, j->status, j->peer, err);
	/* The LSC the phone deleted is revoked with it (the next CRL). */
	if (j->clear_lsc)
		return capf_revoke_deleted(st, j->device, err) == -1 ? -1 :
		    store_device_clear_lsc(st, j->device, j->status, j->peer, err);
	if (j->fetched_lsc &&
	    store_device_set_lsc(st, j->device, j->der, j->der_len,
	    j->fetched_issuer, err) == -1)
		return -1;
	if (j->reopen && job_reopen(st, j, err) == -1)
		return -1;
	/* Only the phone's word ends an install: until then a crash leaves
	 * the operation pending and the phone simply enrolls again. */
	if (j->confirmed &&
	    store_device_finish_install(st, j->device, err) == -1)
		return -1;
	if (j->status != 0 &&
	    (store_device_set_status(st, j->device, j->status, err) == -1 ||
	    store_device_history_add(st, j->device, j->operation, j->status,
	    j->peer, j->detail, err) == -1))
		return -1;
	return 0;
}

static struct capf_job *
job_new(struct capf_session *s)
{
	struct capf_job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->base.apply = job_apply;
	j->base.free_fn = job_free_base;
	snprintf(j->device, sizeof(j->device), "%s", s->dev.name);
	snprintf(j->peer, sizeof(j->peer), "%s", s->peer);
	j->operation = s->dev.operation;
	return j;
}

/* Queues a write no reply waits for (statuses, failures, MICs). */
static void
write_later(struct capf_session *s, struct capf_job *j)
{
	jobq_push(&s->loop->server->writer.q, &j->base);
}

/*
 * The session's one line.  A session that changed a device's record
 * always gets it; one that changed nothing (an unknown device, nothing
 * pending, a protocol error) is rate-limited: anyone can open those.
 */
static void
log_outcome(struct capf_session *s, const char *why)
{
	const char *text = cert_status_text(s->final_status);
	char line[512];

	snprintf(line, sizeof(line), "capf: %s from %s%s: %s, %s: %s%s%s",
	    s->have_device ? s->dev.name : "(unknown)", s->peer,
	    s->version == CAPF_VERSION_SOFTPHONE ? " (protocol version 2)" : "",
	    s->have_device ? cert_operation_text(s->dev.operation) : "-",
	    s->have_device ? capf_auth_mode_text(s->dev.auth_mode) : "-",
	    text ? text : "no change", why ? ": " : "", why ? why : "");
	if (text != NULL)
		log_info("%s", line);
	else
		log_limited(LOG_LEVEL_INFO, "capf: sessions that changed nothing",
		    s->net, "%s", line);
}

/* The LSC is on record but the phone has not said it stored it. */
static int
lsc_unconfirmed(const struct capf_session *s)
{
	return s->dev.operation == CERT_OP_INSTALL &&
	    (s->state == S_SIGNING || s->state == S_WAIT_STORE);
}

/* Records a failure status for the device (and logs the outcome). */
static void
record_failure(struct capf_session *s, enum capf_failure cause,
    const char *why)
{
	struct capf_job *j;

	if (s->have_device) {
		s->final_status = cert_status_failure(s->dev.operation, cause);
		if ((j = job_new(s)) != NULL) {
			j->status = s->final_status;
			j->reopen = lsc_unconfirmed(s);
			snprintf(j->detail, sizeof(j->detail), "%s", why);
			write_later(s, j);
		}
	}
	log_outcome(s, why);
}

/*
 * Records the failure and ends the session with INVALID_ELEMENT.  When
 * the device is known, END_SESSION leaves only once its failure status
 * is durable, so whoever looks after the phone gives up sees the reason.
 */
static enum session_fate
fail(struct capf_session *s, enum capf_failure cause, const char *why)
{
	struct capf_job *j;

	/* Without its connection the session only waits for its job. */
	if (s->closed) {
		record_failure(s, cause, why);
		return SESSION_GONE;
	}
	/* The last message is queued: only the failure is left to record. */
	if (s->state == S_CLOSING) {
		record_failure(s, cause, why);
		return SESSION_ALIVE;
	}
	if (!s->have_device || (j = job_new(s)) == NULL) {
		record_failure(s, cause, why);
		return send_end(s, CAPF_REASON_INVALID_ELEMENT);
	}
	s->final_status = cert_status_failure(s->dev.operation, cause);
	j->status = s->final_status;
	j->reopen = lsc_unconfirmed(s);
	snprintf(j->detail, sizeof(j->detail), "%s", why);
	log_outcome(s, why);
	save_then_reply(s, j, CAPF_REASON_INVALID_ELEMENT);
	return SESSION_ALIVE;
}

static int
send_msg(struct capf_session *s, struct writer *w)
{
	int rc = -1;

	/* One write per message: phones stall on split records. */
	if (capf_msg_end(w) == 0 &&
	    tls_send(s->bev, w->data, w->len) == 0)
		rc = 0;
	writer_free(w);
	return rc;
}

static void
close_when_flushed(struct bufferevent *bev, void *arg)
{
	struct capf_session *s = arg;

	(void)bev;
	session_free(s);
}

/*
 * The session's last message; the connection closes once it is sent,
 * at once when the socket took it whole (GONE).  ALIVE until then:
 * reading stops, and nothing more is sent.
 */
static enum session_fate
send_final(struct capf_session *s, struct writer *w)
{
	s->state = S_CLOSING;
	/* A peer that does not read its last message does not hold on. */
	deadline_phase(&s->deadline, s->loop->server->cfg.idle_timeout_s);
	if (send_msg(s, w) == -1)
		return session_free(s);
	/* Written already (tls_send): nothing to wait for. */
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		return session_free(s);
	bufferevent_disable(s->bev, EV_READ);
	bufferevent_setcb(s->bev, NULL, close_when_flushed, NULL, s);
	return SESSION_ALIVE;
}

static enum session_fate
send_end(struct capf_session *s, uint8_t reason)
{
	struct writer w;

	capf_msg_begin(&w, CAPF_END_SESSION, s->session_id);
	writer_tlv_u8(&w, CAPF_EL_REASON, reason);
	return send_final(s, &w);
}

/* Another session is working on this device: the protocol's "busy". */
static enum session_fate
send_retry_later(struct capf_session *s)
{
	struct writer w;

	capf_msg_begin(&w, CAPF_RETRY_LATER, s->session_id);
	writer_tlv_u16(&w, CAPF_EL_RETRY_DELAY, RETRY_DELAY_S);
	return send_final(s, &w);
}

/* The phase's deadline: absolute, however slowly the bytes come. */
static void
set_timeout(struct capf_session *s, int seconds)
{
	deadline_phase(&s->deadline, seconds);
}

static enum session_fate
send_auth_request(struct capf_session *s)
{
	struct writer w;

	/*
	 * The device is unknown until it names itself, so the server cannot
	 * ask for a particular mode: phones answer with what their
	 * configuration (capfAuthMode) says, and the server checks it
	 * against the device's Authentication Mode.
	 */
	capf_msg_begin(&w, CAPF_AUTH_REQUEST, s->session_id);
	writer_tlv_u8(&w, CAPF_EL_VERSION, CAPF_VERSION);
	writer_tlv_u8(&w, CAPF_EL_AUTH_TYPE, CAPF_AUTH_TYPE_NONE);
	s->state = S_WAIT_AUTH;
	set_timeout(s, s->loop->server->cfg.idle_timeout_s);
	if (send_msg(s, &w) == -1)
		return session_free(s);
	return SESSION_ALIVE;
}

/* Constant-time comparison of authentication strings (4..10 digits). */
static int
auth_string_equal(const char *given, const char *expected)
{
	char a[DEVICE_AUTH_STRING_MAX + 2], b[DEVICE_AUTH_STRING_MAX + 2];
	size_t la = strlen(given), lb = strlen(expected);

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memcpy(a, given, la < sizeof(a) - 1 ? la : sizeof(a) - 1);
	memcpy(b, expected, lb < sizeof(b) - 1 ? lb : sizeof(b) - 1);
	a[sizeof(a) - 1] = (char)(la & 0x7f);
	b[sizeof(b) - 1] = (char)(lb & 0x7f);
	return CRYPTO_memcmp(a, b, sizeof(a)) == 0 && lb > 0;
}

/* What certificates are judged against, for this session's device. */
static void
cert_ctx(struct capf_session *s, struct capf_cert_ctx *c)
{
	c->st = s->loop->store;
	c->trust = server_capf_trust(s->loop->server, s->loop->store);
	c->capf = identity_set_get(s->ids, "CAPF")->cert;
	c->device = s->dev.name;
	c->now = clock_now();
}

/* Certificate authentication: proof of possession, bound to the device. */
static int
auth_certificate(struct capf_session *s, const struct capf_msg *m,
    enum capf_failure *cause, char *why, size_t whylen)
{
	struct capf_cert_verdict v;
	struct capf_cert_ctx c;
	const uint8_t *der;
	size_t der_len;
	struct capf_job *j;
	uint8_t type;
	int rc;

	cert_ctx(s, &c);
	rc = capf_cert_authenticate(&c, m, s->session_id, &v);
	X509_STORE_free(c.trust);
	*cause = v.is_mic ? FAIL_INVALID_MIC : FAIL_INVALID_LSC;
	if (rc == -1) {
		snprintf(why, whylen, "%s", v.why);
		return -1;
	}
	/* The MIC that authenticated this device is the one to remember. */
	if (v.is_mic && capf_msg_certificate(m, &der, &der_len, &type,
	    NULL) == 0 && (j = job_new(s)) != NULL) {
		if ((j->der = malloc(der_len)) != NULL) {
			memcpy(j->der, der, der_len);
			j->der_len = der_len;
			j->is_mic = 1;
		}
		write_later(s, j);
	}
	return 0;
}

/*
 * By Authentication String: the attempt is counted in the store (one
 * conditional UPDATE by the writer, durable) before the string is
 * compared, so however many sessions race, at most 5 wrong strings are
 * ever compared until the operation is set again.  The comparison runs
 * in on_counted().
 */
static enum session_fate
count_attempt(struct capf_session *s, const struct capf_msg *m)
{
	struct capf_job *j;

	if (capf_msg_string(m, CAPF_EL_PASSWORD, s->password,
	    sizeof(s->password), NULL) == -1)
		s->password[0] = '\0';
	if ((j = job_new(s)) == NULL) {
		OPENSSL_cleanse(s->password, sizeof(s->password));
		return fail(s, FAIL_GENERIC, "out of memory");
	}
	j->reserve_attempt = 1;
	j->session = s;
	j->base.done = s->done_ev;
	j->base.free_fn = NULL;
	s->job = j;
	s->state = S_COUNTING;
	jobq_push(&s->loop->server->writer.q, &j->base);
	return SESSION_ALIVE;
}

/* Gives a counted attempt back (fire-and-forget). */
static void
release_attempt(struct capf_session *s)
{
	struct capf_job *j;

	if ((j = job_new(s)) != NULL) {
		j->release_attempt = 1;
		write_later(s, j);
	}
}

/* The attempt is counted (or the device is locked out): now compare. */
static enum session_fate
on_counted(struct capf_session *s, struct capf_job *j)
{
	char reason[96];
	int right;

	if (j->base.rc != 0) {
		OPENSSL_cleanse(s->password, sizeof(s->password));
		log_error("capf: %s: %s", s->dev.name, j->base.err.msg);
		return fail(s, FAIL_GENERIC,
		    "the attempt could not be counted");
	}
	if (!j->reserved) {
		OPENSSL_cleanse(s->password, sizeof(s->password));
		return fail(s, FAIL_INVALID_AUTH_STR,
		    "locked out after 5 wrong authentication strings");
	}
	right = auth_string_equal(s->password, s->dev.auth_string);
	OPENSSL_cleanse(s->password, sizeof(s->password));
	if (!right) {
		snprintf(reason, sizeof(reason), "wrong authentication string "
		    "(%d of %d)", j->attempts, AUTH_FAILURES_MAX);
		return fail(s, FAIL_INVALID_AUTH_STR, reason);
	}
	/* A right string is not a failure: its attempt is given back. */
	release_attempt(s);
	return claim_and_start(s);
}

/* Authenticated, the operation starts; by string, on_counted() does. */
static enum session_fate
authenticate(struct capf_session *s, const struct capf_msg *m)
{
	enum capf_failure cause = FAIL_GENERIC;
	char why[256] = "";

	switch (s->dev.auth_mode) {
	case CAPF_AUTH_NULL_STRING:
		return claim_and_start(s);
	case CAPF_AUTH_STRING:
		return count_attempt(s, m);
	default:
		if (s->version == CAPF_VERSION_SOFTPHONE)
			return fail(s, FAIL_INVALID_CREDENTIALS, "protocol "
			    "version 2 carries no certificate: By Existing "
			    "Certificate cannot authenticate a softphone");
		if (auth_certificate(s, m, &cause, why, sizeof(why)) == -1)
			return fail(s, cause, why);
		return claim_and_start(s);
	}
}

static enum session_fate
send_key_request(struct capf_session *s, const struct key_spec *spec)
{
	struct writer w;
	int curve;

	s->asked = *spec;
	capf_msg_begin(&w, CAPF_KEY_GENERATE_REQUEST, s->session_id);
	if (s->version == CAPF_VERSION_SOFTPHONE) {
		/* Version 2: the size alone, and the key is RSA. */
		writer_tlv_u16(&w, CAPF_EL_KEY_SIZE, (uint16_t)spec->bits);
	} else if (spec->is_ec) {
		curve = spec->bits == 256 ? CAPF_CURVE_P256 :
		    spec->bits == 384 ? CAPF_CURVE_P384 : CAPF_CURVE_P521;
		writer_tlv_u8(&w, CAPF_EL_KEY_TYPE, CAPF_KEY_EC);
		writer_tlv_u8(&w, CAPF_EL_CURVE, (uint8_t)curve);
	} else {
		writer_tlv_u8(&w, CAPF_EL_KEY_TYPE, CAPF_KEY_RSA);
		writer_tlv_u16(&w, CAPF_EL_KEY_SIZE, (uint16_t)spec->bits);
	}
	s->state = S_WAIT_KEY;
	/* A phone may take minutes to make its key: that costs memory only. */
	set_timeout(s, s->loop->server->cfg.keygen_timeout_s);
	if (send_msg(s, &w) == -1)
		return fail(s, FAIL_PHONE_COMM,
		    "cannot send KEY_GENERATE_REQUEST");
	return SESSION_ALIVE;
}

/* The key to ask for, honouring Key Order (the plan device show shows). */
static int
choose_keys(struct capf_session *s, struct key_spec *first)
{
	s->has_fallback = device_key_plan(&s->dev, first, &s->fallback);
	if (s->version != CAPF_VERSION_SOFTPHONE)
		return 0;
	/* Version 2 asks only for a size: the RSA key of the plan. */
	if (first->is_ec && s->has_fallback && !s->fallback.is_ec)
		*first = s->fallback;
	s->has_fallback = 0;
	return first->is_ec ? -1 : 0;
}

static enum session_fate
start_operation(struct capf_session *s)
{
	struct key_spec first;
	struct writer w;

	switch (s->dev.operation) {
	case CERT_OP_INSTALL:
		if (choose_keys(s, &first) == -1)
			return fail(s, FAIL_KEY_GEN, "EC Only, but protocol "
			    "version 2 makes RSA keys only");
		return send_key_request(s, &first);
	case CERT_OP_DELETE:
		capf_msg_begin(&w, CAPF_DELETE_CERTIFICATE_REQUEST, s->session_id);
		s->state = S_WAIT_DELETE;
		break;
	default:
		capf_msg_begin(&w, CAPF_FETCH_CERTIFICATE_REQUEST, s->session_id);
		s->state = S_WAIT_FETCH;
		break;
	}
	if (send_msg(s, &w) == -1)
		return fail(s, FAIL_PHONE_COMM, "cannot send the request");
	return SESSION_ALIVE;
}

/*
 * Authenticated: one operation per device at a time.  The device is
 * claimed (a second authenticated session, on any loop, is told to retry
 * later); if a session that held it ended after this one read it, it is
 * read again, so the holder sees it as the last session left it: an
 * install another session just completed is not done twice (claims.h).
 * Only authenticated sessions claim, so guesses never hold a device up.
 */
static enum session_fate
claim_and_start(struct capf_session *s)
{
	struct device fresh;
	struct ucerr err;
	int rc, stale;

	if ((rc = claims_take(&s->loop->server->claims, s->dev.name,
	    s->claim_mark, &stale)) != 1) {
		log_outcome(s, rc == 0 ? "another session for this device is "
		    "in progress: told to retry later" : "out of memory: told "
		    "to retry later");
		return send_retry_later(s);
	}
	snprintf(s->claimed, sizeof(s->claimed), "%s", s->dev.name);
	/* As read in on_auth_response, which checked what follows. */
	if (!stale)
		return start_operation(s);
	if ((rc = store_device_get(s->loop->store, s->dev.name, &fresh,
	    &err)) != 1) {
		log_outcome(s, rc == 0 ? "the device was removed" : err.msg);
		return send_end(s, CAPF_REASON_UNKNOWN_DEVICE);
	}
	OPENSSL_cleanse(s->dev.auth_string, sizeof(s->dev.auth_string));
	device_free(&s->dev);
	s->dev = fresh;
	if (device_softphone_refused(&s->dev))
		return refuse_second_lsc(s);
	if (s->dev.operation == CERT_OP_NONE) {
		log_outcome(s, "no operation pending (another session "
		    "completed it)");
		return send_end(s, CAPF_REASON_NO_ACTION);
	}
	return start_operation(s);
}

/*
 * A softphone that holds its LSC asks again: CUCM's one LSC per
 * softphone.  END_SESSION 7 (what Jabber reads as "already issued").
 * Refused before any authentication (version 2 has none to offer), so
 * only the rate-limited log line says it: a row per request would let
 * anyone grow a device's history; device show states the rule.
 */
static enum session_fate
refuse_second_lsc(struct capf_session *s)
{
	log_outcome(s, "refused: an LSC was already issued to this "
	    "softphone; an administrator sets the install again to allow "
	    "another");
	return send_end(s, CAPF_REASON_INVALID_ELEMENT);
}

static enum session_fate
on_auth_response(struct capf_session *s, const struct capf_msg *m)
{
	struct ucerr err;
	char name[64];
	uint8_t version = 0;
	int found = 0;

	if (m->command != CAPF_AUTH_RESPONSE)
		return fail(s, FAIL_GENERIC, "expected AUTH_RESPONSE");
	/* Version 2 (Jabber) or 3 (phones): the session follows it. */
	if (capf_msg_version(m, &version, &err) == -1 ||
	    capf_msg_string(m, CAPF_EL_DEVICE_NAME, name, sizeof(name),
	    &err) == -1) {
		log_limited(LOG_LEVEL_WARN, "capf: protocol errors", s->net,
		    "capf: %s: %s", s->peer, err.msg);
		return send_end(s, CAPF_REASON_INVALID_ELEMENT);
	}
	s->version = version;
	/* Before the read: claim_and_start learns whether it is still the
	 * last word of the sessions for this device. */
	s->claim_mark = claims_mark(&s->loop->server->claims, name);
	/* Validated before it touches the store or a path. */
	if (device_name_valid(name) && (found = store_device_get(
	    s->loop->store, name, &s->dev, &err)) == -1) {
		/* Not the phone's fault: it is asked to come back. */
		log_limited(LOG_LEVEL_WARN, "capf: store unreadable", s->net,
		    "capf: %s from %s: asked to retry later: %s", name,
		    s->peer, err.msg);
		return send_retry_later(s);
	}
	if (!device_name_valid(name) || found != 1) {
		log_limited(LOG_LEVEL_INFO, "capf: unknown devices", s->net,
		    "capf: %s from %s: unknown device", device_name_valid(
		    name) ? name : "(invalid name)", s->peer);
		return send_end(s, CAPF_REASON_UNKNOWN_DEVICE);
	}
	s->have_device = 1;
	if (device_softphone_refused(&s->dev))
		return refuse_second_lsc(s);
	if (s->dev.operation == CERT_OP_NONE) {
		log_outcome(s, "no operation pending");
		return send_end(s, CAPF_REASON_NO_ACTION);
	}
	if (s->dev.deadline != 0 && clock_now() > s->dev.deadline)
		return fail(s, FAIL_LATE, "after Operation Completes By");
	return authenticate(s, m);
}

static void
lsc_work(struct job *job)
{
	struct capf_job *j = (struct capf_job *)job;
	struct ucerr err;
	X509 *lsc = NULL;

	job->rc = lsc_issue(j->ca, j->ca_key, j->device, j->spki, j->spki_len,
	    j->md, j->days, &lsc, &err);
	if (job->rc == 0)
		job->rc = cert_to_der(lsc, &j->der, &j->der_len, &err);
	if (job->rc == 0)
		lsc_facts_get(lsc, &j->facts);
	X509_free(lsc);
}

static enum session_fate
on_key(struct capf_session *s, const struct capf_msg *m)
{
	const struct service_tls *ca;
	const uint8_t *der;
	size_t len;
	struct ucerr err;
	struct capf_job *j;
	EVP_PKEY *key;
	long days;

	if (m->command == CAPF_REQUEST_IN_PROGRESS)
		return SESSION_ALIVE;	/* the phone is working on it */
	if (m->command != CAPF_KEY_GENERATE_RESPONSE)
		return fail(s, FAIL_GENERIC, "expected KEY_GENERATE_RESPONSE");
	if (capf_msg_bytes(m, CAPF_EL_PUBLIC_KEY, &der, &len, NULL) == -1) {
		if (s->has_fallback) {
			s->has_fallback = 0;
			return send_key_request(s, &s->fallback);
		}
		return fail(s, FAIL_KEY_GEN, "no PUBLIC_KEY from the phone");
	}
	if (capf_msg_spki(m, &der, &len, &err) == -1 ||
	    lsc_public_key(&s->loop->spki_decoder, der, len, &s->asked,
	    s->loop->server->cfg.allow_rsa512, &key, &err) == -1)
		return fail(s, FAIL_KEY_GEN, err.msg);
	EVP_PKEY_free(key);
	if (lsc_days(s->loop->store, &days, &err) == -1)
		return fail(s, FAIL_CA_COMM, err.msg);
	if ((j = job_new(s)) == NULL || (j->spki = malloc(len)) == NULL) {
		if (j != NULL)
			job_free(j);
		return fail(s, FAIL_CA_COMM, "out of memory");
	}
	memcpy(j->spki, der, len);
	j->spki_len = len;
	j->md = s->loop->server->sha256;
	ca = identity_set_get(s->ids, "CAPF");
	j->ca = ca->cert;
	j->ca_key = ca->key;
	X509_up_ref(j->ca);
	EVP_PKEY_up_ref(j->ca_key);
	snprintf(j->ca_sha256, sizeof(j->ca_sha256), "%s", ca->sha256);
	j->days = days;
	j->status = CERT_STATUS_UPGRADE_SUCCESS;
	j->session = s;
	j->base.work = lsc_work;
	j->base.done = s->done_ev;
	j->base.free_fn = NULL;
	s->job = j;
	s->state = S_SIGNING;
	deadline_stop(&s->deadline);	/* the server is the one working */
	jobq_push(&s->loop->server->workers.q, &j->base);
	return SESSION_ALIVE;
}

/*
 * A job the session waited for is finished (runs on the loop).  The job
 * is the caller's to free: the session no longer points at it, and may
 * be gone when this returns.
 */
static enum session_fate
job_done(struct capf_session *s, struct capf_job *j)
{
	struct writer w;

	if (s->closed) {
		/* The LSC is on record, but the phone never received it. */
		if (s->state == S_SIGNING)
			record_failure(s, FAIL_PHONE_COMM, "the connection was "
			    "lost before the LSC was sent");
		/* Counted but never compared: nothing was learnt from it. */
		if (s->state == S_COUNTING && j->base.rc == 0 && j->reserved)
			release_attempt(s);
		return session_free(s);
	}
	if (s->state == S_COUNTING)
		return on_counted(s, j);
	if (j->base.rc != 0) {
		log_error("capf: %s: %s", s->dev.name, j->base.err.msg);
		/* The store refused; saying so again would loop. */
		if (s->state == S_SAVING)
			return send_end(s, CAPF_REASON_INVALID_ELEMENT);
		return fail(s, FAIL_CA_COMM,
		    "the LSC could not be issued or stored");
	}
	if (s->state == S_SIGNING) {
		capf_msg_begin(&w, CAPF_STORE_CERTIFICATE_REQUEST, s->session_id);
		writer_tlv_u8(&w, CAPF_EL_CERTIFICATE_TYPE, CAPF_CERT_LSC);
		capf_put_certificate(&w, CAPF_CERT_LSC, j->der, j->der_len);
		s->final_status = CERT_STATUS_UPGRADE_SUCCESS;
		s->state = S_WAIT_STORE;
		set_timeout(s, s->loop->server->cfg.idle_timeout_s);
		if (send_msg(s, &w) == -1)
			return fail(s, FAIL_PHONE_COMM, "cannot send the LSC");
		return SESSION_ALIVE;
	}
	/* S_SAVING: a confirmation, delete, troubleshoot or failure is on
	 * record. */
	if (s->end_reason != CAPF_REASON_INVALID_ELEMENT) {
		if (j->status != 0)
			s->final_status = j->status;
		log_outcome(s, j->fetched ? j->detail : NULL);
	}
	return send_end(s, s->end_reason);
}

static void
on_job_done(evutil_socket_t fd, short what, void *arg)
{
	struct capf_session *s = arg;
	struct capf_job *j = s->job;
	enum session_fate fate;

	(void)fd;
	(void)what;
	s->job = NULL;
	/* Whatever became of the session, j is no longer its own. */
	fate = job_done(s, j);
	job_free(j);
	/* Reading went on while the job ran (turning it off and on costs
	 * three epoll_ctl calls a job): what came meanwhile is read now. */
	if (fate == SESSION_ALIVE && s->job == NULL &&
	    evbuffer_get_length(bufferevent_get_input(s->bev)) > 0)
		on_read(s->bev, s);
}

/* Hands a write to the writer; the reply goes once it is durable. */
static void
save_then_reply(struct capf_session *s, struct capf_job *j,
    uint8_t end_reason)
{
	s->end_reason = end_reason;
	j->session = s;
	j->base.done = s->done_ev;
	j->base.free_fn = NULL;
	s->job = j;
	s->state = S_SAVING;
	deadline_stop(&s->deadline);
	jobq_push(&s->loop->server->writer.q, &j->base);
}

static enum session_fate
on_store_response(struct capf_session *s, const struct capf_msg *m)
{
	struct capf_job *j;
	uint8_t reason = 0xff;

	if (m->command != CAPF_STORE_CERTIFICATE_RESPONSE)
		return fail(s, FAIL_GENERIC,
		    "expected STORE_CERTIFICATE_RESPONSE");
	capf_msg_u8(m, CAPF_EL_REASON, &reason, NULL);
	if (reason != CAPF_REASON_UPDATE_CERTIFICATE)
		return fail(s, FAIL_GENERIC, "the phone did not store the LSC");
	if ((j = job_new(s)) == NULL)
		return fail(s, FAIL_GENERIC, "out of memory");
	j->confirmed = 1;
	j->status = 0;
	save_then_reply(s, j, CAPF_REASON_UPDATE_CERTIFICATE);
	return SESSION_ALIVE;
}

static enum session_fate
on_delete_response(struct capf_session *s, const struct capf_msg *m)
{
	struct capf_job *j;
	uint8_t reason = 0xff;

	if (m->command != CAPF_DELETE_CERTIFICATE_RESPONSE)
		return fail(s, FAIL_GENERIC,
		    "expected DELETE_CERTIFICATE_RESPONSE");
	capf_msg_u8(m, CAPF_EL_REASON, &reason, NULL);
	if (reason != CAPF_REASON_UPDATE_CERTIFICATE)
		return fail(s, FAIL_GENERIC,
		    "the phone did not delete its LSC");
	if ((j = job_new(s)) == NULL)
		return fail(s, FAIL_GENERIC, "out of memory");
	j->clear_lsc = 1;
	j->status = CERT_STATUS_DELETE_SUCCESS;
	save_then_reply(s, j, CAPF_REASON_UPDATE_CERTIFICATE);
	return SESSION_ALIVE;
}

/*
 * Troubleshoot keeps whatever the phone returns as evidence (history and
 * `device show`), but only an LSC this cluster issued to the device
 * becomes its LSC on record, and only a MIC that identifies it its MIC:
 * the monitor, bulk selection by issuer and the trust-delete guard read
 * those, and a phone may return anything.
 */
static void
judge_fetched(struct capf_session *s, struct capf_job *j, X509 *cert)
{
	struct capf_cert_verdict v;
	struct capf_cert_ctx c;
	char cn[128], serial[64];

	cert_ctx(s, &c);
	cert_common_name(cert, cn, sizeof(cn));
	cert_serial_hex(cert, serial, sizeof(serial));
	if (capf_cert_is_mic(cert)) {
		if (capf_mic_check(&c, cert, &v) == 0) {
			j->is_mic = 1;
			snprintf(j->detail, sizeof(j->detail), "returned its "
			    "MIC (%s)", cn);
		} else {
			snprintf(j->detail, sizeof(j->detail), "returned a "
			    "MIC not recorded: %s", v.why);
		}
	} else if (capf_lsc_issued(&c, cert, j->der, j->der_len, &v) == 0) {
		j->fetched_lsc = 1;
		snprintf(j->fetched_issuer, sizeof(j->fetched_issuer), "%s",
		    v.issuer_sha256);
		snprintf(j->detail, sizeof(j->detail), "returned its LSC "
		    "(serial %s)", serial);
	} else {
		snprintf(j->detail, sizeof(j->detail), "returned a certificate "
		    "kept as evidence only, the LSC on record unchanged: %s",
		    v.why);
	}
	X509_STORE_free(c.trust);
}

static enum session_fate
on_fetch_response(struct capf_session *s, const struct capf_msg *m)
{
	const uint8_t *der;
	size_t len;
	struct capf_job *j;
	X509 *cert;
	uint8_t reason = 0xff, type;

	if (m->command != CAPF_FETCH_CERTIFICATE_RESPONSE)
		return fail(s, FAIL_GENERIC,
		    "expected FETCH_CERTIFICATE_RESPONSE");
	capf_msg_u8(m, CAPF_EL_REASON, &reason, NULL);
	if (reason != CAPF_REASON_UPDATE_CERTIFICATE ||
	    capf_msg_certificate(m, &der, &len, &type, NULL) == -1 ||
	    cert_from_der(der, len, &cert, NULL) == -1)
		return fail(s, FAIL_GENERIC,
		    "the phone returned no certificate");
	if ((j = job_new(s)) == NULL || (j->der = malloc(len)) == NULL) {
		X509_free(cert);
		free(j);
		return fail(s, FAIL_GENERIC, "out of memory");
	}
	memcpy(j->der, der, len);
	j->der_len = len;
	j->fetched = 1;
	judge_fetched(s, j, cert);
	X509_free(cert);
	j->status = CERT_STATUS_TROUBLESHOOT_SUCCESS;
	save_then_reply(s, j, CAPF_REASON_NO_ACTION);
	return SESSION_ALIVE;
}

static enum session_fate
on_message(struct capf_session *s, const uint8_t *data, size_t len)
{
	struct capf_msg m;
	struct ucerr err;

	/* fail() writes the session's one outcome line, naming the error. */
	if (capf_msg_decode(data, len, &m, &err) == -1)
		return fail(s, FAIL_GENERIC, err.msg);
	if (m.session_id != s->session_id)
		return fail(s, FAIL_GENERIC, "wrong session id");
	if (m.unknown_tag != 0) {
		snprintf(err.msg, sizeof(err.msg), "CAPF: %s: unknown element %u",
		    capf_command_name(m.command), m.unknown_tag);
		return fail(s, FAIL_GENERIC, err.msg);
	}
	switch (s->state) {
	case S_WAIT_AUTH:
		return on_auth_response(s, &m);
	case S_WAIT_KEY:
		return on_key(s, &m);
	case S_WAIT_STORE:
		return on_store_response(s, &m);
	case S_WAIT_DELETE:
		return on_delete_response(s, &m);
	case S_WAIT_FETCH:
		return on_fetch_response(s, &m);
	default:
		/* Messages while signing or saving wait in the buffer. */
		return SESSION_ALIVE;
	}
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct capf_session *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct ucerr err;
	uint8_t *data;
	size_t have, need;

	while (s->state != S_CLOSING && s->state != S_SIGNING &&
	    s->state != S_SAVING && s->state != S_COUNTING &&
	    (have = evbuffer_get_length(in)) >= CAPF_HEADER_LEN) {
		data = evbuffer_pullup(in, CAPF_HEADER_LEN);
		if (capf_msg_need(data, have, &need, &err) == -1) {
			evbuffer_drain(in, have);
			fail(s, FAIL_GENERIC, err.msg);
			return;
		}
		/* Not all of it yet: wait for the rest under the message
		 * deadline below (a body cut short must not have the whole
		 * phase, which in key generation is minutes). */
		if (have < need)
			break;
		data = evbuffer_pullup(in, (ssize_t)need);
		server_quiet_remove(&s->quiet);
		if (on_message(s, data, need) == SESSION_GONE)
			return;		/* and in with it */
		evbuffer_drain(in, need);
		deadline_message_done(&s->deadline);
	}
	/* Part of a message is here: the rest must follow in time. */
	if (evbuffer_get_length(in) > 0 && s->state != S_HANDSHAKE)
		deadline_message_begun(&s->deadline);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct capf_session *s = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		server_handshake_done(s->loop);
		send_auth_request(s);
		return;
	}
	if (s->state == S_HANDSHAKE) {
		tls_handshake_failed("capf", bev, s->peer,
		    (what & BEV_EVENT_TIMEOUT) != 0,
		    s->loop->server->cfg.handshake_timeout_s);
		session_free(s);
		return;
	}
	if (s->job != NULL) {
		/* The job finishes first; session_free() lets it. */
		session_free(s);
		return;
	}
	if (s->state == S_WAIT_KEY && (what & BEV_EVENT_TIMEOUT))
		record_failure(s, FAIL_KEY_GEN, "no key from the phone in time");
	else if (s->state != S_CLOSING && s->have_device)
		record_failure(s, FAIL_PHONE_COMM, (what & BEV_EVENT_TIMEOUT) ?
		    "the phone went quiet" : "the connection was lost");
	else if (s->state != S_CLOSING)
		log_limited(LOG_LEVEL_INFO, "capf: sessions that changed nothing",
		    s->net, "capf: %s: %s before naming a device", s->peer,
		    (what & BEV_EVENT_TIMEOUT) ? "timed out" : "closed");
	session_free(s);
}

/* A phase's deadline passed: as a timeout on the connection. */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct capf_session *s = arg;

	(void)fd;
	(void)what;
	on_event(s->bev, BEV_EVENT_READING | BEV_EVENT_TIMEOUT, s);
}

/*
 * Always GONE for the caller.  With a job in flight only the connection
 * goes (and its deadline: nothing is left to time out); on_job_done()
 * frees the rest when the job is finished.
 */
static enum session_fate
session_free(struct capf_session *s)
{
	server_quiet_remove(&s->quiet);
	if (s->job != NULL) {
		s->closed = 1;
		deadline_stop(&s->deadline);
		if (s->bev != NULL) {
			bufferevent_free(s->bev);
			s->bev = NULL;
		}
		return SESSION_GONE;
	}
	if (s->bev != NULL)
		bufferevent_free(s->bev);
	if (s->state == S_HANDSHAKE)
		server_handshake_done(s->loop);
	deadline_free(&s->deadline);
	if (s->done_ev != NULL)
		event_free(s->done_ev);
	identity_set_release(s->ids);
	if (s->claimed[0] != '\0')
		claims_drop(&s->loop->server->claims, s->claimed);
	OPENSSL_cleanse(s->password, sizeof(s->password));
	OPENSSL_cleanse(s->dev.auth_string, sizeof(s->dev.auth_string));
	device_free(&s->dev);
	s->loop->sessions--;
	atomic_fetch_add(&s->loop->server->sessions_done, 1);
	server_connection_closed(s->loop->server, s->peer);
	free(s);
	return SESSION_GONE;
}

/* The server is full and this connection has said nothing: it goes. */
static void
evict(struct quiet *q)
{
	session_free((struct capf_session *)(void *)((char *)q -
	    offsetof(struct capf_session, quiet)));
}

static void
capf_session_accept(struct loop *loop, struct bufferevent *bev,
    const char *peer)
{
	struct capf_session *s = calloc(1, sizeof(*s));

	if (s == NULL || deadline_init(&s->deadline, loop->base,
	    loop->server->cfg.message_timeout_s, on_deadline, s) == -1) {
		free(s);
		bufferevent_free(bev);
		server_handshake_done(loop);
		server_connection_closed(loop->server, peer);
		return;
	}
	s->loop = loop;
	s->bev = bev;
	s->ids = server_identities(loop->server);
	s->session_id = new_session_id();
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	log_peer_net(peer, s->net, sizeof(s->net));
	server_quiet_add(loop, &s->quiet, s->peer, evict);
	s->done_ev = event_new(loop->base, -1, 0, on_job_done, s);
	loop->sessions++;
	bufferevent_setcb(bev, on_read, NULL, on_event, s);
	bufferevent_setwatermark(bev, EV_READ, 0, CAPF_MESSAGE_MAX * 2);
	/* From now, not from accept: it may have waited for a slot. */
	set_timeout(s, loop->server->cfg.handshake_timeout_s);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static int
capf_port(const struct server_config *cfg)
{
	return cfg->capf_port;
}

const struct service_def capf_service = {
	.name = "CAPF",
	.identity = "CAPF",
	.port = capf_port,
	.accept = capf_session_accept,
};
