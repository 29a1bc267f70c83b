/* db_sqlite.c - db.h over SQLite (the engine's half; db.c the rest). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db_impl.h"

static enum db_class
classify(int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_ROWID:
		return DB_DUPLICATE;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_READONLY:
		return DB_READONLY;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		return DB_IO;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return DB_CORRUPT;
	}
	return DB_OTHER;
}

/* Records a failed call (rc its result code); returns -1. */
static int
fail(struct db *db, int rc)
{
	sqlite3 *h = db->h;
	enum db_class cls = classify(rc);

	/* What is wrong with the file itself reads as SQLite's name for
	 * the code ("file is not a database"); a statement's own failure
	 * as its message ("no such table: x"). */
	return db_fail(db, cls, h != NULL ? sqlite3_system_errno(h) : 0,
	    cls == DB_OTHER && h != NULL ? sqlite3_errmsg(h) :
	    sqlite3_errstr(rc));
}

static void
s_close(struct db *db)
{
	sqlite3_close(db->h);
}

static int
s_exec(struct db *db, const char *sql)
{
	int rc;

	if ((rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return fail(db, rc);
	return 0;
}

static int
s_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

static int64_t
s_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

static int
s_user_version(struct db *db, int *version)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &stmt,
	    NULL)) != SQLITE_OK)
		return fail(db, rc);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : fail(db, rc);
}

static int
s_set_user_version(struct db *db, int version)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	return s_exec(db, sql);
}

static int
s_prepare(struct db_stmt *stmt, const char *sql, int keep)
{
	sqlite3_stmt *h;
	int rc;

	rc = sqlite3_prepare_v3(stmt->db->h, sql, -1, keep ?
	    SQLITE_PREPARE_PERSISTENT : 0, &h, NULL);
	if (rc != SQLITE_OK)
		return fail(stmt->db, rc);
	stmt->h = h;
	return 0;
}

static void
s_finalize(struct db_stmt *stmt)
{
	sqlite3_finalize(stmt->h);
}

static void
s_bind(struct db_stmt *stmt, int i, const struct db_param *p)
{
	switch (p->type) {
	case DB_T_NULL:
		sqlite3_bind_null(stmt->h, i);
		break;
	case DB_T_TEXT:
		sqlite3_bind_text(stmt->h, i, p->p, -1, SQLITE_STATIC);
		break;
	case DB_T_INT64:
		sqlite3_bind_int64(stmt->h, i, p->v);
		break;
	case DB_T_BLOB:
		sqlite3_bind_blob64(stmt->h, i, p->p, p->len, SQLITE_STATIC);
		break;
	}
}

static int
s_step(struct db_stmt *stmt)
{
	int rc = sqlite3_step(stmt->h);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return fail(stmt->db, rc);
}

static void
s_reset(struct db_stmt *stmt)
{
	/* Reset ends its read of the database (a kept statement that was
	 * not reset would hold the snapshot, and a checkpoint, back). */
	sqlite3_reset(stmt->h);
	sqlite3_clear_bindings(stmt->h);
}

static int
s_is_null(struct db_stmt *stmt, int col)
{
	return sqlite3_column_type(stmt->h, col) == SQLITE_NULL;
}

static int64_t
s_int64(struct db_stmt *stmt, int col)
{
	return sqlite3_column_int64(stmt->h, col);
}

static const char *
s_text(struct db_stmt *stmt, int col)
{
	const unsigned char *s = sqlite3_column_text(stmt->h, col);

	return s != NULL ? (const char *)s : "";
}

static const uint8_t *
s_blob(struct db_stmt *stmt, int col, size_t *len)
{
	const uint8_t *p = sqlite3_column_blob(stmt->h, col);
	int n = sqlite3_column_bytes(stmt->h, col);

	*len = p != NULL && n > 0 ? (size_t)n : 0;
	return *len > 0 ? p : NULL;
}

static int
s_type(struct db_stmt *stmt, int col)
{
	switch (sqlite3_column_type(stmt->h, col)) {
	case SQLITE_INTEGER:
		return DB_T_INT64;
	case SQLITE_BLOB:
		return DB_T_BLOB;
	case SQLITE_NULL:
		return DB_T_NULL;
	default:
		/* A REAL never appears in ucpki's schema: as text. */
		return DB_T_TEXT;
	}
}

static const struct db_ops sqlite_ops = {
	.begin_sql = "BEGIN IMMEDIATE",
	.close = s_close,
	.exec = s_exec,
	.in_transaction = s_in_transaction,
	.changes = s_changes,
	.user_version = s_user_version,
	.set_user_version = s_set_user_version,
	.prepare = s_prepare,
	.finalize = s_finalize,
	.bind = s_bind,
	.step = s_step,
	.reset = s_reset,
	.is_null = s_is_null,
	.int64 = s_int64,
	.text = s_text,
	.blob = s_blob,
	.type = s_type,
};

struct db *
db_sqlite_open(const char *path, int flags, int busy_ms)
{
	struct db *db;
	sqlite3 *h = NULL;
	int rc, oflags = SQLITE_OPEN_NOMUTEX;

	if ((db = db_new(&sqlite_ops, DB_SQLITE)) == NULL)
		return NULL;
	if (flags & DB_SQLITE_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE;
	if (flags & DB_SQLITE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (flags & DB_SQLITE_URI)
		oflags |= SQLITE_OPEN_URI;
	rc = sqlite3_open_v2(path, &h, oflags, NULL);
	db->h = h;
	if (rc != SQLITE_OK) {
		fail(db, rc);
		return db;
	}
	sqlite3_busy_timeout(h, busy_ms);
	/* A duplicate key is told from other constraints by its extended
	 * code. */
	sqlite3_extended_result_codes(h, 1);
	return db;
}

const char *
db_sqlite_version(void)
{
	return sqlite3_libversion();
}
