/* store_sqlite.c - the SQLite (WAL) implementation of store.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fileio.h"
#include "store.h"
#include "store_sqlite.h"

/*
 * Numbered migrations: migrations[i] takes the schema from version i to
 * i + 1.  Never edit a released step; append a new one.
 *
 * Each step is .sql, run by both engines, in SQLite's words for types
 * (INTEGER, BLOB, INTEGER PRIMARY KEY; PostgreSQL reads them as BIGINT,
 * BYTEA, an identity: see db_exec_schema), then .sqlite or .pg for what
 * only one engine says its own way (triggers).  A step with neither is
 * written once; one with a trigger writes it twice.
 */
struct migration {
	const char	*sql;
	const char	*sqlite;
	const char	*pg;
};

/* PostgreSQL's triggers call a function: the generation counter's. */
#define PG_GENERATION_TRIGGER(name, events, table) \
	"CREATE TRIGGER " name " AFTER " events " ON " table " FOR EACH ROW " \
	"EXECUTE FUNCTION ucpki_generation_bump();"

/* Migration 12: the node an identity or CSR of an existing home belongs
 * to. */
#define NODE_OF_PURPOSE "CASE WHEN purpose IN ('CAPF', 'ITLRecovery') " \
	"THEN '' ELSE COALESCE((SELECT value FROM meta WHERE key = 'node'), " \
	"'') END"

