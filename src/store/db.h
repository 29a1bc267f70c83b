/*
 * db.h - the statement layer under the store: one connection to one
 * database, whatever engine holds it (db_sqlite.c, db_pg.c; db.c is
 * what they share).
 *
 * SQL is written once, with `?` or `?N` placeholders (SQLite's rules: a
 * bare `?` is one more than the largest number before it), so a backend
 * that numbers its parameters differently rewrites the text, not the
 * callers.  Statements are prepared once per connection and kept, keyed
 * by their SQL text: db_prepare hands back the kept one, and db_finish
 * returns it (reset, bindings cleared) for the next call.  A statement
 * asked for while its kept copy is still stepping (a callback reading the
 * same table) is prepared afresh and dropped at db_finish.
 *
 * Failures are told apart by class, not by an engine's codes: the store
 * says "already exists" for DB_DUPLICATE whichever engine refused.
 * Nothing outside src/store includes this.
 */
#ifndef UCPKI_DB_H
#define UCPKI_DB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct db;
struct db_stmt;

/* What went wrong with the last failed call on a connection. */
enum db_class {
	DB_OK = 0,
	DB_DUPLICATE,		/* a UNIQUE or PRIMARY KEY refused the row */
	DB_BUSY,		/* another session's lock outlasted the wait */
	DB_READONLY,		/* opened read-only, or the file cannot be written */
	DB_CORRUPT,		/* not a database, or a damaged one */
	DB_IO,			/* the system said no: full disk, permission, I/O */
	DB_GONE,		/* the connection to the server was lost */
	DB_OTHER,		/* anything else: the engine's message says what */
};

/* Which SQL an engine speaks, where portable SQL cannot say it. */
enum db_dialect {
	DB_SQLITE,
	DB_PG,
};

/* A value's type: a parameter's, or a column's (db_column_type). */
enum db_type { DB_T_NULL, DB_T_TEXT, DB_T_INT64, DB_T_BLOB };

/* db_step's answers. */
enum {
	DB_ERROR = -1,
	DB_DONE = 0,
	DB_ROW = 1,
};

/* Opening a SQLite database (db_sqlite.c). */
enum {
	DB_SQLITE_CREATE	= 1,	/* make the file when missing */
	DB_SQLITE_READONLY	= 2,
	DB_SQLITE_URI		= 4,	/* path is a file: URI */
};

/*
 * Opens path; NULL only when out of memory.  A connection that failed to
 * open is returned all the same, with db_error_class() saying why, so
 * the caller words the message; db_close() it.
 */
struct db	*db_sqlite_open(const char *path, int flags, int busy_ms);
const char	*db_sqlite_version(void);
/*
 * Connects to PostgreSQL (a libpq connection string or URI, multi-host
 * and target_session_attrs included); as db_sqlite_open, a failed
 * connection comes back with its class set (DB_GONE).  Passwords come
 * from libpq's own sources (PGPASSFILE, ~/.pgpass), never the string.
 * in_event_loop: reconnecting never holds a call long (STORE_EVENT_LOOP).
 */
struct db	*db_pg_open(const char *conninfo, int in_event_loop);
/* PostgreSQL connections this process holds (open or being reconnected). */
int		 db_pg_connections(void);
/* 1 when conninfo names a password, 0 when not, -1 when libpq cannot
 * read it (why says so). */
int		 db_pg_has_password(const char *conninfo, char *why,
		    size_t whylen);

enum db_dialect	 db_dialect(const struct db *db);
/* The schema's version number (0: never migrated), kept where the
 * engine keeps such things (SQLite: user_version; PostgreSQL: a table). */
int		 db_user_version(struct db *db, int *version);
/* Inside the transaction that migrated. */
int		 db_set_user_version(struct db *db, int version);

void		 db_close(struct db *db);
/* Every statement of a semicolon-separated list, in order. */
int		 db_exec(struct db *db, const char *sql);
/*
 * Schema statements in SQLite's words for types (INTEGER, BLOB, and
 * INTEGER PRIMARY KEY for a key the database numbers): each engine reads
 * them as its own (PostgreSQL: BIGINT, BYTEA, an identity column).
 */
int		 db_exec_schema(struct db *db, const char *sql);
/* BEGIN for a writer (SQLite: IMMEDIATE, the write lock at once). */
int		 db_begin(struct db *db);
int		 db_commit(struct db *db);
/* Rolls back when a transaction is open; never fails the caller. */
void		 db_rollback(struct db *db);
int		 db_in_transaction(struct db *db);
/* Rows the last INSERT, UPDATE or DELETE changed. */
int64_t		 db_changes(struct db *db);

/* The last call's failure (DB_OK when it succeeded; db_rollback keeps
 * the failure that led to it): its class, the engine's words, the
 * system's errno (0 when the system was not asked or said nothing). */
enum db_class	 db_error_class(const struct db *db);
const char	*db_error_message(const struct db *db);
int		 db_error_errno(const struct db *db);

/* NULL on failure, with the class set. */
struct db_stmt	*db_prepare(struct db *db, const char *sql);
/* Parameters count from 1; text NULL binds NULL. */
void		 db_bind_text(struct db_stmt *stmt, int i, const char *s);
void		 db_bind_int64(struct db_stmt *stmt, int i, int64_t v);
void		 db_bind_blob(struct db_stmt *stmt, int i, const void *p,
		    size_t len);
void		 db_bind_null(struct db_stmt *stmt, int i);
/* DB_ROW, DB_DONE or DB_ERROR (class set on the connection). */
int		 db_step(struct db_stmt *stmt);
/* Columns count from 0 and are valid until the next step or finish. */
int		 db_column_is_null(struct db_stmt *stmt, int col);
int64_t		 db_column_int64(struct db_stmt *stmt, int col);
int		 db_column_int(struct db_stmt *stmt, int col);
/* "" for NULL. */
const char	*db_column_text(struct db_stmt *stmt, int col);
/* NULL with *len 0 for NULL or an empty value. */
const uint8_t	*db_column_blob(struct db_stmt *stmt, int col, size_t *len);
/* What a column's value is (SQLite keeps a type per value): DB_T_NULL,
 * DB_T_TEXT, DB_T_INT64 or DB_T_BLOB (PostgreSQL: text unless NULL,
 * its columns are typed). */
int		 db_column_type(struct db_stmt *stmt, int col);
/* Done with the statement (NULL is fine): it goes back to the cache. */
void		 db_finish(struct db_stmt *stmt);

/*
 * Change notification (PostgreSQL's LISTEN; SQLite has none: -1 with
 * DB_OTHER).  db_listen subscribes to channel, again after every
 * reconnection.  db_socket is the connection's socket to wait on (-1:
 * none, lost) and *epoch says which connection it is (a reconnection
 * may reuse the number).  db_notified reads what arrived without
 * waiting: 1 with the largest payload (a number) when notifications
 * came, 0 when none, -1 when the connection is lost.
 */
int		 db_listen(struct db *db, const char *channel);
int		 db_socket(struct db *db, unsigned *epoch);
int		 db_notified(struct db *db, int64_t *payload);

#endif
