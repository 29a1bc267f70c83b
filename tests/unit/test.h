/*
 * test.h - what the unit tests share: the golden vectors, a fresh home
 * with its store, and certificates made on the spot.  Include after
 * cmocka's prerequisites; every helper fails the test rather than
 * returning an error.
 */
#ifndef UCPKI_TEST_H
#define UCPKI_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/x509.h>

#include "clock.h"
#include "device.h"
#include "device_new.h"
#include "err.h"
#include "fileio.h"
#include "identity.h"
#include "store.h"
#include "store_device.h"
#include "x509.h"

/* The path of a golden file (tests/vectors unless UCPKI_VECTORS says). */
static inline const char *
test_vector(const char *name)
{
	static char path[4096];
	const char *dir = getenv("UCPKI_VECTORS");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vectors",
	    name);
	return path;
}

static inline void
test_load(const char *name, uint8_t **data, size_t *len)
{
	struct ucerr err;

	if (file_read(test_vector(name), FILE_READ_MAX, data, len, &err) == -1)
		fail_msg("%s", err.msg);
}

/* The first certificate of a vector file (caller frees). */
static inline X509 *
test_vector_cert(const char *name)
{
	STACK_OF(X509) *certs;
	struct ucerr err;
	X509 *cert;

	if (certs_load_file(test_vector(name), &certs, &err) == -1)
		fail_msg("%s", err.msg);
	cert = sk_X509_shift(certs);
	sk_X509_pop_free(certs, X509_free);
	return cert;
}

static inline EVP_PKEY *
test_vector_key(const char *name)
{
	struct ucerr err;
	EVP_PKEY *key;

	if (key_load_file(test_vector(name), &key, &err) == -1)
		fail_msg("%s", err.msg);
	return key;
}

/*
 * A certificate made on the spot: an EC P-256 key, valid for days,
 * signed by issuer (NULL: self-signed).  *key_out gets the key (may be
 * NULL).
 */
static inline X509 *
test_cert_make(const char *cn, enum cert_profile profile, X509 *issuer,
    EVP_PKEY *issuer_key, long days, EVP_PKEY **key_out)
{
	struct cert_template t;
	struct key_spec spec;
	struct ucerr err;
	EVP_PKEY *key = NULL;
	X509 *cert;

	memset(&t, 0, sizeof(t));
	t.subject.cn = cn;
	t.profile = profile;
	t.days = days;
	if (key_spec_parse("ec256", &spec, &err) == -1 ||
	    key_generate(&spec, &key, &err) == -1)
		fail_msg("%s", err.msg);
	if (cert_build(&t, key, issuer, issuer ? issuer_key : key, &cert,
	    &err) == -1)
		fail_msg("%s", err.msg);
	if (key_out != NULL)
		*key_out = key;
	else
		EVP_PKEY_free(key);
	return cert;
}

/*
 * A device row as `device add NAME --model 8845` leaves it (device_new:
 * an RSA 2048 key, no operation, status None).  Tests change the fields their rule
 * needs, then test_device_add().
 */
static inline void
test_device_init(struct device *d, const char *name)
{
	device_new(d, name, "8845");
}

static inline void
test_device_add(struct store *st, const struct device *d)
{
	struct ucerr err;

	if (store_device_add(st, d, &err) == -1)
		fail_msg("%s", err.msg);
}

/* A temporary home with an open store. */
struct test_home {
	char		 dir[64];
	struct store	*st;
};

static inline struct test_home *
test_home_new(void)
{
	struct test_home *h = calloc(1, sizeof(*h));
	struct ucerr err;

	assert_non_null(h);
	snprintf(h->dir, sizeof(h->dir), "/tmp/ucpki-unit.XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	if ((h->st = store_open(h->dir, 1, &err)) == NULL)
		fail_msg("%s", err.msg);
	return h;
}

/* Gives the home a node name and every identity, as `ucpki init` does. */
static inline void
test_home_init(struct test_home *h, const char *node)
{
	const struct purpose_info *p;
	struct identity_params params;
	char key_file[128];
	struct ucerr err;
	X509 *cert;

	assert_int_equal(store_meta_set(h->st, "node", node, &err), 0);
	for (p = purposes; p->name != NULL; p++) {
		identity_params_default(p, &params);
		if (identity_create(h->st, p, &params, &cert, key_file,
		    sizeof(key_file), &err) == -1 ||
		    identity_install(h->st, p, cert, key_file, "self-signed", 1,
		    &err) == -1)
			fail_msg("%s: %s", p->name, err.msg);
		X509_free(cert);
	}
}

static inline void
test_home_free(struct test_home *h)
{
	char cmd[128];

	if (h == NULL)
		return;
	store_close(h->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", h->dir);
	assert_int_equal(system(cmd), 0);
	free(h);
}

static inline int
test_setup_home(void **state)
{
	*state = test_home_new();
	return 0;
}

static inline int
test_setup_node(void **state)
{
	struct test_home *h = test_home_new();

	test_home_init(h, "cucm.example.test");
	*state = h;
	return 0;
}

static inline int
test_teardown_home(void **state)
{
	test_home_free(*state);
	return 0;
}

#endif
