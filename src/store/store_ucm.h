/*
 * store_ucm.h - the SQLite databases of the usecallmanagernz Python tools
 * (capfctl's capf.sqlite3, tvsctl's tvs.sqlite3), read as untrusted input
 * for `ucpki import usecallmanager`.
 *
 * The file is opened read-only and immutable (no lock, no journal, no
 * WAL: nothing is ever written beside it), with triggers, views and
 * untrusted schema functions off.  Its one table must have exactly the
 * columns of a version those tools shipped (the public repository's
 * CREATE TABLE statements, or the README's upgrade path from one to the
 * next, which reaches the same column sets in another order); any other
 * table or column is refused by name.  Every cell is checked for the
 * storage class and length that version wrote before a caller sees it.
 * Meaning (device names, certificates, roles) is the caller's to check.
 */
#ifndef UCPKI_STORE_UCM_H
#define UCPKI_STORE_UCM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum ucm_kind {
	UCM_CAPF,		/* capf.sqlite3, table devices */
	UCM_TVS,		/* tvs.sqlite3, table certificates */
};

/* Columns of devices, in every version (absent ones are !present). */
enum ucm_device_col {
	UCM_DEV_NAME, UCM_DEV_OPERATION, UCM_DEV_AUTHENTICATION,
	UCM_DEV_PASSWORD, UCM_DEV_KEY_SIZE, UCM_DEV_CURVE, UCM_DEV_CURVE_NAME,
	UCM_DEV_CERTIFICATE, UCM_DEV_SERIAL, UCM_DEV_NOT_BEFORE,
	UCM_DEV_NOT_AFTER, UCM_DEV_NCOLS,
};

/* Columns of certificates, in every version. */
enum ucm_tvs_col {
	UCM_TVS_ID, UCM_TVS_HASH, UCM_TVS_SERIAL, UCM_TVS_SUBJECT,
	UCM_TVS_ISSUER, UCM_TVS_CERTIFICATE, UCM_TVS_ROLES, UCM_TVS_TTL,
	UCM_TVS_NCOLS,
};

#define UCM_COLS_MAX	16
/* More rows than any phone system has devices: a bound, not a guess. */
#define UCM_ROWS_MAX	200000

enum ucm_type { UCM_NULL, UCM_INTEGER, UCM_TEXT, UCM_BLOB };

struct ucm_value {
	int		 present;	/* the column is in this version */
	enum ucm_type	 type;
	int64_t		 integer;
	const char	*text;		/* TEXT: NUL-terminated, no NUL inside */
	const uint8_t	*bytes;		/* TEXT or BLOB */
	size_t		 len;
};

/* One row, lent to the callback only. */
struct ucm_row {
	size_t		 n;		/* 1-based, in primary-key order */
	struct ucm_value col[UCM_COLS_MAX];
};

/* A version of a table: the commit that created it, and what changed. */
struct ucm_schema {
	const char	*commits;	/* "c6dedaf" (or "c0d3eb8/8c0ed24") */
	const char	*date;		/* of the first commit */
	const char	*what;		/* "curve renamed curve_name" */
};

struct ucm_db;

int	ucm_db_open(const char *path, enum ucm_kind kind, struct ucm_db **out,
	    struct ucerr *err);
void	ucm_db_close(struct ucm_db *db);
const struct ucm_schema *ucm_db_schema(const struct ucm_db *db);
/* The file's name without its folders, as messages say it. */
const char *ucm_db_label(const struct ucm_db *db);
/* "devices", "certificates". */
const char *ucm_db_table(const struct ucm_db *db);
/* A column's name in this kind's table ("curve_name"). */
const char *ucm_db_column(const struct ucm_db *db, int col);
/* Every version of a kind's table, oldest first, terminated by commits NULL. */
const struct ucm_schema *ucm_schemas(enum ucm_kind kind);

/*
 * Calls cb for every row in primary-key order.  A callback that fails
 * sets err and returns -1; the message is then prefixed with the file,
 * table and row ("capf.sqlite3: devices row 3: ...").
 */
typedef int (*ucm_row_cb)(void *ctx, const struct ucm_row *row,
    struct ucerr *err);
int	ucm_db_each(struct ucm_db *db, ucm_row_cb cb, void *ctx,
	    struct ucerr *err);

#endif
