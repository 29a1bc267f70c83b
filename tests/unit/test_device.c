/* test_device.c - device records: the authentication-string generator,
 * the attempt counter, and the LSC record that certificate
 * authentication is checked against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test.h"
#include "device.h"
#include "store.h"
#include "store_device.h"
#include "x509.h"

#define DEV	"SEP001122334455"

struct fixture {
	char		 home[64];
	struct store	*st;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ucerr err;
	struct device d;

	snprintf(f->home, sizeof(f->home), "/tmp/ucpki-device.XXXXXX");
	assert_non_null(mkdtemp(f->home));
	assert_non_null(f->st = store_open(f->home, 1, &err));
	test_device_init(&d, DEV);
	d.operation = CERT_OP_INSTALL;
	d.auth_mode = CAPF_AUTH_STRING;
	snprintf(d.auth_string, sizeof(d.auth_string), "1234");
	test_device_add(f->st, &d);
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
generated_strings_are_digits(void **state)
{
	char s[DEVICE_AUTH_STRING_MAX + 1];
	int digits;

	(void)state;
	for (digits = 4; digits <= DEVICE_AUTH_STRING_MAX; digits++) {
		assert_int_equal(auth_string_generate(s, sizeof(s), digits), 0);
		assert_int_equal(strlen(s), (size_t)digits);
		assert_true(auth_string_valid(s));
	}
	assert_int_equal(auth_string_generate(s, sizeof(s), 3), -1);
	assert_int_equal(auth_string_generate(s, sizeof(s), 11), -1);
	assert_int_equal(auth_string_generate(s, 5, 8), -1);
}

/*
 * Every digit equally likely.  Folding a byte with % 10 makes 0-5 4%
 * likelier than 6-9: over 2,000,000 digits that is a chi-square near
 * 700; a fair generator exceeds 50 (9 degrees of freedom) about once in
 * ten million runs.
 */
static void
generated_digits_are_unbiased(void **state)
{
	char s[DEVICE_AUTH_STRING_MAX + 1];
	long count[10] = { 0 }, n = 0;
	double expected, chi2 = 0;
	int i, j;

	(void)state;
	for (i = 0; i < 200000; i++) {
		assert_int_equal(auth_string_generate(s, sizeof(s), 10), 0);
		for (j = 0; j < 10; j++, n++)
			count[s[j] - '0']++;
	}
	expected = (double)n / 10;
	for (j = 0; j < 10; j++)
		chi2 += (count[j] - expected) * (count[j] - expected) / expected;
	assert_true(chi2 < 50);
}

static void
attempts_stop_at_the_limit(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	struct device d;
	int i, count;

	for (i = 1; i <= 5; i++) {
		assert_int_equal(store_device_auth_reserve(f->st, DEV, 5, &count,
		    &err), 1);
		assert_int_equal(count, i);
	}
	assert_int_equal(store_device_auth_reserve(f->st, DEV, 5, &count, &err),
	    0);
	/* A right string gives its attempt back; there is room for one. */
	assert_int_equal(store_device_auth_release(f->st, DEV, &err), 0);
	assert_int_equal(store_device_auth_reserve(f->st, DEV, 5, &count, &err),
	    1);
	assert_int_equal(store_device_auth_reserve(f->st, DEV, 5, &count, &err),
	    0);
	assert_int_equal(store_device_auth_reserve(f->st, "SEP00000000FFFF", 5,
	    &count, &err), 0);
	assert_int_equal(store_device_get(f->st, DEV, &d, &err), 1);
	assert_int_equal(d.auth_failures, 5);
	/* Setting the operation again (the CLI) clears the count. */
	d.auth_failures = 0;
	assert_int_equal(store_device_update(f->st, &d, &err), 0);
	device_free(&d);
	assert_int_equal(store_device_auth_reserve(f->st, DEV, 5, &count, &err),
	    1);
}

