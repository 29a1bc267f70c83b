/*
 * db_pg.c - db.h over PostgreSQL through libpq (the engine's half; db.c
 * the rest).
 *
 * `?`/`?N` become `$N`, numbered densely in the order they first appear
 * (the server must know the type of every parameter it is given, and a
 * caller may bind ones a statement does not use, as SQLite allows).  A kept statement is prepared on the server once
 * per connection (PQprepare, at its first step, when the types of its
 * parameters are known: integers go as int8, blobs as binary bytea,
 * text as text); results come as text and
 * are read from the PGresult a row at a time, so a callback may run
 * other statements while one is being read.  A lost connection is
 * reconnected by the next call, with back-off (see connected()); what it
 * had prepared is prepared again.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db_impl.h"
#include "log.h"
#include "pq_api.h"

#define PG_BYTEAOID	17
#define PG_INT8OID	20
#define PG_TEXTOID	25
/* Seconds between reconnection attempts, doubling up to this. */
#define PG_BACKOFF_MAX	30
/* A reconnection runs a step at a time (libpq's non-blocking reset): on
 * an event loop's connection one call spends at most PG_STEP_MS on it (a
 * server that answers does so well within), so that a database that
 * accepts connections and then hangs never stalls the loop that asked;
 * other connections wait for the attempt.  An attempt that has not
 * finished after PG_ATTEMPT_MAX seconds counts as failed. */
#define PG_STEP_MS	50
#define PG_ATTEMPT_MAX	10

/* Connections this process holds open (serve logs the count). */
static atomic_int open_connections;

struct pg_conn {
	PGconn		*conn;
	int64_t		 changes;
	unsigned	 epoch;		/* bumped by each reconnection */
	unsigned	 next_name;
	int		 in_tx;		/* inside a transaction when last asked */
	int64_t		 lost_at;	/* when the connection went (0: up) */
	int64_t		 next_try;	/* no reconnection before this */
	unsigned	 back_seen;	/* reconnections when it last failed */
	int		 backoff;	/* seconds, the last wait */
	int		 step_ms;	/* the most a call reconnects for */
	int		 resetting;	/* a reconnection under way */
	PostgresPollingStatusType reset_poll;	/* what it waits for */
	int64_t		 reset_until;	/* when the attempt gives up */
	char		 listen[64];	/* LISTEN again after reconnecting */
};

struct pg_stmt {
	char		*sql;		/* with $N */
	int		 nparams;	/* the largest ?N */
	struct db_param	*params;	/* by ?N */
	int		 npg;		/* the $N */
	int		*map;		/* $N's ?N, for N in 1..npg */
	char		(*ints)[24];	/* the int8 parameters' text, by $N */
	int		 keep;
	char		 name[24];
	unsigned	 prepared_epoch; /* 0: not prepared on the server */
	PGresult	*res;
	int		 row, nrows;
	unsigned char	*blob;		/* the last blob column read */
};

static struct pg_conn *
conn_of(struct db *db)
{
	return db->h;
}

static enum db_class
classify(const char *state)
{
	if (state == NULL)
		return DB_GONE;
	if (strcmp(state, "23505") == 0)
		return DB_DUPLICATE;
	/* serialization_failure, deadlock_detected, lock_not_available:
	 * another session's transaction won; the request may try again. */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return DB_BUSY;
	if (strcmp(state, "25006") == 0)	/* read_only_sql_transaction */
		return DB_READONLY;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0)
		return DB_GONE;			/* connection, shutdown */
	if (strncmp(state, "53", 2) == 0 || strncmp(state, "58", 2) == 0)
		return DB_IO;			/* disk full, system error */
	if (strncmp(state, "XX", 2) == 0)
		return DB_CORRUPT;		/* data_corrupted, internal */
	return DB_OTHER;
}

/* One line of libpq's message (they end in a newline, some have more). */
static int
fail_msg(struct db *db, enum db_class cls, const char *msg)
{
	char line[256];

	snprintf(line, sizeof(line), "%s", msg != NULL && *msg != '\0' ? msg :
	    "PostgreSQL failed");
	line[strcspn(line, "\n")] = '\0';
	return db_fail(db, cls, 0, line);
}