static const struct migration migrations[] = {
	/* 1: node settings, identities, pending CSRs, trust stores. */
	{ "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE identity ("
	"  purpose TEXT PRIMARY KEY, cert_der BLOB NOT NULL,"
	"  key_file TEXT NOT NULL, type TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE csr ("
	"  purpose TEXT PRIMARY KEY, csr_der BLOB NOT NULL,"
	"  key_file TEXT NOT NULL, created_at INTEGER NOT NULL);"
	"CREATE TABLE trust ("
	"  id INTEGER PRIMARY KEY, store TEXT NOT NULL, name TEXT NOT NULL,"
	"  cert_der BLOB NOT NULL, sha256 TEXT NOT NULL,"
	"  added_at INTEGER NOT NULL,"
	"  UNIQUE (store, name), UNIQUE (store, sha256));"
	/* Caches (TVS index, ITL publisher) poll this counter. */
	"CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  value INTEGER NOT NULL);"
	"INSERT INTO generation VALUES (1, 0);",
	"CREATE TRIGGER identity_gen_i AFTER INSERT ON identity BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER identity_gen_u AFTER UPDATE ON identity BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER trust_gen_i AFTER INSERT ON trust BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER trust_gen_d AFTER DELETE ON trust BEGIN"
	"  UPDATE generation SET value = value + 1; END;",
	"CREATE FUNCTION ucpki_generation_bump() RETURNS trigger"
	"  LANGUAGE plpgsql AS $$ BEGIN"
	"  UPDATE generation SET value = value + 1; RETURN NULL; END $$;"
	PG_GENERATION_TRIGGER("identity_gen", "INSERT OR UPDATE", "identity")
	PG_GENERATION_TRIGGER("trust_gen", "INSERT OR DELETE", "trust") },

	/* 2: devices, every issued LSC (kept forever), device history. */
	{ "CREATE TABLE device ("
	"  name TEXT PRIMARY KEY, model TEXT NOT NULL DEFAULT '',"
	"  operation INTEGER NOT NULL DEFAULT 0,"
	"  auth_mode INTEGER NOT NULL DEFAULT 0,"
	"  auth_string TEXT NOT NULL DEFAULT '',"
	"  key_type TEXT NOT NULL DEFAULT 'rsa2048',"
	"  key_order INTEGER NOT NULL DEFAULT 0,"
	"  deadline INTEGER NOT NULL DEFAULT 0,"
	"  status INTEGER NOT NULL DEFAULT 1,"
	"  auth_failures INTEGER NOT NULL DEFAULT 0,"
	"  lsc_der BLOB, lsc_issuer_sha256 TEXT NOT NULL DEFAULT '',"
	"  lsc_not_after INTEGER NOT NULL DEFAULT 0,"
	"  mic_der BLOB, updated_at INTEGER NOT NULL);"
	"CREATE INDEX device_status ON device (status);"
	"CREATE INDEX device_lsc_issuer ON device (lsc_issuer_sha256);"
	"CREATE TABLE lsc ("
	"  id INTEGER PRIMARY KEY, device TEXT NOT NULL, serial TEXT NOT NULL,"
	"  issuer TEXT NOT NULL, issuer_sha256 TEXT NOT NULL,"
	"  not_before INTEGER NOT NULL, not_after INTEGER NOT NULL,"
	"  cert_der BLOB NOT NULL, issued_at INTEGER NOT NULL);"
	"CREATE INDEX lsc_device ON lsc (device);"
	"CREATE TABLE device_history ("
	"  id INTEGER PRIMARY KEY, device TEXT NOT NULL, at INTEGER NOT NULL,"
	"  operation INTEGER NOT NULL, status INTEGER NOT NULL,"
	"  peer TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX device_history_device ON device_history (device, at);" },

	/* 3: certificates TVS vouches for beyond the node's identities. */
	{ "CREATE TABLE tvs_entry ("
	"  sha256 TEXT PRIMARY KEY, cert_der BLOB NOT NULL,"
	"  roles TEXT NOT NULL, ttl INTEGER NOT NULL, added_at INTEGER NOT NULL);",
	"CREATE TRIGGER tvs_gen_i AFTER INSERT ON tvs_entry BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER tvs_gen_d AFTER DELETE ON tvs_entry BEGIN"
	"  UPDATE generation SET value = value + 1; END;",
	PG_GENERATION_TRIGGER("tvs_gen", "INSERT OR DELETE", "tvs_entry") },

	/* 4: the certificate monitor's last alarm per certificate. */
	{ "CREATE TABLE monitor_alarm ("
	"  subject TEXT NOT NULL, alarm TEXT NOT NULL, raised_at INTEGER NOT NULL,"
	"  PRIMARY KEY (subject, alarm));" },

	/* 5: certificate revocation lists. */
	{ "CREATE TABLE crl (id INTEGER PRIMARY KEY, issuer TEXT NOT NULL,"
	"  der BLOB NOT NULL, added_at INTEGER NOT NULL);" },

	/* 6: LSCs the administrator revoked; lookups of an LSC presented
	 * for authentication (by serial) and of the CAPFs that issued LSCs
	 * (by issuer); the certificate a troubleshoot last returned. */
	{ "ALTER TABLE lsc ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX lsc_serial ON lsc (serial);"
	"CREATE INDEX lsc_issuer ON lsc (issuer_sha256);"
	"ALTER TABLE device ADD COLUMN fetched_der BLOB;" },

	/* 7: the TFTP service: each device's security profile, the files
	 * it last fetched, and fetches not yet tied to a device (a phone
	 * asks for ITLFile.tlv before it names itself). */
	{ "ALTER TABLE device ADD COLUMN security_mode INTEGER NOT NULL"
	"  DEFAULT 1;"
	"ALTER TABLE device ADD COLUMN encrypted_config INTEGER NOT NULL"
	"  DEFAULT 0;"
	"CREATE TABLE device_fetch ("
	"  device TEXT NOT NULL, file TEXT NOT NULL, kind TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL, at INTEGER NOT NULL, peer TEXT NOT NULL,"
	"  transport TEXT NOT NULL, PRIMARY KEY (device, file));"
	"CREATE INDEX device_fetch_kind ON device_fetch (kind, device);"
	"CREATE TABLE fetch_pending ("
	"  addr TEXT NOT NULL, file TEXT NOT NULL, kind TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL, at INTEGER NOT NULL, peer TEXT NOT NULL,"
	"  transport TEXT NOT NULL, PRIMARY KEY (addr, file));"
	"CREATE INDEX fetch_pending_at ON fetch_pending (at);",
	"CREATE TRIGGER device_fetch_d AFTER DELETE ON device BEGIN"
	"  DELETE FROM device_fetch WHERE device = old.name; END;",
	"CREATE FUNCTION ucpki_device_fetch_forget() RETURNS trigger"
	"  LANGUAGE plpgsql AS $$ BEGIN"
	"  DELETE FROM device_fetch WHERE device = OLD.name; RETURN NULL; END $$;"
	"CREATE TRIGGER device_fetch_d AFTER DELETE ON device FOR EACH ROW"
	"  EXECUTE FUNCTION ucpki_device_fetch_forget();" },

	/* 8: CAPF as a CA: why each LSC was revoked (its CRL's reason
	 * code; revoked_at from 6 says when), and the files kept current
	 * for other servers (ucpki config lists them). */
	{ "ALTER TABLE lsc ADD COLUMN revoke_reason INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX lsc_revoked ON lsc (revoked_at) WHERE revoked_at <> 0;"
	"CREATE TABLE export (path TEXT PRIMARY KEY, kind TEXT NOT NULL,"
	"  what TEXT NOT NULL, added_at INTEGER NOT NULL);" },

	/* 9: the administration API's tokens, by the SHA-256 of the token
	 * (the token itself is shown once and never stored). */
	{ "CREATE TABLE api_token (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);" },

	/* 10: the audit trail: who changed what from where, how it went,
	 * and the object's fingerprints before and after (store_audit.c). */
	{ "CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	"  who TEXT NOT NULL, via TEXT NOT NULL, peer TEXT NOT NULL,"
	"  action TEXT NOT NULL, object TEXT NOT NULL, result TEXT NOT NULL,"
	"  before TEXT NOT NULL, after TEXT NOT NULL);"
	"CREATE INDEX audit_at ON audit (at);" },

	/* 11: the web pages' local accounts: the password's argon2id hash
	 * (encoded, salt included; the password itself is never stored),
	 * failed logins and the lockout they cause. */
	{ "CREATE TABLE admin_account (name TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL, hash TEXT NOT NULL,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL, password_at INTEGER NOT NULL);" },

	/* 12: the cluster's nodes (store_node.c) and the identities and
	 * pending CSRs of each: a per-node purpose's row names its node,
	 * a cluster-wide one (CAPF, ITLRecovery: keys on the publisher)
	 * has node ''.  An existing home is the publisher, meta "node". */
	{ "CREATE TABLE node (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
	"  services TEXT NOT NULL DEFAULT '',"
	"  heartbeat_at INTEGER NOT NULL DEFAULT 0,"
	"  added_at INTEGER NOT NULL);"
	"INSERT INTO node (name, role, added_at) SELECT value, 'publisher', 0"
	"  FROM meta WHERE key = 'node' AND value <> '';"
	"CREATE TABLE node_identity (node TEXT NOT NULL, purpose TEXT NOT NULL,"
	"  cert_der BLOB NOT NULL, key_file TEXT NOT NULL, type TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL, PRIMARY KEY (node, purpose));"
	"INSERT INTO node_identity SELECT " NODE_OF_PURPOSE ", purpose,"
	"  cert_der, key_file, type, updated_at FROM identity;"
	"DROP TABLE identity;"
	"ALTER TABLE node_identity RENAME TO identity;"
	"CREATE TABLE node_csr (node TEXT NOT NULL, purpose TEXT NOT NULL,"
	"  csr_der BLOB NOT NULL, key_file TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, PRIMARY KEY (node, purpose));"
	"INSERT INTO node_csr SELECT " NODE_OF_PURPOSE ", purpose, csr_der,"
	"  key_file, created_at FROM csr;"
	"DROP TABLE csr;"
	"ALTER TABLE node_csr RENAME TO csr;",
	/* The identity triggers went with the old table; a node's arrival
	 * or departure and the services it reports move the counter too
	 * (the configuration files name every node's TVS). */
	"CREATE TRIGGER identity_gen_i AFTER INSERT ON identity BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER identity_gen_u AFTER UPDATE ON identity BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER identity_gen_d AFTER DELETE ON identity BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER node_gen_i AFTER INSERT ON node BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER node_gen_u AFTER UPDATE OF services, role ON node BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER node_gen_d AFTER DELETE ON node BEGIN"
	"  UPDATE generation SET value = value + 1; END;",
	PG_GENERATION_TRIGGER("identity_gen", "INSERT OR UPDATE OR DELETE",
	    "identity")
	PG_GENERATION_TRIGGER("node_gen", "INSERT OR DELETE OR UPDATE OF "
	    "services, role", "node") },

	/* 13: change notification.  On PostgreSQL the generation trigger
	 * also sends the new generation on channel "ucpki" (delivered at
	 * commit, in commit order), so every serve on the database sees a
	 * change at once (store_watch.c).  SQLite keeps its triggers: serve
	 * reads the counter there. */
	{ NULL, NULL,
	"CREATE OR REPLACE FUNCTION ucpki_generation_bump() RETURNS trigger"
	"  LANGUAGE plpgsql AS $$ DECLARE g bigint; BEGIN"
	"  UPDATE generation SET value = value + 1 RETURNING value INTO g;"
	"  PERFORM pg_notify('ucpki', g::text); RETURN NULL; END $$;" },

	/* 14: the files every node serves alike but only the publisher can
	 * sign (the CTL: ITLRecovery's key is there), as the publisher
	 * last built them; a new one moves the counter, so the other
	 * nodes' services write it to their TFTP roots. */
	{ "CREATE TABLE cluster_file (name TEXT PRIMARY KEY,"
	"  data BLOB NOT NULL, updated_at INTEGER NOT NULL);",
	"CREATE TRIGGER cluster_file_gen_i AFTER INSERT ON cluster_file BEGIN"
	"  UPDATE generation SET value = value + 1; END;"
	"CREATE TRIGGER cluster_file_gen_u AFTER UPDATE ON cluster_file BEGIN"
	"  UPDATE generation SET value = value + 1; END;",
	PG_GENERATION_TRIGGER("cluster_file_gen", "INSERT OR UPDATE",
	    "cluster_file") },
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int
store_fail(struct store *st, const char *what, struct ucerr *err)
{
	const char *msg = db_error_message(st->db);
	int sys_errno = db_error_errno(st->db);

	switch (db_error_class(st->db)) {
	case DB_DUPLICATE:
		return ucerr_set(err, "store: %s: already exists", what);
	case DB_BUSY:
		/* Not a fault of the request: someone else's transaction
		 * outlasted the busy timeout. */
		return ucerr_set(err, "%s: database is locked by another "
		    "process; try again", st->path);
	case DB_READONLY:
		return ucerr_set(err, "%s: read-only (this command changes the "
		    "store and needs write access)", st->path);
	case DB_IO:
		/* The system's reason says which: a full disk, a size limit,
		 * a permission. */
		if (sys_errno != 0)
			return ucerr_set(err, "%s: %s (%s)", st->path, msg,
			    strerror(sys_errno));
		/* FALLTHROUGH */
	case DB_CORRUPT:
	case DB_GONE:
		/* The database itself is the problem: name it. */
		return ucerr_set(err, "%s: %s", st->path, msg);
	default:
		return ucerr_set(err, "store: %s: %s", what, msg);
	}
}

int
store_was_duplicate(const struct store *st)
{
	return db_error_class(st->db) == DB_DUPLICATE;
}

static int
db_error(struct store *st, struct ucerr *err, const char *what)
{
	return store_fail(st, what, err);
}

int
store_exec(struct store *st, const char *sql, struct ucerr *err)
{
	if (db_exec(st->db, sql) == -1)
		return store_fail(st, "exec", err);
	return 0;
}

int
store_prepare(struct store *st, const char *sql, struct db_stmt **stmt,
    struct ucerr *err)
{
	if ((*stmt = db_prepare(st->db, sql)) == NULL)
		return store_fail(st, "prepare", err);
	return 0;
}

int
store_step_done(struct store *st, struct db_stmt *stmt, const char *what,
    struct ucerr *err)
{
	int rc = db_step(stmt);

	db_finish(stmt);
	if (rc != DB_DONE)
		return store_fail(st, what, err);
	return 0;
}

/* One step, in its own transaction; another process (a second node on
 * the same PostgreSQL) may have taken it first. */
static int
migrate_step(struct store *st, int *version, struct ucerr *err)
{
	const struct migration *m;

	if (store_begin(st, err) == -1)
		return -1;
	/* PostgreSQL's writers do not exclude each other at BEGIN. */
	if (db_dialect(st->db) == DB_PG &&
	    store_exec(st, "SELECT pg_advisory_xact_lock(5306021)", err) == -1)
		goto fail;
	if (db_user_version(st->db, version) == -1) {
		store_fail(st, "schema", err);
		goto fail;
	}
	if (*version >= N_MIGRATIONS) {
		store_rollback(st);
		return 0;
	}
	m = &migrations[*version];
	if ((m->sql != NULL && db_exec_schema(st->db, m->sql) == -1) ||
	    (db_dialect(st->db) == DB_SQLITE && m->sqlite != NULL &&
	    db_exec(st->db, m->sqlite) == -1) ||
	    (db_dialect(st->db) == DB_PG && m->pg != NULL &&
	    db_exec(st->db, m->pg) == -1) ||
	    db_set_user_version(st->db, *version + 1) == -1) {
		store_fail(st, "exec", err);
		goto fail;
	}
	if (store_commit(st, err) == -1)
		return -1;
	++*version;
	return 0;
fail:
	store_rollback(st);
	return ucerr_wrap(err, "migration %d", *version + 1);
}

static int
migrate(struct store *st, struct ucerr *err)
{
	int version = 0;

	if (db_user_version(st->db, &version) == -1)
		return store_fail(st, "prepare", err);
	if (version > N_MIGRATIONS)
		return ucerr_set(err, "store: database schema %d is newer than "
		    "this ucpki (%d)", version, N_MIGRATIONS);
	if (st->readonly && version < N_MIGRATIONS)
		return ucerr_set(err, "%s: schema %d needs upgrading to %d, "
		    "which needs write access (run any command as its owner)",
		    st->path, version, N_MIGRATIONS);
	while (version < N_MIGRATIONS)
		if (migrate_step(st, &version, err) == -1)
			return -1;
	st->schema_version = version;
	return 0;
}

/*
 * A database we cannot write, or whose directory we cannot write (SQLite
 * keeps the WAL and its index beside it): read-only.  With no -wal file
 * no writer has the database open, and SQLite can read it only as
 * "immutable" (it cannot make the -shm index); with one, it reads the
 * committed WAL through the existing index.
 */
void
store_uri(const char *path, const char *query, char *out, size_t outlen)
{
	size_t used;
	const char *p;

	/* The characters that would end the path are %-escaped. */
	used = (size_t)snprintf(out, outlen, "file:");
	for (p = path; *p != '\0' && used < outlen; p++)
		used += (size_t)snprintf(out + used, outlen - used,
		    strchr("%?#", *p) ? "%%%02X" : "%c", (unsigned char)*p);
	if (used < outlen)
		snprintf(out + used, outlen - used, "?%s", query);
}

static struct db *
open_readonly(struct store *st)
{
	char uri[3 * sizeof(st->path) + 32], wal[sizeof(st->path) + 8];

	snprintf(wal, sizeof(wal), "%s-wal", st->path);
	store_uri(st->path, path_exists(wal) ? "mode=ro" : "immutable=1", uri,
	    sizeof(uri));
	st->readonly = 1;
	return db_sqlite_open(uri, DB_SQLITE_READONLY | DB_SQLITE_URI,
	    STORE_BUSY_MS);
}

static int
cannot_write(const struct store *st)
{
	return access(st->path, W_OK) != 0 || access(st->home, W_OK) != 0;
}

/*
 * The home holds the database (authentication strings) and keys/: refuse
 * it, as ssh refuses its keys, when someone else owns it or could write
 * to it (and so swap the database or a key), or when the database or
 * keys/ can be read by others.
 */
static int
home_check(const char *home, int readonly, struct ucerr *err)
{
	static const char *const db_files[][2] = {
		{ "ucpki.db", "the database" },
		{ "ucpki.db-wal", "the database's write-ahead log" },
		{ "ucpki.db-shm", "the database's shared-memory index" },
	};
	/* A read-only open changes nothing and serves nothing: only what
	 * lets someone else swap the files (ownership, write bits) is
	 * refused, so an auditor's readable copy can still be shown. */
	mode_t secret = readonly ? 022 : 077;
	char path[4096];
	size_t i;

	if (path_check_private(home, "the ucpki home", 022, "go-w", 0,
	    err) == -1)
		return -1;
	if (path_join(path, sizeof(path), home, "keys", err) == -1 ||
	    path_check_private(path, "the key directory", secret, "700", 1,
	    err) == -1)
		return -1;
	for (i = 0; i < sizeof(db_files) / sizeof(db_files[0]); i++)
		if (path_join(path, sizeof(path), home, db_files[i][0],
		    err) == -1 ||
		    path_check_private(path, db_files[i][1], secret, "600", 1,
		    err) == -1)
			return -1;
	return 0;
}

/* A new database file is 0600 from its first byte, whatever the umask;
 * SQLite gives its WAL and shared-memory files the database's mode. */
static int
db_create(const char *path, struct ucerr *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);

	if (fd == -1 && errno != EEXIST)
		return ucerr_set(err, "%s: %s", path, strerror(errno));
	if (fd != -1 && (fchmod(fd, 0600) == -1 || close(fd) == -1))
		return ucerr_set(err, "%s: %s", path, strerror(errno));
	return 0;
}

