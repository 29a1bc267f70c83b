/*
 * store_address.c - where a home's store is: its own SQLite file
 * (<home>/ucpki.db), or a PostgreSQL database named by <home>/store.
 *
 * `ucpki init --store ADDRESS` (or UCPKI_STORE: a libpq URI or
 * connection string) records it in <home>/store; every later command and serve open the
 * store from there.  The address never holds a password (libpq finds
 * one in PGPASSFILE or ~/.pgpass, 0600): the file is not a secret, and
 * an address that carries one is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fileio.h"
#include "store_sqlite.h"

#define STORE_ADDRESS_MAX	2048

/* A PostgreSQL address: a URI, or key=value pairs (host=... dbname=...). */
static int
looks_pg(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 ||
	    strncmp(s, "postgres://", 11) == 0 || strchr(s, '=') != NULL;
}

int
store_address_check(const char *addr, const char *where, struct ucerr *err)
{
	char why[256];

	if (!looks_pg(addr))
		return ucerr_set(err, "%s: not a PostgreSQL address "
		    "(postgresql://HOST[:PORT]/DATABASE or host=... dbname=...)",
		    where);
	switch (db_pg_has_password(addr, why, sizeof(why))) {
	case -1:
		return ucerr_set(err, "%s: %s", where, why);
	case 1:
		return ucerr_set(err, "%s: the address holds a password; put "
		    "it in a passfile (PGPASSFILE or ~/.pgpass, mode 0600) "
		    "instead", where);
	}
	return 0;
}

int
store_address(const char *home, int flags, const char *want, char *out,
    size_t outlen, struct ucerr *err)
{
	char path[4096], db[4096];
	const char *env = want != NULL ? want : getenv("UCPKI_STORE");
	const char *from = want != NULL ? "--store" : "UCPKI_STORE";
	uint8_t *data;
	size_t len;

	out[0] = '\0';
	if (path_join(path, sizeof(path), home, "store", err) == -1 ||
	    path_join(db, sizeof(db), home, "ucpki.db", err) == -1)
		return -1;
	if (path_exists(path)) {
		if (file_read(path, STORE_ADDRESS_MAX, &data, &len, err) == -1)
			return -1;
		snprintf(out, outlen, "%.*s", (int)len, (const char *)data);
		free(data);
		out[strcspn(out, "\r\n")] = '\0';
		return store_address_check(out, path, err) == -1 ? -1 : 1;
	}
	/* A new home takes UCPKI_STORE; an existing SQLite home keeps its
	 * file (store migrate moves it). */
	if (!(flags & STORE_CREATE) || env == NULL || *env == '\0' ||
	    path_exists(db))
		return 0;
	if (strlen(env) >= outlen || strlen(env) >= STORE_ADDRESS_MAX)
		return ucerr_set(err, "%s: too long", from);
	if (store_address_check(env, from, err) == -1)
		return -1;
	snprintf(out, outlen, "%s", env);
	if (file_write_atomic(path, env, strlen(env), 0600, err) == -1)
		return -1;
	return 1;
}
