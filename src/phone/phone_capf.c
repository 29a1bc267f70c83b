/* phone_capf.c - a blocking simulated phone for CAPF (see phone_capf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capf_msg.h"
#include "device.h"
#include "fileio.h"
#include "itl.h"
#include "phone_capf.h"
#include "tls_client.h"

static void console(const struct phone_capf_opts *, const char *,
    const char *, ...) UC_PRINTF(3, 4);

static void
console(const struct phone_capf_opts *o, const char *level, const char *fmt,
    ...)
{
	va_list ap;
	char when[32];
	struct timespec ts;
	struct tm tm;

	if (o->console == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm);
	fprintf(o->console, "%s %s.%06ld ", level, when, ts.tv_nsec / 1000);
	va_start(ap, fmt);
	vfprintf(o->console, fmt, ap);
	va_end(ap);
	fputc('\n', o->console);
}

const char *
phone_capf_message(int rc, enum capf_client_outcome outcome,
    enum phone_lsc_status status)
{
	static const char *const messages[] = {
		[LSC_STATUS_INSTALLED] = "LSC: Installed",
		[LSC_STATUS_PENDING] = "LSC: Pending",
		[LSC_STATUS_FAILED] = "LSC: Failed",
		[LSC_STATUS_CONNECTION_FAILED] = "LSC: Connection Failed",
		[LSC_STATUS_NO_CAPF] = "No valid CAPF server",
	};

	if (rc == 0 && outcome == OUTCOME_DELETED)
		return "LSC: Deleted";
	if ((size_t)status >= sizeof(messages) / sizeof(messages[0]))
		return "LSC: Failed";
	return messages[status];
}

/*
 * The phone trusts the CAPF server only through its ITL's CAPF record;
 * without an ITL it trusts the first server it reaches, as phones do.
 */
static int
check_server(struct phone *ph, const struct phone_capf_opts *o,
    struct tls_client *tls, enum phone_lsc_status *status, struct ucerr *err)
{
	struct itl_file itl;
	char path[4096];
	const char *itl_path = o->itl_path;
	X509 *server;
	int i, has_capf = 0, rc = -1;

	if (itl_path == NULL) {
		if (phone_itl_path(ph, path, sizeof(path), err) == -1)
			return -1;
		if (!path_exists(path))
			return 0;
		itl_path = path;
	}
	if (itl_load_file(itl_path, &itl, err) == -1)
		return -1;
	for (i = 0; i < (int)itl.n_records; i++)
		if (itl.records[i].role == ROLE_CAPF)
			has_capf = 1;
	if (!has_capf) {
		*status = LSC_STATUS_NO_CAPF;
		ucerr_set(err, "No valid CAPF server (the ITL has no CAPF record)");
		goto out;
	}
	server = SSL_get1_peer_certificate(tls->ssl);
	if (server == NULL ||
	    itl_find_cert(&itl, server, ROLE_BIT(ROLE_CAPF)) == -1) {
		*status = LSC_STATUS_CONNECTION_FAILED;
		ucerr_set(err, "the CAPF server's certificate is not the ITL's "
		    "CAPF record");
		X509_free(server);
		goto out;
	}
	X509_free(server);
	rc = 0;
out:
	itl_free(&itl);
	return rc;
}

static int
read_message(struct tls_client *tls, uint8_t *buf, size_t *len,
    struct ucerr *err)
{
	size_t need;

	if (tls_client_read(tls, buf, CAPF_HEADER_LEN, err) == -1 ||
	    capf_msg_need(buf, CAPF_HEADER_LEN, &need, err) == -1 ||
	    tls_client_read(tls, buf + CAPF_HEADER_LEN, need - CAPF_HEADER_LEN,
	    err) == -1)
		return -1;
	*len = need;
	return 0;
}

static const char *
mode_text(const struct phone *ph, const struct phone_capf_opts *o)
{
	if (o->auth_string != NULL && o->auth_string[0] != '\0')
		return "[1]([AUTH_STR])";
	if (o->softphone)
		return "[2]([NULL_STR]) protocol version 2";
	if (o->prefer_mic)
		return "[4]([MIC])";
	return ph->lsc ? "[3]([LSC])" : "[1]([NULL_STR])";
}

/* Runs the session once the TLS connection is up. */
static int
session(struct phone *ph, const struct phone_capf_opts *o,
    struct tls_client *tls, struct capf_client *c, struct ucerr *err)
{
	static uint8_t buf[CAPF_MESSAGE_MAX];
	enum capf_client_action action;
	struct writer out;
	size_t len;
	int rc = -1;

	writer_init(&out, CAPF_MESSAGE_MAX);
	for (;;) {
		if (read_message(tls, buf, &len, err) == -1)
			goto out;
		action = capf_client_handle(c, buf, len, &out);
		if (action == CLIENT_STORE) {
			int ok = phone_store_lsc(ph, c->new_lsc, c->new_key,
			    err) == 0;
			action = capf_client_stored(c, ok, &out);
		}
		if (action == CLIENT_ERROR) {
			ucerr_set(err, "%s", c->message);
			goto out;
		}
		if (action == CLIENT_DONE) {
			rc = 0;
			goto out;
		}
		/* Nothing to send: a softphone's key is its next message. */
		if (out.len > 0 &&
		    tls_client_write(tls, out.data, out.len, err) == -1)
			goto out;
		if (action == CLIENT_KEYGEN) {
			console(o, "NOT", "SECUREAPP-CAPF_KEYGEN: generating "
			    "the key");
			capf_client_keygen(c, &out);
			if (tls_client_write(tls, out.data, out.len, err) == -1)
				goto out;
		}
	}
out:
	writer_free(&out);
	return rc;
}

