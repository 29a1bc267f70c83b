/*
 * store_sqlite.h - internals shared by the SQLite store files
 * (store_sqlite.c and the per-table files such as store_device.c).
 * Nothing outside the store_*.c files includes this.
 */
#ifndef UCPKI_STORE_SQLITE_H
#define UCPKI_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3	*db;
	char	 home[4096];
	int	 schema_version;
};

int	store_exec(struct store *st, const char *sql, struct ucerr *err);
int	store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt,
	    struct ucerr *err);
int	store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what,
	    struct ucerr *err);
int	store_column_blob(sqlite3_stmt *stmt, int col, uint8_t **out,
	    size_t *len);
void	store_column_text(sqlite3_stmt *stmt, int col, char *out, size_t outlen);

#endif
