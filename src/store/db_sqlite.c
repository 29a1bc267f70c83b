/* db_sqlite.c - db.h over SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"

/* Enough for every statement the store writes, with each device-filter
 * combination; past it statements are prepared per use, never refused. */
#define DB_CACHE_MAX	512
#define DB_BUCKETS	128

struct db_stmt {
	struct db	*db;
	sqlite3_stmt	*s;
	char		*sql;		/* NULL: not kept, finalized at finish */
	int		 in_use;
	struct db_stmt	*next;		/* the bucket's chain */
};

struct db {
	sqlite3		*h;
	struct db_stmt	*buckets[DB_BUCKETS];
	int		 cached;
	enum db_class	 cls;
	int		 sys_errno;
	char		 msg[256];
};

static unsigned
sql_hash(const char *s)
{
	unsigned h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h % DB_BUCKETS;
}

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
	db->cls = classify(rc);
	db->sys_errno = db->h != NULL ? sqlite3_system_errno(db->h) : 0;
	/* What is wrong with the file itself reads as SQLite's name for
	 * the code ("file is not a database"); a statement's own failure
	 * as its message ("no such table: x"). */
	snprintf(db->msg, sizeof(db->msg), "%s", db->cls == DB_OTHER &&
	    db->h != NULL ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
	return -1;
}

static void
ok(struct db *db)
{
	db->cls = DB_OK;
	db->sys_errno = 0;
	db->msg[0] = '\0';
}

struct db *
db_sqlite_open(const char *path, int flags, int busy_ms)
{
	struct db *db;
	int rc, oflags = SQLITE_OPEN_NOMUTEX;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if (flags & DB_SQLITE_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE;
	if (flags & DB_SQLITE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (flags & DB_SQLITE_URI)
		oflags |= SQLITE_OPEN_URI;
	rc = sqlite3_open_v2(path, &db->h, oflags, NULL);
	if (rc != SQLITE_OK)
		fail(db, rc);
	else {
		sqlite3_busy_timeout(db->h, busy_ms);
		/* A duplicate key is told from other constraints by its
		 * extended code. */
		sqlite3_extended_result_codes(db->h, 1);
	}
	return db;
}

const char *
db_sqlite_version(void)
{
	return sqlite3_libversion();
}

void
db_close(struct db *db)
{
	struct db_stmt *s, *next;
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < DB_BUCKETS; i++)
		for (s = db->buckets[i]; s != NULL; s = next) {
			next = s->next;
			sqlite3_finalize(s->s);
			free(s->sql);
			free(s);
		}
	sqlite3_close(db->h);
	free(db);
}

int
db_exec(struct db *db, const char *sql)
{
	int rc;

	ok(db);
	if ((rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return fail(db, rc);
	return 0;
}

int
db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int
db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void
db_rollback(struct db *db)
{
	enum db_class cls = db->cls;
	int sys_errno = db->sys_errno;
	char msg[sizeof(db->msg)];

	if (!db_in_transaction(db))
		return;
	/* The failure that led here is the one to report. */
	memcpy(msg, db->msg, sizeof(msg));
	db_exec(db, "ROLLBACK");
	db->cls = cls;
	db->sys_errno = sys_errno;
	memcpy(db->msg, msg, sizeof(msg));
}

int
db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

int64_t
db_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

enum db_class
db_error_class(const struct db *db)
{
	return db->cls;
}

const char *
db_error_message(const struct db *db)
{
	return db->msg;
}

int
db_error_errno(const struct db *db)
{
	return db->sys_errno;
}

struct db_stmt *
db_prepare(struct db *db, const char *sql)
{
	struct db_stmt *s, **bucket = &db->buckets[sql_hash(sql)];
	int rc, keep;

	ok(db);
	for (s = *bucket; s != NULL; s = s->next)
		if (!s->in_use && strcmp(s->sql, sql) == 0) {
			s->in_use = 1;
			return s;
		}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		fail(db, SQLITE_NOMEM);
		return NULL;
	}
	/* A second copy of a statement in use is not kept: the cache holds
	 * one per text. */
	keep = db->cached < DB_CACHE_MAX;
	for (struct db_stmt *t = *bucket; keep && t != NULL; t = t->next)
		if (strcmp(t->sql, sql) == 0)
			keep = 0;
	rc = sqlite3_prepare_v3(db->h, sql, -1, keep ?
	    SQLITE_PREPARE_PERSISTENT : 0, &s->s, NULL);
	if (rc != SQLITE_OK) {
		fail(db, rc);
		free(s);
		return NULL;
	}
	s->db = db;
	s->in_use = 1;
	if (keep && (s->sql = strdup(sql)) != NULL) {
		s->next = *bucket;
		*bucket = s;
		db->cached++;
	}
	return s;
}

void
db_bind_text(struct db_stmt *stmt, int i, const char *s)
{
	sqlite3_bind_text(stmt->s, i, s, -1, SQLITE_STATIC);
}

void
db_bind_int64(struct db_stmt *stmt, int i, int64_t v)
{
	sqlite3_bind_int64(stmt->s, i, v);
}

void
db_bind_blob(struct db_stmt *stmt, int i, const void *p, size_t len)
{
	/* A NULL pointer binds NULL, as SQLite does. */
	sqlite3_bind_blob64(stmt->s, i, p, len, SQLITE_STATIC);
}

void
db_bind_null(struct db_stmt *stmt, int i)
{
	sqlite3_bind_null(stmt->s, i);
}

int
db_step(struct db_stmt *stmt)
{
	int rc;

	ok(stmt->db);
	rc = sqlite3_step(stmt->s);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return fail(stmt->db, rc);
}

int
db_column_is_null(struct db_stmt *stmt, int col)
{
	return sqlite3_column_type(stmt->s, col) == SQLITE_NULL;
}

int64_t
db_column_int64(struct db_stmt *stmt, int col)
{
	return sqlite3_column_int64(stmt->s, col);
}

int
db_column_int(struct db_stmt *stmt, int col)
{
	return sqlite3_column_int(stmt->s, col);
}

const char *
db_column_text(struct db_stmt *stmt, int col)
{
	const unsigned char *s = sqlite3_column_text(stmt->s, col);

	return s != NULL ? (const char *)s : "";
}

const uint8_t *
db_column_blob(struct db_stmt *stmt, int col, size_t *len)
{
	const uint8_t *p = sqlite3_column_blob(stmt->s, col);
	int n = sqlite3_column_bytes(stmt->s, col);

	*len = p != NULL && n > 0 ? (size_t)n : 0;
	return *len > 0 ? p : NULL;
}

void
db_finish(struct db_stmt *stmt)
{
	if (stmt == NULL)
		return;
	if (stmt->sql == NULL) {
		sqlite3_finalize(stmt->s);
		free(stmt);
		return;
	}
	/* Reset ends its read of the database (a kept statement that was
	 * not reset would hold the snapshot, and a checkpoint, back). */
	sqlite3_reset(stmt->s);
	sqlite3_clear_bindings(stmt->s);
	stmt->in_use = 0;
}
