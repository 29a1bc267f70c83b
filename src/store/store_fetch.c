/* store_fetch.c - the TFTP service's fetch records (see store_fetch.h). */
#include <stdio.h>
#include <string.h>

#include "store_fetch.h"
#include "store_sqlite.h"

/* An upsert's SET: the newer fetch replaces the row (both tables). */
#define FETCH_UPDATE "kind = excluded.kind, sha256 = excluded.sha256, " \
	"at = excluded.at, peer = excluded.peer, transport = " \
	"excluded.transport"

static void
bind_event(struct db_stmt *stmt, const struct fetch_event *e, const char *who)
{
	db_bind_text(stmt, 1, who);
	db_bind_text(stmt, 2, e->file);
	db_bind_text(stmt, 3, e->kind);
	db_bind_text(stmt, 4, e->sha256);
	db_bind_int64(stmt, 5, e->at);
	db_bind_text(stmt, 6, e->peer);
	db_bind_text(stmt, 7, e->transport);
}

static int
exec_bound(struct store *st, const char *sql, const struct fetch_event *e,
    const char *who, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	bind_event(stmt, e, who);
	db_bind_int64(stmt, 8, e->at - FETCH_CLAIM_WINDOW_S);
	db_bind_text(stmt, 9, e->addr);
	return store_step_done(st, stmt, "fetch", err);
}

int
store_fetch_record(struct store *st, const struct fetch_event *e,
    struct ucerr *err)
{
	if (e->device[0] == '\0') {
		/* Bounded: rows older than the window go. */
		if (exec_bound(st, "DELETE FROM fetch_pending WHERE at < ?8", e,
		    "", err) == -1)
			return -1;
		return exec_bound(st, "INSERT INTO fetch_pending (addr, file, "
		    "kind, sha256, at, peer, transport) VALUES (?9, ?2, ?3, ?4, "
		    "?5, ?6, ?7) ON CONFLICT (addr, file) DO UPDATE SET "
		    FETCH_UPDATE, e, "", err);
	}
	/* Only devices the store knows; the device's trigger cleans up. */
	if (exec_bound(st, "INSERT INTO device_fetch (device, file, kind, "
	    "sha256, at, peer, transport) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 "
	    "WHERE EXISTS (SELECT 1 FROM device WHERE name = ?1) ON CONFLICT "
	    "(device, file) DO UPDATE SET " FETCH_UPDATE, e, e->device,
	    err) == -1)
		return -1;
	/* The unnamed fetches just before, from the same address, were this
	 * phone's boot sequence. */
	if (exec_bound(st, "INSERT INTO device_fetch (device, file, kind, "
	    "sha256, at, peer, transport) SELECT ?1, file, kind, sha256, at, "
	    "peer, transport FROM fetch_pending WHERE addr = ?9 AND at >= ?8 "
	    "AND at <= ?5 AND EXISTS (SELECT 1 FROM device WHERE name = ?1) "
	    "ON CONFLICT (device, file) DO UPDATE SET " FETCH_UPDATE, e,
	    e->device, err) == -1)
		return -1;
	return exec_bound(st, "DELETE FROM fetch_pending WHERE addr = ?9 AND "
	    "at <= ?5", e, e->device, err);
}

int
store_fetch_last(struct store *st, const char *device, const char *kind,
    struct fetch_event *out, struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_prepare(st, "SELECT file, kind, sha256, at, peer, transport "
	    "FROM device_fetch WHERE device = ? AND kind = ? ORDER BY at DESC "
	    "LIMIT 1", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, device);
	db_bind_text(stmt, 2, kind);
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		snprintf(out->device, sizeof(out->device), "%s", device);
		store_column_text(stmt, 0, out->file, sizeof(out->file));
		store_column_text(stmt, 1, out->kind, sizeof(out->kind));
		store_column_text(stmt, 2, out->sha256, sizeof(out->sha256));
		out->at = db_column_int64(stmt, 3);
		store_column_text(stmt, 4, out->peer, sizeof(out->peer));
		store_column_text(stmt, 5, out->transport,
		    sizeof(out->transport));
		rc = 1;
	} else {
		rc = rc == DB_DONE ? 0 : ucerr_set(err, "store: fetch");
	}
	db_finish(stmt);
	return rc;
}

int
store_fetch_count_missing(struct store *st, const char *kind,
    const char *sha256, int64_t *count, struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT count(*) FROM device d WHERE NOT EXISTS "
	    "(SELECT 1 FROM device_fetch f WHERE f.device = d.name AND f.kind "
	    "= ?1 AND f.sha256 = ?2)", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, kind);
	db_bind_text(stmt, 2, sha256);
	rc = db_step(stmt);
	*count = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
	db_finish(stmt);
	return rc == DB_ROW ? 0 : ucerr_set(err, "store: fetch count");
}

int
store_fetch_each(struct store *st, const char *device, fetch_cb cb, void *ctx,
    struct ucerr *err)
{
	struct fetch_event e;
	struct db_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT file, kind, sha256, at, peer, transport "
	    "FROM device_fetch WHERE device = ? ORDER BY at DESC, file", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, device);
	while (rc == 0 && (step = db_step(stmt)) == DB_ROW) {
		memset(&e, 0, sizeof(e));
		snprintf(e.device, sizeof(e.device), "%s", device);
		store_column_text(stmt, 0, e.file, sizeof(e.file));
		store_column_text(stmt, 1, e.kind, sizeof(e.kind));
		store_column_text(stmt, 2, e.sha256, sizeof(e.sha256));
		e.at = db_column_int64(stmt, 3);
		store_column_text(stmt, 4, e.peer, sizeof(e.peer));
		store_column_text(stmt, 5, e.transport, sizeof(e.transport));
		rc = cb(ctx, &e);
	}
	if (rc == 0 && step != DB_DONE)
		rc = store_fail(st, "device_fetch", err);
	db_finish(stmt);
	return rc;
}
