/*
 * store_node.c - the cluster's nodes, and which of them this home is
 * (see store.h).
 *
 * The node table is shared by every home on one database; what a home
 * is cannot be a row of it, so the home says: <home>/node holds the
 * name (not a secret: 0644).  A home made before clusters has no such
 * file and is the node meta "node" names, the publisher migration 12
 * recorded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "store_sqlite.h"

const char *
store_node_self(const struct store *st)
{
	return st->node;
}

int
store_node_self_set(struct store *st, const char *name, struct ucerr *err)
{
	char path[4096], line[sizeof(st->node) + 1];
	int len = snprintf(line, sizeof(line), "%s\n", name);

	if (len >= (int)sizeof(line) - 1)
		return ucerr_set(err, "%s: node name too long", name);
	if (path_join(path, sizeof(path), st->home, NODE_FILE, err) == -1 ||
	    file_write_atomic(path, line, (size_t)len, 0644, err) == -1)
		return -1;
	snprintf(st->node, sizeof(st->node), "%s", name);
	return 0;
}

#define NODE_COLUMNS "name, role, services, heartbeat_at, added_at"

static void
node_from_stmt(struct db_stmt *stmt, struct node_row *row)
{
	memset(row, 0, sizeof(*row));
	store_column_text(stmt, 0, row->name, sizeof(row->name));
	store_column_text(stmt, 1, row->role, sizeof(row->role));
	store_column_text(stmt, 2, row->services, sizeof(row->services));
	row->heartbeat_at = db_column_int64(stmt, 3);
	row->added_at = db_column_int64(stmt, 4);
}

int
store_node_add(struct store *st, const struct node_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO node (" NODE_COLUMNS ") VALUES "
	    "(?, ?, ?, ?, ?)", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->name);
	db_bind_text(stmt, 2, row->role);
	db_bind_text(stmt, 3, row->services);
	db_bind_int64(stmt, 4, row->heartbeat_at);
	db_bind_int64(stmt, 5, row->added_at);
	if (store_step_done(st, stmt, "node", err) == -1)
		return store_was_duplicate(st) ? ucerr_set(err, "node %s: "
		    "already in the cluster", row->name) : -1;
	return 0;
}

int
store_node_get(struct store *st, const char *name, struct node_row *row,
    struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT " NODE_COLUMNS " FROM node WHERE "
	    "name = ?", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		node_from_stmt(stmt, row);
		rc = 1;
	} else if (rc == DB_DONE)
		rc = 0;
	else
		rc = store_fail(st, "node", err);
	db_finish(stmt);
	return rc;
}

int
store_node_each(struct store *st, node_cb cb, void *ctx, struct ucerr *err)
{
	struct node_row row;
	struct db_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT " NODE_COLUMNS " FROM node ORDER BY "
	    "CASE WHEN role = 'publisher' THEN 0 ELSE 1 END, added_at, name",
	    &stmt, err) == -1)
		return -1;
	while (rc == 0 && (step = db_step(stmt)) == DB_ROW) {
		node_from_stmt(stmt, &row);
		rc = cb(ctx, &row);
	}
	if (rc == 0 && step != DB_DONE)
		rc = store_fail(st, "node", err);
	db_finish(stmt);
	return rc;
}

int
store_node_heartbeat(struct store *st, const char *name,
    const char *services, int64_t at, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "UPDATE node SET heartbeat_at = ? WHERE "
	    "name = ?", &stmt, err) == -1)
		return -1;
	db_bind_int64(stmt, 1, at);
	db_bind_text(stmt, 2, name);
	if (store_step_done(st, stmt, "node", err) == -1)
		return -1;
	/* Apart, so the services' trigger (the generation the caches
	 * follow) fires only when they changed. */
	if (store_prepare(st, "UPDATE node SET services = ? WHERE name = ? "
	    "AND services <> ?", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, services);
	db_bind_text(stmt, 2, name);
	db_bind_text(stmt, 3, services);
	return store_step_done(st, stmt, "node", err);
}

static int
delete_named(struct store *st, const char *sql, const char *name,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	if (store_step_done(st, stmt, "node", err) == -1)
		return -1;
	return db_changes(st->db) > 0;
}

int
store_node_delete(struct store *st, const char *name, struct ucerr *err)
{
	if (name[0] == '\0')
		return 0;	/* '' is the cluster's, never a node */
	if (delete_named(st, "DELETE FROM csr WHERE node = ?", name,
	    err) == -1 ||
	    delete_named(st, "DELETE FROM identity WHERE node = ?", name,
	    err) == -1)
		return -1;
	return delete_named(st, "DELETE FROM node WHERE name = ?", name, err);
}

struct find_publisher {
	char	*name;
	size_t	 len;
	int	 found;
};

static int
on_publisher(void *ctx, const struct node_row *row)
{
	struct find_publisher *f = ctx;

	if (strcmp(row->role, NODE_PUBLISHER) != 0)
		return 0;
	snprintf(f->name, f->len, "%s", row->name);
	f->found = 1;
	return 1;
}

int
store_node_publisher(struct store *st, char *name, size_t len,
    struct ucerr *err)
{
	struct find_publisher f = { name, len, 0 };

	name[0] = '\0';
	if (store_node_each(st, on_publisher, &f, err) == -1)
		return -1;
	return f.found;
}

int
store_node_is_publisher(struct store *st, struct ucerr *err)
{
	char publisher[256];
	int found;

	if ((found = store_node_publisher(st, publisher, sizeof(publisher),
	    err)) != 1)
		return found == -1 ? -1 : 1;
	return strcmp(publisher, store_node_self(st)) == 0;
}
