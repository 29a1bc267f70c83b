/*
 * store_migrate.h - `ucpki store migrate --to ADDRESS`: a SQLite home's
 * store copied into an empty PostgreSQL database, in one transaction,
 * verified before it commits (every table's rows counted on both sides,
 * the SHA-256 of every certificate and other DER value compared), and
 * then the home pointed at PostgreSQL.  Keys stay files in the home.
 */
#ifndef UCPKI_STORE_MIGRATE_H
#define UCPKI_STORE_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define MIGRATE_TABLES_MAX	48

struct migrate_table {
	char		 name[64];
	int64_t		 rows;		/* the same on both sides */
};

/* One DER value (a certificate, a CSR, a CRL) and its fingerprint. */
struct migrate_der {
	char		 where[96];	/* table.column */
	char		 key[160];	/* the row's primary key */
	char		 sha256[65];
};

struct store_migration {
	struct migrate_table	 tables[MIGRATE_TABLES_MAX];
	size_t			 n_tables;
	struct migrate_der	*ders;	/* sorted by where, key */
	size_t			 n_ders;
	int64_t			 generation;	/* the new store's */
	int			 dry_run;	/* rolled back, the home as it was */
	char			 backup[4200];	/* where the SQLite file went */
};

/*
 * Copies home's SQLite store into the PostgreSQL database at to (which
 * must hold no ucpki rows), verifies it and commits; then renames
 * <home>/ucpki.db to <home>/ucpki.db.pre-migrate and, last, writes
 * <home>/store.  dry_run: all of it but the commit and the home's files.
 * The serve on the home must be stopped.
 */
int	store_migrate(const char *home, const char *to, int dry_run,
	    struct store_migration *m, struct ucerr *err);
void	store_migration_free(struct store_migration *m);

#endif
