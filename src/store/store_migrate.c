/*
 * store_migrate.c - a SQLite home's store into PostgreSQL (see
 * store_migrate.h).  The copy is generic over the schema: every table
 * the SQLite file has (both sides are at this binary's schema version),
 * its columns as SQLite declares them, each value bound as SQLite stored
 * it and cast to the column's PostgreSQL type (a NULL, too, so the
 * server knows its type).  Numbered keys keep their numbers, and the
 * sequences behind them continue after the largest.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "store.h"
#include "store_migrate.h"
#include "store_sqlite.h"
#include "x509.h"

#define MIGRATE_COLUMNS_MAX	32
#define MIGRATE_SQL_MAX		4096
#define BACKUP_SUFFIX		".pre-migrate"

struct column {
	char	 name[64];
	int	 blob;		/* declared BLOB */
	int	 integer;	/* declared INTEGER */
	int	 pk;		/* its place in the primary key (0: none) */
};

struct table {
	char		 name[64];
	struct column	 cols[MIGRATE_COLUMNS_MAX];
	int		 n;
	int		 rowid_key;	/* INTEGER PRIMARY KEY: an identity on PG */
};

/* Names come from our own schema; anything else is refused, not quoted. */
static int
plain_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		    *s == '_'))
			return 0;
	return 1;
}

static int
table_columns(struct store *src, struct table *t, struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc, pks = 0;

	if (store_prepare(src, "SELECT name, upper(type), pk FROM "
	    "pragma_table_info(?)", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, t->name);
	t->n = 0;
	while ((rc = db_step(stmt)) == DB_ROW) {
		struct column *c = &t->cols[t->n];

		if (t->n == MIGRATE_COLUMNS_MAX) {
			db_finish(stmt);
			return ucerr_set(err, "store migrate: %s: more than %d "
			    "columns", t->name, MIGRATE_COLUMNS_MAX);
		}
		store_column_text(stmt, 0, c->name, sizeof(c->name));
		c->blob = strcmp(db_column_text(stmt, 1), "BLOB") == 0;
		c->integer = strcmp(db_column_text(stmt, 1), "INTEGER") == 0;
		c->pk = db_column_int(stmt, 2);
		if (!plain_name(c->name)) {
			db_finish(stmt);
			return ucerr_set(err, "store migrate: %s: unexpected "
			    "column name", t->name);
		}
		pks += c->pk > 0;
		t->n++;
	}
	db_finish(stmt);
	if (rc != DB_DONE)
		return store_fail(src, t->name, err);
	for (rc = 0; rc < t->n; rc++)
		if (t->cols[rc].pk == 1 && t->cols[rc].integer && pks == 1)
			t->rowid_key = rc + 1;
	return 0;
}

/* Every table of the SQLite file but the generation counter's. */
static int
list_tables(struct store *src, struct table **out, int *n, struct ucerr *err)
{
	struct db_stmt *stmt;
	struct table *t;
	int rc;

	*n = 0;
	if ((*out = calloc(MIGRATE_TABLES_MAX, sizeof(**out))) == NULL)
		return ucerr_set(err, "store migrate: out of memory");
	if (store_prepare(src, "SELECT name FROM sqlite_master WHERE type = "
	    "'table' AND name NOT LIKE 'sqlite_%' AND name <> 'generation' "
	    "ORDER BY name", &stmt, err) == -1)
		return -1;
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (*n == MIGRATE_TABLES_MAX) {
			db_finish(stmt);
			return ucerr_set(err, "store migrate: more than %d "
			    "tables", MIGRATE_TABLES_MAX);
		}
		t = &(*out)[(*n)++];
		store_column_text(stmt, 0, t->name, sizeof(t->name));
		if (!plain_name(t->name)) {
			db_finish(stmt);
			return ucerr_set(err, "store migrate: %s: unexpected "
			    "table name", t->name);
		}
	}
	db_finish(stmt);
	if (rc != DB_DONE)
		return store_fail(src, "tables", err);
	for (rc = 0; rc < *n; rc++)
		if (table_columns(src, &(*out)[rc], err) == -1)
			return -1;
	return 0;
}