/* The store at st->path, a PostgreSQL address. */
static int
open_pg(struct store *st, int flags, struct ucerr *err)
{
	if ((st->db = db_pg_open(st->path,
	    (flags & STORE_EVENT_LOOP) != 0)) == NULL)
		return ucerr_set(err, "store: out of memory");
	if (db_error_class(st->db) != DB_OK)
		return store_fail(st, "open", err);
	return 0;
}

struct store *
store_open(const char *home, int flags, struct ucerr *err)
{
	return store_open_at(home, flags, NULL, err);
}

/* st->node from <home>/node, else (a home older than clusters) meta
 * "node"; "" in a home not yet initialised. */
static int
load_node_self(struct store *st, struct ucerr *err)
{
	char path[4096];
	uint8_t *data;
	size_t len;

	st->node[0] = '\0';
	if (path_join(path, sizeof(path), st->home, NODE_FILE, err) == -1)
		return -1;
	if (!path_exists(path))
		return store_meta_get(st, "node", st->node, sizeof(st->node),
		    err) == -1 ? -1 : 0;
	if (file_read(path, sizeof(st->node) - 1, &data, &len, err) == -1)
		return -1;
	snprintf(st->node, sizeof(st->node), "%.*s", (int)len,
	    (const char *)data);
	free(data);
	st->node[strcspn(st->node, "\r\n")] = '\0';
	return 0;
}

