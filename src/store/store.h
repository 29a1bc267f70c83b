/*
 * store.h - the storage interface.
 *
 * Everything durable about a cluster goes through these functions; the
 * only implementation today is SQLite in WAL mode (store_sqlite.c), and a
 * PostgreSQL one can implement the same functions later without the
 * services noticing.  Private keys are not in the store: they are files in
 * <home>/keys/ with mode 0600, named by the row that owns them.
 *
 * Conventions: functions return 0 on success, -1 with err set on failure;
 * getters return 1 when the row was found, 0 when it was not.
 * Every mutating call is atomic on its own; store_begin/commit group
 * several into one transaction.
 */
#ifndef UCPKI_STORE_H
#define UCPKI_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

struct store;

/*
 * flags: STORE_CREATE makes <home>, <home>/keys and the database when
 * missing.  STORE_READONLY_OK opens the database read-only when it or its
 * directory cannot be written (a read-only home still lists and shows;
 * writes then fail "read-only").  STORE_EVENT_LOOP: the store is used
 * from an event loop, which must not wait on a database that went away:
 * a call spends at most 50 ms reconnecting (the next call carries on);
 * other users (commands, the writer) wait for the attempt, 10 s at most.
 */
enum {
	STORE_CREATE		= 1,
	STORE_READONLY_OK	= 2,
	STORE_EVENT_LOOP	= 4,
};

/*
 * A home's store is its own SQLite file, <home>/ucpki.db, or the
 * PostgreSQL database whose address <home>/store holds (written at
 * STORE_CREATE from UCPKI_STORE; see store_address.c).
 */
struct store	*store_open(const char *home, int flags, struct ucerr *err);
/* The same, a new home (STORE_CREATE) taking address (a PostgreSQL URI or
 * connection string) rather than UCPKI_STORE; NULL: as store_open. */
struct store	*store_open_at(const char *home, int flags,
		    const char *address, struct ucerr *err);
/* Has the home a store (either kind)? */
int		 store_exists(const char *home);
/* The file in the home that says it has one ("ucpki.db" or "store"):
 * what an init renames into place last. */
const char	*store_marker(const struct store *st);
/* PostgreSQL rather than the home's own file? */
int		 store_remote(const struct store *st);
/* The PostgreSQL connections this process holds (0 on SQLite). */
int		 store_remote_connections(void);
/* Opened read-only (see STORE_READONLY_OK)? */
int		 store_readonly(const struct store *st);
void		 store_close(struct store *st);
const char	*store_home(const struct store *st);
int		 store_begin(struct store *st, struct ucerr *err);
int		 store_commit(struct store *st, struct ucerr *err);
void		 store_rollback(struct store *st);
/* Nested units inside a transaction (the server's group commit). */
int		 store_savepoint(struct store *st, const char *name,
		    struct ucerr *err);
int		 store_release(struct store *st, const char *name,
		    struct ucerr *err);
int		 store_rollback_to(struct store *st, const char *name,
		    struct ucerr *err);
/* Current schema version (numbered migrations applied at open). */
int		 store_schema_version(struct store *st);
/* The version of the SQLite library this binary runs on ("3.40.1"). */
const char	*store_backend_version(void);

/* Small settings: node name, organisation, monitor config... */
int	store_meta_get(struct store *st, const char *key, char *out,
	    size_t outlen, struct ucerr *err);
int	store_meta_set(struct store *st, const char *key, const char *value,
	    struct ucerr *err);

/*
 * A node identity: the certificate for one purpose and its key file
 * (in the home of the node that owns it).  A cluster-wide identity
 * (cluster: CAPF, ITLRecovery, whose keys are the publisher's) has node
 * ""; every other is one node's.
 */
struct identity_row {
	char		 purpose[32];
	uint8_t		*cert_der;
	size_t		 cert_len;
	char		 key_file[128];	/* relative to <home>/keys */
	char		 type[16];	/* "self-signed" | "CA-signed" */
	int64_t		 updated_at;
	char		 node[256];	/* read: the owner; "" the cluster */
	int		 cluster;	/* put: the cluster's, not this node's */
};

void	identity_row_free(struct identity_row *row);
/* This node's identity for purpose, or the cluster's. */
int	store_identity_get(struct store *st, const char *purpose,
	    struct identity_row *row, struct ucerr *err);
/* As this node's (or, row->cluster, the cluster's). */
int	store_identity_put(struct store *st, const struct identity_row *row,
	    struct ucerr *err);
