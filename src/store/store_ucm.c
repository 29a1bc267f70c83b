/*
 * store_ucm.c - reading the usecallmanagernz tools' databases (see
 * store_ucm.h).
 *
 * The versions below are facts from the public repository's history
 * (usecallmanagernz/daemons, `git log -p -- capfctl tvsctl`): each row is
 * the commit whose CREATE TABLE first had that set of columns.  No
 * version ever migrated a table itself; the README's upgrade steps
 * (ALTER TABLE ADD COLUMN curve / authentication, RENAME COLUMN curve TO
 * curve_name) reach the next version's set, so a table is recognised by
 * its set of column names, not by their order or its SQL text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "fileio.h"
#include "store_sqlite.h"
#include "store_ucm.h"

#define BIT(c)		(1u << (c))

/* Storage classes a column may hold. */
enum {
	T_NULL = 1, T_INTEGER = 2, T_TEXT = 4, T_BLOB = 8,
};

struct ucm_column {
	const char	*name;
	const char	*decl;		/* declared type, as every version wrote it */
	unsigned	 types;
	size_t		 max_len;	/* TEXT and BLOB bytes */
	int		 lines;		/* PEM text: line breaks allowed */
};

struct ucm_table {
	const char		*tool;		/* for messages */
	const char		*table;
	int			 order_col;	/* the primary key */
	size_t			 ncols;
	const struct ucm_column	*cols;
	const struct ucm_schema	*schemas;
	const unsigned		*masks;		/* one per schema */
};

static const struct ucm_column device_cols[UCM_DEV_NCOLS] = {
	[UCM_DEV_NAME] = { "device_name", "TEXT", T_TEXT, 64, 0 },
	[UCM_DEV_OPERATION] = { "operation", "TEXT", T_TEXT, 16, 0 },
	[UCM_DEV_AUTHENTICATION] = { "authentication", "TEXT",
	    T_TEXT | T_NULL, 16, 0 },
	[UCM_DEV_PASSWORD] = { "password", "TEXT", T_TEXT | T_NULL, 64, 0 },
	[UCM_DEV_KEY_SIZE] = { "key_size", "INTEGER", T_INTEGER | T_NULL, 0,
	    0 },
	[UCM_DEV_CURVE] = { "curve", "TEXT", T_TEXT | T_NULL, 16, 0 },
	[UCM_DEV_CURVE_NAME] = { "curve_name", "TEXT", T_TEXT | T_NULL, 16,
	    0 },
	[UCM_DEV_CERTIFICATE] = { "certificate", "TEXT",
	    T_TEXT | T_BLOB | T_NULL, 16384, 1 },
	[UCM_DEV_SERIAL] = { "serial_number", "TEXT", T_TEXT | T_NULL, 64, 0 },
	[UCM_DEV_NOT_BEFORE] = { "not_valid_before", "TEXT", T_TEXT | T_NULL,
	    32, 0 },
	[UCM_DEV_NOT_AFTER] = { "not_valid_after", "TEXT", T_TEXT | T_NULL,
	    32, 0 },
};

static const struct ucm_column tvs_cols[UCM_TVS_NCOLS] = {
	[UCM_TVS_ID] = { "id", "INTEGER", T_INTEGER, 0, 0 },
	[UCM_TVS_HASH] = { "certificate_hash", "TEXT", T_TEXT, 64, 0 },
	[UCM_TVS_SERIAL] = { "serial_number", "TEXT", T_TEXT, 64, 0 },
	[UCM_TVS_SUBJECT] = { "subject_name", "TEXT", T_TEXT, 1024, 0 },
	[UCM_TVS_ISSUER] = { "issuer_name", "TEXT", T_TEXT, 1024, 0 },
	[UCM_TVS_CERTIFICATE] = { "certificate", "TEXT", T_TEXT | T_BLOB,
	    16384, 1 },
	[UCM_TVS_ROLES] = { "roles", "TEXT", T_TEXT, 128, 0 },
	[UCM_TVS_TTL] = { "ttl", "INTEGER", T_INTEGER | T_NULL, 0, 0 },
};

