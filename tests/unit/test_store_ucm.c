/*
 * test_store_ucm.c - the usecallmanagernz tools' databases: every
 * version's table is recognised (and the README's upgrade path to the
 * next), anything else is refused by name, cells of the wrong storage
 * class or size are refused by row and column, and damaged files (bytes
 * flipped all over a valid one) are refused or read, never crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "fileio.h"
#include "store_ucm.h"

/* The CREATE TABLE statements of the public repository's history. */
static const struct { const char *commit, *sql; } capf_tables[] = {
	{ "c0d3eb8", "CREATE TABLE devices (device_name TEXT PRIMARY KEY, "
	    "operation TEXT NOT NULL, key_size INTEGER, password TEXT, "
	    "certificate TEXT, serial_number TEXT, not_valid_before TEXT, "
	    "not_valid_after TEXT)" },
	{ "8c0ed24", "CREATE TABLE devices (device_name TEXT PRIMARY KEY, "
	    "operation TEXT NOT NULL, password TEXT, key_size INTEGER, "
	    "curve TEXT, certificate TEXT, serial_number TEXT, "
	    "not_valid_before TEXT, not_valid_after TEXT) WITHOUT ROWID" },
	{ "8596dd5", "CREATE TABLE devices (device_name TEXT PRIMARY KEY, "
	    "operation TEXT NOT NULL, authentication TEXT, password TEXT, "
	    "key_size INTEGER, curve TEXT, certificate TEXT, serial_number "
	    "TEXT, not_valid_before TEXT, not_valid_after TEXT) WITHOUT ROWID" },
	{ "c6dedaf", "CREATE TABLE devices (device_name TEXT PRIMARY KEY, "
	    "operation TEXT NOT NULL, authentication TEXT, password TEXT, "
	    "key_size INTEGER, curve_name TEXT, certificate TEXT, "
	    "serial_number TEXT, not_valid_before TEXT, not_valid_after TEXT) "
	    "WITHOUT ROWID" },
};

static const struct { const char *commit, *sql; } tvs_tables[] = {
	{ "4a372ed", "CREATE TABLE certificates (certificate_hash TEXT PRIMARY "
	    "KEY,serial_number TEXT NOT NULL UNIQUE,subject_name TEXT NOT NULL,"
	    "certificate TEXT NOT NULL,roles TEXT NOT NULL,ttl INTEGER)" },
	{ "c0d3eb8/8c0ed24", "CREATE TABLE certificates (certificate_hash TEXT "
	    "PRIMARY KEY, serial_number TEXT NOT NULL, subject_name TEXT NOT "
	    "NULL, issuer_name TEXT NOT NULL, certificate TEXT NOT NULL, roles "
	    "TEXT NOT NULL, ttl INTEGER)" },
	{ "ec141f0", "CREATE TABLE certificates (id INTEGER PRIMARY KEY, "
	    "certificate_hash TEXT UNIQUE NOT NULL, serial_number TEXT NOT "
	    "NULL, subject_name TEXT NOT NULL, issuer_name TEXT NOT NULL, "
	    "certificate TEXT NOT NULL, roles TEXT NOT NULL, ttl INTEGER)" },
	{ "c0d3eb8/8c0ed24", "CREATE TABLE certificates (certificate_hash TEXT "
	    "PRIMARY KEY, serial_number TEXT NOT NULL, subject_name TEXT NOT "
	    "NULL, issuer_name TEXT NOT NULL, certificate TEXT NOT NULL, roles "
	    "TEXT NOT NULL, ttl INTEGER) WITHOUT ROWID" },
};

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_store_ucm.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/db.sqlite3", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A fresh file made by these statements. */
static void
make_db(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static void
opens_as(enum ucm_kind kind, const char *commit)
{
	struct ucm_db *db;
	struct ucerr err;

	if (ucm_db_open(path, kind, &db, &err) == -1)
		fail_msg("%s: %s", commit, err.msg);
	assert_string_equal(ucm_db_schema(db)->commits, commit);
	ucm_db_close(db);
}

static void
refused(enum ucm_kind kind, const char *message)
{
	struct ucm_db *db;
	struct ucerr err;

	assert_int_equal(ucm_db_open(path, kind, &db, &err), -1);
	assert_null(db);
	if (strstr(err.msg, message) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, message);
}

static void
every_version_is_recognised(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(capf_tables) / sizeof(capf_tables[0]); i++) {
		make_db(capf_tables[i].sql);
		opens_as(UCM_CAPF, capf_tables[i].commit);
	}
	for (i = 0; i < sizeof(tvs_tables) / sizeof(tvs_tables[0]); i++) {
		make_db(tvs_tables[i].sql);
		opens_as(UCM_TVS, tvs_tables[i].commit);
	}
	assert_string_equal(ucm_schemas(UCM_CAPF)[3].commits, "c6dedaf");
	assert_null(ucm_schemas(UCM_CAPF)[4].commits);
}