static int
fail_res(struct db *db, PGresult *res)
{
	struct pg_conn *pc = conn_of(db);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;
	const char *msg = res ? PQresultErrorField(res,
	    PG_DIAG_MESSAGE_PRIMARY) : NULL;
	enum db_class cls = classify(state);

	if (PQstatus(pc->conn) == CONNECTION_BAD)
		cls = DB_GONE;
	if (msg == NULL)
		msg = PQerrorMessage(pc->conn);
	return fail_msg(db, cls, msg);
}

static int	listen_now(struct db *db);

/*
 * A connection that went away is reconnected here, before the call that
 * needs it: at once, then no more often than a back-off of 1 s doubling
 * to PG_BACKOFF_MAX, each attempt a step at a time (reconnect_step).
 * Calls in between fail DB_GONE at once, so that a service answers what
 * it can from memory rather than waiting on connection timeouts.  The
 * process logs one line when the database goes and one when it is
 * back, whichever of its connections notices first (a connection found
 * closed and reconnected at once, the server back already, says so only
 * at debug level); the statements are prepared again on use.
 */
static atomic_int database_down;
/* Successful reconnections in this process: once one connection is back,
 * the others try again at once rather than at the end of their back-off
 * (the writer must not fail an enrolment the loop's connection could
 * already read for). */
static atomic_uint reconnections;

/*
 * Moves the reconnection on for at most step_ms: 1 when connected,
 * 0 while still on its way, -1 when it failed (why says so).  Host
 * names are resolved by libpq as the attempt starts, which does wait:
 * a cluster's store address names hosts the resolver knows.
 */
static int
reconnect_step(struct pg_conn *pc, int64_t now, char *why, size_t whylen)
{
	int64_t until = clock_monotonic_ms() + pc->step_ms;
	struct pollfd p;
	int left, rc;

	if (!pc->resetting) {
		if (PQresetStart(pc->conn) == 0)
			goto failed;
		pc->resetting = 1;
		/* libpq: just after the start, as if it had said WRITING. */
		pc->reset_poll = PGRES_POLLING_WRITING;
		pc->reset_until = now + PG_ATTEMPT_MAX;
	}
	for (;;) {
		p.fd = PQsocket(pc->conn);
		p.events = pc->reset_poll == PGRES_POLLING_READING ? POLLIN :
		    POLLOUT;
		p.revents = 0;
		left = (int)(until - clock_monotonic_ms());
		if (p.fd >= 0) {
			rc = poll(&p, 1, left > 0 ? left : 0);
			if (rc == -1 && errno == EINTR)
				continue;
			if (rc == 0)
				break;
		}
		pc->reset_poll = PQresetPoll(pc->conn);
		if (pc->reset_poll == PGRES_POLLING_OK) {
			pc->resetting = 0;
			return 1;
		}
		if (pc->reset_poll == PGRES_POLLING_FAILED)
			goto failed;
		if (clock_monotonic_ms() >= until)
			break;
	}
	if (now < pc->reset_until)
		return 0;
	pc->resetting = 0;
	snprintf(why, whylen, "no answer within %d s", PG_ATTEMPT_MAX);
	return -1;
failed:
	pc->resetting = 0;
	snprintf(why, whylen, "%s", PQerrorMessage(pc->conn));
	why[strcspn(why, "\n")] = '\0';
	return -1;
}