#define DEV_V1	(BIT(UCM_DEV_NAME) | BIT(UCM_DEV_OPERATION) | \
	BIT(UCM_DEV_KEY_SIZE) | BIT(UCM_DEV_PASSWORD) | \
	BIT(UCM_DEV_CERTIFICATE) | BIT(UCM_DEV_SERIAL) | \
	BIT(UCM_DEV_NOT_BEFORE) | BIT(UCM_DEV_NOT_AFTER))
#define DEV_V2	(DEV_V1 | BIT(UCM_DEV_CURVE))
#define DEV_V3	(DEV_V2 | BIT(UCM_DEV_AUTHENTICATION))
#define DEV_V4	((DEV_V3 & ~BIT(UCM_DEV_CURVE)) | BIT(UCM_DEV_CURVE_NAME))

static const struct ucm_schema device_schemas[] = {
	{ "c0d3eb8", "2021-07-13", "the first capfctl: RSA key_size, password" },
	{ "8c0ed24", "2022-05-23", "EC keys: curve added" },
	{ "8596dd5", "2022-09-11", "certificate authentication: "
	    "authentication added" },
	{ "c6dedaf", "2023-03-05", "curve renamed curve_name" },
	{ NULL, NULL, NULL },
};
static const unsigned device_masks[] = { DEV_V1, DEV_V2, DEV_V3, DEV_V4 };

#define TVS_V1	(BIT(UCM_TVS_HASH) | BIT(UCM_TVS_SERIAL) | \
	BIT(UCM_TVS_SUBJECT) | BIT(UCM_TVS_CERTIFICATE) | BIT(UCM_TVS_ROLES) | \
	BIT(UCM_TVS_TTL))
#define TVS_V2	(TVS_V1 | BIT(UCM_TVS_ISSUER))
#define TVS_V3	(TVS_V2 | BIT(UCM_TVS_ID))

static const struct ucm_schema tvs_schemas[] = {
	{ "4a372ed", "2021-06-22", "the first tvsctl" },
	/* 8c0ed24 made the same columns a WITHOUT ROWID table again. */
	{ "c0d3eb8/8c0ed24", "2021-07-13", "issuer_name added" },
	{ "ec141f0", "2021-07-20", "an id primary key added" },
	{ NULL, NULL, NULL },
};
static const unsigned tvs_masks[] = { TVS_V1, TVS_V2, TVS_V3 };

static const struct ucm_table tables[] = {
	[UCM_CAPF] = { "capfctl", "devices", UCM_DEV_NAME, UCM_DEV_NCOLS,
	    device_cols, device_schemas, device_masks },
	[UCM_TVS] = { "tvsctl", "certificates", UCM_TVS_HASH, UCM_TVS_NCOLS,
	    tvs_cols, tvs_schemas, tvs_masks },
};

struct ucm_db {
	sqlite3			*db;
	const struct ucm_table	*t;
	unsigned		 mask;		/* columns present */
	size_t			 schema;
	char			 label[256];	/* the file, for messages */
};

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

static int
db_fail(struct ucm_db *db, const char *what, struct ucerr *err)
{
	return ucerr_set(err, "%s: %s: %s", db->label, what,
	    sqlite3_errmsg(db->db));
}

/* Only the one table (and SQLite's own); no view, trigger or virtual table. */
static int
check_objects(struct ucm_db *db, struct ucerr *err)
{
	sqlite3_stmt *stmt;
	const char *type, *name, *sql;
	int rc, found = 0, ok = 0;

	if (sqlite3_prepare_v2(db->db, "SELECT type, name, sql FROM "
	    "sqlite_master", -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, "not a database SQLite can read", err);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		type = (const char *)sqlite3_column_text(stmt, 0);
		name = (const char *)sqlite3_column_text(stmt, 1);
		sql = (const char *)sqlite3_column_text(stmt, 2);
		if (type == NULL || name == NULL)
			continue;
		if (strcmp(type, "index") == 0 ||
		    strncmp(name, "sqlite_", 7) == 0)
			continue;
		if (strcmp(type, "table") != 0) {
			ucerr_set(err, "%s: %s '%.64s': %s never created one",
			    db->label, type, name, db->t->tool);
			goto out;
		}
		if (strcmp(name, db->t->table) != 0) {
			ucerr_set(err, "%s: table '%.64s' is not one %s "
			    "created (it has one table, %s)", db->label, name,
			    db->t->tool, db->t->table);
			goto out;
		}
		if (sql == NULL || strncasecmp(sql, "CREATE TABLE", 12) != 0) {
			ucerr_set(err, "%s: %s is not an ordinary table",
			    db->label, name);
			goto out;
		}
		found = 1;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "not a database SQLite can read", err);
		goto out;
	}
	if (!found) {
		ucerr_set(err, "%s: no table %s (is this %s's database?)",
		    db->label, db->t->table, db->t->tool);
		goto out;
	}
	ok = 1;