/* The README's steps: ALTER TABLE ADD COLUMN appends, RENAME keeps place. */
static void
upgraded_tables_are_the_next_version(void **state)
{
	char sql[2048];

	(void)state;
	snprintf(sql, sizeof(sql), "%s; ALTER TABLE devices ADD COLUMN curve "
	    "TEXT", capf_tables[0].sql);
	make_db(sql);
	opens_as(UCM_CAPF, "8c0ed24");
	snprintf(sql, sizeof(sql), "%s; ALTER TABLE devices ADD COLUMN curve "
	    "TEXT; ALTER TABLE devices ADD COLUMN authentication TEXT; "
	    "ALTER TABLE devices RENAME COLUMN curve TO curve_name",
	    capf_tables[0].sql);
	make_db(sql);
	opens_as(UCM_CAPF, "c6dedaf");
}

static void
anything_else_is_refused_by_name(void **state)
{
	char sql[2048];

	(void)state;
	snprintf(sql, sizeof(sql), "%s; ALTER TABLE devices ADD COLUMN model "
	    "TEXT", capf_tables[3].sql);
	make_db(sql);
	refused(UCM_CAPF, "devices: column 'model' is not one any version of "
	    "capfctl created");
	/* Known columns, a set no version had: the missing one named. */
	make_db("CREATE TABLE devices (device_name TEXT PRIMARY KEY, "
	    "operation TEXT NOT NULL, password TEXT, key_size INTEGER, "
	    "curve_name TEXT, certificate TEXT, serial_number TEXT, "
	    "not_valid_before TEXT, not_valid_after TEXT)");
	refused(UCM_CAPF, "no column authentication");
	make_db("CREATE TABLE devices (device_name TEXT PRIMARY KEY, "
	    "operation TEXT NOT NULL, key_size TEXT, password TEXT, "
	    "certificate TEXT, serial_number TEXT, not_valid_before TEXT, "
	    "not_valid_after TEXT)");
	refused(UCM_CAPF, "column key_size is declared 'TEXT', not INTEGER");
	snprintf(sql, sizeof(sql), "%s; CREATE TABLE extra (x)",
	    capf_tables[3].sql);
	make_db(sql);
	refused(UCM_CAPF, "table 'extra' is not one capfctl created");
	snprintf(sql, sizeof(sql), "%s; CREATE VIEW v AS SELECT 1",
	    tvs_tables[2].sql);
	make_db(sql);
	refused(UCM_TVS, "view 'v': tvsctl never created one");
	snprintf(sql, sizeof(sql), "%s; CREATE TRIGGER t AFTER INSERT ON "
	    "devices BEGIN SELECT 1; END", capf_tables[3].sql);
	make_db(sql);
	refused(UCM_CAPF, "trigger 't'");
	make_db(tvs_tables[2].sql);
	refused(UCM_CAPF, "table 'certificates' is not one capfctl created");
	make_db("");
	refused(UCM_CAPF, "no table devices (is this capfctl's database?)");
	/* An index (someone ran CREATE INDEX) is harmless. */
	snprintf(sql, sizeof(sql), "%s; CREATE INDEX i ON devices (operation)",
	    capf_tables[3].sql);
	make_db(sql);
	opens_as(UCM_CAPF, "c6dedaf");
}

