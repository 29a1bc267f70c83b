/* renew.c - LSC renewals before expiry (see renew.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_rules.h"
#include "renew.h"
#include "store.h"
#include "store_device.h"
#include "x509.h"

int
renew_fraction_parse(const char *s, long *num, long *den)
{
	char *end;
	long n, d;
	double v;

	if (strcmp(s, "off") == 0) {
		*num = 0;
		*den = 1;
		return 0;
	}
	n = strtol(s, &end, 10);
	if (end != s && *end == '/') {
		d = strtol(end + 1, &end, 10);
		if (*end != '\0' || n <= 0 || d <= 0 || n >= d || d > 1000)
			return -1;
	} else {
		v = strtod(s, &end);
		if (end == s)
			return -1;
		if (strcmp(end, "%") == 0)
			v /= 100;
		else if (*end != '\0')
			return -1;
		if (!(v > 0 && v < 1))
			return -1;
		/* Per mille is finer than any lifetime needs. */
		d = 1000;
		n = (long)(v * 1000 + 0.5);
		if (n <= 0 || n >= 1000)
			return -1;
	}
	*num = n;
	*den = d;
	return 0;
}

void
renew_fraction_text(const struct renew_config *c, char *out, size_t outlen)
{
	if (!c->enabled)
		snprintf(out, outlen, "off");
	else
		snprintf(out, outlen, "%ld/%ld", c->num, c->den);
}

int
renew_config_load(struct store *st, struct renew_config *c, struct ucerr *err)
{
	char v[32];
	long within;
	int found;

	memset(c, 0, sizeof(*c));
	c->den = 1;
	c->within_s = RENEW_WITHIN_DEFAULT_S;
	if ((found = store_meta_get(st, "capf.renew_at", v, sizeof(v), err)) == -1)
		return -1;
	if (found && renew_fraction_parse(v, &c->num, &c->den) == 0)
		c->enabled = c->num > 0;
	if ((found = store_meta_get(st, "capf.renew_within_s", v, sizeof(v),
	    err)) == -1)
		return -1;
	if (found && (within = strtol(v, NULL, 10)) > 0)
		c->within_s = within;
	return 0;
}

int
renew_config_save(struct store *st, const char *fraction, long within_s,
    struct ucerr *err)
{
	char v[32];
	long num, den;

	if (fraction != NULL) {
		if (renew_fraction_parse(fraction, &num, &den) == -1)
			return ucerr_set(err, "--renew-at: say a fraction of the "
			    "LSC's lifetime (2/3, 0.75, 75%%) or off, not '%s'",
			    fraction);
		if (num == 0)
			snprintf(v, sizeof(v), "off");
		else
			snprintf(v, sizeof(v), "%ld/%ld", num, den);
		if (store_meta_set(st, "capf.renew_at", v, err) == -1)
			return -1;
	}
	if (within_s > 0) {
		snprintf(v, sizeof(v), "%ld", within_s);
		if (store_meta_set(st, "capf.renew_within_s", v, err) == -1)
			return -1;
	}
	return 0;
}

time_t
renew_due_at(const struct renew_config *c, time_t not_before,
    time_t not_after)
{
	int64_t lifetime = (int64_t)not_after - (int64_t)not_before;

	if (lifetime < 0)
		lifetime = 0;
	/* Lifetimes are seconds (at most a century), den at most 1000. */
	return (time_t)((int64_t)not_before + lifetime / c->den * c->num +
	    lifetime % c->den * c->num / c->den);
}

int
renew_schedule(struct store *st, const struct renew_config *c,
    const char *name, const char *lsc_sha256, time_t now, time_t *deadline,
    struct ucerr *err)
{
	struct device d;
	char sha[65], fraction[32], detail[160];
	int found, rc = -1;

	if ((found = store_device_get(st, name, &d, err)) != 1)
		return found;
	/* What the check saw must still hold: an administrator may have
	 * set an operation, or the phone renewed, since. */
	if (d.lsc_der == NULL || d.operation != CERT_OP_NONE) {
		rc = 0;
		goto out;
	}
	sha256_hex(d.lsc_der, d.lsc_len, sha);
	if (strcmp(sha, lsc_sha256) != 0) {
		rc = 0;
		goto out;
	}
	*deadline = now + c->within_s;
	if (device_schedule_renewal(&d, *deadline, err) == -1 ||
	    store_device_update(st, &d, err) == -1)
		goto out;
	renew_fraction_text(c, fraction, sizeof(fraction));
	snprintf(detail, sizeof(detail), "renewal scheduled by the monitor: "
	    "the LSC is past %s of its lifetime", fraction);
	if (store_device_history_add(st, name, CERT_OP_INSTALL,
	    CERT_STATUS_SCHEDULE, "", detail, err) == -1)
		goto out;
	rc = 1;
out:
	device_free(&d);
	return rc;
}
