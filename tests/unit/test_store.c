/*
 * test_store.c - the store conformance suite: what every backend behind
 * store.h and store_device.h must do (migrations, rows, transactions,
 * the generation counter).  It names no backend: a second one runs it
 * unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <cmocka.h>

#include "test.h"
#include "store.h"
#include "store_device.h"

struct fixture {
	char		 home[64];
	struct store	*st;
};

/*
 * With UCPKI_STORE (a PostgreSQL address: tests/pg_run.sh) each home's
 * store is that database, emptied first so every test starts from an
 * empty schema, as a new SQLite home does.
 */
static void
empty_shared_store(void)
{
	const char *addr = getenv("UCPKI_STORE");
	char cmd[1024];

	if (addr == NULL || *addr == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "psql -q -v ON_ERROR_STOP=1 '%s' -c "
	    "'DROP SCHEMA public CASCADE; CREATE SCHEMA public' "
	    ">/dev/null 2>&1", addr);
	assert_int_equal(system(cmd), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ucerr err;

	empty_shared_store();

	snprintf(f->home, sizeof(f->home), "/tmp/ucpki-store.XXXXXX");
	assert_non_null(mkdtemp(f->home));
	f->st = store_open(f->home, 1, &err);
	if (f->st == NULL)
		fail_msg("%s", err.msg);
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

struct nested {
	struct store	*st;
	int		 outer, inner;
};

static int
count_inner(void *ctx, const struct trust_row *row)
{
	(void)row;
	((struct nested *)ctx)->inner++;
	return 0;
}

/* The callback reads the same rows again (the same statement) while the
 * outer listing is still being read, and writes. */
static int
read_again(void *ctx, const struct trust_row *row)
{
	struct nested *n = ctx;
	struct ucerr err;

	n->outer++;
	if (store_trust_each(n->st, row->store, count_inner, n, &err) != 0)
		return -1;
	return store_meta_set(n->st, "nested", row->name, &err) == 0 ? 0 : -1;
}

static void
callbacks_may_use_the_store(void **state)
{
	struct fixture *f = *state;
	struct trust_row a = row_named("CAPF-trust", "a", "aa");
	struct trust_row b = row_named("CAPF-trust", "b", "bb");
	struct nested n = { f->st, 0, 0 };
	struct ucerr err;
	char value[16];
	int i;

	assert_int_equal(store_trust_add(f->st, &a, &err), 0);
	assert_int_equal(store_trust_add(f->st, &b, &err), 0);
	/* Twice: the statements kept from the first round serve again. */
	for (i = 0; i < 2; i++)
		assert_int_equal(store_trust_each(f->st, "CAPF-trust",
		    read_again, &n, &err), 0);
	assert_int_equal(n.outer, 4);
	assert_int_equal(n.inner, 8);
	assert_int_equal(store_meta_get(f->st, "nested", value, sizeof(value),
	    &err), 1);
	assert_string_equal(value, "b");
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

static void
meta_round_trips_and_overwrites(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	char value[64];

	assert_int_equal(store_meta_get(f->st, "node", value, sizeof(value),
	    &err), 0);
	assert_int_equal(store_meta_set(f->st, "node", "a.example.test", &err), 0);
	assert_int_equal(store_meta_set(f->st, "node", "b.example.test", &err), 0);
	assert_int_equal(store_meta_get(f->st, "node", value, sizeof(value),
	    &err), 1);
	assert_string_equal(value, "b.example.test");
}

static void
generation_counts_trust_and_identity_changes(void **state)
{
	struct fixture *f = *state;
	uint8_t der[] = { 9, 8, 7 };
	struct identity_row id;
	struct trust_row row;
	struct tvs_row tvs;
	struct ucerr err;
	int64_t g0 = store_generation(f->st), g1, g2;

	memset(&row, 0, sizeof(row));
	snprintf(row.store, sizeof(row.store), "TVS-trust");
	snprintf(row.name, sizeof(row.name), "gen");
	snprintf(row.sha256, sizeof(row.sha256), "%064d", 7);
	row.cert_der = der;
	row.cert_len = sizeof(der);
	assert_int_equal(store_trust_add(f->st, &row, &err), 0);
	g1 = store_generation(f->st);
	assert_true(g1 > g0);
	memset(&id, 0, sizeof(id));
	snprintf(id.purpose, sizeof(id.purpose), "TVS");
	snprintf(id.key_file, sizeof(id.key_file), "TVS-1.key");
	snprintf(id.type, sizeof(id.type), "self-signed");
	id.cert_der = der;
	id.cert_len = sizeof(der);
	assert_int_equal(store_identity_put(f->st, &id, &err), 0);
	g2 = store_generation(f->st);
	assert_true(g2 > g1);
	memset(&tvs, 0, sizeof(tvs));
	snprintf(tvs.sha256, sizeof(tvs.sha256), "%064d", 8);
	tvs.cert_der = der;
	tvs.cert_len = sizeof(der);
	assert_int_equal(store_tvs_put(f->st, &tvs, &err), 0);
	assert_true(store_generation(f->st) > g2);
	/* Reading changes nothing. */
	g2 = store_generation(f->st);
	assert_int_equal(store_trust_get(f->st, "TVS-trust", "gen", &row, &err), 1);
	trust_row_free(&row);
	assert_int_equal(store_generation(f->st), g2);
}

/*
 * The watch sees a change committed on another connection: by reading
 * the counter (SQLite), or by the notification its socket brings (a
 * backend with one); a process that follows a generation answers
 * store_generation from memory.
 */
static void
watch_sees_a_change_from_another_connection(void **state)
{
	struct fixture *f = *state;
	uint8_t der[] = { 1, 2, 3 };
	struct store_watch *w;
	struct trust_row row;
	struct pollfd pfd;
	struct ucerr err;
	unsigned epoch;
	int64_t g0, g1;
	int how;

	if ((w = store_watch_open(f->home, 3600, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(store_watch_check(w, &g0), STORE_WATCH_READ);
	assert_int_equal(g0, store_generation_read(f->st));
	memset(&row, 0, sizeof(row));
	snprintf(row.store, sizeof(row.store), "CAPF-trust");
	snprintf(row.name, sizeof(row.name), "watched");
	snprintf(row.sha256, sizeof(row.sha256), "%064d", 5);
	row.cert_der = der;
	row.cert_len = sizeof(der);
	assert_int_equal(store_trust_add(f->st, &row, &err), 0);
	pfd.fd = store_watch_fd(w, &epoch);
	pfd.events = POLLIN;
	if (pfd.fd >= 0)
		assert_int_equal(poll(&pfd, 1, 10000), 1);
	how = store_watch_check(w, &g1);
	assert_int_equal(how, pfd.fd >= 0 ? STORE_WATCH_NOTIFIED :
	    STORE_WATCH_READ);
	assert_int_equal(g1, store_generation_read(f->st));
	assert_true(g1 > g0);
	/* Nothing new: nothing to say (SQLite reads the same value). */
	how = store_watch_check(w, &g1);
	assert_true(how == STORE_WATCH_NONE || how == STORE_WATCH_READ);
	assert_int_equal(g1, store_generation_read(f->st));
	store_generation_follow(g1 + 100);
	assert_int_equal(store_generation(f->st), g1 + 100);
	store_generation_follow(-1);
	assert_int_equal(store_generation(f->st), g1);
	store_watch_close(w);
}

static int
count_crl(void *ctx, const uint8_t *der, size_t len)
{
	(void)der;
	*(size_t *)ctx += len;
	return 0;
}

static void
crl_rows_in_order(void **state)
{
	struct fixture *f = *state;
	uint8_t a[] = { 1 }, b[] = { 2, 2 };
	struct ucerr err;
	size_t total = 0;

	assert_int_equal(store_crl_add(f->st, "CN=A", a, sizeof(a), &err), 0);
	assert_int_equal(store_crl_add(f->st, "CN=B", b, sizeof(b), &err), 0);
	assert_int_equal(store_crl_each(f->st, count_crl, &total, &err), 0);
	assert_int_equal(total, 3);
}

/* The publisher's CTL for every node: binary bytes as put, replaced by
 * the next put, and each put moves the generation (the other nodes'
 * services follow it). */
static void
cluster_file_round_trips_and_moves_the_generation(void **state)
{
	struct fixture *f = *state;
	uint8_t a[] = { 0, 1, 2, 0xff }, b[] = { 9, 0, 9 }, *got;
	struct ucerr err;
	int64_t g0, g1;
	size_t len;

	assert_int_equal(store_cluster_file_get(f->st, "CTLFile.tlv", &got,
	    &len, &err), 0);
	assert_null(got);
	g0 = store_generation(f->st);
	assert_int_equal(store_cluster_file_put(f->st, "CTLFile.tlv", a,
	    sizeof(a), &err), 0);
	g1 = store_generation(f->st);
	assert_true(g1 > g0);
	assert_int_equal(store_cluster_file_get(f->st, "CTLFile.tlv", &got,
	    &len, &err), 1);
	assert_int_equal(len, sizeof(a));
	assert_memory_equal(got, a, sizeof(a));
	free(got);
	assert_int_equal(store_cluster_file_put(f->st, "CTLFile.tlv", b,
	    sizeof(b), &err), 0);
	assert_true(store_generation(f->st) > g1);
	assert_int_equal(store_cluster_file_get(f->st, "CTLFile.tlv", &got,
	    &len, &err), 1);
	assert_int_equal(len, sizeof(b));
	assert_memory_equal(got, b, sizeof(b));
	free(got);
	assert_int_equal(store_cluster_file_get(f->st, "other", &got, &len,
	    &err), 0);
}

struct tvs_seen {
	int	 n;
	char	 roles[64];
	uint32_t ttl;
};

static int
see_tvs(void *ctx, const struct tvs_row *row)
{
	struct tvs_seen *s = ctx;

	s->n++;
	snprintf(s->roles, sizeof(s->roles), "%s", row->roles);
	s->ttl = row->ttl;
	return 0;
}

static void
tvs_rows_add_match_delete(void **state)
{
	struct fixture *f = *state;
	uint8_t der[] = { 4, 5, 6 };
	struct tvs_seen seen = { 0 };
	struct tvs_row row;
	struct ucerr err;
	char match[65];

	memset(&row, 0, sizeof(row));
	snprintf(row.sha256, sizeof(row.sha256), "abcd%060d", 1);
	snprintf(row.roles, sizeof(row.roles), "7,21");
	row.ttl = 600;
	row.cert_der = der;
	row.cert_len = sizeof(der);
	assert_int_equal(store_tvs_put(f->st, &row, &err), 0);
	assert_int_equal(store_tvs_put(f->st, &row, &err), -1);
	assert_non_null(strstr(err.msg, "already known to TVS"));
	snprintf(row.sha256, sizeof(row.sha256), "abce%060d", 2);
	assert_int_equal(store_tvs_put(f->st, &row, &err), 0);
	assert_int_equal(store_tvs_match(f->st, "abc", match, sizeof(match),
	    &err), 2);
	assert_int_equal(store_tvs_match(f->st, "abcd", match, sizeof(match),
	    &err), 1);
	assert_int_equal(strncmp(match, "abcd", 4), 0);
	assert_int_equal(store_tvs_delete(f->st, match, &err), 0);
	assert_int_equal(store_tvs_each(f->st, see_tvs, &seen, &err), 0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.roles, "7,21");
	assert_int_equal(seen.ttl, 600);
}

static int
count_device(void *ctx, const struct device *d)
{
	(void)d;
	(*(int *)ctx)++;
	return 0;
}

static void
device_rows_round_trip(void **state)
{
	struct fixture *f = *state;
	struct device_filter filter;
	struct device d, got;
	struct ucerr err;
	int n = 0;

	test_device_init(&d, "SEP001122334455");
	d.operation = CERT_OP_INSTALL;
	d.status = CERT_STATUS_SCHEDULE;
	assert_int_equal(store_device_add(f->st, &d, &err), 0);
	assert_int_equal(store_device_add(f->st, &d, &err), -1);
	assert_int_equal(store_device_get(f->st, d.name, &got, &err), 1);
	assert_string_equal(got.model, "8845");
	assert_int_equal(got.operation, CERT_OP_INSTALL);
	device_free(&got);
	d.status = CERT_STATUS_UPGRADE_SUCCESS;
	d.operation = CERT_OP_NONE;
	assert_int_equal(store_device_update(f->st, &d, &err), 0);
	device_filter_init(&filter);
	filter.status = CERT_STATUS_UPGRADE_SUCCESS;
	assert_int_equal(store_device_each(f->st, &filter, count_device, &n,
	    &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_device_remove(f->st, d.name, &err), 0);
	assert_int_equal(store_device_get(f->st, d.name, &got, &err), 0);
}

static int
count_identity(void *ctx, const struct identity_row *row)
{
	(void)row;
	++*(int *)ctx;
	return 0;
}

static int
node_names(void *ctx, const struct node_row *row)
{
	strcat(ctx, row->name);
	strcat(ctx, " ");
	return 0;
}

static void
put_identity(struct store *st, const char *purpose, uint8_t byte, int cluster)
{
	struct identity_row id;
	struct ucerr err;

	memset(&id, 0, sizeof(id));
	snprintf(id.purpose, sizeof(id.purpose), "%s", purpose);
	snprintf(id.key_file, sizeof(id.key_file), "%s.key", purpose);
	snprintf(id.type, sizeof(id.type), "self-signed");
	id.cert_der = &byte;
	id.cert_len = 1;
	id.cluster = cluster;
	assert_int_equal(store_identity_put(st, &id, &err), 0);
}

/* Homes sharing one database: each node's identities are its own, the
 * cluster's (node '') every node's; the node table and its heartbeat. */
static void
nodes_own_their_identities(void **state)
{
	struct fixture *f = *state;
	struct identity_row got;
	struct csr_row csr, got_csr;
	struct node_row n;
	struct ucerr err;
	char names[128] = "";
	int64_t gen;
	int count = 0;
	uint8_t der = 9;

	assert_int_equal(store_node_self_set(f->st, "a.example.test", &err), 0);
	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "b.example.test");
	snprintf(n.role, sizeof(n.role), "subscriber");
	n.added_at = 2;
	assert_int_equal(store_node_add(f->st, &n, &err), 0);
	snprintf(n.name, sizeof(n.name), "a.example.test");
	snprintf(n.role, sizeof(n.role), "publisher");
	n.added_at = 1;
	assert_int_equal(store_node_add(f->st, &n, &err), 0);
	assert_int_equal(store_node_add(f->st, &n, &err), -1);
	assert_non_null(strstr(err.msg, "already in the cluster"));
	assert_int_equal(store_node_each(f->st, node_names, names, &err), 0);
	assert_string_equal(names, "a.example.test b.example.test ");

	put_identity(f->st, "tomcat", 1, 0);
	put_identity(f->st, "CAPF", 3, 1);
	/* The same database seen from node b's home. */
	assert_int_equal(store_node_self_set(f->st, "b.example.test", &err), 0);
	put_identity(f->st, "tomcat", 2, 0);
	assert_int_equal(store_identity_get(f->st, "tomcat", &got, &err), 1);
	assert_int_equal(got.cert_der[0], 2);
	assert_string_equal(got.node, "b.example.test");
	identity_row_free(&got);
	assert_int_equal(store_identity_get(f->st, "CAPF", &got, &err), 1);
	assert_true(got.cluster);
	identity_row_free(&got);
	assert_int_equal(store_identity_each(f->st, count_identity, &count,
	    &err), 0);
	assert_int_equal(count, 2);
	count = 0;
	assert_int_equal(store_identity_each_node(f->st, count_identity, &count,
	    &err), 0);
	assert_int_equal(count, 3);

	/* A CSR goes where its identity is. */
	memset(&csr, 0, sizeof(csr));
	snprintf(csr.purpose, sizeof(csr.purpose), "CAPF");
	snprintf(csr.key_file, sizeof(csr.key_file), "CAPF-csr.key");
	csr.csr_der = &der;
	csr.csr_len = 1;
	assert_int_equal(store_csr_put(f->st, &csr, &err), 0);
	assert_int_equal(store_node_self_set(f->st, "a.example.test", &err), 0);
	assert_int_equal(store_csr_get(f->st, "CAPF", &got_csr, &err), 1);
	csr_row_free(&got_csr);
	assert_int_equal(store_identity_get(f->st, "tomcat", &got, &err), 1);
	assert_int_equal(got.cert_der[0], 1);
	identity_row_free(&got);

	/* The heartbeat moves the generation only when services change. */
	assert_int_equal(store_node_heartbeat(f->st, "b.example.test",
	    "tvs=2445", 10, &err), 0);
	gen = store_generation(f->st);
	assert_int_equal(store_node_heartbeat(f->st, "b.example.test",
	    "tvs=2445", 40, &err), 0);
	assert_int_equal(store_generation(f->st), gen);
	assert_int_equal(store_node_get(f->st, "b.example.test", &n, &err), 1);
	assert_int_equal(n.heartbeat_at, 40);
	assert_string_equal(n.services, "tvs=2445");

	assert_int_equal(store_node_delete(f->st, "b.example.test", &err), 1);
	assert_int_equal(store_node_get(f->st, "b.example.test", &n, &err), 0);
	count = 0;
	assert_int_equal(store_identity_each_node(f->st, count_identity, &count,
	    &err), 0);
	assert_int_equal(count, 2);

	/* The home remembers which node it is. */
	store_close(f->st);
	assert_non_null(f->st = store_open(f->home, 0, &err));
	assert_string_equal(store_node_self(f->st), "a.example.test");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_apply_once_and_reopen, setup, teardown),
		cmocka_unit_test(open_without_create_fails_cleanly),
		cmocka_unit_test_setup_teardown(trust_rows_are_unique_per_store, setup, teardown),
		cmocka_unit_test_setup_teardown(callbacks_may_use_the_store, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(identity_and_csr_rows_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(meta_round_trips_and_overwrites, setup, teardown),
		cmocka_unit_test_setup_teardown(generation_counts_trust_and_identity_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(watch_sees_a_change_from_another_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(crl_rows_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(cluster_file_round_trips_and_moves_the_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(tvs_rows_add_match_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(device_rows_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(nodes_own_their_identities, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