struct store *
store_open_at(const char *home, int flags, const char *address,
    struct ucerr *err)
{
	struct store *st;
	char path[4096];
	int pg, readonly, open_flags = 0;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		ucerr_set(err, "store: out of memory");
		return NULL;
	}
	if (snprintf(st->home, sizeof(st->home), "%s", home) >=
	    (int)sizeof(st->home)) {
		ucerr_set(err, "%s: home path too long", home);
		goto fail;
	}
	if (flags & STORE_CREATE) {
		open_flags |= DB_SQLITE_CREATE;
		if (dir_make(home, 0700, err) == -1)
			goto fail;
		if (path_join(path, sizeof(path), home, "keys", err) == -1 ||
		    dir_make(path, 0700, err) == -1)
			goto fail;
	}
	if ((pg = store_address(home, flags, address, st->path,
	    sizeof(st->path), err)) == -1)
		goto fail;
	if (pg) {
		if (home_check(home, 0, err) == -1 ||
		    open_pg(st, flags, err) == -1 || migrate(st, err) == -1 ||
		    load_node_self(st, err) == -1)
			goto fail;
		return st;
	}
	if (path_join(st->path, sizeof(st->path), home, "ucpki.db", err) == -1)
		goto fail;
	if ((flags & STORE_CREATE) && db_create(st->path, err) == -1)
		goto fail;
	readonly = (flags & STORE_READONLY_OK) && cannot_write(st);
	if (home_check(home, readonly, err) == -1)
		goto fail;
	if (readonly)
		st->db = open_readonly(st);
	else
		st->db = db_sqlite_open(st->path, open_flags, STORE_BUSY_MS);
	if (st->db == NULL) {
		ucerr_set(err, "store: out of memory");
		goto fail;
	}
	if (db_error_class(st->db) != DB_OK) {
		store_fail(st, "open", err);
		goto fail;
	}
	if (store_exec(st, st->readonly ? "PRAGMA foreign_keys = ON;" :
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
	    "PRAGMA foreign_keys = ON;", err) == -1)
		goto fail;
	if (migrate(st, err) == -1 || load_node_self(st, err) == -1)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

