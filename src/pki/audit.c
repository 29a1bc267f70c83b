/* audit.c - the audit trail's rule (see audit.h). */
#include <pwd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cert_view.h"
#include "clock.h"
#include "device.h"
#include "device_view.h"
#include "store.h"
#include "text.h"
#include "x509.h"

/*
 * A device's settings and certificates as one line, hashed.  The
 * authentication string is not in it (only whether there is one): a
 * digest of a few digits beside fields anyone can read would give the
 * digits away.
 */
static void
device_digest(const struct device *d, char out[65])
{
	char lsc[65] = "", mic[65] = "", line[1024];

	if (d->lsc_der != NULL)
		sha256_hex(d->lsc_der, d->lsc_len, lsc);
	if (d->mic_der != NULL)
		sha256_hex(d->mic_der, d->mic_len, mic);
	snprintf(line, sizeof(line), "%s\n%s\n%d\n%d\n%d\n%s\n%d\n%lld\n%d\n"
	    "%d\n%d\n%s\n%s", d->name, d->model, d->operation, d->auth_mode,
	    d->auth_string[0] != '\0', d->key_type, d->key_order,
	    (long long)d->deadline, d->status, d->security_mode,
	    d->encrypted_config, lsc, mic);
	sha256_hex(line, strlen(line), out);
}

void
audit_fingerprint(struct store *st, enum audit_kind kind, const char *a,
    const char *b, char out[65])
{
	const struct purpose_info *p;
	struct device d;
	struct ucerr err;
	char type[32], label[300];
	X509 *cert = NULL;

	out[0] = '\0';
	if (st == NULL || a == NULL)
		return;
	switch (kind) {
	case AUDIT_IDENTITY:
		if ((p = purpose_find(a)) != NULL &&
		    identity_cert_get(st, p, &cert, type, &err) == 1)
			cert_sha256_hex(cert, out);
		break;
	case AUDIT_TRUST:
		if (b != NULL && trust_cert_get(st, a, b, &cert, label,
		    sizeof(label), &err) == 1)
			cert_sha256_hex(cert, out);
		break;
	case AUDIT_DEVICE:
		if (device_lookup(st, a, &d, &err) == 1) {
			device_digest(&d, out);
			device_free(&d);
		}
		break;
	case AUDIT_NONE:
		break;
	}
	X509_free(cert);
}

/* Names and messages are the peer's or the user's: one line, escaped. */
static void
field(char *dst, size_t dstlen, const char *src)
{
	text_escape(src != NULL ? src : "", dst, dstlen);
}

int
audit_record(struct store *st, const struct audit_entry *e, struct ucerr *err)
{
	struct audit_row row;

	memset(&row, 0, sizeof(row));
	row.at = (int64_t)clock_now();
	field(row.who, sizeof(row.who), e->who);
	field(row.via, sizeof(row.via), e->via);
	field(row.peer, sizeof(row.peer), e->peer);
	field(row.action, sizeof(row.action), e->action);
	field(row.object, sizeof(row.object), e->object);
	field(row.result, sizeof(row.result), e->result != NULL &&
	    e->result[0] != '\0' ? e->result : "ok");
	field(row.before, sizeof(row.before), e->before);
	field(row.after, sizeof(row.after), e->after);
	return store_audit_add(st, &row, AUDIT_KEEP, err);
}

void
audit_local_user(char out[64])
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL)
		snprintf(out, 64, "%s", pw->pw_name);
	else
		snprintf(out, 64, "uid %u", (unsigned)geteuid());
}

int
audit_each(struct store *st, int64_t since, int64_t limit, audit_cb cb,
    void *ctx, struct ucerr *err)
{
	return store_audit_each(st, since, limit, cb, ctx, err);
}

void
audit_json(struct json *j, const struct audit_row *row)
{
	json_object_begin(j, NULL);
	json_int(j, "id", row->id);
	json_time(j, "at", (time_t)row->at);
	json_string(j, "who", row->who);
	json_string(j, "via", row->via);
	json_string(j, "from", row->peer);
	json_string(j, "action", row->action);
	json_string(j, "object", row->object);
	json_string(j, "result", row->result);
	json_string(j, "before", row->before);
	json_string(j, "after", row->after);
	json_object_end(j);
}

int
audit_since_parse(const char *s, int64_t *since, struct ucerr *err)
{
	long period;
	time_t t;

	if (clock_parse_period(s, &period) == 0) {
		*since = (int64_t)clock_now() - period;
		return 0;
	}
	if ((t = clock_parse_local(s)) == -1)
		return ucerr_set(err, "--since '%s': a period (7d, 24h) or a "
		    "time (\"YYYY-MM-DD HH:MM\")", s);
	*since = (int64_t)t;
	return 0;
}

int
audit_limit_parse(const char *s, int64_t *limit, struct ucerr *err)
{
	char *end;
	long long v;

	*limit = AUDIT_LIMIT_DEFAULT;
	if (s == NULL)
		return 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || v < 1 || v > AUDIT_KEEP)
		return ucerr_set(err, "--limit '%s': a number of rows from 1 "
		    "to %d", s, AUDIT_KEEP);
	*limit = v;
	return 0;
}
