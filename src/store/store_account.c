/* store_account.c - the web pages' accounts in SQLite (see store_account.h). */
#include <string.h>

#include "store_account.h"
#include "store_sqlite.h"

#define ACCOUNT_COLUMNS "name, role, hash, failures, locked_until, " \
	"created_at, password_at"

int
store_account_add(struct store *st, const struct account_row *row,
    struct ucerr *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, "INSERT INTO admin_account (" ACCOUNT_COLUMNS
	    ") VALUES (?, ?, ?, ?, ?, ?, ?)", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, row->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, row->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, row->failures);
	sqlite3_bind_int64(stmt, 5, row->locked_until);
	sqlite3_bind_int64(stmt, 6, row->created_at);
	sqlite3_bind_int64(stmt, 7, row->password_at);
	if (store_step_done(st, stmt, "admin_account", err) == -1)
		return store_was_duplicate(st) ? ucerr_set(err, "account %s: "
		    "already exists", row->name) : -1;
	return 0;
}

int
store_account_remove(struct store *st, const char *name, struct ucerr *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, "DELETE FROM admin_account WHERE name = ?", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (store_step_done(st, stmt, "admin_account", err) == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

static void
read_row(sqlite3_stmt *stmt, struct account_row *row)
{
	memset(row, 0, sizeof(*row));
	store_column_text(stmt, 0, row->name, sizeof(row->name));
	store_column_text(stmt, 1, row->role, sizeof(row->role));
	store_column_text(stmt, 2, row->hash, sizeof(row->hash));
	row->failures = sqlite3_column_int(stmt, 3);
	row->locked_until = sqlite3_column_int64(stmt, 4);
	row->created_at = sqlite3_column_int64(stmt, 5);
	row->password_at = sqlite3_column_int64(stmt, 6);
}

int
store_account_get(struct store *st, const char *name, struct account_row *row,
    struct ucerr *err)
{
	sqlite3_stmt *stmt;
	int step, rc = 0;

	if (store_prepare(st, "SELECT " ACCOUNT_COLUMNS " FROM admin_account "
	    "WHERE name = ?", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_row(stmt, row);
		rc = 1;
	} else if (step != SQLITE_DONE)
		rc = store_fail(st, step, "admin_account", err);
	sqlite3_finalize(stmt);
	return rc;
}

int
store_account_update(struct store *st, const struct account_row *row,
    struct ucerr *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, "UPDATE admin_account SET role = ?, hash = ?, "
	    "failures = ?, locked_until = ?, password_at = ? WHERE name = ?",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, row->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, row->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, row->failures);
	sqlite3_bind_int64(stmt, 4, row->locked_until);
	sqlite3_bind_int64(stmt, 5, row->password_at);
	sqlite3_bind_text(stmt, 6, row->name, -1, SQLITE_STATIC);
	if (store_step_done(st, stmt, "admin_account", err) == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

int
store_account_each(struct store *st, account_cb cb, void *ctx,
    struct ucerr *err)
{
	struct account_row row;
	sqlite3_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT " ACCOUNT_COLUMNS " FROM admin_account "
	    "ORDER BY name", &stmt, err) == -1)
		return -1;
	while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_row(stmt, &row);
		rc = cb(ctx, &row);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(st, step, "admin_account", err);
	sqlite3_finalize(stmt);
	memset(&row, 0, sizeof(row));
	return rc;
}
