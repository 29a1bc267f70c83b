/* store_cluster_file.c - the files the publisher signs for every node
 * (see store.h). */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "store_sqlite.h"

int
store_cluster_file_put(struct store *st, const char *name,
    const uint8_t *data, size_t len, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (len > 0x7fffffff)
		return ucerr_set(err, "%s: too large", name);
	if (store_prepare(st, "INSERT INTO cluster_file (name, data, "
	    "updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
	    "data = excluded.data, updated_at = excluded.updated_at", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	db_bind_blob(stmt, 2, data, len);
	db_bind_int64(stmt, 3, (int64_t)clock_now());
	return store_step_done(st, stmt, "cluster_file", err);
}

int
store_cluster_file_get(struct store *st, const char *name, uint8_t **data,
    size_t *len, struct ucerr *err)
{
	struct db_stmt *stmt;
	const uint8_t *blob;
	int rc;

	*data = NULL;
	*len = 0;
	if (store_prepare(st, "SELECT data FROM cluster_file WHERE name = ?",
	    &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		blob = db_column_blob(stmt, 0, len);
		if ((*data = malloc(*len > 0 ? *len : 1)) == NULL) {
			db_finish(stmt);
			return ucerr_set(err, "out of memory");
		}
		memcpy(*data, blob, *len);
		rc = 1;
	} else if (rc == DB_DONE) {
		rc = 0;
	} else {
		rc = store_fail(st, "cluster_file", err);
	}
	db_finish(stmt);
	return rc;
}