out:
	sqlite3_finalize(stmt);
	return ok ? 0 : -1;
}

static int
check_integrity(struct ucm_db *db, struct ucerr *err)
{
	sqlite3_stmt *stmt;
	const char *result;
	int rc, ok = 0;

	if (sqlite3_prepare_v2(db->db, "PRAGMA quick_check", -1, &stmt,
	    NULL) != SQLITE_OK)
		return db_fail(db, "integrity check", err);
	rc = sqlite3_step(stmt);
	result = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) :
	    NULL;
	if (rc != SQLITE_ROW)
		db_fail(db, "integrity check", err);
	else if (result == NULL || strcmp(result, "ok") != 0)
		ucerr_set(err, "%s: damaged: %.200s", db->label, result ?
		    result : "(no answer)");
	else
		ok = 1;
	sqlite3_finalize(stmt);
	return ok ? 0 : -1;
}

static int
column_index(const struct ucm_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The version whose columns are exactly mask, or why there is none. */
static int
match_schema(struct ucm_db *db, struct ucerr *err)
{
	const struct ucm_table *t = db->t;
	unsigned missing, best_missing = 0;
	size_t i, best = 0;
	int best_n = 99, n, c;

	for (i = 0; t->schemas[i].commits != NULL; i++) {
		if (t->masks[i] == db->mask) {
			db->schema = i;
			return 0;
		}
		missing = t->masks[i] & ~db->mask;
		n = __builtin_popcount(missing) +
		    __builtin_popcount(db->mask & ~t->masks[i]);
		if (n <= best_n) {
			best_n = n;
			best = i;
			best_missing = missing;
		}
	}
	/* Every column is known here: one is missing, or the mix is new. */
	for (c = 0; c < (int)t->ncols; c++)
		if (best_missing & BIT(c))
			return ucerr_set(err, "%s: %s: no column %s, which %s "
			    "%s's table has: no version of %s had these "
			    "columns", db->label, t->table, t->cols[c].name,
			    t->tool, t->schemas[best].commits, t->tool);
	for (c = 0; c < (int)t->ncols; c++)
		if (db->mask & ~t->masks[best] & BIT(c))
			return ucerr_set(err, "%s: %s: column %s with these "
			    "others is no version of %s's table", db->label,
			    t->table, t->cols[c].name, t->tool);
	return ucerr_set(err, "%s: %s: no version of %s's table", db->label,
	    t->table, t->tool);
}

static int
read_columns(struct ucm_db *db, struct ucerr *err)
{
	const struct ucm_table *t = db->t;
	sqlite3_stmt *stmt;
	const char *name, *decl;
	int rc, c, ok = 0;

	if (sqlite3_prepare_v2(db->db, "SELECT name, type FROM "
	    "pragma_table_info(?1)", -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, "columns", err);
	sqlite3_bind_text(stmt, 1, t->table, -1, SQLITE_STATIC);
	db->mask = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(stmt, 0);
		decl = (const char *)sqlite3_column_text(stmt, 1);
		if (name == NULL)
			continue;
		if ((c = column_index(t, name)) == -1) {
			ucerr_set(err, "%s: %s: column '%.64s' is not one any "
			    "version of %s created", db->label, t->table, name,
			    t->tool);
			goto out;
		}
		if (decl == NULL || strcasecmp(decl, t->cols[c].decl) != 0) {
			ucerr_set(err, "%s: %s: column %s is declared "
			    "'%.32s', not %s as %s declared it", db->label,
			    t->table, name, decl ? decl : "", t->cols[c].decl,
			    t->tool);
			goto out;
		}
		db->mask |= BIT(c);
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "columns", err);
		goto out;
	}
	ok = match_schema(db, err) == 0;
out:
	sqlite3_finalize(stmt);
	return ok ? 0 : -1;
}

