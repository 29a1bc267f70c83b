/*
 * db.c - what every engine under db.h shares: the statement cache (one
 * prepared statement per SQL text and connection), the record of the
 * last failure, and the calls that only dispatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_impl.h"

/* Enough for every statement the store writes, with each device-filter
 * combination; past it statements are prepared per use, never refused. */
#define DB_CACHE_MAX	512

static unsigned
sql_hash(const char *s)
{
	unsigned h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h % DB_BUCKETS;
}

struct db *
db_new(const struct db_ops *ops, enum db_dialect dialect)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->ops = ops;
	db->dialect = dialect;
	return db;
}

int
db_fail(struct db *db, enum db_class cls, int sys_errno, const char *msg)
{
	db->cls = cls;
	db->sys_errno = sys_errno;
	snprintf(db->msg, sizeof(db->msg), "%s", msg);
	return -1;
}

void
db_ok(struct db *db)
{
	db->cls = DB_OK;
	db->sys_errno = 0;
	db->msg[0] = '\0';
}

void
db_each_kept(struct db *db, void (*fn)(struct db_stmt *))
{
	struct db_stmt *s;
	size_t i;

	for (i = 0; i < DB_BUCKETS; i++)
		for (s = db->buckets[i]; s != NULL; s = s->next)
			fn(s);
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
			db->ops->finalize(s);
			free(s->sql);
			free(s);
		}
	db->ops->close(db);
	free(db);
}

enum db_dialect
db_dialect(const struct db *db)
{
	return db->dialect;
}

int
db_exec(struct db *db, const char *sql)
{
	db_ok(db);
	return db->ops->exec(db, sql);
}

int
db_exec_schema(struct db *db, const char *sql)
{
	char *own;
	int rc;

	if (db->ops->schema_words == NULL)
		return db_exec(db, sql);
	if ((own = db->ops->schema_words(sql)) == NULL)
		return db_fail(db, DB_OTHER, 0, "out of memory");
	rc = db_exec(db, own);
	free(own);
	return rc;
}

int
db_begin(struct db *db)
{
	return db_exec(db, db->ops->begin_sql);
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
	return db->ops->in_transaction(db);
}

int64_t
db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int
db_user_version(struct db *db, int *version)
{
	db_ok(db);
	*version = 0;
	return db->ops->user_version(db, version);
}

int
db_set_user_version(struct db *db, int version)
{
	db_ok(db);
	return db->ops->set_user_version(db, version);
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
	struct db_stmt *s, *t, **bucket = &db->buckets[sql_hash(sql)];
	int keep;

	db_ok(db);
	for (s = *bucket; s != NULL; s = s->next)
		if (!s->in_use && strcmp(s->sql, sql) == 0) {
			s->in_use = 1;
			return s;
		}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		db_fail(db, DB_OTHER, 0, "out of memory");
		return NULL;
	}
	/* A second copy of a statement in use is not kept: the cache holds
	 * one per text. */
	keep = db->cached < DB_CACHE_MAX;
	for (t = *bucket; keep && t != NULL; t = t->next)
		if (strcmp(t->sql, sql) == 0)
			keep = 0;
	s->db = db;
	if (keep && (s->sql = strdup(sql)) == NULL)
		keep = 0;
	if (db->ops->prepare(s, sql, keep) == -1) {
		free(s->sql);
		free(s);
		return NULL;
	}
	s->in_use = 1;
	if (keep) {
		s->next = *bucket;
		*bucket = s;
		db->cached++;
	}
	return s;
}

static void
bind(struct db_stmt *stmt, int i, enum db_type type, const void *p,
    size_t len, int64_t v)
{
	struct db_param param = { type, p, len, v };

	stmt->db->ops->bind(stmt, i, &param);
}

void
db_bind_text(struct db_stmt *stmt, int i, const char *s)
{
	/* A NULL keeps its type: PostgreSQL types a parameter by its first
	 * use, and "?1 IS NULL" alone says nothing. */
	bind(stmt, i, DB_T_TEXT, s, s != NULL ? strlen(s) : 0, 0);
}

void
db_bind_int64(struct db_stmt *stmt, int i, int64_t v)
{
	bind(stmt, i, DB_T_INT64, NULL, 0, v);
}

void
db_bind_blob(struct db_stmt *stmt, int i, const void *p, size_t len)
{
	/* A NULL pointer binds NULL, as SQLite always did. */
	bind(stmt, i, DB_T_BLOB, p, p != NULL ? len : 0, 0);
}

void
db_bind_null(struct db_stmt *stmt, int i)
{
	bind(stmt, i, DB_T_NULL, NULL, 0, 0);
}

int
db_step(struct db_stmt *stmt)
{
	db_ok(stmt->db);
	return stmt->db->ops->step(stmt);
}

int
db_column_is_null(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->is_null(stmt, col);
}

int64_t
db_column_int64(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->int64(stmt, col);
}

int
db_column_int(struct db_stmt *stmt, int col)
{
	return (int)stmt->db->ops->int64(stmt, col);
}

const char *
db_column_text(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->text(stmt, col);
}

const uint8_t *
db_column_blob(struct db_stmt *stmt, int col, size_t *len)
{
	return stmt->db->ops->blob(stmt, col, len);
}

void
db_finish(struct db_stmt *stmt)
{
	if (stmt == NULL)
		return;
	if (stmt->sql == NULL) {
		stmt->db->ops->finalize(stmt);
		free(stmt);
		return;
	}
	stmt->db->ops->reset(stmt);
	stmt->in_use = 0;
}

int
db_column_type(struct db_stmt *stmt, int col)
{
	if (stmt->db->ops->type != NULL)
		return stmt->db->ops->type(stmt, col);
	return stmt->db->ops->is_null(stmt, col) ? DB_T_NULL : DB_T_TEXT;
}

int
db_listen(struct db *db, const char *channel)
{
	db_ok(db);
	if (db->ops->listen == NULL)
		return db_fail(db, DB_OTHER, 0, "no change notification");
	return db->ops->listen(db, channel);
}

int
db_socket(struct db *db, unsigned *epoch)
{
	*epoch = 0;
	if (db->ops->socket == NULL)
		return -1;
	return db->ops->socket(db, epoch);
}

int
db_notified(struct db *db, int64_t *payload)
{
	db_ok(db);
	*payload = -1;
	if (db->ops->notified == NULL)
		return db_fail(db, DB_OTHER, 0, "no change notification");
	return db->ops->notified(db, payload);
}
