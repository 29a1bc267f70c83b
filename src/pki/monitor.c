/* monitor.c - the certificate monitor (see monitor.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "crl.h"
#include "export.h"
#include "identity.h"
#include "log.h"
#include "mail.h"
#include "monitor.h"
#include "renew.h"
#include "store.h"
#include "store_device.h"
#include "x509.h"

#define DAY 86400

static int	notify(struct store *, struct monitor_report *, struct ucerr *);

int
monitor_config_load(struct store *st, struct monitor_config *c,
    struct ucerr *err)
{
	char v[32];

	c->start_days = 30;
	c->frequency_s = DAY;
	if (store_meta_get(st, "monitor.start_days", v, sizeof(v), err) == 1)
		c->start_days = strtol(v, NULL, 10);
	if (store_meta_get(st, "monitor.frequency_s", v, sizeof(v), err) == 1)
		c->frequency_s = strtol(v, NULL, 10);
	return 0;
}

/* The seeds' catalogue name for days left, or NULL when too early. */
static const char *
alarm_for(long days, long start_days)
{
	if (days < 1)
		return "CertValidLessthanADay";
	if (days < 7)
		return "CertValidfor7days";
	if (days < 30)
		return "CertValidLessThanMonth";
	if (days < start_days)
		return "CertValidityOver30Days";
	return NULL;
}

struct ctx {
	STACK_OF(X509_CRL)	*crls;
	struct store		*st;
	const struct monitor_config *cfg;
	const struct renew_config *renew;
	time_t			 now;
	struct monitor_report	*r;
	struct ucerr		*err;
};

/* Notified already within the notification period? */
static int
notified(struct ctx *c, const char *subject, const char *alarm)
{
	int64_t last;

	if (store_alarm_last(c->st, subject, alarm, &last, NULL) != 1)
		return 0;
	return last >= 0 && c->now - last < c->cfg->frequency_s;
}

int
monitor_mark_notified(struct store *st, const struct monitor_report *r,
    struct ucerr *err)
{
	int i;

	/* Not delivered: not notified, so raised again on the next run. */
	if (r->mail_tried && !r->mail_delivered)
		return 0;
	for (i = 0; i < r->n_alarms; i++) {
		if (r->alarms[i].repeated)
			continue;
		if (store_alarm_raised(st, r->alarms[i].key, r->alarms[i].alarm,
		    (int64_t)r->now, err) == -1)
			return -1;
	}
	return 0;
}

static struct monitor_alarm *
raise_alarm(struct ctx *c, const char *alarm, const char *where,
    const char *name, const char *subject, long days)
{
	struct monitor_alarm *grown, *a;

	if ((grown = realloc(c->r->alarms, sizeof(*grown) *
	    (size_t)(c->r->n_alarms + 1))) == NULL)
		return NULL;
	c->r->alarms = grown;
	a = &c->r->alarms[c->r->n_alarms++];
	memset(a, 0, sizeof(*a));
	snprintf(a->alarm, sizeof(a->alarm), "%s", alarm);
	snprintf(a->where, sizeof(a->where), "%s", where);
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->key, sizeof(a->key), "%s", subject);
	a->days_left = days;
	a->repeated = notified(c, subject, alarm);
	if (!a->repeated)
		log_warn("monitor: %s: %s/%s: %ld day(s) left", alarm, where, name,
		    days);
	return a;
}

static void
check_cert(struct ctx *c, X509 *cert, const char *where, const char *name)
{
	time_t not_after = asn1_time_to_unix(X509_get0_notAfter(cert));
	long days = (long)((not_after - c->now) / DAY);
	const char *alarm;
	char sha[65], subject[200];

	c->r->checked++;
	if (not_after < c->now)
		days = -(long)((c->now - not_after + DAY - 1) / DAY);
	if ((alarm = alarm_for(days, c->cfg->start_days)) == NULL)
		return;
	/* One alarm per certificate and place: the same CA in two stores
	 * is two things to fix. */
	struct monitor_alarm *a;

	cert_sha256_hex(cert, sha);
	snprintf(subject, sizeof(subject), "%s/%s", where, sha);
	if ((a = raise_alarm(c, alarm, where, name, subject, days)) != NULL)
		a->not_after = not_after;
}

static int
on_identity(void *arg, const struct identity_row *row)
{
	X509 *cert;

	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == 0) {
		check_cert(arg, cert, row->purpose, row->purpose);
		X509_free(cert);
	}
	return 0;
}

