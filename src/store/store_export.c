/*
 * store_export.c - the files and directories ucpki keeps current for
 * other servers (see store.h): rewritten after every change of what they
 * hold.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "store_sqlite.h"

int
store_export_put(struct store *st, const struct export_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO export (path, kind, what, added_at) "
	    "VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET kind = "
	    "excluded.kind, what = excluded.what, added_at = excluded.added_at",
	    &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->path);
	db_bind_text(stmt, 2, row->kind);
	db_bind_text(stmt, 3, row->what);
	db_bind_int64(stmt, 4, (int64_t)time(NULL));
	return store_step_done(st, stmt, "export", err);
}

int
store_export_delete(struct store *st, const char *path, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "DELETE FROM export WHERE path = ?", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, path);
	if (store_step_done(st, stmt, "export", err) == -1)
		return -1;
	return db_changes(st->db) > 0;
}

int
store_export_each(struct store *st, export_cb cb, void *ctx,
    struct ucerr *err)
{
	struct export_row row;
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT path, kind, what, added_at FROM export "
	    "ORDER BY path", &stmt, err) == -1)
		return -1;
	while ((rc = db_step(stmt)) == DB_ROW) {
		memset(&row, 0, sizeof(row));
		store_column_text(stmt, 0, row.path, sizeof(row.path));
		store_column_text(stmt, 1, row.kind, sizeof(row.kind));
		store_column_text(stmt, 2, row.what, sizeof(row.what));
		row.added_at = db_column_int64(stmt, 3);
		if ((rc = cb(ctx, &row)) != 0) {
			db_finish(stmt);
			return rc;
		}
	}
	db_finish(stmt);
	return rc == DB_DONE ? 0 : ucerr_set(err, "store: export");
}
