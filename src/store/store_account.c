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
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO admin_account (" ACCOUNT_COLUMNS
	    ") VALUES (?, ?, ?, ?, ?, ?, ?)", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->name);
	db_bind_text(stmt, 2, row->role);
	db_bind_text(stmt, 3, row->hash);
	db_bind_int64(stmt, 4, row->failures);
	db_bind_int64(stmt, 5, row->locked_until);
	db_bind_int64(stmt, 6, row->created_at);
	db_bind_int64(stmt, 7, row->password_at);
	if (store_step_done(st, stmt, "admin_account", err) == -1)
		return store_was_duplicate(st) ? ucerr_set(err, "account %s: "
		    "already exists", row->name) : -1;
	return 0;
}

int
store_account_remove(struct store *st, const char *name, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "DELETE FROM admin_account WHERE name = ?", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	if (store_step_done(st, stmt, "admin_account", err) == -1)
		return -1;
	return db_changes(st->db) > 0;
}

static void
read_row(struct db_stmt *stmt, struct account_row *row)
{
	memset(row, 0, sizeof(*row));
	store_column_text(stmt, 0, row->name, sizeof(row->name));
	store_column_text(stmt, 1, row->role, sizeof(row->role));
	store_column_text(stmt, 2, row->hash, sizeof(row->hash));
	row->failures = db_column_int(stmt, 3);
	row->locked_until = db_column_int64(stmt, 4);
	row->created_at = db_column_int64(stmt, 5);
	row->password_at = db_column_int64(stmt, 6);
}

int
store_account_get(struct store *st, const char *name, struct account_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;
	int step, rc = 0;

	if (store_prepare(st, "SELECT " ACCOUNT_COLUMNS " FROM admin_account "
	    "WHERE name = ?", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	if ((step = db_step(stmt)) == DB_ROW) {
		read_row(stmt, row);
		rc = 1;
	} else if (step != DB_DONE)
		rc = store_fail(st, "admin_account", err);
	db_finish(stmt);
	return rc;
}

int
store_account_update(struct store *st, const struct account_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "UPDATE admin_account SET role = ?, hash = ?, "
	    "failures = ?, locked_until = ?, password_at = ? WHERE name = ?",
	    &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->role);
	db_bind_text(stmt, 2, row->hash);
	db_bind_int64(stmt, 3, row->failures);
	db_bind_int64(stmt, 4, row->locked_until);
	db_bind_int64(stmt, 5, row->password_at);
	db_bind_text(stmt, 6, row->name);
	if (store_step_done(st, stmt, "admin_account", err) == -1)
		return -1;
	return db_changes(st->db) > 0;
}

int
store_account_each(struct store *st, account_cb cb, void *ctx,
    struct ucerr *err)
{
	struct account_row row;
	struct db_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT " ACCOUNT_COLUMNS " FROM admin_account "
	    "ORDER BY name", &stmt, err) == -1)
		return -1;
	while (rc == 0 && (step = db_step(stmt)) == DB_ROW) {
		read_row(stmt, &row);
		rc = cb(ctx, &row);
	}
	if (rc == 0 && step != DB_DONE)
		rc = store_fail(st, "admin_account", err);
	db_finish(stmt);
	memset(&row, 0, sizeof(row));
	return rc;
}
