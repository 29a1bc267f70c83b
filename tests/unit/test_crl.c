/* test_crl.c - revocation lists: added only when a trusted CA signed
 * them, and a listed serial reads as revoked. */
#include <openssl/x509v3.h>

#include "test.h"
#include "crl.h"
#include "trust.h"

struct ca {
	EVP_PKEY	*key;
	X509		*cert;
};

/* The CA and its LSCs come from test_cert_make: one certificate maker for
 * every unit test. */
static void
ca_make(struct ca *ca, const char *cn)
{
	ca->cert = test_cert_make(cn, PROFILE_CA, NULL, NULL, 30, &ca->key);
}

static X509 *
leaf_make(struct ca *ca, const char *cn)
{
	return test_cert_make(cn, PROFILE_LSC, ca->cert, ca->key, 30, NULL);
}

/* A DER CRL from ca listing revoked (may be NULL). */
static uint8_t *
crl_make(struct ca *ca, X509 *revoked, int *len)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *now = ASN1_TIME_set(NULL, clock_now());
	ASN1_TIME *next = ASN1_TIME_set(NULL, clock_now() + 86400);
	uint8_t *der = NULL;

	assert_int_equal(X509_CRL_set_version(crl, 1), 1);
	assert_int_equal(X509_CRL_set_issuer_name(crl,
	    X509_get_subject_name(ca->cert)), 1);
	X509_CRL_set1_lastUpdate(crl, now);
	X509_CRL_set1_nextUpdate(crl, next);
	if (revoked != NULL) {
		X509_REVOKED *r = X509_REVOKED_new();

		X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked));
		X509_REVOKED_set_revocationDate(r, now);
		X509_CRL_add0_revoked(crl, r);
	}
	assert_true(X509_CRL_sign(crl, ca->key, EVP_sha256()) > 0);
	*len = i2d_X509_CRL(crl, &der);
	assert_true(*len > 0);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	X509_CRL_free(crl);
	return der;
}

static void
listed_serial_is_revoked(void **state)
{
	struct test_home *h = *state;
	STACK_OF(X509_CRL) *crls;
	struct ucerr err;
	struct ca ca;
	char issuer[256];
	uint8_t *der;
	int len;

	ca_make(&ca, "Phone Issuing CA");
	X509 *bad = leaf_make(&ca, "SEP001122334455");
	X509 *good = leaf_make(&ca, "SEP001122334466");

	assert_int_equal(trust_add_cert(h->st, "CallManager-trust", ca.cert, NULL,
	    NULL, 0, &err), 0);
	der = crl_make(&ca, bad, &len);
	if (crl_add(h->st, der, (size_t)len, issuer, sizeof(issuer), &err) == -1)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(issuer, "Phone Issuing CA"));
	assert_int_equal(crl_all(h->st, &crls, &err), 0);
	assert_int_equal(sk_X509_CRL_num(crls), 1);
	assert_int_equal(crl_revoked(crls, bad), 1);
	assert_int_equal(crl_revoked(crls, good), 0);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	OPENSSL_free(der);
	X509_free(bad);
	X509_free(good);
	X509_free(ca.cert);
	EVP_PKEY_free(ca.key);
}

static void
untrusted_or_garbled_crl_refused(void **state)
{
	struct test_home *h = *state;
	STACK_OF(X509_CRL) *crls;
	struct ucerr err;
	struct ca ca;
	char issuer[256];
	uint8_t *der;
	int len;

	ca_make(&ca, "Unknown CA");
	der = crl_make(&ca, NULL, &len);
	assert_int_equal(crl_add(h->st, der, (size_t)len, issuer, sizeof(issuer),
	    &err), -1);
	assert_non_null(strstr(err.msg, "no CA in the trust stores signed it"));
	der[len / 2] ^= 0x40;
	assert_int_equal(crl_add(h->st, der, (size_t)len, issuer, sizeof(issuer),
	    &err), -1);
	assert_int_equal(crl_add(h->st, (const uint8_t *)"junk", 4, issuer,
	    sizeof(issuer), &err), -1);
	assert_int_equal(crl_all(h->st, &crls, &err), 0);
	assert_int_equal(sk_X509_CRL_num(crls), 0);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	OPENSSL_free(der);
	X509_free(ca.cert);
	EVP_PKEY_free(ca.key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(listed_serial_is_revoked,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test_setup_teardown(untrusted_or_garbled_crl_refused,
		    test_setup_home, test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
