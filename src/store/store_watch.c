/*
 * store_watch.c - the generation counter, and how serve watches it (see
 * store.h).  One process follows one generation: serve's watch sets it,
 * and every cache in the process (TVS's index, the TFTP signer, CAPF's
 * trust, the administration service's TLS) compares against it instead
 * of asking the database per request, so that they keep answering while
 * the database is down.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "clock.h"
#include "store.h"
#include "store_sqlite.h"

/* PostgreSQL's channel; migration 13's trigger notifies on it. */
#define WATCH_CHANNEL	"ucpki"

/* -1: not followed (every command but serve). */
static atomic_llong followed = -1;

struct store_watch {
	struct store	*st;
	int		 poll_s;
	int64_t		 last_read;	/* monotonic s of the last read */
	int64_t		 generation;	/* the largest seen */
	unsigned	 epoch;		/* the connection of the last read */
};

int64_t
store_generation_read(struct store *st)
{
	struct db_stmt *stmt;
	int64_t value = -1;

	if (store_prepare(st, "SELECT value FROM generation", &stmt, NULL) == -1)
		return -1;
	if (db_step(stmt) == DB_ROW)
		value = db_column_int64(stmt, 0);
	db_finish(stmt);
	return value;
}

int64_t
store_generation(struct store *st)
{
	int64_t g = atomic_load(&followed);

	return g >= 0 ? g : store_generation_read(st);
}

void
store_generation_follow(int64_t generation)
{
	atomic_store(&followed, generation);
}

struct store_watch *
store_watch_open(const char *home, int poll_s, struct ucerr *err)
{
	struct store_watch *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		ucerr_set(err, "store watch: out of memory");
		return NULL;
	}
	w->poll_s = poll_s > 0 ? poll_s : 30;
	w->generation = -1;
	if ((w->st = store_open(home, STORE_EVENT_LOOP, err)) == NULL) {
		free(w);
		return NULL;
	}
	if (store_remote(w->st) && db_listen(w->st->db, WATCH_CHANNEL) == -1) {
		store_fail(w->st, "listen", err);
		store_watch_close(w);
		return NULL;
	}
	return w;
}

void
store_watch_close(struct store_watch *w)
{
	if (w == NULL)
		return;
	store_close(w->st);
	free(w);
}

int
store_watch_fd(struct store_watch *w, unsigned *epoch)
{
	return db_socket(w->st->db, epoch);
}

int
store_watch_check(struct store_watch *w, int64_t *generation)
{
	int64_t now = clock_monotonic_ms() / 1000, payload, g;
	unsigned epoch;
	int remote = store_remote(w->st);

	*generation = w->generation;
	/* On a live connection that was read since it connected, only what
	 * the server sent is looked at: no query. */
	if (remote && w->last_read != 0 && now - w->last_read < w->poll_s &&
	    db_socket(w->st->db, &epoch) >= 0 && epoch == w->epoch) {
		switch (db_notified(w->st->db, &payload)) {
		case 0:
			return STORE_WATCH_NONE;
		case 1:
			if (payload > w->generation)
				w->generation = payload;
			*generation = w->generation;
			return STORE_WATCH_NOTIFIED;
		}
		/* Lost: the read below reconnects (with back-off). */
	}
	if ((g = store_generation_read(w->st)) == -1)
		return -1;
	w->last_read = now;
	(void)db_socket(w->st->db, &w->epoch);
	/* What was notified before the read is in it; a later commit's
	 * notification may already be here too. */
	if (remote && db_notified(w->st->db, &payload) == 1 && payload > g)
		g = payload;
	w->generation = g;
	*generation = g;
	return STORE_WATCH_READ;
}