struct store *
store_open_remote(const char *home, const char *address, struct ucerr *err)
{
	struct store *st;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		ucerr_set(err, "store: out of memory");
		return NULL;
	}
	if (snprintf(st->home, sizeof(st->home), "%s", home) >=
	    (int)sizeof(st->home) || snprintf(st->path, sizeof(st->path), "%s",
	    address) >= (int)sizeof(st->path)) {
		ucerr_set(err, "%s: too long", address);
		goto fail;
	}
	if (store_address_check(address, "--to", err) == -1 ||
	    open_pg(st, 0, err) == -1 || migrate(st, err) == -1)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

int
store_exists(const char *home)
{
	char path[4096];

	return (path_join(path, sizeof(path), home, "ucpki.db", NULL) == 0 &&
	    path_exists(path)) || (path_join(path, sizeof(path), home,
	    "store", NULL) == 0 && path_exists(path));
}

int
store_remote(const struct store *st)
{
	return db_dialect(st->db) == DB_PG;
}

int
store_remote_connections(void)
{
	return db_pg_connections();
}

const char *
store_marker(const struct store *st)
{
	return store_remote(st) ? "store" : "ucpki.db";
}

int
store_readonly(const struct store *st)
{
	return st->readonly;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	db_close(st->db);
	free(st);
}