int
phone_capf_opts_check(const char *name, const struct phone_capf_opts *o,
    struct ucerr *err)
{
	if (o->softphone && !device_is_softphone(name))
		return ucerr_set(err, "%s: --softphone needs a CSF, BOT, TCT "
		    "or TAB device name", name);
	if (o->softphone && o->prefer_mic)
		return ucerr_set(err, "--softphone: a softphone has no MIC");
	return 0;
}

int
phone_capf_run(struct phone *ph, const struct phone_capf_opts *o,
    enum capf_client_outcome *outcome, enum phone_lsc_status *status,
    struct ucerr *err)
{
	struct tls_client_opts topts;
	struct tls_client tls;
	struct capf_client c;
	int rc = -1;

	*outcome = OUTCOME_NONE;
	*status = LSC_STATUS_CONNECTION_FAILED;
	console(o, "NOT", "SECUREAPP-RCAPF_START_MODE: Start CAPF - mode:%s",
	    mode_text(ph, o));
	console(o, "NOT", "SECUREAPP-CAPF_CLNT_INIT:CAPF clnt initialized");
	console(o, "NOT", "SECUREAPP-CAPFClnt: SetDelayTimer - set with value "
	    "<0>");
	memset(&topts, 0, sizeof(topts));
	topts.host = o->host;
	topts.port = o->port;
	topts.timeout_ms = o->timeout_ms ? o->timeout_ms : 30000;
	topts.tls1 = o->tls1;
	topts.tls1_2_only = 1;		/* phones speak TLS 1.2 at most */
	if (tls_client_connect(&tls, &topts, err) == -1) {
		if (tls.failure == TLS_FAIL_RESOLVE || tls.failure == TLS_FAIL_CONNECT)
			console(o, "ERR", "SECUREAPP-SEC_CAPF_BIO_F: CAPF create "
			    "bio failed");
		console(o, "ERR", "SECUREAPP-SEC_CAPF_OP_F: CAPF operation "
		    "failed, ret -7");
		tls_client_close(&tls);
		return -1;
	}
	if (check_server(ph, o, &tls, status, err) == -1) {
		console(o, "ERR", "SECUREAPP-SEC_CAPF_OP_F: %s", err->msg);
		tls_client_close(&tls);
		return -1;
	}
	capf_client_init(&c);
	c.device_name = ph->name;
	c.softphone = o->softphone;
	c.password = o->auth_string ? o->auth_string : "";
	/*
	 * Precedence to LSC: the LSC when installed, else the MIC; with
	 * precedence to MIC the phone presents its MIC regardless.
	 */
	c.auth_is_lsc = ph->lsc != NULL && !o->prefer_mic && !o->softphone;
	c.auth_cert = c.auth_is_lsc ? ph->lsc : ph->mic;
	c.auth_key = c.auth_is_lsc ? ph->lsc_key : ph->mic_key;
	if (c.auth_is_lsc) {
		c.fallback_cert = ph->mic;
		c.fallback_key = ph->mic_key;
	}
	c.sudi = ph->sudi;
	c.sudi_key = ph->sudi_key;
	c.current_lsc = ph->lsc;
	if (session(ph, o, &tls, &c, err) == -1) {
		*status = LSC_STATUS_FAILED;
		console(o, "ERR", "SECUREAPP-SEC_CAPF_OP_F: CAPF operation "
		    "failed: %s", err->msg);
		goto out;
	}
	*outcome = c.outcome;
	switch (c.outcome) {
	case OUTCOME_DELETED:
		if (phone_delete_lsc(ph, err) == -1)
			goto out;
		/* FALLTHROUGH */
	case OUTCOME_INSTALLED:
	case OUTCOME_FETCHED:
		*status = LSC_STATUS_INSTALLED;
		rc = 0;
		break;
	case OUTCOME_NO_ACTION:
		*status = LSC_STATUS_PENDING;
		rc = 0;
		break;
	case OUTCOME_RETRY_LATER:
		*status = LSC_STATUS_PENDING;
		ucerr_set(err, "%s: the CAPF server is busy with this device "
		    "(RETRY_LATER, %d s)", ph->name, c.retry_delay);
		break;
	case OUTCOME_UNKNOWN_DEVICE:
		*status = LSC_STATUS_FAILED;
		ucerr_set(err, "%s: unknown to the CAPF server", ph->name);
		break;
	default:
		*status = LSC_STATUS_FAILED;
		/* What a Jabber client makes of reason 7 before any key. */
		if (o->softphone && c.end_reason == CAPF_REASON_INVALID_ELEMENT &&
		    c.operation == 0)
			ucerr_set(err, "%s: the CAPF server refused: a certificate "
			    "was already issued to this softphone, or it failed "
			    "to authenticate (reason 7)", ph->name);
		else
			ucerr_set(err, "%s: the CAPF server ended the session "
			    "(reason %d)", ph->name, c.end_reason);
	}
out:
	capf_client_free(&c);
	tls_client_close(&tls);
	return rc;
}