/* No writes, no code from the file, bounded cells. */
static void
harden(sqlite3 *db)
{
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1 << 16);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_exec(db, "PRAGMA query_only = 1; PRAGMA cell_size_check = 1",
	    NULL, NULL, NULL);
}

int
ucm_db_open(const char *path, enum ucm_kind kind, struct ucm_db **out,
    struct ucerr *err)
{
	static const char *const beside[] = { "-journal", "-wal" };
	struct ucm_db *db;
	char uri[3 * 4096 + 32];
	size_t i;
	int rc;

	*out = NULL;
	if (strlen(path) >= 4096)
		return ucerr_set(err, "%.64s...: path too long", path);
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return ucerr_set(err, "import: out of memory");
	db->t = &tables[kind];
	snprintf(db->label, sizeof(db->label), "%s", base_name(path));
	/* Immutable reads ignore a journal or WAL: a tool still writing, or
	 * one that crashed mid-write, would be read half done. */
	for (i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		snprintf(uri, sizeof(uri), "%s%s", path, beside[i]);
		if (path_exists(uri)) {
			ucerr_set(err, "%s: %s exists beside it: stop %s (and "
			    "let SQLite finish with it: sqlite3 %s 'PRAGMA "
			    "quick_check') first", db->label, beside[i] + 1,
			    kind == UCM_CAPF ? "capfd" : "tvsd", db->label);
			goto fail;
		}
	}
	/* immutable: SQLite takes no lock and writes no journal, -wal or
	 * -shm beside a file that is not ours (and would not replay one). */
	store_uri(path, "immutable=1", uri, sizeof(uri));
	rc = sqlite3_open_v2(uri, &db->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		ucerr_set(err, "%s: %s", db->label, db->db ?
		    sqlite3_errmsg(db->db) : sqlite3_errstr(rc));
		goto fail;
	}
	harden(db->db);
	if (check_objects(db, err) == -1 || check_integrity(db, err) == -1 ||
	    read_columns(db, err) == -1)
		goto fail;
	*out = db;
	return 0;
fail:
	ucm_db_close(db);
	return -1;
}

void
ucm_db_close(struct ucm_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->db);
	free(db);
}

const struct ucm_schema *
ucm_db_schema(const struct ucm_db *db)
{
	return &db->t->schemas[db->schema];
}

const char *
ucm_db_label(const struct ucm_db *db)
{
	return db->label;
}

const char *
ucm_db_table(const struct ucm_db *db)
{
	return db->t->table;
}

const char *
ucm_db_column(const struct ucm_db *db, int col)
{
	return col >= 0 && (size_t)col < db->t->ncols ? db->t->cols[col].name :
	    "?";
}

const struct ucm_schema *
ucm_schemas(enum ucm_kind kind)
{
	return tables[kind].schemas;
}

static const char *
type_name(int sqlite_type)
{
	switch (sqlite_type) {
	case SQLITE_INTEGER: return "INTEGER";
	case SQLITE_FLOAT: return "REAL";
	case SQLITE_TEXT: return "TEXT";
	case SQLITE_BLOB: return "BLOB";
	default: return "NULL";
	}
}

/* One cell, checked against what the tool wrote there. */
static int
read_cell(const struct ucm_column *col, sqlite3_stmt *stmt, int i,
    struct ucm_value *v, struct ucerr *err)
{
	int type = sqlite3_column_type(stmt, i);
	unsigned allowed = type == SQLITE_NULL ? T_NULL :
	    type == SQLITE_INTEGER ? T_INTEGER : type == SQLITE_TEXT ? T_TEXT :
	    type == SQLITE_BLOB ? T_BLOB : 0;
	size_t k;