const char *
store_home(const struct store *st)
{
	return st->home;
}

const char *
store_backend_version(void)
{
	return db_sqlite_version();
}

int
store_schema_version(struct store *st)
{
	return st->schema_version;
}

/*
 * A core function's own transaction run inside another (the server's
 * writer runs the administration pages' changes in its group commit)
 * becomes a savepoint: all or nothing still, committed with the rest.
 */
int
store_begin(struct store *st, struct ucerr *err)
{
	if (!db_in_transaction(st->db)) {
		if (db_begin(st->db) == -1)
			return store_fail(st, "begin", err);
		return 0;
	}
	/* Inside the writer's transaction: a savepoint, so a core
	 * function's own rollback undoes only its part. */
	if (store_exec(st, "SAVEPOINT nested", err) == -1)
		return -1;
	st->nested++;
	return 0;
}

int
store_commit(struct store *st, struct ucerr *err)
{
	if (st->nested == 0) {
		if (db_commit(st->db) == -1)
			return store_fail(st, "commit", err);
		return 0;
	}
	st->nested--;
	return store_exec(st, "RELEASE nested", err);
}

void
store_rollback(struct store *st)
{
	if (st->nested > 0) {
		st->nested--;
		store_exec(st, "ROLLBACK TO nested", NULL);
		store_exec(st, "RELEASE nested", NULL);
	} else
		db_rollback(st->db);
}

static int
exec_named(struct store *st, const char *verb, const char *name,
    struct ucerr *err)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "%s %s", verb, name);
	return store_exec(st, sql, err);
}

int
store_savepoint(struct store *st, const char *name, struct ucerr *err)
{
	return exec_named(st, "SAVEPOINT", name, err);
}

/* A named savepoint holds any nested one a job left open: releasing or
 * rolling it back ends those too. */
int
store_release(struct store *st, const char *name, struct ucerr *err)
{
	st->nested = 0;
	return exec_named(st, "RELEASE", name, err);
}

int
store_rollback_to(struct store *st, const char *name, struct ucerr *err)
{
	st->nested = 0;
	if (exec_named(st, "ROLLBACK TO", name, err) == -1)
		return -1;
	return exec_named(st, "RELEASE", name, err);
}

int
store_meta_get(struct store *st, const char *key, char *out, size_t outlen,
    struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT value FROM meta WHERE key = ?", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, key);
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		snprintf(out, outlen, "%s", db_column_text(stmt, 0));
		rc = 1;
	} else if (rc == DB_DONE) {
		out[0] = '\0';
		rc = 0;
	} else {
		rc = db_error(st, err, "meta");
	}
	db_finish(stmt);
	return rc;
}

int
store_meta_set(struct store *st, const char *key, const char *value,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO meta (key, value) VALUES (?, ?) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, key);
	db_bind_text(stmt, 2, value);
	return store_step_done(st, stmt, "meta", err);
}

int
store_column_blob(struct db_stmt *stmt, int col, uint8_t **out, size_t *len)
{
	const uint8_t *p = db_column_blob(stmt, col, len);

	if ((*out = malloc(*len > 0 ? *len : 1)) == NULL)
		return -1;
	if (*len > 0)
		memcpy(*out, p, *len);
	return 0;
}

void
store_column_text(struct db_stmt *stmt, int col, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", db_column_text(stmt, col));
}

void
identity_row_free(struct identity_row *row)
{
	free(row->cert_der);
	row->cert_der = NULL;
}