static int
count_rows(struct store *st, const char *table, int64_t *rows,
    struct ucerr *err)
{
	struct db_stmt *stmt;
	char sql[128];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	rc = db_step(stmt);
	*rows = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
	db_finish(stmt);
	if (rc != DB_ROW)
		return store_fail(st, table, err);
	return 0;
}

/* Appends to sql, refusing what does not fit. */
static int	add(char *sql, const char *fmt, ...) UC_PRINTF(2, 3);

static int
add(char *sql, const char *fmt, ...)
{
	size_t used = strlen(sql);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sql + used, MIGRATE_SQL_MAX - used, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= MIGRATE_SQL_MAX - used ? -1 : 0;
}

static const char *
pg_type(const struct column *c)
{
	return c->blob ? "bytea" : c->integer ? "bigint" : "text";
}

static int
copy_table(struct store *src, struct store *dst, const struct table *t,
    struct ucerr *err)
{
	char sel[MIGRATE_SQL_MAX] = "SELECT ", ins[MIGRATE_SQL_MAX];
	struct db_stmt *from, *to;
	const void *p;
	size_t len;
	int i, rc;

	snprintf(ins, sizeof(ins), "INSERT INTO %s (", t->name);
	for (i = 0; i < t->n; i++)
		if (add(sel, "%s%s", i ? ", " : "", t->cols[i].name) == -1 ||
		    add(ins, "%s%s", i ? ", " : "", t->cols[i].name) == -1)
			return ucerr_set(err, "store migrate: %s: too wide",
			    t->name);
	if (add(sel, " FROM %s", t->name) == -1 ||
	    add(ins, ") VALUES (") == -1)
		return ucerr_set(err, "store migrate: %s: too wide", t->name);
	for (i = 0; i < t->n; i++)
		if (add(ins, "%s?%d::%s", i ? ", " : "", i + 1,
		    pg_type(&t->cols[i])) == -1)
			return ucerr_set(err, "store migrate: %s: too wide",
			    t->name);
	if (add(ins, ")") == -1 ||
	    store_prepare(src, sel, &from, err) == -1)
		return -1;
	while ((rc = db_step(from)) == DB_ROW) {
		if (store_prepare(dst, ins, &to, err) == -1) {
			db_finish(from);
			return -1;
		}
		for (i = 0; i < t->n; i++)
			switch (db_column_type(from, i)) {
			case DB_T_NULL:
				if (t->cols[i].blob)
					db_bind_blob(to, i + 1, NULL, 0);
				else
					db_bind_text(to, i + 1, NULL);
				break;
			case DB_T_INT64:
				db_bind_int64(to, i + 1,
				    db_column_int64(from, i));
				break;
			case DB_T_BLOB:
				p = db_column_blob(from, i, &len);
				/* An empty blob is a value, not NULL. */
				db_bind_blob(to, i + 1, p != NULL ? p : "", len);
				break;
			default:
				db_bind_text(to, i + 1,
				    db_column_text(from, i));
			}
		if (store_step_done(dst, to, t->name, err) == -1) {
			db_finish(from);
			return -1;
		}
	}
	db_finish(from);
	if (rc != DB_DONE)
		return store_fail(src, t->name, err);
	if (!t->rowid_key)
		return 0;
	/* The numbers the database hands out continue after the copy's. */
	snprintf(sel, sizeof(sel), "SELECT setval(pg_get_serial_sequence("
	    "'%s', '%s'), max(%s)) FROM %s", t->name,
	    t->cols[t->rowid_key - 1].name, t->cols[t->rowid_key - 1].name,
	    t->name);
	return store_exec(dst, sel, err);
}

static int
cmp_der(const void *a, const void *b)
{
	const struct migrate_der *x = a, *y = b;
	int c = strcmp(x->where, y->where);

	return c != 0 ? c : strcmp(x->key, y->key);
}

