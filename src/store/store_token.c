/* store_token.c - the administration API's tokens in SQLite (see store_token.h). */
#include <string.h>

#include "store_sqlite.h"
#include "store_token.h"

int
store_token_add(struct store *st, const struct token_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO api_token (name, role, sha256, "
	    "created_at) VALUES (?, ?, ?, ?)", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->name);
	db_bind_text(stmt, 2, row->role);
	db_bind_text(stmt, 3, row->sha256);
	db_bind_int64(stmt, 4, row->created_at);
	if (store_step_done(st, stmt, "api_token", err) == -1)
		return store_was_duplicate(st) ? ucerr_set(err, "token %s: "
		    "already exists", row->name) : -1;
	return 0;
}

int
store_token_remove(struct store *st, const char *name, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "DELETE FROM api_token WHERE name = ?", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	if (store_step_done(st, stmt, "api_token", err) == -1)
		return -1;
	return db_changes(st->db) > 0;
}

int
store_token_each(struct store *st, token_cb cb, void *ctx, struct ucerr *err)
{
	struct token_row row;
	struct db_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT name, role, sha256, created_at FROM "
	    "api_token ORDER BY name", &stmt, err) == -1)
		return -1;
	while (rc == 0 && (step = db_step(stmt)) == DB_ROW) {
		memset(&row, 0, sizeof(row));
		store_column_text(stmt, 0, row.name, sizeof(row.name));
		store_column_text(stmt, 1, row.role, sizeof(row.role));
		store_column_text(stmt, 2, row.sha256, sizeof(row.sha256));
		row.created_at = db_column_int64(stmt, 3);
		rc = cb(ctx, &row);
	}
	if (rc == 0 && step != DB_DONE)
		rc = store_fail(st, "api_token", err);
	db_finish(stmt);
	return rc;
}