static int
on_trust(void *arg, const struct trust_row *row)
{
	X509 *cert;

	struct ctx *c = arg;
	struct monitor_alarm *a;
	char subject[200];

	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == 0) {
		check_cert(c, cert, row->store, row->name);
		if (crl_revoked(c->crls, cert)) {
			snprintf(subject, sizeof(subject), "%s/%s", row->store,
			    row->sha256);
			if ((a = raise_alarm(c, "CertificateRevoked", row->store,
			    row->name, subject, 0)) != NULL)
				snprintf(a->detail, sizeof(a->detail), "revoked by "
				    "its CA's CRL: delete it from %s", row->store);
		}
		X509_free(cert);
	}
	return 0;
}

/* An LSC past renew_at, with no operation pending: to be renewed. */
static void
check_renewal(struct ctx *c, const struct device *d, X509 *cert)
{
	struct monitor_renewal *grown, *n;
	time_t not_before, not_after, due;

	if (!c->renew->enabled || d->operation != CERT_OP_NONE)
		return;
	not_before = asn1_time_to_unix(X509_get0_notBefore(cert));
	not_after = asn1_time_to_unix(X509_get0_notAfter(cert));
	if ((due = renew_due_at(c->renew, not_before, not_after)) > c->now)
		return;
	if ((grown = realloc(c->r->renewals, sizeof(*grown) *
	    (size_t)(c->r->n_renewals + 1))) == NULL)
		return;
	c->r->renewals = grown;
	n = &c->r->renewals[c->r->n_renewals++];
	memset(n, 0, sizeof(*n));
	snprintf(n->device, sizeof(n->device), "%s", d->name);
	cert_serial_hex(cert, n->serial, sizeof(n->serial));
	sha256_hex(d->lsc_der, d->lsc_len, n->lsc_sha256);
	n->not_before = not_before;
	n->not_after = not_after;
	n->due_at = due;
	n->deadline = c->now + c->renew->within_s;
	log_info("monitor: %s: LSC %s past %s of its lifetime: renewal due",
	    d->name, n->serial, c->r->renew_at);
}

static int
on_device(void *arg, const struct device *d)
{
	struct ctx *c = arg;
	long days;
	X509 *cert;

	if (d->lsc_der == NULL)
		return 0;
	days = (long)((d->lsc_not_after - (int64_t)c->now) / DAY);
	if (days < 30)
		c->r->lsc_expiring[0]++;
	if (days < 60)
		c->r->lsc_expiring[1]++;
	if (days < 90)
		c->r->lsc_expiring[2]++;
	if (cert_from_der(d->lsc_der, d->lsc_len, &cert, NULL) == 0) {
		check_cert(c, cert, d->name, "LSC");
		check_renewal(c, d, cert);
		X509_free(cert);
	}
	return 0;
}

/*
 * ITLRecovery signs the ITL that recovers every phone (itl reset): lost
 * with the server, every phone must be reset by hand.  The alarm says
 * which command backs it up and which key file to keep with it.
 */
static void
backup_alarm(struct ctx *c)
{
	struct identity_row row;
	struct monitor_alarm *a;
	char key[4096] = "";

	if ((a = raise_alarm(c, "ITLRecoveryCertBackup", "ITLRecovery",
	    "ITLRecovery", "ITLRecovery-backup", 0)) == NULL)
		return;
	if (store_identity_get(c->st, "ITLRecovery", &row, NULL) == 1) {
		identity_key_path(c->st, row.key_file, key, sizeof(key), NULL);
		identity_row_free(&row);
	}
	snprintf(a->detail, sizeof(a->detail), "not backed up: run ucpki cert "
	    "export ITLRecovery --out ITLRecovery.pem and keep that file and "
	    "the key %s (for ucpki itl reset remotekey) off this server",
	    key[0] ? key : "<home>/keys/ITLRecovery-*.key");
}

int
monitor_look(struct store *st, time_t now, struct monitor_report *r,
    struct ucerr *err)
{
	struct monitor_config cfg;
	struct renew_config renew;
	struct ctx c = { NULL, st, &cfg, &renew, now, r, err };
	int rc;