static int
identity_from_stmt(struct db_stmt *stmt, struct identity_row *row)
{
	memset(row, 0, sizeof(*row));
	store_column_text(stmt, 0, row->purpose, sizeof(row->purpose));
	store_column_text(stmt, 2, row->key_file, sizeof(row->key_file));
	store_column_text(stmt, 3, row->type, sizeof(row->type));
	row->updated_at = db_column_int64(stmt, 4);
	store_column_text(stmt, 5, row->node, sizeof(row->node));
	row->cluster = row->node[0] == '\0';
	return store_column_blob(stmt, 1, &row->cert_der, &row->cert_len);
}

#define IDENTITY_COLUMNS "purpose, cert_der, key_file, type, updated_at, node"
/* This node's rows and the cluster's (node ''): what "the identity" of a
 * purpose means to every service of the node. */
#define OWN_NODE "node IN (?, '')"

int
store_identity_get(struct store *st, const char *purpose,
    struct identity_row *row, struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT " IDENTITY_COLUMNS " FROM identity "
	    "WHERE " OWN_NODE " AND purpose = ?", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, st->node);
	db_bind_text(stmt, 2, purpose);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		rc = identity_from_stmt(stmt, row) == 0 ? 1 :
		    ucerr_set(err, "store: out of memory");
	else if (rc == DB_DONE)
		rc = 0;
	else
		rc = db_error(st, err, "identity");
	db_finish(stmt);
	return rc;
}

int
store_identity_put(struct store *st, const struct identity_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	/* SQLite's REPLACE puts a renewed identity last in rowid order (the
	 * order listings show); PostgreSQL's listing orders by time. */
	if (store_prepare(st, STORE_SQL(st, "INSERT OR REPLACE INTO identity ("
	    IDENTITY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)", "INSERT INTO "
	    "identity (" IDENTITY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?) ON "
	    "CONFLICT (node, purpose) DO UPDATE SET cert_der = "
	    "excluded.cert_der, key_file = excluded.key_file, type = "
	    "excluded.type, updated_at = excluded.updated_at"), &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->purpose);
	db_bind_blob(stmt, 2, row->cert_der, row->cert_len);
	db_bind_text(stmt, 3, row->key_file);
	db_bind_text(stmt, 4, row->type);
	db_bind_int64(stmt, 5, row->updated_at ? row->updated_at :
	    (int64_t)clock_now());
	/* A node writes its own identities only: its keys are its files. */
	db_bind_text(stmt, 6, row->cluster ? "" : st->node);
	return store_step_done(st, stmt, "identity", err);
}

static int
identity_each(struct store *st, int every_node, identity_cb cb, void *ctx,
    struct ucerr *err)
{
	struct identity_row row;
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, every_node ? STORE_SQL(st, "SELECT "
	    IDENTITY_COLUMNS " FROM identity ORDER BY node, rowid", "SELECT "
	    IDENTITY_COLUMNS " FROM identity ORDER BY node, updated_at, "
	    "purpose") : STORE_SQL(st, "SELECT " IDENTITY_COLUMNS " FROM "
	    "identity WHERE " OWN_NODE " ORDER BY rowid", "SELECT "
	    IDENTITY_COLUMNS " FROM identity WHERE " OWN_NODE " ORDER BY "
	    "updated_at, purpose"), &stmt, err) == -1)
		return -1;
	if (!every_node)
		db_bind_text(stmt, 1, st->node);
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (identity_from_stmt(stmt, &row) == -1) {
			db_finish(stmt);
			return ucerr_set(err, "store: out of memory");
		}
		rc = cb(ctx, &row);
		identity_row_free(&row);
		if (rc != 0) {
			db_finish(stmt);
			return rc;
		}
	}
	if (rc != DB_DONE)
		db_error(st, err, "identity");
	db_finish(stmt);
	return rc == DB_DONE ? 0 : -1;
}

int
store_identity_each(struct store *st, identity_cb cb, void *ctx,
    struct ucerr *err)
{
	return identity_each(st, 0, cb, ctx, err);
}

int
store_identity_each_node(struct store *st, identity_cb cb, void *ctx,
    struct ucerr *err)
{
	return identity_each(st, 1, cb, ctx, err);
}

void
csr_row_free(struct csr_row *row)
{
	free(row->csr_der);
	row->csr_der = NULL;
}

int
store_csr_get(struct store *st, const char *purpose, struct csr_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	memset(row, 0, sizeof(*row));
	if (store_prepare(st, "SELECT purpose, csr_der, key_file, created_at "
	    "FROM csr WHERE " OWN_NODE " AND purpose = ?", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, st->node);
	db_bind_text(stmt, 2, purpose);
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		store_column_text(stmt, 0, row->purpose, sizeof(row->purpose));
		store_column_text(stmt, 2, row->key_file, sizeof(row->key_file));
		row->created_at = db_column_int64(stmt, 3);
		rc = store_column_blob(stmt, 1, &row->csr_der,
		    &row->csr_len) == 0 ? 1 : ucerr_set(err, "out of memory");
	} else if (rc == DB_DONE) {
		rc = 0;
	} else {
		rc = db_error(st, err, "csr");
	}
	db_finish(stmt);
	return rc;
}

