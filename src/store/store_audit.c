/* store_audit.c - the audit trail in SQLite (see store_audit.h). */
#include <string.h>

#include "store_audit.h"
#include "store_sqlite.h"

int
store_audit_add(struct store *st, const struct audit_row *row, int64_t keep,
    struct ucerr *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, "INSERT INTO audit (at, who, via, peer, action, "
	    "object, result, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, row->at);
	sqlite3_bind_text(stmt, 2, row->who, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->via, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, row->peer, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, row->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, row->object, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, row->result, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, row->before, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, row->after, -1, SQLITE_STATIC);
	if (store_step_done(st, stmt, "audit", err) == -1)
		return -1;
	/* ids only grow: everything below the newest keep goes, by the
	 * primary key, so trimming costs what it removes. */
	if (store_prepare(st, "DELETE FROM audit WHERE id <= "
	    "(SELECT max(id) FROM audit) - ?", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, keep);
	return store_step_done(st, stmt, "audit", err);
}

int
store_audit_each(struct store *st, int64_t since, int64_t limit, audit_cb cb,
    void *ctx, struct ucerr *err)
{
	struct audit_row row;
	sqlite3_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT id, at, who, via, peer, action, object, "
	    "result, before, after FROM audit WHERE at >= ? ORDER BY id DESC "
	    "LIMIT ?", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, limit);
	while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.id = sqlite3_column_int64(stmt, 0);
		row.at = sqlite3_column_int64(stmt, 1);
		store_column_text(stmt, 2, row.who, sizeof(row.who));
		store_column_text(stmt, 3, row.via, sizeof(row.via));
		store_column_text(stmt, 4, row.peer, sizeof(row.peer));
		store_column_text(stmt, 5, row.action, sizeof(row.action));
		store_column_text(stmt, 6, row.object, sizeof(row.object));
		store_column_text(stmt, 7, row.result, sizeof(row.result));
		store_column_text(stmt, 8, row.before, sizeof(row.before));
		store_column_text(stmt, 9, row.after, sizeof(row.after));
		rc = cb(ctx, &row);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(st, step, "audit", err);
	sqlite3_finalize(stmt);
	return rc;
}