static int
connected(struct db *db)
{
	struct pg_conn *pc = conn_of(db);
	int64_t now;
	char why[256];
	int rc;

	/* A server that shut down or failed over said so and closed the
	 * socket: reading what is there (libpq never waits here), its
	 * message and then the end of the stream, finds out before a
	 * statement is sent on a dead connection. */
	if (PQstatus(pc->conn) == CONNECTION_OK && !pc->in_tx &&
	    PQconsumeInput(pc->conn) == 1)
		(void)PQconsumeInput(pc->conn);
	if (PQstatus(pc->conn) == CONNECTION_OK)
		return 0;
	now = clock_monotonic_ms() / 1000;
	if (pc->lost_at == 0) {
		pc->lost_at = now;
		pc->next_try = now;
		pc->backoff = 0;
	}
	/* The transaction died with the connection: its caller hears so
	 * (and rolls back) before anything runs on a new one. */
	if (pc->in_tx) {
		pc->in_tx = 0;
		return fail_msg(db, DB_GONE, "the connection to PostgreSQL was "
		    "lost inside a transaction");
	}
	if ((now < pc->next_try && atomic_load(&reconnections) ==
	    pc->back_seen) || (rc = reconnect_step(pc, now, why,
	    sizeof(why))) == 0)
		return fail_msg(db, DB_GONE, "PostgreSQL is unreachable; "
		    "reconnecting");
	if (rc == -1) {
		if (atomic_exchange(&database_down, 1) == 0)
			log_msg(LOG_LEVEL_WARN, "store: lost the connection to "
			    "PostgreSQL at %s:%s (database %s); reconnecting",
			    PQhost(pc->conn), PQport(pc->conn), PQdb(pc->conn));
		pc->backoff = pc->backoff == 0 ? 1 : pc->backoff * 2;
		if (pc->backoff > PG_BACKOFF_MAX)
			pc->backoff = PG_BACKOFF_MAX;
		pc->next_try = now + pc->backoff;
		pc->back_seen = atomic_load(&reconnections);
		log_once(LOG_LEVEL_WARN, "store-reconnect", "store: PostgreSQL "
		    "still unreachable (%s); next attempt in %d s", why,
		    pc->backoff);
		return fail_msg(db, DB_GONE, why);
	}
	log_msg(atomic_exchange(&database_down, 0) == 1 ? LOG_LEVEL_INFO :
	    LOG_LEVEL_DEBUG, "store: reconnected to PostgreSQL at %s:%s "
	    "after %lld s", PQhost(pc->conn), PQport(pc->conn),
	    (long long)(now - pc->lost_at));
	pc->lost_at = 0;
	pc->epoch++;
	atomic_fetch_add(&reconnections, 1);
	/* A new session listens to nothing: subscribe it again (what came
	 * in between, the caller's read of the counter catches up on). */
	if (pc->listen[0] != '\0' && listen_now(db) == -1)
		return -1;
	return 0;
}

static void
p_close(struct db *db)
{
	struct pg_conn *pc = conn_of(db);

	if (pc != NULL) {
		PQfinish(pc->conn);
		atomic_fetch_sub(&open_connections, 1);
	}
	free(pc);
}

