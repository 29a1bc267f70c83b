/*
 * renew.h - LSC renewals before expiry: once a device's LSC has passed
 * a fraction of its lifetime (capf.renew_at, e.g. 2/3; off by default)
 * the monitor schedules an install by the existing certificate, to be
 * done within capf.renew_within_s.  The phone keeps its old LSC, valid,
 * until the new one is stored.
 */
#ifndef UCPKI_RENEW_H
#define UCPKI_RENEW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

struct store;

/* Operation Completes By for a renewal, when the administrator sets none. */
#define RENEW_WITHIN_DEFAULT_S	(7 * 86400L)

struct renew_config {
	int	 enabled;
	long	 num, den;		/* the fraction of the lifetime */
	long	 within_s;		/* Operation Completes By, from scheduling */
};

/* "2/3", "0.75" or "75%" (above 0, below 1), or "off" (*num 0). */
int	renew_fraction_parse(const char *s, long *num, long *den);
/* "2/3" or "off". */
void	renew_fraction_text(const struct renew_config *c, char *out,
	    size_t outlen);
int	renew_config_load(struct store *st, struct renew_config *c,
	    struct ucerr *err);
/* Stores what is given: fraction NULL or within_s 0 leaves it be. */
int	renew_config_save(struct store *st, const char *fraction,
	    long within_s, struct ucerr *err);
/* When an LSC valid from not_before to not_after is due for renewal. */
time_t	renew_due_at(const struct renew_config *c, time_t not_before,
	    time_t not_after);
/*
 * Inside the caller's transaction: schedules the renewal of name's LSC
 * if the device still holds exactly that LSC (lsc_sha256) and has no
 * operation pending, and audits it in the device's history.  Returns 1
 * when scheduled, 0 when the device changed meanwhile, -1 on error.
 */
int	renew_schedule(struct store *st, const struct renew_config *c,
	    const char *name, const char *lsc_sha256, time_t now,
	    time_t *deadline, struct ucerr *err);

#endif