static void
make_cert(const char *cn, X509 **cert, uint8_t **der, size_t *len)
{
	struct key_spec spec = { 1, 256 };
	struct cert_template t;
	struct ucerr err;
	EVP_PKEY *key;

	memset(&t, 0, sizeof(t));
	t.subject.cn = cn;
	t.profile = PROFILE_LSC;
	t.days = 30;
	assert_int_equal(key_generate(&spec, &key, &err), 0);
	assert_int_equal(cert_build(&t, key, NULL, key, cert, &err), 0);
	assert_int_equal(cert_to_der(*cert, der, len, &err), 0);
	EVP_PKEY_free(key);
}

static void
lsc_record_is_found_by_its_bytes_and_revoked(void **state)
{
	struct fixture *f = *state;
	struct lsc_row row;
	struct ucerr err;
	uint8_t *der, *other_der;
	size_t len, other_len;
	X509 *cert, *other;
	char serial[64];
	int matched, n, other_ca;

	make_cert(DEV, &cert, &der, &len);
	make_cert(DEV, &other, &other_der, &other_len);
	cert_serial_hex(cert, serial, sizeof(serial));
	assert_int_equal(store_device_record_lsc(f->st, DEV, der, len, NULL,
	    "ab", 3, "", &err), 0);
	assert_int_equal(store_lsc_find(f->st, der, len, serial, &row, &err), 1);
	assert_string_equal(row.device, DEV);
	assert_string_equal(row.issuer_sha256, "ab");
	assert_int_equal(row.revoked_at, 0);
	/* Same serial claimed, different bytes: not on record. */
	assert_int_equal(store_lsc_find(f->st, other_der, other_len, serial,
	    &row, &err), 0);
	assert_int_equal(store_lsc_issuer_known(f->st, "ab", &err), 1);
	assert_int_equal(store_lsc_issuer_known(f->st, "cd", &err), 0);
	assert_int_equal(store_revoke(f->st, REVOKE_ALL, DEV, "nope", 0, 100,
	    NULL, &matched, &n, NULL, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_revoke(f->st, REVOKE_ALL, DEV, NULL, 4, 100,
	    "ab", &matched, &n, &other_ca, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(other_ca, 0);
	assert_int_equal(store_lsc_find(f->st, der, len, serial, &row, &err), 1);
	assert_true(row.revoked_at > 0);
	assert_int_equal(row.revoke_reason, 4);
	/* Once revoked it stays as it was. */
	assert_int_equal(store_revoke(f->st, REVOKE_ALL, NULL, serial, 1, 200,
	    "cd", &matched, &n, &other_ca, &err), 0);
	assert_int_equal(matched, 1);
	assert_int_equal(n, 0);
	assert_int_equal(other_ca, 1);
	assert_int_equal(store_lsc_find(f->st, der, len, serial, &row, &err), 1);
	assert_int_equal(row.revoked_at, 100);
	X509_free(cert);
	X509_free(other);
	OPENSSL_free(der);
	OPENSSL_free(other_der);
}

static void
fetched_certificate_is_evidence_only(void **state)
{
	struct fixture *f = *state;
	struct ucerr err;
	struct device d;
	uint8_t *der;
	size_t len;
	X509 *cert;

	make_cert("anything", &cert, &der, &len);
	assert_int_equal(store_device_record_fetch(f->st, DEV, der, len, &err), 0);
	assert_int_equal(store_device_get(f->st, DEV, &d, &err), 1);
	assert_non_null(d.fetched_der);
	assert_int_equal(d.fetched_len, len);
	assert_null(d.lsc_der);
	device_free(&d);
	X509_free(cert);
	OPENSSL_free(der);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generated_strings_are_digits),
		cmocka_unit_test(generated_digits_are_unbiased),
		cmocka_unit_test_setup_teardown(attempts_stop_at_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(lsc_record_is_found_by_its_bytes_and_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(fetched_certificate_is_evidence_only, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
