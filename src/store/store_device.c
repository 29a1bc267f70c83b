/* store_device.c - devices, LSCs and history in SQLite (see store_device.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "store_device.h"
#include "store_sqlite.h"
#include "x509.h"

void
device_filter_init(struct device_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->lsc = -1;
}

#define DEVICE_COLUMNS "name, model, operation, auth_mode, auth_string, " \
	"key_type, key_order, deadline, status, auth_failures, lsc_der, " \
	"lsc_issuer_sha256, lsc_not_after, mic_der, updated_at, fetched_der, " \
	"security_mode, encrypted_config"

static int
device_from_stmt(struct db_stmt *stmt, struct device *d)
{
	memset(d, 0, sizeof(*d));
	store_column_text(stmt, 0, d->name, sizeof(d->name));
	store_column_text(stmt, 1, d->model, sizeof(d->model));
	d->operation = db_column_int(stmt, 2);
	d->auth_mode = db_column_int(stmt, 3);
	store_column_text(stmt, 4, d->auth_string, sizeof(d->auth_string));
	store_column_text(stmt, 5, d->key_type, sizeof(d->key_type));
	d->key_order = db_column_int(stmt, 6);
	d->deadline = db_column_int64(stmt, 7);
	d->status = db_column_int(stmt, 8);
	d->auth_failures = db_column_int(stmt, 9);
	store_column_text(stmt, 11, d->lsc_issuer_sha256,
	    sizeof(d->lsc_issuer_sha256));
	d->lsc_not_after = db_column_int64(stmt, 12);
	d->updated_at = db_column_int64(stmt, 14);
	d->security_mode = db_column_int(stmt, 16);
	d->encrypted_config = db_column_int(stmt, 17);
	if (!db_column_is_null(stmt, 10) &&
	    store_column_blob(stmt, 10, &d->lsc_der, &d->lsc_len) == -1)
		return -1;
	if ((!db_column_is_null(stmt, 13) &&
	    store_column_blob(stmt, 13, &d->mic_der, &d->mic_len) == -1) ||
	    (!db_column_is_null(stmt, 15) &&
	    store_column_blob(stmt, 15, &d->fetched_der, &d->fetched_len) == -1)) {
		device_free(d);
		return -1;
	}
	return 0;
}

int
store_device_get(struct store *st, const char *name, struct device *d,
    struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	memset(d, 0, sizeof(*d));
	if (store_prepare(st, "SELECT " DEVICE_COLUMNS " FROM device WHERE "
	    "name = ?", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		rc = device_from_stmt(stmt, d) == 0 ? 1 :
		    ucerr_set(err, "store: out of memory");
	else if (rc == DB_DONE)
		rc = 0;
	else
		rc = store_fail(st, "device", err);
	db_finish(stmt);
	return rc;
}

static void
bind_settings(struct db_stmt *stmt, const struct device *d)
{
	db_bind_text(stmt, 1, d->model);
	db_bind_int64(stmt, 2, d->operation);
	db_bind_int64(stmt, 3, d->auth_mode);
	db_bind_text(stmt, 4, d->auth_string);
	db_bind_text(stmt, 5, d->key_type[0] ? d->key_type : "rsa2048");
	db_bind_int64(stmt, 6, d->key_order);
	db_bind_int64(stmt, 7, d->deadline);
	db_bind_int64(stmt, 8, d->status ? d->status : CERT_STATUS_NONE);
	db_bind_int64(stmt, 9, d->auth_failures);
	db_bind_int64(stmt, 10, (int64_t)clock_now());
	db_bind_text(stmt, 11, d->name);
	db_bind_int64(stmt, 12, d->security_mode ? d->security_mode :
	    DEVICE_SECURITY_NON_SECURE);
	db_bind_int64(stmt, 13, d->encrypted_config);
}

int
store_device_add(struct store *st, const struct device *d, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO device (model, operation, auth_mode, "
	    "auth_string, key_type, key_order, deadline, status, auth_failures, "
	    "updated_at, name, security_mode, encrypted_config) VALUES (?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt,
	    err) == -1)
		return -1;
	bind_settings(stmt, d);
	if (store_step_done(st, stmt, "device", err) == -1)
		return store_was_duplicate(st) ? ucerr_set(err, "%s: device "
		    "already exists", d->name) : -1;
	return 0;
}

static int
changed_one(struct store *st, const char *name, struct ucerr *err)
{
	if (db_changes(st->db) == 0)
		return ucerr_set(err, "%s: no such device", name);
	return 0;
}

int
store_device_update(struct store *st, const struct device *d,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "UPDATE device SET model = ?, operation = ?, "
	    "auth_mode = ?, auth_string = ?, key_type = ?, key_order = ?, "
	    "deadline = ?, status = ?, auth_failures = ?, updated_at = ?10, "
	    "security_mode = ?12, encrypted_config = ?13 WHERE name = ?11",
	    &stmt, err) == -1)
		return -1;
	bind_settings(stmt, d);
	if (store_step_done(st, stmt, "device", err) == -1)
		return -1;
	return changed_one(st, d->name, err);
}

int
store_device_remove(struct store *st, const char *name, struct ucerr *err)
{
	struct db_stmt *stmt;

	/* The lsc table keeps the certificates the device was issued. */
	if (store_prepare(st, "DELETE FROM device WHERE name = ?", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	if (store_step_done(st, stmt, "device", err) == -1)
		return -1;
	return changed_one(st, name, err);
}

/* WHERE clause for a filter; binds follow the same order. */
static void
filter_sql(const struct device_filter *f, char *out, size_t outlen)
{
	snprintf(out, outlen, " WHERE 1 = 1%s%s%s%s%s",
	    f && f->status ? " AND status = ?1" : "",
	    f && f->lsc == 0 ? " AND lsc_der IS NULL" : "",
	    f && f->lsc == 1 ? " AND lsc_der IS NOT NULL" : "",
	    f && f->model ? " AND model = ?2" : "",
	    f && f->issuer_sha256 ? " AND lsc_issuer_sha256 = ?3" : "");
	if (f && f->expiring_before)
		strncat(out, " AND lsc_der IS NOT NULL AND lsc_not_after < ?4",
		    outlen - strlen(out) - 1);
	if (f && f->pending)
		strncat(out, " AND operation != 0", outlen - strlen(out) - 1);
}

static void
filter_bind(struct db_stmt *stmt, const struct device_filter *f)
{
	if (f == NULL)
		return;
	if (f->status)
		db_bind_int64(stmt, 1, f->status);
	if (f->model)
		db_bind_text(stmt, 2, f->model);
	if (f->issuer_sha256)
		db_bind_text(stmt, 3, f->issuer_sha256);
	if (f->expiring_before)
		db_bind_int64(stmt, 4, f->expiring_before);
}

int
store_device_each(struct store *st, const struct device_filter *f,
    device_cb cb, void *ctx, struct ucerr *err)
{
	struct device d;
	struct db_stmt *stmt;
	char sql[512], where[256];
	int rc;

	filter_sql(f, where, sizeof(where));
	snprintf(sql, sizeof(sql), "SELECT " DEVICE_COLUMNS " FROM device%s "
	    "ORDER BY name", where);
	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	filter_bind(stmt, f);
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (device_from_stmt(stmt, &d) == -1) {
			db_finish(stmt);
			return ucerr_set(err, "store: out of memory");
		}
		rc = cb(ctx, &d);
		device_free(&d);
		if (rc != 0) {
			db_finish(stmt);
			return rc;
		}
	}
	if (rc != DB_DONE)
		store_fail(st, "device", err);
	db_finish(stmt);
	return rc == DB_DONE ? 0 : -1;
}

