/*
 * test_tvs_msg.c - TVS messages byte by byte (requests as the reference
 * tvsc writes them, responses as tvsd does), every malformation the
 * server must reject with the field and offset, device names, and the
 * in-memory index built from a real home made by `ucpki init`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "fileio.h"
#include "identity.h"
#include "itl.h"
#include "store.h"
#include "tvs_index.h"
#include "tvs_msg.h"
#include "x509.h"

/* A VERIFY_REQUEST written by hand, the way tvsc packs it. */
static const uint8_t verify_request[] = {
	87, 1, 1, 0, 0x00, 0x00, 0x00, 0x2a, 0x00, 33,
	1, 0x00, 24, 0x01,
	'C', 'P', '-', '8', '8', '4', '5', '-', 'S', 'E', 'P',
	'0', '0', '1', '1', '2', '2', '3', '3', '4', '4', '5', '5',
	2, 0x00, 3, 0x30, 0x01, 0x00,
};

static void
decodes_a_reference_request(void **state)
{
	struct tvs_msg m;
	struct ucerr err;
	size_t need;

	(void)state;
	assert_int_equal(tvs_msg_need(verify_request, 5, &need, &err), 0);
	assert_int_equal(need, TVS_HEADER_LEN);
	assert_int_equal(tvs_msg_need(verify_request, sizeof(verify_request),
	    &need, &err), 0);
	assert_int_equal(need, sizeof(verify_request));
	assert_int_equal(tvs_msg_decode(verify_request, sizeof(verify_request),
	    &m, &err), 0);
	assert_int_equal(m.command, TVS_VERIFY_REQUEST);
	assert_int_equal(m.session_id, 42);
	assert_string_equal(m.device_name, "CP-8845-SEP001122334455");
	assert_int_equal(m.cert_len, 3);
	assert_memory_equal(m.cert, "\x30\x01\x00", 3);
	assert_int_equal(m.unknown_tag, 0);
	assert_true(tvs_device_name_valid(m.device_name));
}

static void
request_round_trip(void **state)
{
	struct writer w;
	struct tvs_msg m;
	struct ucerr err;

	(void)state;
	tvs_msg_begin(&w, TVS_VERIFY_REQUEST, 42);
	assert_int_equal(tvs_put_device_name(&w, "CP-8845-SEP001122334455"), 0);
	assert_int_equal(writer_tlv(&w, TVS_EL_CERTIFICATE, "\x30\x01\x00",
	    3), 0);
	assert_int_equal(tvs_msg_end(&w), 0);
	assert_int_equal(w.len, sizeof(verify_request));
	assert_memory_equal(w.data, verify_request, w.len);
	assert_int_equal(tvs_msg_decode(w.data, w.len, &m, &err), 0);
	writer_free(&w);
}

