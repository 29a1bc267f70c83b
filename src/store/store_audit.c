/* store_audit.c - the audit trail in SQLite (see store_audit.h). */
#include <string.h>

#include "store_audit.h"
#include "store_sqlite.h"

int
store_audit_add(struct store *st, const struct audit_row *row, int64_t keep,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO audit (at, who, via, peer, action, "
	    "object, result, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    &stmt, err) == -1)
		return -1;
	db_bind_int64(stmt, 1, row->at);
	db_bind_text(stmt, 2, row->who);
	db_bind_text(stmt, 3, row->via);
	db_bind_text(stmt, 4, row->peer);
	db_bind_text(stmt, 5, row->action);
	db_bind_text(stmt, 6, row->object);
	db_bind_text(stmt, 7, row->result);
	db_bind_text(stmt, 8, row->before);
	db_bind_text(stmt, 9, row->after);
	if (store_step_done(st, stmt, "audit", err) == -1)
		return -1;
	/* ids only grow: everything below the newest keep goes, by the
	 * primary key, so trimming costs what it removes. */
	if (store_prepare(st, "DELETE FROM audit WHERE id <= "
	    "(SELECT max(id) FROM audit) - ?", &stmt, err) == -1)
		return -1;
	db_bind_int64(stmt, 1, keep);
	return store_step_done(st, stmt, "audit", err);
}

int
store_audit_each(struct store *st, int64_t since, int64_t limit, audit_cb cb,
    void *ctx, struct ucerr *err)
{
	struct audit_row row;
	struct db_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT id, at, who, via, peer, action, object, "
	    "result, before, after FROM audit WHERE at >= ? ORDER BY id DESC "
	    "LIMIT ?", &stmt, err) == -1)
		return -1;
	db_bind_int64(stmt, 1, since);
	db_bind_int64(stmt, 2, limit);
	while (rc == 0 && (step = db_step(stmt)) == DB_ROW) {
		memset(&row, 0, sizeof(row));
		row.id = db_column_int64(stmt, 0);
		row.at = db_column_int64(stmt, 1);
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
	if (rc == 0 && step != DB_DONE)
		rc = store_fail(st, "audit", err);
	db_finish(stmt);
	return rc;
}
