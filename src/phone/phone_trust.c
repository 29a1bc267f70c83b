/* phone_trust.c - a phone's trust decisions (see phone_trust.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ssl.h>

#include "fileio.h"
#include "itl.h"
#include "phone_sip.h"
#include "phone_trust.h"
#include "sgn.h"
#include "tls_client.h"
#include "tvs_client.h"
#include "x509.h"

#define TRUSTED_SIGNERS	(ROLE_BIT(ROLE_SAST) | ROLE_BIT(ROLE_TFTP) | \
	ROLE_BIT(ROLE_CCM_TFTP))
#define CALL_AGENT	(ROLE_BIT(ROLE_CCM) | ROLE_BIT(ROLE_CCM_TFTP))

static int
load_itl(struct phone *ph, const char *path, struct itl_file *itl, int *have,
    struct ucerr *err)
{
	char installed[4096];

	*have = 0;
	if (path == NULL) {
		if (phone_itl_path(ph, installed, sizeof(installed), err) == -1)
			return -1;
		if (!path_exists(installed))
			return 0;
		path = installed;
	}
	if (itl_load_file(path, itl, err) == -1)
		return -1;
	*have = 1;
	return 0;
}

int
phone_itl_install(struct phone *ph, const char *path, FILE *console,
    struct ucerr *err)
{
	struct itl_file current, next;
	char dest[4096];
	X509 *signer = NULL;
	int have, idx, rc = -1;

	memset(&next, 0, sizeof(next));
	if (itl_load_file(path, &next, err) == -1)
		return -1;
	if (itl_verify(&next, err) == -1) {
		itl_free(&next);
		return ucerr_wrap(err, "%s: the ITL does not verify", path);
	}
	if (load_itl(ph, NULL, &current, &have, err) == -1)
		goto out;
	if (have) {
		idx = itl_signer_index(&next);
		signer = idx >= 0 ? itl_record_cert(&next.records[idx]) : NULL;
		if (signer == NULL ||
		    itl_find_cert(&current, signer, TRUSTED_SIGNERS) == -1) {
			ucerr_set(err, "%s: rejected: signed by %s, which the "
			    "installed ITL does not hold as SAST or TFTP (reset "
			    "the phone's ITL, or sign with ITLRecovery)", path,
			    next.hdr.signer_name);
			itl_free(&current);
			goto out;
		}
		itl_free(&current);
	}
	if (phone_itl_path(ph, dest, sizeof(dest), err) == -1 ||
	    file_write_atomic(dest, next.data, next.len, 0644, err) == -1)
		goto out;
	if (console != NULL)
		fprintf(console, "%s: ITL installed (%zu records, signed by %s)%s\n",
		    ph->name, next.n_records, next.hdr.signer_name,
		    have ? "" : " (first ITL: trusted as is)");
	rc = 0;
out:
	X509_free(signer);
	itl_free(&next);
	return rc;
}

/* Asks TVS whether cert is one of the cluster's with a role in mask. */
static int
tvs_vouches(struct phone *ph, const struct tvs_target *tvs,
    const struct itl_file *itl, X509 *cert, unsigned long mask,
    struct ucerr *err)
{
	struct tvs_client c;
	struct tvs_answer ans;
	char device[96];
	int rc;

	if (tvs == NULL || tvs->host == NULL)
		return ucerr_set(err, "no TVS to ask");
	snprintf(device, sizeof(device), "CP-%s-%s", ph->model[0] ? ph->model :
	    "8845", ph->name);
	if (tvs_client_open(&c, tvs->host, tvs->port, itl, 10000, err) == -1)
		return -1;
	rc = tvs_client_verify(&c, device, cert, &ans, err);
	tvs_client_close(&c);
	if (rc == -1)
		return -1;
	if (!tvs_answer_has_role(&ans, mask))
		return ucerr_set(err, "TVS: %s", ans.valid ?
		    "valid, but without the needed role" : "certificate not found");
	return 0;
}

