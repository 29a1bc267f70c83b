/*
 * store_revoked.c - revoking LSCs on record (see store_device.h): the
 * lsc row's revoked_at and revoke_reason, which CAPF's authentication
 * refuses and CAPF's CRL lists.
 */
#include <stdio.h>
#include <string.h>

#include "store_device.h"
#include "store_sqlite.h"

/* The WHERE clause choosing lsc rows (l, with their device d): ?3 the
 * device name or NULL, ?4 the serial or NULL. */
static const char *
selection(enum revoke_which which)
{
	switch (which) {
	case REVOKE_ALL:
		return "(?3 IS NULL OR l.device = ?3) AND "
		    "(?4 IS NULL OR l.serial = ?4)";
	case REVOKE_CURRENT:
		return "l.device = ?3 AND (?4 IS NULL OR l.serial = ?4) AND "
		    "d.lsc_der IS NOT NULL AND d.lsc_der = l.cert_der";
	case REVOKE_SUPERSEDED:
		return "l.device = ?3 AND (?4 IS NULL OR l.serial = ?4) AND "
		    "(d.lsc_der IS NULL OR d.lsc_der <> l.cert_der)";
	}
	return "1 = 0";
}

static void
bind_key(struct db_stmt *stmt, const char *device, const char *serial)
{
	/* NULL binds NULL: "?3 IS NULL" then chooses every device. */
	db_bind_text(stmt, 3, device);
	db_bind_text(stmt, 4, serial);
}

int
store_revoke(struct store *st, enum revoke_which which, const char *device,
    const char *serial, int reason, int64_t at, const char *issuer_sha256,
    int *matched, int *revoked, int *other_ca, struct ucerr *err)
{
	struct db_stmt *stmt;
	char sql[768];

	*matched = *revoked = 0;
	if (other_ca != NULL)
		*other_ca = 0;
	if (device == NULL && serial == NULL)
		return ucerr_set(err, "revoke: a device or a serial is needed");
	/* ?1 the current CAPF's SHA-256: which selected LSCs it did not
	 * sign (their CRL cannot be signed any more). */
	snprintf(sql, sizeof(sql), "SELECT count(*), coalesce(sum(CASE WHEN "
	    "?1 IS NOT NULL AND l.issuer_sha256 <> ?1 THEN 1 ELSE 0 END), 0) "
	    "FROM lsc l LEFT JOIN device d ON d.name = l.device WHERE %s",
	    selection(which));
	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, issuer_sha256);
	bind_key(stmt, device, serial);
	if (db_step(stmt) != DB_ROW) {
		db_finish(stmt);
		return store_fail(st, "lsc", err);
	}
	*matched = db_column_int(stmt, 0);
	if (other_ca != NULL)
		*other_ca = db_column_int(stmt, 1);
	db_finish(stmt);
	snprintf(sql, sizeof(sql), "UPDATE lsc SET revoked_at = ?1, "
	    "revoke_reason = ?2 WHERE revoked_at = 0 AND id IN (SELECT l.id "
	    "FROM lsc l LEFT JOIN device d ON d.name = l.device WHERE %s)",
	    selection(which));
	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	db_bind_int64(stmt, 1, at);
	db_bind_int64(stmt, 2, reason);
	bind_key(stmt, device, serial);
	if (store_step_done(st, stmt, "lsc", err) == -1)
		return -1;
	*revoked = db_changes(st->db);
	return 0;
}

int
store_revoked_each(struct store *st, const char *issuer_sha256,
    const char *issuer, lsc_cb cb, void *ctx, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "SELECT " LSC_COLUMNS "FROM lsc l LEFT JOIN "
	    "device d ON d.name = l.device WHERE l.revoked_at <> 0 AND "
	    "(l.issuer_sha256 = ?1 OR (l.issuer_sha256 = '' AND "
	    "l.issuer = ?2)) ORDER BY l.revoked_at, l.serial", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, issuer_sha256);
	db_bind_text(stmt, 2, issuer);
	return store_lsc_rows(st, stmt, cb, ctx, err);
}