int
store_csr_put(struct store *st, const struct csr_row *row, struct ucerr *err)
{
	struct db_stmt *stmt;

	/* The CSR belongs where its identity does (the cluster's CAPF). */
	if (store_prepare(st, "INSERT INTO csr (node, purpose, csr_der, "
	    "key_file, created_at) VALUES (CASE WHEN EXISTS (SELECT 1 FROM "
	    "identity WHERE node = '' AND purpose = ?1) THEN '' ELSE ?5 END, "
	    "?1, ?2, ?3, ?4) ON CONFLICT (node, purpose) DO UPDATE SET csr_der "
	    "= excluded.csr_der, key_file = excluded.key_file, created_at = "
	    "excluded.created_at", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->purpose);
	db_bind_blob(stmt, 2, row->csr_der, row->csr_len);
	db_bind_text(stmt, 3, row->key_file);
	db_bind_int64(stmt, 4, row->created_at ? row->created_at :
	    (int64_t)clock_now());
	db_bind_text(stmt, 5, st->node);
	return store_step_done(st, stmt, "csr", err);
}

int
store_csr_delete(struct store *st, const char *purpose, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "DELETE FROM csr WHERE " OWN_NODE " AND "
	    "purpose = ?", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, st->node);
	db_bind_text(stmt, 2, purpose);
	return store_step_done(st, stmt, "csr", err);
}

void
trust_row_free(struct trust_row *row)
{
	free(row->cert_der);
	row->cert_der = NULL;
}

#define TRUST_COLUMNS "id, store, name, cert_der, sha256, added_at"

static int
trust_from_stmt(struct db_stmt *stmt, struct trust_row *row)
{
	memset(row, 0, sizeof(*row));
	row->id = db_column_int64(stmt, 0);
	store_column_text(stmt, 1, row->store, sizeof(row->store));
	store_column_text(stmt, 2, row->name, sizeof(row->name));
	store_column_text(stmt, 4, row->sha256, sizeof(row->sha256));
	row->added_at = db_column_int64(stmt, 5);
	return store_column_blob(stmt, 3, &row->cert_der, &row->cert_len);
}

int
store_trust_add(struct store *st, const struct trust_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO trust (store, name, cert_der, "
	    "sha256, added_at) VALUES (?, ?, ?, ?, ?)", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->store);
	db_bind_text(stmt, 2, row->name);
	db_bind_blob(stmt, 3, row->cert_der, row->cert_len);
	db_bind_text(stmt, 4, row->sha256);
	db_bind_int64(stmt, 5, row->added_at ? row->added_at :
	    (int64_t)clock_now());
	if (store_step_done(st, stmt, "trust", err) == -1)
		return store_was_duplicate(st) ? ucerr_set(err, "%s/%s.pem: "
		    "already in the trust store (same name or same certificate)",
		    row->store, row->name) : -1;
	return 0;
}

static int
trust_get_by(struct store *st, const char *sql, const char *store_name,
    const char *key, struct trust_row *row, struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, store_name);
	db_bind_text(stmt, 2, key);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		rc = trust_from_stmt(stmt, row) == 0 ? 1 :
		    ucerr_set(err, "store: out of memory");
	else if (rc == DB_DONE)
		rc = 0;
	else
		rc = db_error(st, err, "trust");
	db_finish(stmt);
	return rc;
}

int
store_trust_get(struct store *st, const char *store_name, const char *name,
    struct trust_row *row, struct ucerr *err)
{
	return trust_get_by(st, "SELECT " TRUST_COLUMNS " FROM trust WHERE "
	    "store = ? AND name = ?", store_name, name, row, err);
}

int
store_trust_find_sha256(struct store *st, const char *store_name,
    const char *sha256, struct trust_row *row, struct ucerr *err)
{
	return trust_get_by(st, "SELECT " TRUST_COLUMNS " FROM trust WHERE "
	    "store = ? AND sha256 = ?", store_name, sha256, row, err);
}

int
store_trust_delete(struct store *st, const char *store_name, const char *name,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "DELETE FROM trust WHERE store = ? AND name = ?",
	    &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, store_name);
	db_bind_text(stmt, 2, name);
	return store_step_done(st, stmt, "trust", err);
}

int
store_trust_each(struct store *st, const char *store_name, trust_cb cb,
    void *ctx, struct ucerr *err)
{
	struct trust_row row;
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, store_name ?
	    "SELECT " TRUST_COLUMNS " FROM trust WHERE store = ? ORDER BY id" :
	    "SELECT " TRUST_COLUMNS " FROM trust ORDER BY store, id",
	    &stmt, err) == -1)
		return -1;
	if (store_name)
		db_bind_text(stmt, 1, store_name);
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (trust_from_stmt(stmt, &row) == -1) {
			db_finish(stmt);
			return ucerr_set(err, "store: out of memory");
		}
		rc = cb(ctx, &row);
		trust_row_free(&row);
		if (rc != 0) {
			db_finish(stmt);
			return rc;
		}
	}
	if (rc != DB_DONE)
		db_error(st, err, "trust");
	db_finish(stmt);
	return rc == DB_DONE ? 0 : -1;
}