typedef int (*identity_cb)(void *ctx, const struct identity_row *row);
/* This node's and the cluster's. */
int	store_identity_each(struct store *st, identity_cb cb, void *ctx,
	    struct ucerr *err);
/* Every node's and the cluster's, by node. */
int	store_identity_each_node(struct store *st, identity_cb cb, void *ctx,
	    struct ucerr *err);

/*
 * The cluster's nodes (store_node.c).  A home's own node is named by the
 * home (<home>/node, written at init and join), so homes sharing one
 * PostgreSQL database tell themselves apart; a home older than that file
 * is the node meta "node" names.
 */
struct node_row {
	char		 name[256];
	char		 role[16];	/* "publisher" | "subscriber" */
	char		 services[256];	/* as the node reports them:
					 * "tvs=2445 capf=3804 ..." */
	int64_t		 heartbeat_at;	/* 0: never */
	int64_t		 added_at;
};

/* This home's node name ("" before init). */
const char	*store_node_self(const struct store *st);
/* Names this home's node: <home>/node (0644), and st's. */
int	store_node_self_set(struct store *st, const char *name,
	    struct ucerr *err);
/* A node's role: the first node is the publisher (the cluster-wide CAPF
 * and ITLRecovery keys are in its home), the others subscribers. */
#define NODE_PUBLISHER		"publisher"
#define NODE_SUBSCRIBER		"subscriber"
/* The publisher's name: 1, or 0 when the store names none. */
int	store_node_publisher(struct store *st, char *name, size_t len,
	    struct ucerr *err);
/* Is this home the publisher?  1, 0 (a subscriber), -1.  A home whose
 * store names no node at all is (it is alone). */
int	store_node_is_publisher(struct store *st, struct ucerr *err);
/* Fails "node NAME: already in the cluster" for a known name. */
int	store_node_add(struct store *st, const struct node_row *row,
	    struct ucerr *err);
int	store_node_get(struct store *st, const char *name,
	    struct node_row *row, struct ucerr *err);
typedef int (*node_cb)(void *ctx, const struct node_row *row);
/* The publisher first, then by when they were added. */
int	store_node_each(struct store *st, node_cb cb, void *ctx,
	    struct ucerr *err);
/* The node is alive at at, its services as given (the generation moves
 * only when they changed). */
int	store_node_heartbeat(struct store *st, const char *name,
	    const char *services, int64_t at, struct ucerr *err);
/* The node, its identities and pending CSRs; 1 when it was there. */
int	store_node_delete(struct store *st, const char *name,
	    struct ucerr *err);

/* A pending CSR: one per purpose; its key stays in <home>/keys. */
struct csr_row {
	char		 purpose[32];
	uint8_t		*csr_der;
	size_t		 csr_len;
	char		 key_file[128];
	int64_t		 created_at;
};

void	csr_row_free(struct csr_row *row);
int	store_csr_get(struct store *st, const char *purpose, struct csr_row *row,
	    struct ucerr *err);
int	store_csr_put(struct store *st, const struct csr_row *row,
	    struct ucerr *err);
int	store_csr_delete(struct store *st, const char *purpose,
	    struct ucerr *err);

/* A trust store entry. */
struct trust_row {
	int64_t		 id;
	char		 store[32];
	char		 name[256];	/* without ".pem" */
	uint8_t		*cert_der;
	size_t		 cert_len;
	char		 sha256[65];
	int64_t		 added_at;
};

void	trust_row_free(struct trust_row *row);
/* Fails when the same certificate is already in that store. */
int	store_trust_add(struct store *st, const struct trust_row *row,
	    struct ucerr *err);
int	store_trust_get(struct store *st, const char *store_name,
	    const char *name, struct trust_row *row, struct ucerr *err);
int	store_trust_find_sha256(struct store *st, const char *store_name,
	    const char *sha256, struct trust_row *row, struct ucerr *err);
int	store_trust_delete(struct store *st, const char *store_name,
	    const char *name, struct ucerr *err);
typedef int (*trust_cb)(void *ctx, const struct trust_row *row);
/* store_name NULL: every store, ordered by store then name. */
int	store_trust_each(struct store *st, const char *store_name, trust_cb cb,
	    void *ctx, struct ucerr *err);
/*
 * The generation counter, bumped by every identity, trust and TVS change
 * (for caches; store_watch.c).  In a process that follows one (serve:
 * its watch calls store_generation_follow), store_generation answers
 * from memory, so a cache's check costs no database read and works
 * while the database is down; elsewhere, and always with _read, it is
 * the database's (-1: unreadable).
 */
