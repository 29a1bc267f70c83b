/* store_crl.c - the CRLs added to the trust stores, in SQLite (see store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "store_sqlite.h"

int
store_crl_add(struct store *st, const char *issuer, const uint8_t *der,
    size_t der_len, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (der_len > 0x7fffffff)
		return ucerr_set(err, "CRL from %s: too large", issuer);
	if (store_prepare(st, "INSERT INTO crl (issuer, der, added_at) VALUES "
	    "(?, ?, ?)", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, issuer);
	db_bind_blob(stmt, 2, der, der_len);
	db_bind_int64(stmt, 3, (int64_t)clock_now());
	return store_step_done(st, stmt, "crl", err);
}

int
store_crl_each(struct store *st, crl_cb cb, void *ctx, struct ucerr *err)
{
	struct db_stmt *stmt;
	const uint8_t *der;
	size_t len;
	int rc = 0, step;

	if (store_prepare(st, "SELECT der FROM crl ORDER BY id", &stmt, err) == -1)
		return -1;
	while (rc == 0 && (step = db_step(stmt)) == DB_ROW) {
		der = db_column_blob(stmt, 0, &len);
		rc = cb(ctx, der, len);
	}
	if (rc == 0 && step != DB_DONE)
		rc = ucerr_set(err, "store: crl: %s", db_error_message(st->db));
	db_finish(stmt);
	return rc;
}