	if ((col->types & allowed) == 0)
		return ucerr_set(err, "column %s: %s, where the tool wrote %s",
		    col->name, type_name(type), col->types & T_INTEGER ?
		    "an INTEGER" : "TEXT");
	v->present = 1;
	switch (type) {
	case SQLITE_NULL:
		v->type = UCM_NULL;
		return 0;
	case SQLITE_INTEGER:
		v->type = UCM_INTEGER;
		v->integer = sqlite3_column_int64(stmt, i);
		return 0;
	case SQLITE_BLOB:
		v->type = UCM_BLOB;
		v->bytes = sqlite3_column_blob(stmt, i);
		break;
	default:
		v->type = UCM_TEXT;
		v->text = (const char *)sqlite3_column_text(stmt, i);
		v->bytes = (const uint8_t *)v->text;
		break;
	}
	v->len = (size_t)sqlite3_column_bytes(stmt, i);
	if (v->bytes == NULL)
		v->bytes = (const uint8_t *)"";
	if (v->len > col->max_len)
		return ucerr_set(err, "column %s: %zu bytes, at most %zu",
		    col->name, v->len, col->max_len);
	if (v->type != UCM_TEXT)
		return 0;
	if (v->text == NULL)
		return ucerr_set(err, "column %s: out of memory", col->name);
	for (k = 0; k < v->len; k++) {
		unsigned char ch = v->bytes[k];

		if ((ch < 0x20 || ch == 0x7f) && !(col->lines &&
		    (ch == '\n' || ch == '\r' || ch == '\t')))
			return ucerr_set(err, "column %s: a control character "
			    "(0x%02x) at byte %zu", col->name, ch, k + 1);
	}
	return 0;
}

/* The SELECT of the present columns, in enum order. */
static int
build_select(const struct ucm_db *db, char *sql, size_t len, int *cols,
    int *n)
{
	const struct ucm_table *t = db->t;
	size_t used;
	int c;

	used = (size_t)snprintf(sql, len, "SELECT ");
	*n = 0;
	for (c = 0; c < (int)t->ncols; c++) {
		if (!(db->mask & BIT(c)))
			continue;
		used += (size_t)snprintf(sql + used, len - used, "%s\"%s\"",
		    *n ? ", " : "", t->cols[c].name);
		cols[(*n)++] = c;
	}
	used += (size_t)snprintf(sql + used, len - used, " FROM \"%s\" ORDER "
	    "BY \"%s\"", t->table, t->cols[t->order_col].name);
	return used < len ? 0 : -1;
}

int
ucm_db_each(struct ucm_db *db, ucm_row_cb cb, void *ctx, struct ucerr *err)
{
	struct ucm_row row;
	sqlite3_stmt *stmt;
	char sql[1024];
	int cols[UCM_COLS_MAX], n, i, rc, ok = 0;

	if (build_select(db, sql, sizeof(sql), cols, &n) == -1)
		return ucerr_set(err, "%s: query too long", db->label);
	if (sqlite3_prepare_v2(db->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, db->t->table, err);
	memset(&row, 0, sizeof(row));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(row.col, 0, sizeof(row.col));
		if (++row.n > UCM_ROWS_MAX) {
			ucerr_set(err, "%s: %s: more than %d rows", db->label,
			    db->t->table, UCM_ROWS_MAX);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (read_cell(&db->t->cols[cols[i]], stmt, i,
			    &row.col[cols[i]], err) == -1)
				goto row_failed;
		if (row.col[db->t->order_col].type == UCM_NULL) {
			ucerr_set(err, "column %s: NULL",
			    db->t->cols[db->t->order_col].name);
			goto row_failed;
		}
		if (cb(ctx, &row, err) == -1)
			goto row_failed;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, db->t->table, err);
		goto out;
	}
	ok = 1;
	goto out;
row_failed:
	ucerr_wrap(err, "%s: %s row %zu", db->label, db->t->table, row.n);
out:
	sqlite3_finalize(stmt);
	return ok ? 0 : -1;
}