int
store_device_count(struct store *st, const struct device_filter *f,
    int64_t *count, struct ucerr *err)
{
	struct db_stmt *stmt;
	char sql[512], where[256];
	int rc;

	filter_sql(f, where, sizeof(where));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM device%s", where);
	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	filter_bind(stmt, f);
	rc = db_step(stmt);
	*count = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
	db_finish(stmt);
	return rc == DB_ROW ? 0 : store_fail(st, "device count", err);
}

int
store_device_set_status(struct store *st, const char *name, int status,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "UPDATE device SET status = ?, updated_at = ? "
	    "WHERE name = ?", &stmt, err) == -1)
		return -1;
	db_bind_int64(stmt, 1, status);
	db_bind_int64(stmt, 2, (int64_t)clock_now());
	db_bind_text(stmt, 3, name);
	if (store_step_done(st, stmt, "device", err) == -1)
		return -1;
	return changed_one(st, name, err);
}

/* BEGIN unless the caller already holds a transaction. */
static int
tx_begin(struct store *st, int *started, struct ucerr *err)
{
	*started = !db_in_transaction(st->db);
	return *started ? store_begin(st, err) : 0;
}

static int
tx_end(struct store *st, int started, int rc, struct ucerr *err)
{
	if (!started)
		return rc;
	if (rc == 0 && store_commit(st, err) == 0)
		return 0;
	store_rollback(st);
	return -1;
}