int
phone_verify_config(struct phone *ph, const char *sgn_path,
    const char *itl_path, X509 *signer_cert, const struct tvs_target *tvs,
    FILE *console, struct ucerr *err)
{
	struct itl_file itl;
	uint8_t *data = NULL;
	size_t len;
	struct ucerr itl_err;
	int have, record, rc = -1;

	memset(&itl, 0, sizeof(itl));
	if (file_read(sgn_path, FILE_READ_MAX, &data, &len, err) == -1)
		return -1;
	if (load_itl(ph, itl_path, &itl, &have, err) == -1)
		goto out;
	if (have && sgn_verify_itl(data, len, &itl, &record, &itl_err) == 0) {
		if (console)
			fprintf(console, "%s: %s accepted: signer is ITL record %d "
			    "(%s)\n", ph->name, sgn_path, record + 1,
			    role_name(itl.records[record].role));
		rc = 0;
		goto out;
	}
	if (!have)
		ucerr_set(&itl_err, "no ITL installed");
	/* Not in the ITL: the phone asks TVS about the signer. */
	if (signer_cert == NULL) {
		ucerr_set(err, "%s: rejected: %s, and no signer certificate to "
		    "ask TVS about", sgn_path, itl_err.msg);
		goto out;
	}
	if (sgn_verify_cert(data, len, signer_cert, err) == -1 ||
	    tvs_vouches(ph, tvs, have ? &itl : NULL, signer_cert,
	    ROLE_BIT(ROLE_TFTP) | ROLE_BIT(ROLE_CCM_TFTP), err) == -1) {
		ucerr_wrap(err, "%s: rejected (%s)", sgn_path, itl_err.msg);
		goto out;
	}
	if (console)
		fprintf(console, "%s: %s accepted: TVS vouches for the signer with "
		    "the TFTP role\n", ph->name, sgn_path);
	rc = 0;
out:
	itl_free(&itl);
	free(data);
	return rc;
}

static void
secd(FILE *fp, const char *level, const char *line)
{
	char when[32];
	struct timespec ts;
	struct tm tm;

	if (fp == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(fp, "%s %s.%06ld %s\n", level, when, ts.tv_nsec / 1000, line);
}

/* TLS alert descriptions as the phones' console prints them. */
static const char *
alert_text(int alert)
{
	switch (alert) {
	case 48: return "unknown CA";
	case 42: return "bad certificate";
	case 43: return "unsupported certificate";
	case 45: return "certificate expired";
	case 46: return "certificate unknown";
	case 40: return "handshake failure";
	default: return SSL_alert_desc_string_long(alert << 0);
	}
}

static int
check_call_agent(struct phone *ph, const struct register_opts *o,
    struct tls_client *tls, struct ucerr *err)
{
	struct itl_file itl;
	X509 *server = SSL_get1_peer_certificate(tls->ssl);
	struct ucerr tvs_err;
	int have, record, rc = -1;

	memset(&itl, 0, sizeof(itl));
	if (server == NULL)
		return ucerr_set(err, "the server presented no certificate");
	if (load_itl(ph, o->itl_path, &itl, &have, err) == -1)
		goto out;
	if (have && (record = itl_find_cert(&itl, server, CALL_AGENT)) != -1) {
		if (o->console)
			fprintf(o->console, "%s: server certificate is ITL record "
			    "%d (%s)\n", ph->name, record + 1,
			    role_name(itl.records[record].role));
		rc = 0;
		goto out;
	}
	tvs_err.msg[0] = '\0';
	if (o->tvs.host != NULL && tvs_vouches(ph, &o->tvs, have ? &itl : NULL,
	    server, CALL_AGENT, &tvs_err) == 0) {
		if (o->console)
			fprintf(o->console, "%s: server certificate not in the ITL; "
			    "TVS vouches for it with a CCM role\n", ph->name);
		rc = 0;
		goto out;
	}
	if (!have && o->tvs.host == NULL) {
		/* No ITL and no TVS: the phone trusts on first use. */
		rc = 0;
		goto out;
	}
	if (tvs_err.msg[0] != '\0')
		ucerr_set(err, "the server's certificate is neither a CCM record "
		    "of the ITL nor vouched for by TVS (%s)", tvs_err.msg);
	else
		ucerr_set(err, "the server's certificate is neither a CCM record "
		    "of the ITL nor vouched for by TVS");
out:
	itl_free(&itl);
	X509_free(server);
	return rc;
}

/* The offered protocol and ciphers: the phone logs them before it knows
 * whether the server takes its certificate (the seeds' console logs
 * show this line right before the unknown CA alert). */
struct cert_cipher {
	struct phone	*ph;
	FILE		*console;
};

static void
log_cert_cipher(SSL *ssl, void *arg)
{
	struct cert_cipher *cc = arg;
	STACK_OF(SSL_CIPHER) *ciphers = SSL_get1_supported_ciphers(ssl);
	char line[1024], list[800] = "";
	size_t used = 0;
	int i, n;

	for (i = 0; ciphers != NULL && i < sk_SSL_CIPHER_num(ciphers); i++) {
		n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ":" : "",
		    SSL_CIPHER_get_name(sk_SSL_CIPHER_value(ciphers, i)));
		if (n < 0 || (size_t)n >= sizeof(list) - used)
			break;
		used += (size_t)n;
	}
	sk_SSL_CIPHER_free(ciphers);
	snprintf(line, sizeof(line), "SECD: -PXY_CERT_CIPHER: [SIP], [%s], cert "
	    "[%s], cipher [%s]", SSL_get_max_proto_version(ssl) == TLS1_VERSION ?
	    "TLSv1" : "TLSv1.2", cc->ph->lsc ? "LSC" : "MIC", list);
	secd(cc->console, "NOT", line);
}

