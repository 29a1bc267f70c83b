/*
 * store_sqlite.h - internals shared by the store files (store_sqlite.c
 * and the per-table files such as store_device.c), which reach the
 * database only through db.h.  Nothing outside the store_*.c files
 * includes this.
 */
#ifndef UCPKI_STORE_SQLITE_H
#define UCPKI_STORE_SQLITE_H

#include "db.h"
#include "store.h"

struct store {
	struct db *db;
	char	 home[4096];
	char	 path[4200];		/* <home>/ucpki.db or the PostgreSQL
					 * address, for messages */
	int	 schema_version;
	int	 readonly;
	int	 nested;		/* store_begin inside a transaction */
	char	 node[256];		/* this home's node (store_node.c) */
};

/* The file in a home that names its node (store_node_self_set). */
#define NODE_FILE	"node"

/* How long a statement waits for another process's write transaction. */
#define STORE_BUSY_MS	5000

/*
 * The PostgreSQL address a home's store is at (store_address.c): 1 and
 * out, or 0 for the home's own SQLite file.  With STORE_CREATE a new
 * home records UCPKI_STORE.
 */
int	store_address(const char *home, int flags, const char *want,
	    char *out, size_t outlen, struct ucerr *err);
/* A PostgreSQL address as the store takes one (no password); where names
 * it in the message. */
int	store_address_check(const char *addr, const char *where,
	    struct ucerr *err);
/* The PostgreSQL database at address, migrated, for home (store migrate's
 * target: the home itself still names its SQLite file). */
struct store *store_open_remote(const char *home, const char *address,
	    struct ucerr *err);
/* "file:PATH?QUERY" with PATH's %, ? and # escaped (SQLITE_OPEN_URI). */
void	store_uri(const char *path, const char *query, char *out, size_t outlen);
int	store_exec(struct store *st, const char *sql, struct ucerr *err);
/*
 * Sets err from the connection's last failure (db.h) and returns -1.
 * A duplicate reads "store: WHAT: already exists" (callers say which row);
 * a lock held by another process, a corrupt or foreign file, a full disk
 * name the database's path.
 */
int	store_fail(struct store *st, const char *what, struct ucerr *err);
/* Did the last failure break a UNIQUE/PRIMARY KEY constraint? */
int	store_was_duplicate(const struct store *st);
int	store_prepare(struct store *st, const char *sql, struct db_stmt **stmt,
	    struct ucerr *err);
/* Steps a statement that returns no rows, then finishes it. */
int	store_step_done(struct store *st, struct db_stmt *stmt,
	    const char *what, struct ucerr *err);
/* Copies a BLOB column into a fresh buffer. */
int	store_column_blob(struct db_stmt *stmt, int col, uint8_t **out,
	    size_t *len);
void	store_column_text(struct db_stmt *stmt, int col, char *out,
	    size_t outlen);

/* An lsc row as LSC_COLUMNS select it (l: lsc, d: device, LEFT JOIN). */
#define LSC_COLUMNS	"l.id, l.device, l.serial, l.issuer, " \
	"l.issuer_sha256, l.not_before, l.not_after, l.issued_at, " \
	"CASE WHEN d.lsc_der = l.cert_der THEN 1 ELSE 0 END, l.revoked_at, " \
	"l.revoke_reason "
/* SQL the engines spell differently (portable SQL first, where it can). */
#define STORE_SQL(st, sqlite, pg) \
	(db_dialect((st)->db) == DB_PG ? (pg) : (sqlite))

struct lsc_row;
void	store_lsc_row_read(struct db_stmt *stmt, struct lsc_row *row);
/* Steps stmt (LSC_COLUMNS), a row at a time to cb, and finalizes it;
 * cb's non-zero return stops and is returned. */
int	store_lsc_rows(struct store *st, struct db_stmt *stmt,
	    int (*cb)(void *ctx, const struct lsc_row *row), void *ctx,
	    struct ucerr *err);

#endif