void
lsc_facts_get(X509 *cert, struct lsc_facts *f)
{
	cert_serial_hex(cert, f->serial, sizeof(f->serial));
	name_oneline(X509_get_issuer_name(cert), f->issuer, sizeof(f->issuer));
	f->not_before = (int64_t)asn1_time_to_unix(X509_get0_notBefore(cert));
	f->not_after = (int64_t)asn1_time_to_unix(X509_get0_notAfter(cert));
}

int
store_device_record_lsc(struct store *st, const char *name,
    const uint8_t *der, size_t len, const struct lsc_facts *facts,
    const char *issuer_sha256, int status, const char *peer,
    struct ucerr *err)
{
	struct db_stmt *stmt = NULL;
	struct lsc_facts parsed;
	const char *serial, *issuer;
	int64_t not_before, not_after;
	X509 *cert;
	int started, rc = -1;

	if (facts == NULL) {
		if (cert_from_der(der, len, &cert, err) == -1)
			return -1;
		lsc_facts_get(cert, &parsed);
		X509_free(cert);
		facts = &parsed;
	}
	serial = facts->serial;
	issuer = facts->issuer;
	not_before = facts->not_before;
	not_after = facts->not_after;
	if (tx_begin(st, &started, err) == -1)
		return -1;
	if (store_prepare(st, "UPDATE device SET lsc_der = ?, "
	    "lsc_issuer_sha256 = ?, lsc_not_after = ?, status = ?, "
	    "updated_at = ? WHERE name = ?",
	    &stmt, err) == -1)
		goto out;
	db_bind_blob(stmt, 1, der, len);
	db_bind_text(stmt, 2, issuer_sha256 ? issuer_sha256 : "");
	db_bind_int64(stmt, 3, (int64_t)not_after);
	db_bind_int64(stmt, 4, status);
	db_bind_int64(stmt, 5, (int64_t)clock_now());
	db_bind_text(stmt, 6, name);
	if (store_step_done(st, stmt, "device", err) == -1 ||
	    changed_one(st, name, err) == -1)
		goto out;
	if (store_prepare(st, "INSERT INTO lsc (device, serial, issuer, "
	    "issuer_sha256, not_before, not_after, cert_der, issued_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err) == -1)
		goto out;
	db_bind_text(stmt, 1, name);
	db_bind_text(stmt, 2, serial);
	db_bind_text(stmt, 3, issuer);
	db_bind_text(stmt, 4, issuer_sha256 ? issuer_sha256 : "");
	db_bind_int64(stmt, 5, (int64_t)not_before);
	db_bind_int64(stmt, 6, (int64_t)not_after);
	db_bind_blob(stmt, 7, der, len);
	db_bind_int64(stmt, 8, (int64_t)clock_now());
	if (store_step_done(st, stmt, "lsc", err) == -1)
		goto out;
	rc = store_device_history_add(st, name, CERT_OP_INSTALL, status, peer,
	    serial, err);
out:
	return tx_end(st, started, rc, err);
}

int
store_device_finish_install(struct store *st, const char *name,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "UPDATE device SET operation = 0 WHERE name = ? "
	    "AND operation = 1", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	return store_step_done(st, stmt, "device", err);
}

int
store_device_clear_lsc(struct store *st, const char *name, int status,
    const char *peer, struct ucerr *err)
{
	struct db_stmt *stmt;
	int started, rc = -1;

	if (tx_begin(st, &started, err) == -1)
		return -1;
	if (store_prepare(st, "UPDATE device SET lsc_der = NULL, "
	    "lsc_issuer_sha256 = '', lsc_not_after = 0, status = ?, "
	    "operation = 0, updated_at = ? WHERE name = ?", &stmt, err) == -1)
		goto out;
	db_bind_int64(stmt, 1, status);
	db_bind_int64(stmt, 2, (int64_t)clock_now());
	db_bind_text(stmt, 3, name);
	if (store_step_done(st, stmt, "device", err) == -1 ||
	    changed_one(st, name, err) == -1)
		goto out;
	rc = store_device_history_add(st, name, CERT_OP_DELETE, status, peer,
	    "LSC deleted", err);
out:
	return tx_end(st, started, rc, err);
}

int
store_device_set_lsc(struct store *st, const char *name, const uint8_t *der,
    size_t len, const char *issuer_sha256, struct ucerr *err)
{
	struct db_stmt *stmt;
	X509 *cert;
	time_t not_after;

	if (cert_from_der(der, len, &cert, err) == -1)
		return -1;
	not_after = asn1_time_to_unix(X509_get0_notAfter(cert));
	X509_free(cert);
	if (store_prepare(st, "UPDATE device SET lsc_der = ?, lsc_not_after = ?, "
	    "lsc_issuer_sha256 = ? WHERE name = ?", &stmt, err) == -1)
		return -1;
	db_bind_blob(stmt, 1, der, len);
	db_bind_int64(stmt, 2, (int64_t)not_after);
	db_bind_text(stmt, 3, issuer_sha256 ? issuer_sha256 : "");
	db_bind_text(stmt, 4, name);
	return store_step_done(st, stmt, "device", err);
}

/* One certificate column of one device row. */
static int
set_device_blob(struct store *st, const char *sql, const char *name,
    const uint8_t *der, size_t len, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	db_bind_blob(stmt, 1, der, len);
	db_bind_text(stmt, 2, name);
	return store_step_done(st, stmt, "device", err);
}

int
store_device_record_fetch(struct store *st, const char *name,
    const uint8_t *der, size_t len, struct ucerr *err)
{
	return set_device_blob(st, "UPDATE device SET fetched_der = ? WHERE "
	    "name = ?", name, der, len, err);
}

int
store_device_record_mic(struct store *st, const char *name, const uint8_t *der,
    size_t len, struct ucerr *err)
{
	return set_device_blob(st, "UPDATE device SET mic_der = ? WHERE "
	    "name = ?", name, der, len, err);
}

int
store_device_auth_reserve(struct store *st, const char *name, int max,
    int *count, struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	/* One statement: the test and the increment cannot be split by
	 * another session, loop or process. */
	*count = 0;
	if (store_prepare(st, "UPDATE device SET auth_failures = "
	    "auth_failures + 1 WHERE name = ? AND auth_failures < ? "
	    "RETURNING auth_failures", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	db_bind_int64(stmt, 2, max);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		*count = db_column_int(stmt, 0);
	while (rc == DB_ROW)
		rc = db_step(stmt);
	db_finish(stmt);
	if (rc != DB_DONE)
		return store_fail(st, "authentication attempt", err);
	return *count > 0 ? 1 : 0;
}

int
store_device_auth_release(struct store *st, const char *name,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "UPDATE device SET auth_failures = "
	    "auth_failures - 1 WHERE name = ? AND auth_failures > 0", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	return store_step_done(st, stmt, "device", err);
}

int
store_device_history_add(struct store *st, const char *name, int operation,
    int status, const char *peer, const char *detail, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO device_history (device, at, "
	    "operation, status, peer, detail) VALUES (?, ?, ?, ?, ?, ?)", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	db_bind_int64(stmt, 2, (int64_t)clock_now());
	db_bind_int64(stmt, 3, operation);
	db_bind_int64(stmt, 4, status);
	db_bind_text(stmt, 5, peer ? peer : "");
	db_bind_text(stmt, 6, detail ? detail : "");
	return store_step_done(st, stmt, "history", err);
}

int
store_device_history_each(struct store *st, const char *name, int limit,
    device_event_cb cb, void *ctx, struct ucerr *err)
{
	struct device_event e;
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT at, operation, status, peer, detail FROM "
	    "device_history WHERE device = ? ORDER BY id DESC LIMIT ?", &stmt,
	    err) == -1)
		return -1;
	db_bind_text(stmt, 1, name);
	db_bind_int64(stmt, 2, limit > 0 ? limit : INT64_MAX);
	while ((rc = db_step(stmt)) == DB_ROW) {
		memset(&e, 0, sizeof(e));
		e.at = db_column_int64(stmt, 0);
		e.operation = db_column_int(stmt, 1);
		e.status = db_column_int(stmt, 2);
		store_column_text(stmt, 3, e.peer, sizeof(e.peer));
		store_column_text(stmt, 4, e.detail, sizeof(e.detail));
		if ((rc = cb(ctx, &e)) != 0) {
			db_finish(stmt);
			return rc;
		}
	}
	if (rc != DB_DONE)
		store_fail(st, "history", err);
	db_finish(stmt);
	return rc == DB_DONE ? 0 : -1;
}

void
store_lsc_row_read(struct db_stmt *stmt, struct lsc_row *row)
{
	memset(row, 0, sizeof(*row));
	row->id = db_column_int64(stmt, 0);
	store_column_text(stmt, 1, row->device, sizeof(row->device));
	store_column_text(stmt, 2, row->serial, sizeof(row->serial));
	store_column_text(stmt, 3, row->issuer, sizeof(row->issuer));
	store_column_text(stmt, 4, row->issuer_sha256,
	    sizeof(row->issuer_sha256));
	row->not_before = db_column_int64(stmt, 5);
	row->not_after = db_column_int64(stmt, 6);
	row->issued_at = db_column_int64(stmt, 7);
	row->current = db_column_int(stmt, 8);
	row->revoked_at = db_column_int64(stmt, 9);
	row->revoke_reason = db_column_int(stmt, 10);
}

int
store_lsc_find(struct store *st, const uint8_t *der, size_t len,
    const char *serial, struct lsc_row *row, struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	/* By serial (indexed), then the whole certificate, byte for byte:
	 * a serial alone is only what the presenter claims. */
	if (store_prepare(st, "SELECT " LSC_COLUMNS
	    "FROM lsc l LEFT JOIN device d ON d.name = l.device "
	    "WHERE l.serial = ? AND l.cert_der = ? ORDER BY l.id LIMIT 1",
	    &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, serial);
	db_bind_blob(stmt, 2, der, len);
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		store_lsc_row_read(stmt, row);
		rc = 1;
	} else if (rc == DB_DONE) {
		rc = 0;
	} else {
		rc = ucerr_set(err, "store: lsc: %s", db_error_message(st->db));
	}
	db_finish(stmt);
	return rc;
}

int
store_lsc_issuer_known(struct store *st, const char *issuer_sha256,
    struct ucerr *err)
{
	struct db_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT 1 FROM lsc WHERE issuer_sha256 = ? "
	    "LIMIT 1", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, issuer_sha256);
	rc = db_step(stmt);
	db_finish(stmt);
	if (rc == DB_ROW)
		return 1;
	return rc == DB_DONE ? 0 : ucerr_set(err, "store: lsc issuer");
}

int
store_lsc_each(struct store *st, const char *device, lsc_cb cb, void *ctx,
    struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "SELECT " LSC_COLUMNS
	    "FROM lsc l "
	    "LEFT JOIN device d ON d.name = l.device "
	    "WHERE ?1 IS NULL OR l.device = ?1 ORDER BY l.id", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, device);
	return store_lsc_rows(st, stmt, cb, ctx, err);
}

int
store_lsc_rows(struct store *st, struct db_stmt *stmt, lsc_cb cb, void *ctx,
    struct ucerr *err)
{
	struct lsc_row row;
	int rc;

	while ((rc = db_step(stmt)) == DB_ROW) {
		store_lsc_row_read(stmt, &row);
		if ((rc = cb(ctx, &row)) != 0) {
			db_finish(stmt);
			return rc;
		}
	}
	if (rc != DB_DONE)
		store_fail(st, "lsc", err);
	db_finish(stmt);
	return rc == DB_DONE ? 0 : -1;
}