/* Every DER value of the store (each BLOB column), fingerprinted. */
static int
fingerprints(struct store *st, const struct table *tables, int n_tables,
    struct migrate_der **out, size_t *n, struct ucerr *err)
{
	char sql[MIGRATE_SQL_MAX], key[MIGRATE_SQL_MAX];
	struct migrate_der *d, *grown;
	struct db_stmt *stmt;
	size_t cap = 0, len;
	const uint8_t *p;
	int i, j, k, rc;

	*out = NULL;
	*n = 0;
	for (i = 0; i < n_tables; i++) {
		const struct table *t = &tables[i];

		key[0] = '\0';
		for (k = 1; k <= t->n; k++)
			for (j = 0; j < t->n; j++)
				if (t->cols[j].pk == k && add(key,
				    "%sCAST(%s AS TEXT)", key[0] ? " || '/' || " :
				    "", t->cols[j].name) == -1)
					return ucerr_set(err, "store migrate: "
					    "%s: key too wide", t->name);
		for (j = 0; j < t->n; j++) {
			if (!t->cols[j].blob)
				continue;
			snprintf(sql, sizeof(sql), "SELECT %s, %s FROM %s WHERE "
			    "%s IS NOT NULL", key[0] ? key : "''",
			    t->cols[j].name, t->name, t->cols[j].name);
			if (store_prepare(st, sql, &stmt, err) == -1)
				return -1;
			while ((rc = db_step(stmt)) == DB_ROW) {
				if (*n == cap) {
					cap = cap ? cap * 2 : 64;
					if ((grown = realloc(*out, cap *
					    sizeof(**out))) == NULL) {
						db_finish(stmt);
						return ucerr_set(err, "store "
						    "migrate: out of memory");
					}
					*out = grown;
				}
				d = &(*out)[(*n)++];
				snprintf(d->where, sizeof(d->where), "%s.%s",
				    t->name, t->cols[j].name);
				store_column_text(stmt, 0, d->key,
				    sizeof(d->key));
				p = db_column_blob(stmt, 1, &len);
				sha256_hex(p != NULL ? p : (const uint8_t *)"",
				    len, d->sha256);
			}
			db_finish(stmt);
			if (rc != DB_DONE)
				return store_fail(st, t->name, err);
		}
	}
	if (*n > 0)
		qsort(*out, *n, sizeof(**out), cmp_der);
	return 0;
}

/* Both sides the same, or a message that says where they differ. */
static int
verify(struct store *src, struct store *dst, const struct table *tables,
    int n_tables, struct store_migration *m, struct ucerr *err)
{
	struct migrate_der *theirs = NULL;
	size_t n_theirs, i;
	int64_t a, b;
	int t, rc = -1;

	for (t = 0; t < n_tables; t++) {
		if (count_rows(src, tables[t].name, &a, err) == -1 ||
		    count_rows(dst, tables[t].name, &b, err) == -1)
			return -1;
		if (a != b)
			return ucerr_set(err, "store migrate: %s: %lld rows in "
			    "SQLite, %lld in PostgreSQL: not committed",
			    tables[t].name, (long long)a, (long long)b);
		snprintf(m->tables[t].name, sizeof(m->tables[t].name), "%s",
		    tables[t].name);
		m->tables[t].rows = a;
	}
	m->n_tables = (size_t)n_tables;
	if (fingerprints(src, tables, n_tables, &m->ders, &m->n_ders,
	    err) == -1 || fingerprints(dst, tables, n_tables, &theirs,
	    &n_theirs, err) == -1)
		goto out;
	if (n_theirs != m->n_ders) {
		ucerr_set(err, "store migrate: %zu DER values in SQLite, %zu in "
		    "PostgreSQL: not committed", m->n_ders, n_theirs);
		goto out;
	}
	for (i = 0; i < n_theirs; i++)
		if (cmp_der(&m->ders[i], &theirs[i]) != 0 ||
		    strcmp(m->ders[i].sha256, theirs[i].sha256) != 0) {
			ucerr_set(err, "store migrate: %s %s: differs in "
			    "PostgreSQL: not committed", m->ders[i].where,
			    m->ders[i].key);
			goto out;
		}
	rc = 0;
out:
	free(theirs);
	return rc;
}

