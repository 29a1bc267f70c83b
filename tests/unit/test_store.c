/* test_store.c - the SQLite store: migrations, rows, transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"

struct fixture {
	char		 home[64];
	struct store	*st;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ucerr err;

	snprintf(f->home, sizeof(f->home), "/tmp/ucpki-store.XXXXXX");
	assert_non_null(mkdtemp(f->home));
	f->st = store_open(f->home, 1, &err);
	assert_non_null(f->st);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->home);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
migrations_apply_once_and_reopen(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	struct store *again;
	int version = store_schema_version(f->st);

	assert_true(version >= 1);
	again = store_open(f->home, 0, &err);
	assert_non_null(again);
	assert_int_equal(store_schema_version(again), version);
	store_close(again);
}

static void
open_without_create_fails_cleanly(void **state)
{
	struct ucerr err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_null(store_open("/tmp/ucpki-no-such-home-dir", 0, &err));
	assert_true(strlen(err.msg) > 0);
}

static struct trust_row
row_named(const char *store_name, const char *name, const char *sha)
{
	static uint8_t der[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	struct trust_row row;

	memset(&row, 0, sizeof(row));
	snprintf(row.store, sizeof(row.store), "%s", store_name);
	snprintf(row.name, sizeof(row.name), "%s", name);
	snprintf(row.sha256, sizeof(row.sha256), "%s", sha);
	row.cert_der = der;
	row.cert_len = sizeof(der);
	return row;
}

static int
count_rows(void *ctx, const struct trust_row *row)
{
	(void)row;
	(*(int *)ctx)++;
	return 0;
}

static void
trust_rows_are_unique_per_store(void **state)
{
	struct fixture *f = *state;
	struct trust_row a = row_named("CAPF-trust", "a", "aa");
	struct trust_row same_name = row_named("CAPF-trust", "a", "bb");
	struct trust_row same_cert = row_named("CAPF-trust", "b", "aa");
	struct trust_row other_store = row_named("CallManager-trust", "a", "aa");
	struct trust_row got;
	struct ucerr err;
	int64_t gen = store_generation(f->st);
	int n = 0;

	assert_int_equal(store_trust_add(f->st, &a, &err), 0);
	assert_true(store_generation(f->st) > gen);
	assert_int_equal(store_trust_add(f->st, &same_name, &err), -1);
	assert_non_null(strstr(err.msg, "already in the trust store"));
	assert_int_equal(store_trust_add(f->st, &same_cert, &err), -1);
	assert_int_equal(store_trust_add(f->st, &other_store, &err), 0);
	assert_int_equal(store_trust_get(f->st, "CAPF-trust", "a", &got, &err), 1);
	assert_int_equal(got.cert_len, 5);
	assert_string_equal(got.sha256, "aa");
	trust_row_free(&got);
	assert_int_equal(store_trust_get(f->st, "CAPF-trust", "zz", &got, &err), 0);
	assert_int_equal(store_trust_each(f->st, NULL, count_rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_trust_delete(f->st, "CAPF-trust", "a", &err), 0);
	n = 0;
	assert_int_equal(store_trust_each(f->st, "CAPF-trust", count_rows, &n,
	    &err), 0);
	assert_int_equal(n, 0);
}

static void
rollback_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct trust_row a = row_named("CAPF-trust", "x", "cc");
	struct trust_row got;
	struct ucerr err;
	char value[32];

	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(store_trust_add(f->st, &a, &err), 0);
	assert_int_equal(store_meta_set(f->st, "node", "n1", &err), 0);
	store_rollback(f->st);
	assert_int_equal(store_trust_get(f->st, "CAPF-trust", "x", &got, &err), 0);
	assert_int_equal(store_meta_get(f->st, "node", value, sizeof(value),
	    &err), 0);
	assert_int_equal(store_meta_set(f->st, "node", "n2", &err), 0);
	assert_int_equal(store_meta_get(f->st, "node", value, sizeof(value),
	    &err), 1);
	assert_string_equal(value, "n2");
}

static void
identity_and_csr_rows_round_trip(void **state)
{
	struct fixture *f = *state;
	uint8_t der[] = { 1, 2, 3 };
	struct identity_row id, got;
	struct csr_row csr, got_csr;
	struct ucerr err;

	memset(&id, 0, sizeof(id));
	snprintf(id.purpose, sizeof(id.purpose), "CAPF");
	snprintf(id.key_file, sizeof(id.key_file), "CAPF-1.key");
	snprintf(id.type, sizeof(id.type), "self-signed");
	id.cert_der = der;
	id.cert_len = sizeof(der);
	assert_int_equal(store_identity_put(f->st, &id, &err), 0);
	snprintf(id.type, sizeof(id.type), "CA-signed");
	assert_int_equal(store_identity_put(f->st, &id, &err), 0);
	assert_int_equal(store_identity_get(f->st, "CAPF", &got, &err), 1);
	assert_string_equal(got.type, "CA-signed");
	assert_memory_equal(got.cert_der, der, sizeof(der));
	identity_row_free(&got);

	memset(&csr, 0, sizeof(csr));
	snprintf(csr.purpose, sizeof(csr.purpose), "CAPF");
	snprintf(csr.key_file, sizeof(csr.key_file), "CAPF-csr.key");
	csr.csr_der = der;
	csr.csr_len = sizeof(der);
	assert_int_equal(store_csr_put(f->st, &csr, &err), 0);
	assert_int_equal(store_csr_get(f->st, "CAPF", &got_csr, &err), 1);
	assert_string_equal(got_csr.key_file, "CAPF-csr.key");
	csr_row_free(&got_csr);
	assert_int_equal(store_csr_delete(f->st, "CAPF", &err), 0);
	assert_int_equal(store_csr_get(f->st, "CAPF", &got_csr, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_apply_once_and_reopen, setup, teardown),
		cmocka_unit_test(open_without_create_fails_cleanly),
		cmocka_unit_test_setup_teardown(trust_rows_are_unique_per_store, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(identity_and_csr_rows_round_trip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