static void
not_a_database(void **state)
{
	struct ucerr err;
	uint8_t junk[4096];
	char journal[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(file_write_atomic(path, junk, sizeof(junk), 0600,
	    &err), 0);
	refused(UCM_CAPF, "db.sqlite3: not a database SQLite can read");
	unlink(path);
	refused(UCM_CAPF, "db.sqlite3:");
	/* A journal beside it: a writer not finished (or crashed). */
	make_db(capf_tables[3].sql);
	snprintf(journal, sizeof(journal), "%s-journal", path);
	assert_int_equal(file_write_atomic(journal, "x", 1, 0600, &err), 0);
	refused(UCM_CAPF, "db.sqlite3: journal exists beside it: stop capfd");
	unlink(journal);
	opens_as(UCM_CAPF, "c6dedaf");
}

struct collected {
	size_t	 rows;
	int64_t	 key_size;
	char	 name[64];
};

static int
collect(void *arg, const struct ucm_row *row, struct ucerr *err)
{
	struct collected *c = arg;

	(void)err;
	c->rows++;
	snprintf(c->name, sizeof(c->name), "%s", row->col[UCM_DEV_NAME].text);
	c->key_size = row->col[UCM_DEV_KEY_SIZE].integer;
	/* Columns the version lacks are absent, not NULL. */
	assert_false(row->col[UCM_DEV_CURVE].present);
	assert_true(row->col[UCM_DEV_CURVE_NAME].present);
	return 0;
}

static void
each_row_checked(const char *insert, const char *message)
{
	struct collected c;
	struct ucm_db *db;
	struct ucerr err;
	char sql[4096];

	snprintf(sql, sizeof(sql), "%s; %s", capf_tables[3].sql, insert);
	make_db(sql);
	assert_int_equal(ucm_db_open(path, UCM_CAPF, &db, &err), 0);
	memset(&c, 0, sizeof(c));
	if (message == NULL) {
		if (ucm_db_each(db, collect, &c, &err) == -1)
			fail_msg("%s", err.msg);
		assert_int_equal(c.rows, 1);
		assert_string_equal(c.name, "SEP001122334455");
		assert_int_equal(c.key_size, 2048);
	} else {
		assert_int_equal(ucm_db_each(db, collect, &c, &err), -1);
		if (strstr(err.msg, message) == NULL)
			fail_msg("'%s' lacks '%s'", err.msg, message);
	}
	ucm_db_close(db);
}

static void
cells_are_checked(void **state)
{
	(void)state;
	each_row_checked("INSERT INTO devices (device_name, operation, "
	    "key_size) VALUES ('SEP001122334455', 'install', 2048)", NULL);
	each_row_checked("INSERT INTO devices (device_name, operation, "
	    "key_size) VALUES ('SEP001122334455', 'install', 'big')",
	    "db.sqlite3: devices row 1: column key_size: TEXT, where the tool "
	    "wrote an INTEGER");
	each_row_checked("INSERT INTO devices (device_name, operation, "
	    "key_size) VALUES ('SEP001122334455', 'install', 2048.5)",
	    "column key_size: REAL");
	each_row_checked("INSERT INTO devices (device_name, operation) VALUES "
	    "('SEP001122334455', x'696e7374616c6c')",
	    "column operation: BLOB");
	each_row_checked("INSERT INTO devices (device_name, operation) VALUES "
	    "('SEP001122334455', 'in' || char(10) || 'stall')",
	    "column operation: a control character (0x0a) at byte 3");
	each_row_checked("INSERT INTO devices (device_name, operation) VALUES "
	    "('SEP001122334455', CAST(x'696e0073' AS TEXT))",
	    "column operation: a control character (0x00)");
	each_row_checked("INSERT INTO devices (device_name, operation, "
	    "password) VALUES ('SEP001122334455', 'install', "
	    "printf('%.100c', '1'))", "column password: 100 bytes, at most 64");
}

/* Bytes flipped all over a valid file: refused or read, never a crash
 * (the sanitizer build makes "never" mean no invalid access either). */
static int
count_rows(void *arg, const struct ucm_row *row, struct ucerr *err)
{
	(void)row;
	(void)err;
	(*(size_t *)arg)++;
	return 0;
}

static void
damaged_files(void **state)
{
	struct ucm_db *db;
	struct ucerr err;
	uint8_t *good, *bad;
	size_t len, n, rows, opened = 0;
	unsigned seed = 1;
	char sql[8192];
	int i;

	(void)state;
	snprintf(sql, sizeof(sql), "%s; INSERT INTO devices (device_name, "
	    "operation, key_size, certificate) VALUES ('SEP001122334455', "
	    "'install', 2048, printf('%%.3000c', 'A')), ('SEP00112233445A', "
	    "'none', NULL, NULL)", capf_tables[3].sql);
	make_db(sql);
	assert_int_equal(file_read(path, FILE_READ_MAX, &good, &len, &err), 0);
	assert_non_null(bad = malloc(len));
	for (i = 0; i < 300; i++) {
		memcpy(bad, good, len);
		for (n = 0; n < 1 + (size_t)(i % 8); n++) {
			seed = seed * 1103515245u + 12345u;
			bad[(seed >> 8) % len] ^= (uint8_t)(1u << (seed % 8));
		}
		/* Sometimes cut short too. */
		assert_int_equal(file_write_atomic(path, bad, i % 5 == 0 ?
		    len / 2 : len, 0600, &err), 0);
		if (ucm_db_open(path, UCM_CAPF, &db, &err) == 0) {
			opened++;
			rows = 0;
			(void)ucm_db_each(db, count_rows, &rows, &err);
			assert_true(rows <= 2);
			ucm_db_close(db);
		} else {
			assert_true(strlen(err.msg) > 0);
		}
	}
	/* Some flips land in unused bytes: those files still read. */
	assert_true(opened > 0);
	free(good);
	free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_version_is_recognised,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    upgraded_tables_are_the_next_version, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    anything_else_is_refused_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(not_a_database, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(cells_are_checked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(damaged_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