static void
note_tx(struct pg_conn *pc)
{
	PGTransactionStatusType t = PQtransactionStatus(pc->conn);

	pc->in_tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

static int
p_exec(struct db *db, const char *sql)
{
	struct pg_conn *pc = conn_of(db);
	PGresult *res;
	ExecStatusType st;

	if (connected(db) == -1)
		return -1;
	res = PQexec(pc->conn, sql);
	note_tx(pc);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fail_res(db, res);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/* SQLite's type words, whole words outside quotes, as PostgreSQL's. */
static char *
p_schema_words(const char *sql)
{
	static const char *const words[][2] = {
		{ "INTEGER PRIMARY KEY AUTOINCREMENT",
		  "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
		{ "INTEGER PRIMARY KEY",
		  "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
		{ "INTEGER", "BIGINT" },
		{ "BLOB", "BYTEA" },
	};
	size_t n = strlen(sql), i, len;
	char *out = malloc(n * 3 + 1), *o = out;
	const char *p = sql;
	int quote = 0;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		if (*p == '\'')
			quote = !quote;
		for (i = 0; !quote && i < sizeof(words) / sizeof(words[0]);
		    i++) {
			len = strlen(words[i][0]);
			if (strncmp(p, words[i][0], len) == 0 &&
			    (p == sql || !(isalnum((unsigned char)p[-1]) ||
			    p[-1] == '_')) &&
			    !(isalnum((unsigned char)p[len]) || p[len] == '_'))
				break;
		}
		if (quote || i == sizeof(words) / sizeof(words[0])) {
			*o++ = *p++;
			continue;
		}
		o += sprintf(o, "%s", words[i][1]);
		p += strlen(words[i][0]);
	}
	*o = '\0';
	return out;
}

static int
p_in_transaction(struct db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(conn_of(db)->conn);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR ||
	    t == PQTRANS_ACTIVE;
}

static int64_t
p_changes(struct db *db)
{
	return conn_of(db)->changes;
}

/* The schema's number lives in a one-row table of its own. */
static int
p_user_version(struct db *db, int *version)
{
	struct pg_conn *pc = conn_of(db);
	PGresult *res;
	int rc = 0;

	if (connected(db) == -1)
		return -1;
	res = PQexec(pc->conn, "SELECT to_regclass('ucpki_schema') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fail_res(db, res);
		PQclear(res);
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	res = PQexec(pc->conn, "SELECT max(version) FROM ucpki_schema");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = fail_res(db, res);
	else if (!PQgetisnull(res, 0, 0))
		*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

static int
p_set_user_version(struct db *db, int version)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS ucpki_schema "
	    "(version integer NOT NULL); DELETE FROM ucpki_schema; "
	    "INSERT INTO ucpki_schema VALUES (%d)", version);
	return p_exec(db, sql);
}

/*
 * SQLite's placeholders as PostgreSQL's: `?N` is SQLite's parameter N, a
 * bare `?` one more than the largest number so far; each distinct one
 * becomes the next `$K` and map[K - 1] says which it was.  Quoted text
 * is left alone.
 */
static char *
placeholders(const char *sql, int *nparams, int **mapp, int *npg)
{
	size_t n = strlen(sql);
	char *out = malloc(n * 4 + 1), *o = out;
	const char *p = sql;
	int quote = 0, max = 0, v, k, *map;

	*mapp = NULL;
	*npg = 0;
	if (out == NULL)
		return NULL;
	if ((map = calloc(n + 1, sizeof(*map))) == NULL) {
		free(out);
		return NULL;
	}
	while (*p != '\0') {
		if (*p == '\'')
			quote = !quote;
		if (quote || *p != '?') {
			*o++ = *p++;
			continue;
		}
		p++;
		if (*p >= '0' && *p <= '9') {
			for (v = 0; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (*p - '0');
		} else
			v = max + 1;
		if (v > 999) {
			free(map);
			free(out);
			return NULL;
		}
		if (v > max)
			max = v;
		for (k = 0; k < *npg && map[k] != v; k++)
			;
		if (k == *npg)
			map[(*npg)++] = v;
		o += sprintf(o, "$%d", k + 1);
	}
	*o = '\0';
	*nparams = max;
	*mapp = map;
	return out;
}

static int
p_prepare(struct db_stmt *stmt, const char *sql, int keep)
{
	struct pg_conn *pc = conn_of(stmt->db);
	struct pg_stmt *ps;

	if ((ps = calloc(1, sizeof(*ps))) == NULL ||
	    (ps->sql = placeholders(sql, &ps->nparams, &ps->map,
	    &ps->npg)) == NULL) {
		free(ps);
		return db_fail(stmt->db, DB_OTHER, 0,
		    "out of memory or too many parameters");
	}
	if (ps->nparams > 0 &&
	    ((ps->params = calloc((size_t)ps->nparams,
	    sizeof(*ps->params))) == NULL ||
	    (ps->ints = calloc((size_t)ps->npg, sizeof(*ps->ints))) ==
	    NULL)) {
		free(ps->params);
		free(ps->map);
		free(ps->sql);
		free(ps);
		return db_fail(stmt->db, DB_OTHER, 0, "out of memory");
	}
	ps->keep = keep;
	snprintf(ps->name, sizeof(ps->name), "u%u", ++pc->next_name);
	stmt->h = ps;
	return 0;
}

static void
clear_result(struct pg_stmt *ps)
{
	PQclear(ps->res);
	ps->res = NULL;
	PQfreemem(ps->blob);
	ps->blob = NULL;
}

static void
p_finalize(struct db_stmt *stmt)
{
	struct pg_stmt *ps = stmt->h;

	/* The server's copy goes with the connection. */
	clear_result(ps);
	free(ps->params);
	free(ps->ints);
	free(ps->map);
	free(ps->sql);
	free(ps);
}

static void
p_bind(struct db_stmt *stmt, int i, const struct db_param *p)
{
	struct pg_stmt *ps = stmt->h;

	if (i >= 1 && i <= ps->nparams)
		ps->params[i - 1] = *p;
}

static int
execute(struct db_stmt *stmt)
{
	struct pg_conn *pc = conn_of(stmt->db);
	struct pg_stmt *ps = stmt->h;
	const char **values = NULL;
	int *lengths = NULL, *formats = NULL, i, rc = -1;
	unsigned *types = NULL;
	ExecStatusType st;
	PGresult *res;

	if (connected(stmt->db) == -1)
		return -1;
	if (ps->npg > 0 &&
	    ((values = calloc((size_t)ps->npg, sizeof(*values))) == NULL ||
	    (lengths = calloc((size_t)ps->npg, sizeof(*lengths))) == NULL ||
	    (formats = calloc((size_t)ps->npg, sizeof(*formats))) == NULL ||
	    (types = calloc((size_t)ps->npg, sizeof(*types))) == NULL)) {
		db_fail(stmt->db, DB_OTHER, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < ps->npg; i++) {
		const struct db_param *p = &ps->params[ps->map[i] - 1];

		switch (p->type) {
		case DB_T_NULL:
			/* Never bound, or bound NULL: the optional parameters
			 * the store leaves unbound are text. */
			types[i] = PG_TEXTOID;
			break;
		case DB_T_TEXT:
			values[i] = p->p;
			types[i] = PG_TEXTOID;
			break;
		case DB_T_INT64:
			snprintf(ps->ints[i], sizeof(ps->ints[i]), "%" PRId64,
			    p->v);
			values[i] = ps->ints[i];
			types[i] = PG_INT8OID;
			break;
		case DB_T_BLOB:
			values[i] = p->p;
			lengths[i] = (int)p->len;
			formats[i] = 1;
			types[i] = PG_BYTEAOID;
			break;
		}
	}
	if (ps->keep && ps->prepared_epoch != pc->epoch + 1) {
		res = PQprepare(pc->conn, ps->name, ps->sql, ps->npg,
		    (const Oid *)types);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			fail_res(stmt->db, res);
			PQclear(res);
			goto out;
		}
		PQclear(res);
		ps->prepared_epoch = pc->epoch + 1;
	}
	if (ps->keep)
		res = PQexecPrepared(pc->conn, ps->name, ps->npg, values,
		    lengths, formats, 0);
	else
		res = PQexecParams(pc->conn, ps->sql, ps->npg,
		    (const Oid *)types, values, lengths, formats, 0);
	note_tx(pc);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fail_res(stmt->db, res);
		PQclear(res);
		goto out;
	}
	pc->changes = *PQcmdTuples(res) != '\0' ?
	    strtoll(PQcmdTuples(res), NULL, 10) : 0;
	ps->res = res;
	ps->row = -1;
	ps->nrows = PQntuples(res);
	rc = 0;
out:
	free(values);
	free(lengths);
	free(formats);
	free(types);
	return rc;
}

static int
p_step(struct db_stmt *stmt)
{
	struct pg_stmt *ps = stmt->h;

	if (ps->res == NULL && execute(stmt) == -1)
		return DB_ERROR;
	PQfreemem(ps->blob);
	ps->blob = NULL;
	if (++ps->row < ps->nrows)
		return DB_ROW;
	ps->row = ps->nrows;
	return DB_DONE;
}

static void
p_reset(struct db_stmt *stmt)
{
	struct pg_stmt *ps = stmt->h;

	clear_result(ps);
	if (ps->nparams > 0)
		memset(ps->params, 0, (size_t)ps->nparams *
		    sizeof(*ps->params));
}

static int
p_is_null(struct db_stmt *stmt, int col)
{
	struct pg_stmt *ps = stmt->h;

	return ps->res == NULL || ps->row >= ps->nrows ||
	    PQgetisnull(ps->res, ps->row, col);
}

static int64_t
p_int64(struct db_stmt *stmt, int col)
{
	struct pg_stmt *ps = stmt->h;
	const char *v;

	if (p_is_null(stmt, col))
		return 0;
	v = PQgetvalue(ps->res, ps->row, col);
	/* A boolean reads as SQLite's 1 or 0. */
	if (strcmp(v, "t") == 0)
		return 1;
	return strtoll(v, NULL, 10);
}

static const char *
p_text(struct db_stmt *stmt, int col)
{
	struct pg_stmt *ps = stmt->h;

	if (p_is_null(stmt, col))
		return "";
	return PQgetvalue(ps->res, ps->row, col);
}

static const uint8_t *
p_blob(struct db_stmt *stmt, int col, size_t *len)
{
	struct pg_stmt *ps = stmt->h;

	*len = 0;
	PQfreemem(ps->blob);
	ps->blob = NULL;
	if (p_is_null(stmt, col))
		return NULL;
	/* Text results carry bytea as \x hex; valid until the next read. */
	ps->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(ps->res,
	    ps->row, col), len);
	if (ps->blob == NULL || *len == 0) {
		*len = 0;
		return NULL;
	}
	return ps->blob;
}

/* LISTEN on the channel kept in the connection. */
static int
listen_now(struct db *db)
{
	struct pg_conn *pc = conn_of(db);
	PGresult *res;
	char sql[128];
	int rc = 0;

	snprintf(sql, sizeof(sql), "LISTEN %s", pc->listen);
	res = PQexec(pc->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = fail_res(db, res);
	PQclear(res);
	return rc;
}

static int
p_listen(struct db *db, const char *channel)
{
	struct pg_conn *pc = conn_of(db);

	/* The store's own name, never a caller's text: a plain word, so
	 * it needs no quoting. */
	if (channel[0] == '\0' ||
	    strspn(channel, "abcdefghijklmnopqrstuvwxyz_") != strlen(channel) ||
	    snprintf(pc->listen, sizeof(pc->listen), "%s", channel) >=
	    (int)sizeof(pc->listen))
		return fail_msg(db, DB_OTHER, "not a channel name");
	if (connected(db) == -1)
		return -1;
	return listen_now(db);
}

static int
p_socket(struct db *db, unsigned *epoch)
{
	struct pg_conn *pc = conn_of(db);

	*epoch = pc->epoch;
	if (PQstatus(pc->conn) != CONNECTION_OK)
		return -1;
	return PQsocket(pc->conn);
}

/*
 * What the server sent, read without waiting.  A lost connection is
 * noticed here (one log line, through connected(), which also tries to
 * reconnect at once and then with back-off).
 */
static int
p_notified(struct db *db, int64_t *payload)
{
	struct pg_conn *pc = conn_of(db);
	PGnotify *n;
	int64_t v;
	int got = 0;

	if (PQstatus(pc->conn) != CONNECTION_OK ||
	    PQconsumeInput(pc->conn) == 0 ||
	    PQstatus(pc->conn) != CONNECTION_OK) {
		(void)connected(db);
		return -1;
	}
	while ((n = PQnotifies(pc->conn)) != NULL) {
		v = strtoll(n->extra, NULL, 10);
		if (v > *payload)
			*payload = v;
		got = 1;
		PQfreemem(n);
	}
	return got;
}

static const struct db_ops pg_ops = {
	.begin_sql = "BEGIN",
	.close = p_close,
	.exec = p_exec,
	.schema_words = p_schema_words,
	.in_transaction = p_in_transaction,
	.changes = p_changes,
	.user_version = p_user_version,
	.set_user_version = p_set_user_version,
	.prepare = p_prepare,
	.finalize = p_finalize,
	.bind = p_bind,
	.step = p_step,
	.reset = p_reset,
	.is_null = p_is_null,
	.int64 = p_int64,
	.text = p_text,
	.blob = p_blob,
	.listen = p_listen,
	.socket = p_socket,
	.notified = p_notified,
};

int
db_pg_connections(void)
{
	return atomic_load(&open_connections);
}

int
db_pg_has_password(const char *conninfo, char *why, size_t whylen)
{
	PQconninfoOption *opts, *o;
	char *msg = NULL;
	int found = 0;
	struct ucerr err;

	if (pq_api_load(&err) == -1) {
		snprintf(why, whylen, "%s", err.msg);
		return -1;
	}
	if ((opts = PQconninfoParse(conninfo, &msg)) == NULL) {
		snprintf(why, whylen, "%s", msg != NULL ? msg :
		    "out of memory");
		why[strcspn(why, "\n")] = '\0';
		PQfreemem(msg);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    *o->val != '\0')
			found = 1;
	PQconninfoFree(opts);
	return found;
}

/* Notices ("relation already exists, skipping") are not for the user. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

struct db *
db_pg_open(const char *conninfo, int in_event_loop)
{
	struct db *db;
	struct pg_conn *pc;
	struct ucerr err;

	if ((db = db_new(&pg_ops, DB_PG)) == NULL)
		return NULL;
	if (pq_api_load(&err) == -1) {
		db_fail(db, DB_GONE, 0, err.msg);
		return db;
	}
	if ((pc = calloc(1, sizeof(*pc))) == NULL) {
		free(db);
		return NULL;
	}
	db->h = pc;
	pc->step_ms = in_event_loop ? PG_STEP_MS : PG_ATTEMPT_MAX * 1000;
	atomic_fetch_add(&open_connections, 1);
	pc->conn = PQconnectdb(conninfo);
	if (pc->conn == NULL) {
		db_fail(db, DB_GONE, ENOMEM, "out of memory");
		return db;
	}
	PQsetNoticeProcessor(pc->conn, quiet, NULL);
	if (PQstatus(pc->conn) != CONNECTION_OK)
		fail_msg(db, DB_GONE, PQerrorMessage(pc->conn));
	return db;
}