static void
response_round_trip(void **state)
{
	/* STATUS valid, ROLES CCM+TFTP and TVS, TTL 86400, as tvsd packs it. */
	static const uint8_t expect[] = {
		87, 1, 2, 0, 0, 0, 0, 9, 0, 16,
		7, 0, 1, 0,
		8, 0, 2, 2, 21,
		9, 0, 4, 0x00, 0x01, 0x51, 0x80,
	};
	struct writer w;
	struct tvs_msg m;
	struct ucerr err;

	(void)state;
	tvs_msg_begin(&w, TVS_VERIFY_RESPONSE, 9);
	writer_tlv(&w, TVS_EL_STATUS, (uint8_t[]){ TVS_STATUS_VALID }, 1);
	writer_tlv(&w, TVS_EL_ROLES, (uint8_t[]){ ROLE_CCM_TFTP, ROLE_TVS }, 2);
	writer_tlv(&w, TVS_EL_TTL, (uint8_t[]){ 0, 1, 0x51, 0x80 }, 4);
	assert_int_equal(tvs_msg_end(&w), 0);
	assert_int_equal(w.len, sizeof(expect));
	assert_memory_equal(w.data, expect, sizeof(expect));
	assert_int_equal(tvs_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(m.command, TVS_VERIFY_RESPONSE);
	assert_true(m.has_status);
	assert_int_equal(m.status, TVS_STATUS_VALID);
	assert_int_equal(m.n_roles, 2);
	assert_int_equal(m.roles[0], ROLE_CCM_TFTP);
	assert_int_equal(m.roles[1], ROLE_TVS);
	assert_true(m.has_ttl);
	assert_int_equal(m.ttl, 86400);
	writer_free(&w);
}

/* Decodes data (a copy of verify_request edited by the caller). */
static void
rejects(const uint8_t *data, size_t len, const char *words)
{
	struct tvs_msg m;
	struct ucerr err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(tvs_msg_decode(data, len, &m, &err), -1);
	if (strstr(err.msg, words) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, words);
}

static void
rejects_malformed_messages(void **state)
{
	uint8_t b[sizeof(verify_request) + 8];
	size_t n = sizeof(verify_request), len;
	struct ucerr err;
	size_t need;

	(void)state;
	/* Short headers: every length below 10. */
	for (len = 0; len < TVS_HEADER_LEN; len++)
		rejects(verify_request, len, "short header");

	memcpy(b, verify_request, n);
	b[0] = 85;
	rejects(b, n, "protocol id 85");
	assert_int_equal(tvs_msg_need(b, n, &need, &err), -1);
	assert_non_null(strstr(err.msg, "protocol id 85"));

	memcpy(b, verify_request, n);
	b[1] = 2;
	rejects(b, n, "version 2");
	assert_int_equal(tvs_msg_need(b, n, &need, &err), -1);

	/* Length larger than the data. */
	memcpy(b, verify_request, n);
	b[9] = 34;
	rejects(b, n, "length 34 but only 33 bytes");
	/* Length shorter than the data. */
	memcpy(b, verify_request, n);
	b[9] = 32;
	rejects(b, n - 1, "element at byte 37 is truncated");
	memcpy(b, verify_request, n);
	b[n] = 0;
	rejects(b, n + 1, "1 bytes after the message");

	/* A length over the message limit is refused from the header alone. */
	memcpy(b, verify_request, n);
	b[8] = 0xff;
	b[9] = 0xff;
	assert_int_equal(tvs_msg_need(b, TVS_HEADER_LEN, &need, &err), -1);
	assert_non_null(strstr(err.msg, "over the limit"));

	/* Truncated elements: a CERTIFICATE claiming 500 bytes, a bare tag. */
	memcpy(b, verify_request, n);
	b[38] = 0x01;
	b[39] = 0xf4;
	rejects(b, n, "element at byte 37 is truncated");
	{
		static const uint8_t bare[] = { 87, 1, 1, 0, 0, 0, 0, 1, 0, 2,
		    2, 0 };
		rejects(bare, sizeof(bare), "element at byte 10 is truncated");
	}

	/* DEVICE_NAME without the 0x01 byte, with a NUL, too long, empty. */
	memcpy(b, verify_request, n);
	b[13] = 'C';
	rejects(b, n, "starts with 0x43, expected 0x01");
	memcpy(b, verify_request, n);
	b[20] = '\0';
	rejects(b, n, "holds a NUL");
	{
		static const uint8_t empty[] = { 87, 1, 1, 0, 0, 0, 0, 1, 0, 4,
		    1, 0, 1, 1 };
		rejects(empty, sizeof(empty), "DEVICE_NAME length 1 at byte 10");
	}
	{
		uint8_t big[TVS_HEADER_LEN + 3 + 200];

		memset(big, 'A', sizeof(big));
		memcpy(big, "\x57\x01\x01\x00\x00\x00\x00\x01\x00\xcb\x01\x00\xc8"
		    "\x01", 14);
		rejects(big, sizeof(big), "DEVICE_NAME length 200");
	}

	/* STATUS and TTL of the wrong size, too many ROLES. */
	{
		static const uint8_t status2[] = { 87, 1, 2, 0, 0, 0, 0, 1, 0, 5,
		    7, 0, 2, 0, 0 };
		static const uint8_t ttl3[] = { 87, 1, 2, 0, 0, 0, 0, 1, 0, 6,
		    9, 0, 3, 0, 0, 0 };
		uint8_t roles[TVS_HEADER_LEN + 3 + TVS_ROLES_MAX + 1] = { 87, 1,
		    2, 0, 0, 0, 0, 1, 0, 3 + TVS_ROLES_MAX + 1, 8, 0,
		    TVS_ROLES_MAX + 1 };

		rejects(status2, sizeof(status2), "STATUS length 2, expected 1");
		rejects(ttl3, sizeof(ttl3), "TTL length 3, expected 4");
		rejects(roles, sizeof(roles), "17 ROLES, at most 16");
	}
}

static void
unknown_tags_are_reported(void **state)
{
	static const uint8_t msg[] = { 87, 1, 1, 0, 0, 0, 0, 1, 0, 4,
	    42, 0, 1, 'x' };
	struct tvs_msg m;
	struct ucerr err;

	(void)state;
	/* Decoded (the element is skipped by its length) but flagged, so
	 * the server can refuse it and a client can ignore it. */
	assert_int_equal(tvs_msg_decode(msg, sizeof(msg), &m, &err), 0);
	assert_int_equal(m.unknown_tag, 42);
}

static void
device_names(void **state)
{
	static const char *good[] = {
		"CP-8845-SEP001122334455", "CP-0000-SEP000000000000",
		"CP-7975-SEPABCDEF012345", "CP-8865NR-SEP001122334455",
	};
	static const char *bad[] = {
		"", "SEP001122334455", "CP--SEP001122334455",
		"CP-8845-SEP00112233445", "CP-8845-SEP0011223344556",
		"CP-8845-SEP00112233445g", "CP-8845-SEPabcdef012345",
		"CP-8845-SEP00112233/455", "CP-88/5-SEP001122334455",
		"cp-8845-SEP001122334455", "CP-8845-CSF001122334455",
		"CP-12345678901234567-SEP001122334455",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!tvs_device_name_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (tvs_device_name_valid(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
}

/* --- the index, from a home made by the real binary ------------------------ */

struct fixture {
	char		 home[64];
	struct store	*st;
};

static int
setup_home(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *ucpki = getenv("UCPKI");
	struct ucerr err;
	char cmd[512];

	if (ucpki == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->home, sizeof(f->home), "/tmp/ucpki-tvs.XXXXXX");
	assert_non_null(mkdtemp(f->home));
	snprintf(cmd, sizeof(cmd), "'%s' --home '%s/h' init --node "
	    "tvs.example.test >/dev/null", ucpki, f->home);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/h", f->home);
	f->st = store_open(cmd, 0, &err);
	assert_non_null(f->st);
	*state = f;
	return 0;
}

static int
teardown_home(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->home);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static X509 *
vector_cert(const char *name)
{
	const char *dir = getenv("UCPKI_VECTORS");
	STACK_OF(X509) *certs;
	struct ucerr err;
	char path[512];
	X509 *cert;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/certs/%s", dir, name);
	if (certs_load_file(path, &certs, &err) == -1)
		fail_msg("%s", err.msg);
	cert = sk_X509_shift(certs);
	sk_X509_pop_free(certs, X509_free);
	return cert;
}

static void
index_holds_the_node_identities(void **state)
{
	static const struct { const char *purpose; int role; } expect[] = {
		{ "CallManager", ROLE_CCM_TFTP }, { "CAPF", ROLE_CAPF },
		{ "TVS", ROLE_TVS }, { "tomcat", ROLE_APP_SERVER },
		{ "ITLRecovery", ROLE_SAST },
	};
	struct fixture *f = *state;
	const struct tvs_entry *e;
	struct tvs_index idx;
	struct ucerr err;
	uint8_t *der = NULL;
	size_t i, len;
	X509 *cert;
	int by_serial;

	assert_int_equal(tvs_index_build(f->st, &idx, &err), 0);
	assert_int_equal(idx.n, 5);
	assert_int_equal(idx.generation, store_generation(f->st));
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		assert_int_equal(identity_load(f->st, expect[i].purpose, &cert,
		    NULL, &err), 0);
		e = tvs_index_lookup(&idx, cert, &by_serial);
		assert_non_null(e);
		assert_int_equal(by_serial, 0);
		assert_int_equal(e->n_roles, 1);
		assert_int_equal(e->roles[0], expect[i].role);
		assert_int_equal(e->ttl, TVS_TTL_DEFAULT);
		assert_string_equal(e->label, expect[i].purpose);
		assert_int_equal(cert_to_der(cert, &der, &len, &err), 0);
		assert_ptr_equal(tvs_index_lookup_der(&idx, der, len), e);
		OPENSSL_free(der);
		X509_free(cert);
	}
	/* The ipsec identity has no TVS role. */
	assert_int_equal(identity_load(f->st, "ipsec", &cert, NULL, &err), 0);
	assert_null(tvs_index_lookup(&idx, cert, &by_serial));
	X509_free(cert);
	tvs_index_free(&idx);
}

static void
entries_bump_the_generation_and_match_by_serial(void **state)
{
	struct fixture *f = *state;
	const struct tvs_entry *e;
	struct tvs_index idx;
	struct ucerr err;
	char removed[65], hex[65];
	X509 *added = vector_cert("app-server.pem"), *twin;
	EVP_PKEY *key = NULL;
	struct key_spec spec = { 0, 2048 };
	int64_t gen = store_generation(f->st);
	int by_serial;

	assert_int_equal(tvs_entry_add(f->st, added, (uint8_t[]){ ROLE_APP_SERVER,
	    ROLE_TFTP }, 2, 600, &err), 0);
	assert_true(store_generation(f->st) > gen);
	assert_int_equal(tvs_entry_add(f->st, added, (uint8_t[]){ ROLE_TVS }, 1,
	    600, &err), -1);
	assert_non_null(strstr(err.msg, "already known to TVS"));

	assert_int_equal(tvs_index_build(f->st, &idx, &err), 0);
	assert_int_equal(idx.n, 6);
	e = tvs_index_lookup(&idx, added, &by_serial);
	assert_non_null(e);
	assert_int_equal(by_serial, 0);
	assert_int_equal(e->n_roles, 2);
	assert_int_equal(e->roles[0], ROLE_APP_SERVER);
	assert_int_equal(e->roles[1], ROLE_TFTP);
	assert_int_equal(e->ttl, 600);

	/* Same serial number and issuer name, another key: the seeds' TVS
	 * finds it by the "Unique MAP ID". */
	twin = X509_dup(added);
	assert_int_equal(key_generate(&spec, &key, &err), 0);
	assert_int_equal(X509_set_pubkey(twin, key), 1);
	assert_true(X509_sign(twin, key, EVP_sha256()) > 0);
	assert_null(tvs_index_lookup_der(&idx, (const uint8_t *)"x", 1));
	e = tvs_index_lookup(&idx, twin, &by_serial);
	assert_non_null(e);
	assert_int_equal(by_serial, 1);
	assert_int_equal(e->ttl, 600);
	/* A different serial under the same issuer is unknown. */
	ASN1_INTEGER_set(X509_get_serialNumber(twin), 0x027865);
	assert_true(X509_sign(twin, key, EVP_sha256()) > 0);
	assert_null(tvs_index_lookup(&idx, twin, &by_serial));
	tvs_index_free(&idx);

	gen = store_generation(f->st);
	cert_sha256_hex(added, hex);
	assert_int_equal(tvs_entry_remove(f->st, "ABCD", removed,
	    sizeof(removed), &err), -1);
	hex[8] = '\0';
	assert_int_equal(tvs_entry_remove(f->st, hex, removed, sizeof(removed),
	    &err), 0);
	assert_int_equal(strncmp(removed, hex, 8), 0);
	assert_true(store_generation(f->st) > gen);
	assert_int_equal(tvs_entry_remove(f->st, hex, removed, sizeof(removed),
	    &err), -1);
	assert_non_null(strstr(err.msg, "matches 0 entries"));
	assert_int_equal(tvs_index_build(f->st, &idx, &err), 0);
	assert_int_equal(idx.n, 5);
	tvs_index_free(&idx);

	EVP_PKEY_free(key);
	X509_free(twin);
	X509_free(added);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_a_reference_request),
		cmocka_unit_test(request_round_trip),
		cmocka_unit_test(response_round_trip),
		cmocka_unit_test(rejects_malformed_messages),
		cmocka_unit_test(unknown_tags_are_reported),
		cmocka_unit_test(device_names),
		cmocka_unit_test_setup_teardown(index_holds_the_node_identities,
		    setup_home, teardown_home),
		cmocka_unit_test_setup_teardown(
		    entries_bump_the_generation_and_match_by_serial, setup_home,
		    teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