	memset(r, 0, sizeof(*r));
	r->now = now;
	if (monitor_config_load(st, &cfg, err) == -1 ||
	    renew_config_load(st, &renew, err) == -1)
		return -1;
	renew_fraction_text(&renew, r->renew_at, sizeof(r->renew_at));
	if (crl_all(st, &c.crls, err) == -1)
		return -1;
	rc = store_identity_each(st, on_identity, &c, err) != 0 ||
	    store_trust_each(st, NULL, on_trust, &c, err) != 0 ||
	    store_device_each(st, NULL, on_device, &c, err) != 0;
	sk_X509_CRL_pop_free(c.crls, X509_CRL_free);
	if (rc) {
		monitor_report_free(r);
		return -1;
	}
	/* Until the ITLRecovery certificate has been exported once. */
	if (identity_was_exported(st, "ITLRecovery", err) == 0)
		backup_alarm(&c);
	return 0;
}

int
monitor_check(struct store *st, time_t now, struct monitor_report *r,
    struct ucerr *err)
{
	if (monitor_look(st, now, r, err) == -1)
		return -1;
	if (notify(st, r, err) == -1) {
		monitor_report_free(r);
		return -1;
	}
	return 0;
}

int
monitor_run(struct store *st, time_t now, struct monitor_report *r,
    struct ucerr *err)
{
	if (monitor_check(st, now, r, err) == -1)
		return -1;
	if (store_begin(st, err) == -1)
		goto fail;
	if (monitor_mark_notified(st, r, err) == -1 ||
	    monitor_schedule_renewals(st, r, err) == -1) {
		store_rollback(st);
		goto fail;
	}
	if (store_commit(st, err) == 0)
		return 0;
fail:
	monitor_report_free(r);
	return -1;
}

int
monitor_schedule_renewals(struct store *st, struct monitor_report *r,
    struct ucerr *err)
{
	struct renew_config renew;
	int i, rc;

	if (r->n_renewals == 0)
		return 0;
	if (renew_config_load(st, &renew, err) == -1)
		return -1;
	for (i = 0; i < r->n_renewals; i++) {
		if ((rc = renew_schedule(st, &renew, r->renewals[i].device,
		    r->renewals[i].lsc_sha256, r->now, &r->renewals[i].deadline,
		    err)) == -1)
			return -1;
		r->renewals[i].scheduled = rc;
	}
	return 0;
}

int
monitor_renewals_scheduled(const struct monitor_report *r)
{
	int i, n = 0;

	for (i = 0; i < r->n_renewals; i++)
		n += r->renewals[i].scheduled;
	return n;
}

void
monitor_renewal_text(const struct monitor_report *r,
    const struct monitor_renewal *n, char *out, size_t outlen)
{
	char due[TIME_TEXT_MAX], until[TIME_TEXT_MAX], by[TIME_TEXT_MAX];

	time_format(n->due_at, due, sizeof(due));
	time_format(n->not_after, until, sizeof(until));
	time_format(n->deadline, by, sizeof(by));
	snprintf(out, outlen, "LSC %s past %s of its lifetime since %s (valid "
	    "until %s): install by existing certificate, Operation Completes "
	    "By %s", n->serial, r->renew_at, due, until, by);
}

/*
 * One e-mail with the alarms new this run (not the repeated ones).  -1
 * only for a local failure; an SMTP server that cannot be reached or
 * refuses the mail is noted in the report.
 */
