/*
 * store_audit.h - the audit trail's rows (src/pki/audit.c makes them):
 * who changed what, from where, when, how it went, and the fingerprints
 * of the object before and after.  Bounded: adding a row trims the
 * oldest past the newest `keep`.
 */
#ifndef UCPKI_STORE_AUDIT_H
#define UCPKI_STORE_AUDIT_H

#include <stdint.h>

#include "store.h"

struct audit_row {
	int64_t	 id;
	int64_t	 at;
	char	 who[64];	/* token or account name, or the local user */
	char	 via[8];	/* "api", "web", "cli" */
	char	 peer[64];	/* address:port, or "local" */
	char	 action[64];	/* "device set", "POST /api/v1/devices/{name}" */
	char	 object[256];	/* the names the action took */
	char	 result[256];	/* "ok", or the one-line error */
	char	 before[65];	/* fingerprints; "" when none */
	char	 after[65];
};

typedef int (*audit_cb)(void *ctx, const struct audit_row *row);

/* Adds row, then keeps only the newest keep rows. */
int	store_audit_add(struct store *st, const struct audit_row *row,
	    int64_t keep, struct ucerr *err);
/* Rows at or after since (0: all), newest first, at most limit. */
int	store_audit_each(struct store *st, int64_t since, int64_t limit,
	    audit_cb cb, void *ctx, struct ucerr *err);

#endif