int64_t	store_generation(struct store *st);
int64_t	store_generation_read(struct store *st);
void	store_generation_follow(int64_t generation);

/*
 * How serve learns the store changed, on a connection of its own.
 * SQLite: the counter read at every check (serve checks once a second;
 * a one-row read).  PostgreSQL: LISTEN (migration 13's trigger notifies
 * with each new generation), so a change committed by any process is
 * seen as soon as the socket is readable, and the counter is read
 * anyway every poll_s seconds and after each reconnection (to catch up
 * on what a lost connection missed).
 */
struct store_watch;
enum { STORE_WATCH_NONE = 0, STORE_WATCH_NOTIFIED = 1, STORE_WATCH_READ = 2 };

struct store_watch *store_watch_open(const char *home, int poll_s,
	    struct ucerr *err);
void	store_watch_close(struct store_watch *w);
/* The socket to wait on (-1: none: SQLite, or the connection is lost);
 * *epoch changes with each reconnection (the number may be reused). */
int	store_watch_fd(struct store_watch *w, unsigned *epoch);
/* Without waiting: NOTIFIED or READ with *generation, NONE when nothing
 * came, -1 when the database cannot be read (db_pg.c logs that once). */
int	store_watch_check(struct store_watch *w, int64_t *generation);

/* A file the publisher signs and every node serves (CTLFile.tlv), as
 * last built: put replaces it; get gives 1 and a malloc'ed copy, 0 when
 * there is none. */
int	store_cluster_file_put(struct store *st, const char *name,
	    const uint8_t *data, size_t len, struct ucerr *err);
int	store_cluster_file_get(struct store *st, const char *name,
	    uint8_t **data, size_t *len, struct ucerr *err);

/* Revocation lists, kept as DER once their signature checked out. */
int	store_crl_add(struct store *st, const char *issuer, const uint8_t *der,
	    size_t der_len, struct ucerr *err);
typedef int (*crl_cb)(void *ctx, const uint8_t *der, size_t der_len);
/* In the order they were added. */
int	store_crl_each(struct store *st, crl_cb cb, void *ctx,
	    struct ucerr *err);

/* A certificate TVS vouches for beyond the node's own identities. */
struct tvs_row {
	char		 sha256[65];	/* lower-case hex of the DER */
	uint8_t		*cert_der;
	size_t		 cert_len;
	char		 roles[64];	/* "7,21": role numbers */
	uint32_t	 ttl;
	int64_t		 added_at;
};

void	tvs_row_free(struct tvs_row *row);
/* Fails with "already known to TVS" when the certificate is there. */
int	store_tvs_put(struct store *st, const struct tvs_row *row,
	    struct ucerr *err);
typedef int (*tvs_cb)(void *ctx, const struct tvs_row *row);
/* The row (and its certificate bytes) is lent for the callback only. */
int	store_tvs_each(struct store *st, tvs_cb cb, void *ctx,
	    struct ucerr *err);
/* How many entries' SHA-256 start with prefix (lower-case hex); the
 * first one into match.  -1 on a database error. */
int	store_tvs_match(struct store *st, const char *sha256_prefix,
	    char *match, size_t match_len, struct ucerr *err);
int	store_tvs_delete(struct store *st, const char *sha256,
	    struct ucerr *err);

/* The certificate monitor's alarms: when each (subject, alarm) was last
 * raised.  store_alarm_last: 1 and *raised_at, or 0 (never; -1 in it). */
int	store_alarm_last(struct store *st, const char *subject,
	    const char *alarm, int64_t *raised_at, struct ucerr *err);
int	store_alarm_raised(struct store *st, const char *subject,
	    const char *alarm, int64_t raised_at, struct ucerr *err);

/*
 * Files ucpki keeps current for other servers (store_export.c): kind
 * "identity" (what = purpose), "bundle" or "hashed" (what = the trust
 * stores, space separated).
 */
struct export_row {
	char		 path[4096];
	char		 kind[16];
	char		 what[512];
	int64_t		 added_at;
};

/* Replaces the row of the same path. */
int	store_export_put(struct store *st, const struct export_row *row,
	    struct ucerr *err);
/* 1 when it was there, 0 when not. */
int	store_export_delete(struct store *st, const char *path,
	    struct ucerr *err);
typedef int (*export_cb)(void *ctx, const struct export_row *row);
int	store_export_each(struct store *st, export_cb cb, void *ctx,
	    struct ucerr *err);

#endif