static int
copy_all(struct store *src, struct store *dst, struct store_migration *m,
    struct ucerr *err)
{
	struct table *tables = NULL;
	struct db_stmt *stmt;
	int64_t rows;
	int n = 0, i, rc = -1;

	if (list_tables(src, &tables, &n, err) == -1)
		goto out;
	/* Only into an empty database: a merge is not what this does. */
	for (i = 0; i < n; i++) {
		if (count_rows(dst, tables[i].name, &rows, err) == -1)
			goto out;
		if (rows > 0) {
			ucerr_set(err, "store migrate: %s: not empty (%s has "
			    "%lld rows); the target must be a new database",
			    dst->path, tables[i].name, (long long)rows);
			goto out;
		}
	}
	if (store_begin(dst, err) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (copy_table(src, dst, &tables[i], err) == -1)
			goto rollback;
	/* After the copy's own bumps: past the SQLite store's. */
	m->generation = store_generation_read(src) + 1;
	if (store_prepare(dst, "UPDATE generation SET value = ?", &stmt,
	    err) == -1)
		goto rollback;
	db_bind_int64(stmt, 1, m->generation);
	if (store_step_done(dst, stmt, "generation", err) == -1 ||
	    verify(src, dst, tables, n, m, err) == -1)
		goto rollback;
	if (m->dry_run) {
		store_rollback(dst);
		rc = 0;
		goto out;
	}
	rc = store_commit(dst, err);
	goto out;
rollback:
	store_rollback(dst);
out:
	free(tables);
	return rc;
}

/* The SQLite file (its WAL checkpointed at close) becomes the backup;
 * <home>/store, written last, makes the home PostgreSQL's. */
static int
repoint(const char *home, const char *to, struct store_migration *m,
    struct ucerr *err)
{
	char db[4096], side[4200], path[4096];
	static const char *const sides[] = { "-wal", "-shm" };
	size_t i;

	if (path_join(db, sizeof(db), home, "ucpki.db", err) == -1 ||
	    path_join(path, sizeof(path), home, "store", err) == -1)
		return -1;
	snprintf(m->backup, sizeof(m->backup), "%s" BACKUP_SUFFIX, db);
	if (rename(db, m->backup) == -1)
		return ucerr_set(err, "store migrate: committed to %s, but %s: "
		    "%s (the home still uses SQLite)", to, db, strerror(errno));
	for (i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(side, sizeof(side), "%s%s", db, sides[i]);
		if (path_exists(side))
			(void)unlink(side);
	}
	if (file_write_atomic(path, to, strlen(to), 0600, err) == -1)
		return ucerr_wrap(err, "store migrate: committed, and the SQLite "
		    "file is %s; write the address into %s by hand", m->backup,
		    path);
	return 0;
}

int
store_migrate(const char *home, const char *to, int dry_run,
    struct store_migration *m, struct ucerr *err)
{
	struct store *src = NULL, *dst = NULL;
	char backup[4200];
	int rc = -1;

	memset(m, 0, sizeof(*m));
	m->dry_run = dry_run;
	if ((src = store_open(home, 0, err)) == NULL)
		return -1;
	if (store_remote(src)) {
		ucerr_set(err, "store migrate: %s: the home is on PostgreSQL "
		    "already (%s)", home, src->path);
		goto out;
	}
	snprintf(backup, sizeof(backup), "%s" BACKUP_SUFFIX, src->path);
	if (!dry_run && path_exists(backup)) {
		ucerr_set(err, "store migrate: %s exists (an earlier "
		    "migration's backup): move it away first", backup);
		goto out;
	}
	if ((dst = store_open_remote(home, to, err)) == NULL ||
	    copy_all(src, dst, m, err) == -1)
		goto out;
	rc = 0;
out:
	store_close(dst);
	store_close(src);
	if (rc == 0 && !dry_run)
		rc = repoint(home, to, m, err);
	return rc;
}

void
store_migration_free(struct store_migration *m)
{
	free(m->ders);
	m->ders = NULL;
	m->n_ders = 0;
}
