/*
 * store_tvs.c - the certificates TVS vouches for beyond the node's own
 * identities (`ucpki tvs add/remove/list`), in SQLite (see store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "store_sqlite.h"

void
tvs_row_free(struct tvs_row *row)
{
	free(row->cert_der);
	memset(row, 0, sizeof(*row));
}

int
store_tvs_put(struct store *st, const struct tvs_row *row, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (row->cert_len > 0x7fffffff)
		return ucerr_set(err, "tvs: certificate too large");
	if (store_prepare(st, "INSERT INTO tvs_entry (sha256, cert_der, roles, "
	    "ttl, added_at) VALUES (?, ?, ?, ?, ?)", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, row->sha256);
	db_bind_blob(stmt, 2, row->cert_der, row->cert_len);
	db_bind_text(stmt, 3, row->roles);
	db_bind_int64(stmt, 4, row->ttl);
	db_bind_int64(stmt, 5, (int64_t)clock_now());
	if (db_step(stmt) != DB_DONE) {
		int constraint = db_error_class(st->db) == DB_DUPLICATE;

		ucerr_set(err, constraint ? "tvs: %.16s…: already known to TVS" :
		    "store: tvs: %s", constraint ? row->sha256 :
		    db_error_message(st->db));
		db_finish(stmt);
		return -1;
	}
	db_finish(stmt);
	return 0;
}

int
store_tvs_each(struct store *st, tvs_cb cb, void *ctx, struct ucerr *err)
{
	struct tvs_row row;
	struct db_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT sha256, cert_der, roles, ttl, added_at "
	    "FROM tvs_entry ORDER BY sha256", &stmt, err) == -1)
		return -1;
	while (rc == 0 && (step = db_step(stmt)) == DB_ROW) {
		memset(&row, 0, sizeof(row));
		store_column_text(stmt, 0, row.sha256, sizeof(row.sha256));
		row.cert_der = (uint8_t *)db_column_blob(stmt, 1,
		    &row.cert_len);
		store_column_text(stmt, 2, row.roles, sizeof(row.roles));
		row.ttl = (uint32_t)db_column_int64(stmt, 3);
		row.added_at = db_column_int64(stmt, 4);
		/* The callback borrows the certificate bytes for its call. */
		rc = cb(ctx, &row);
	}
	if (rc == 0 && step != DB_DONE)
		rc = ucerr_set(err, "store: tvs: %s", db_error_message(st->db));
	db_finish(stmt);
	return rc;
}

int
store_tvs_match(struct store *st, const char *sha256_prefix, char *match,
    size_t match_len, struct ucerr *err)
{
	struct db_stmt *stmt;
	char like[80];
	int n = 0;

	snprintf(like, sizeof(like), "%.64s%%", sha256_prefix);
	if (store_prepare(st, "SELECT sha256 FROM tvs_entry WHERE sha256 LIKE ?",
	    &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, like);
	while (db_step(stmt) == DB_ROW) {
		if (n++ == 0)
			store_column_text(stmt, 0, match, match_len);
	}
	db_finish(stmt);
	return n;
}

int
store_tvs_delete(struct store *st, const char *sha256, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "DELETE FROM tvs_entry WHERE sha256 = ?", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, sha256);
	return store_step_done(st, stmt, "tvs", err);
}