int
phone_register(struct phone *ph, const struct register_opts *o,
    struct ucerr *err)
{
	struct tls_client_opts topts;
	struct tls_client tls;
	struct cert_cipher cc = { ph, o->console };
	char line[512];
	int rc = -1;

	memset(&topts, 0, sizeof(topts));
	topts.host = o->host;
	topts.port = o->port;
	topts.timeout_ms = 10000;
	topts.tls1 = o->tls1;
	topts.tls1_2_only = 1;		/* phones speak TLS 1.2 at most */
	topts.sni = o->sni;
	/* The phone presents its LSC when installed, else its MIC. */
	topts.cert = ph->lsc ? ph->lsc : ph->mic;
	topts.key = ph->lsc ? ph->lsc_key : ph->mic_key;
	topts.before_handshake = log_cert_cipher;
	topts.hook_arg = &cc;
	if (ph->lsc == NULL)
		secd(o->console, "WRN", "SECD: -PXY_NO_LSC: No LSC for [SIP], will "
		    "try MIC");
	if (tls_client_connect(&tls, &topts, err) == -1) {
		if (tls.alert_received >= 0) {
			snprintf(line, sizeof(line), "SECD: -STATE_SSL3_ALERT: SSL3 "
			    "alert [read]:[fatal]:[%s]", alert_text(tls.alert_received));
			secd(o->console, "ERR", line);
			ucerr_set(err, "%s:%d: not registered: the server rejected "
			    "the phone's %s (%s)", o->host, o->port, ph->lsc ? "LSC" :
			    "MIC", alert_text(tls.alert_received));
		}
		goto out;
	}
	if (o->console != NULL)
		fprintf(o->console, "%s: TLS established: %s, cipher %s\n", ph->name,
		    SSL_get_version(tls.ssl), SSL_get_cipher_name(tls.ssl));
	if (check_call_agent(ph, o, &tls, err) == -1) {
		ucerr_wrap(err, "%s:%d: not registered", o->host, o->port);
		goto out;
	}
	if (o->sip && phone_sip_register(ph, &tls, o->host, o->port, o->console,
	    line, sizeof(line), err) == -1) {
		ucerr_wrap(err, "%s:%d: not registered", o->host, o->port);
		goto out;
	}
	rc = 0;
out:
	tls_client_close(&tls);
	return rc;
}
