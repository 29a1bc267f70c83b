/*
 * audit.h - the audit trail, once for every front end: the API's
 * dispatcher records every writing route, the CLI's dispatcher every
 * command its table marks as changing (and the web, later, its forms).
 *
 * A row says who (a token or account name, or the local user), from
 * where (the peer, or "local"), what (the action and the names it took),
 * when, how it went, and the object's fingerprints before and after: the
 * certificate's SHA-256 for an identity or a trust certificate, a digest
 * of the row for a device, "" when there is none.  Front ends pass names
 * and results only: request bodies, authentication strings, passwords,
 * keys and tokens never reach a row.
 */
#ifndef UCPKI_AUDIT_H
#define UCPKI_AUDIT_H

#include <stdint.h>

#include "err.h"
#include "json.h"
#include "store_audit.h"

/* The newest rows kept; the writer trims the rest as it adds. */
#define AUDIT_KEEP	100000

/* What the object of an action is, for its fingerprint. */
enum audit_kind {
	AUDIT_NONE,
	AUDIT_IDENTITY,		/* a: the purpose */
	AUDIT_TRUST,		/* a: the store, b: the certificate's name */
	AUDIT_DEVICE,		/* a: the device's name */
};

/* The fingerprint of the object as the store holds it now; "" when it
 * does not exist (or has none). */
void	audit_fingerprint(struct store *st, enum audit_kind kind,
	    const char *a, const char *b, char out[65]);

struct audit_entry {
	const char	*who;
	const char	*via;		/* "api", "web", "cli" */
	const char	*peer;
	const char	*action;
	const char	*object;
	const char	*result;	/* NULL or "": "ok" */
	char		 before[65];
	char		 after[65];
};

/* Adds the row (inside the caller's transaction: the writer's, or the
 * CLI's own) and trims the trail to AUDIT_KEEP rows. */
int	audit_record(struct store *st, const struct audit_entry *e,
	    struct ucerr *err);

/* The local user, as the CLI's rows name it. */
void	audit_local_user(char out[64]);

/* Rows at or after since (0: all), newest first, at most limit. */
int	audit_each(struct store *st, int64_t since, int64_t limit, audit_cb cb,
	    void *ctx, struct ucerr *err);
void	audit_json(struct json *j, const struct audit_row *row);
/* --since / ?since=: a period back from now ("7d", "24h", seconds) or a
 * time as device set's --by takes it ("YYYY-MM-DD HH:MM[ UTC]"). */
int	audit_since_parse(const char *s, int64_t *since, struct ucerr *err);

/* --limit / ?limit=: 1 to AUDIT_KEEP rows; NULL: AUDIT_LIMIT_DEFAULT. */
#define AUDIT_LIMIT_DEFAULT	100
int	audit_limit_parse(const char *s, int64_t *limit, struct ucerr *err);

#endif
