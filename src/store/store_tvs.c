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
	sqlite3_stmt *stmt;

	if (row->cert_len > 0x7fffffff)
		return ucerr_set(err, "tvs: certificate too large");
	if (store_prepare(st, "INSERT INTO tvs_entry (sha256, cert_der, roles, "
	    "ttl, added_at) VALUES (?, ?, ?, ?, ?)", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, row->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 2, row->cert_der, (int)row->cert_len,
	    SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->roles, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, row->ttl);
	sqlite3_bind_int64(stmt, 5, (int64_t)clock_now());
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		int constraint = sqlite3_errcode(st->db) == SQLITE_CONSTRAINT;

		ucerr_set(err, constraint ? "tvs: %.16s…: already known to TVS" :
		    "store: tvs: %s", constraint ? row->sha256 :
		    sqlite3_errmsg(st->db));
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int
store_tvs_each(struct store *st, tvs_cb cb, void *ctx, struct ucerr *err)
{
	struct tvs_row row;
	sqlite3_stmt *stmt;
	int rc = 0, step;

	if (store_prepare(st, "SELECT sha256, cert_der, roles, ttl, added_at "
	    "FROM tvs_entry ORDER BY sha256", &stmt, err) == -1)
		return -1;
	while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		store_column_text(stmt, 0, row.sha256, sizeof(row.sha256));
		row.cert_der = (uint8_t *)sqlite3_column_blob(stmt, 1);
		row.cert_len = (size_t)sqlite3_column_bytes(stmt, 1);
		store_column_text(stmt, 2, row.roles, sizeof(row.roles));
		row.ttl = (uint32_t)sqlite3_column_int64(stmt, 3);
		row.added_at = sqlite3_column_int64(stmt, 4);
		/* The callback borrows the certificate bytes for its call. */
		rc = cb(ctx, &row);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = ucerr_set(err, "store: tvs: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(stmt);
	return rc;
}

int
store_tvs_match(struct store *st, const char *sha256_prefix, char *match,
    size_t match_len, struct ucerr *err)
{
	sqlite3_stmt *stmt;
	char like[80];
	int n = 0;

	snprintf(like, sizeof(like), "%.64s%%", sha256_prefix);
	if (store_prepare(st, "SELECT sha256 FROM tvs_entry WHERE sha256 LIKE ?",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, like, -1, SQLITE_STATIC);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (n++ == 0)
			store_column_text(stmt, 0, match, match_len);
	}
	sqlite3_finalize(stmt);
	return n;
}

int
store_tvs_delete(struct store *st, const char *sha256, struct ucerr *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, "DELETE FROM tvs_entry WHERE sha256 = ?", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, sha256, -1, SQLITE_STATIC);
	return store_step_done(st, stmt, "tvs", err);
}