static int
notify(struct store *st, struct monitor_report *r, struct ucerr *err)
{
	char to[512], url[256], node[256], line[1024], text[400], *body;
	char from[300], subject[300];
	struct ucerr why;
	size_t len = 0, cap = 4096;
	int i, fresh = 0;

	if (store_meta_get(st, "monitor.email", to, sizeof(to), err) != 1 ||
	    store_meta_get(st, "monitor.smtp", url, sizeof(url), err) != 1)
		return 0;
	snprintf(node, sizeof(node), "%s", store_node_self(st));
	if ((body = malloc(cap)) == NULL)
		return ucerr_set(err, "monitor: out of memory");
	body[0] = '\0';
	for (i = 0; i < r->n_alarms + r->n_renewals; i++) {
		if (i < r->n_alarms && r->alarms[i].repeated)
			continue;
		fresh++;
		if (i < r->n_alarms) {
			monitor_alarm_text(r, &r->alarms[i], text, sizeof(text));
			len = (size_t)snprintf(line, sizeof(line), "%s: %s/%s: "
			    "%s\r\n", r->alarms[i].alarm, r->alarms[i].where,
			    r->alarms[i].name, text);
		} else {
			/* A renewal is scheduled once: no period to repeat. */
			monitor_renewal_text(r, &r->renewals[i - r->n_alarms],
			    text, sizeof(text));
			len = (size_t)snprintf(line, sizeof(line), "%s: %s/LSC: "
			    "%s\r\n", MONITOR_RENEWAL_NAME,
			    r->renewals[i - r->n_alarms].device, text);
		}
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		if (strlen(body) + len + 1 > cap) {
			char *grown = realloc(body, cap * 2);

			if (grown == NULL)
				break;
			body = grown;
			cap *= 2;
		}
		strcat(body, line);
	}
	if (fresh > 0) {
		snprintf(from, sizeof(from), "ucpki@%s", node[0] ? node : "localhost");
		snprintf(subject, sizeof(subject), "ucpki certificate monitor on "
		    "%s: %d alarm(s) and renewal(s)", node, fresh);
		r->mail_tried = 1;
		if (mail_send(url, from, to, subject, body, &why) == 0) {
			r->mail_delivered = 1;
		} else {
			snprintf(r->mail_error, sizeof(r->mail_error), "%s",
			    why.msg);
			log_error("monitor: e-mail not delivered: %s; will retry "
			    "on the next run", why.msg);
		}
	}
	free(body);
	return 0;
}

void
monitor_report_free(struct monitor_report *r)
{
	free(r->alarms);
	free(r->renewals);
	memset(r, 0, sizeof(*r));
}

static void
renewal_json(struct json *j, const struct monitor_report *r,
    const struct monitor_renewal *n)
{
	char text[400];

	json_object_begin(j, NULL);
	json_string(j, "device", n->device);
	json_string(j, "lsc_serial", n->serial);
	json_time(j, "lsc_not_before", n->not_before);
	json_time(j, "lsc_not_after", n->not_after);
	json_time(j, "due_at", n->due_at);
	json_string(j, "operation", "install");
	/* A softphone renews the way it enrolled (device_rules.h). */
	json_string(j, "auth_mode", device_is_softphone(n->device) ? NULL :
	    "lsc");
	json_time(j, "operation_completes_by", n->deadline);
	json_bool(j, "scheduled", n->scheduled);
	monitor_renewal_text(r, n, text, sizeof(text));
	json_string(j, "text", text);
	json_object_end(j);
}

void
monitor_report_json(struct json *j, const struct monitor_report *r)
{
	char text[400];
	int i;

	json_int(j, "certificates_checked", r->checked);
	json_array_begin(j, "alarms");
	for (i = 0; i < r->n_alarms; i++) {
		json_object_begin(j, NULL);
		json_string(j, "alarm", r->alarms[i].alarm);
		json_string(j, "where", r->alarms[i].where);
		json_string(j, "name", r->alarms[i].name);
		json_int(j, "days_left", r->alarms[i].days_left);
		if (r->alarms[i].not_after != 0)
			json_time(j, "not_after", r->alarms[i].not_after);
		monitor_alarm_text(r, &r->alarms[i], text, sizeof(text));
		json_string(j, "text", text);
		json_bool(j, "repeated", r->alarms[i].repeated);
		json_object_end(j);
	}
	json_array_end(j);
	json_string(j, "renew_at", r->renew_at);
	json_array_begin(j, "renewals");
	for (i = 0; i < r->n_renewals; i++)
		renewal_json(j, r, &r->renewals[i]);
	json_array_end(j);
	if (r->mail_tried) {
		json_object_begin(j, "email");
		json_bool(j, "delivered", r->mail_delivered);
		json_string(j, "error", r->mail_delivered ? NULL : r->mail_error);
		json_object_end(j);
	}
	json_object_begin(j, "lsc_expiring");
	json_int(j, "30_days", r->lsc_expiring[0]);
	json_int(j, "60_days", r->lsc_expiring[1]);
	json_int(j, "90_days", r->lsc_expiring[2]);
	json_object_end(j);
}

void
monitor_alarm_text(const struct monitor_report *r,
    const struct monitor_alarm *a, char *out, size_t outlen)
{
	char left[64], when[TIME_TEXT_MAX];

	if (a->not_after == 0) {
		snprintf(out, outlen, "%s", a->detail);
		return;
	}
	time_describe_expiry(a->not_after, r->now, left, sizeof(left));
	time_format(a->not_after, when, sizeof(when));
	snprintf(out, outlen, "%s (%s)", left, when);
}
