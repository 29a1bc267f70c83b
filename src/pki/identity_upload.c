/*
 * identity_upload.c - install the CA-signed certificate for a pending CSR
 * (`cert upload`, through certmgr_upload).
 *
 * Checks, in the order an administrator can act on them: the file parses
 * (PEM, DER, DER PKCS#7; PEM PKCS#7 refused), a leaf matches the pending
 * CSR's key, it is valid now, its key is at most 4096 bits, and its chain
 * verifies against the purpose's trust store plus any CA certificates the
 * PKCS#7 carried (which are then added to that store).  All or nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "clock.h"
#include "identity.h"
#include "store.h"
#include "trust.h"
#include "x509.h"

#define UPLOAD_MAX_KEY_BITS 4096

/* The certificate in the file whose key is the pending one, or NULL. */
static X509 *
find_leaf(STACK_OF(X509) *certs, EVP_PKEY *key)
{
	int i;

	for (i = 0; i < sk_X509_num(certs); i++)
		if (cert_matches_key(sk_X509_value(certs, i), key))
			return sk_X509_value(certs, i);
	return NULL;
}

static int
check_validity(const char *purpose, X509 *leaf, struct ucerr *err)
{
	time_t now = clock_now();

	if (X509_cmp_time(X509_get0_notAfter(leaf), &now) < 0)
		return ucerr_set(err, "%s: the certificate has expired",
		    purpose);
	if (X509_cmp_time(X509_get0_notBefore(leaf), &now) > 0)
		return ucerr_set(err, "%s: the certificate is not yet "
		    "valid", purpose);
	return 0;
}

/* Checked on every certificate in the file, before matching the CSR:
 * the key size is what the administrator must fix first. */
static int
check_key_sizes(const char *purpose, STACK_OF(X509) *certs,
    struct ucerr *err)
{
	int i, bits;

	for (i = 0; i < sk_X509_num(certs); i++) {
		bits = cert_key_bits(sk_X509_value(certs, i));
		if (bits > UPLOAD_MAX_KEY_BITS)
			return ucerr_set(err, "%s: a certificate's key is "
			    "%d bits; keys over %d bits are not supported",
			    purpose, bits, UPLOAD_MAX_KEY_BITS);
	}
	return 0;
}

/* Verifies leaf against the trust store plus the file's other certs. */
static int
check_chain(struct store *st, const struct purpose_info *p,
    X509 *leaf, STACK_OF(X509) *certs, struct ucerr *err)
{
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *xs = NULL;
	int i, rc = -1;

	if (trust_x509_store(st, p->trust_store, &xs, err) == -1)
		return -1;
	/* CA certificates shipped with the leaf (a PKCS#7 chain) count. */
	for (i = 0; i < sk_X509_num(certs); i++)
		if (sk_X509_value(certs, i) != leaf &&
		    cert_is_ca(sk_X509_value(certs, i)))
			X509_STORE_add_cert(xs, sk_X509_value(certs, i));
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, xs, leaf, certs)) {
		ucerr_set(err, "%s: out of memory", p->name);
		goto out;
	}
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
	if (X509_verify_cert(ctx) != 1) {
		ucerr_set(err, "%s: the issuer chain is not in %s (%s); "
		    "upload the CA certificates with ucpki trust add %s first",
		    p->name, p->trust_store, X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)), p->trust_store);
		goto out;
	}
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(xs);
	return rc;
}

/* Adds the chain's CA certificates to the trust store (in the caller's
 * transaction); ones already there are fine. */
static int
trust_chain(struct store *st, const char *store_name,
    X509 *leaf, STACK_OF(X509) *certs, int *added, struct ucerr *err)
{
	X509 *cert;
	int i;

	for (i = 0; i < sk_X509_num(certs); i++) {
		cert = sk_X509_value(certs, i);
		if (cert == leaf || !cert_is_ca(cert))
			continue;
		if (trust_add_identity(st, store_name, cert, 0, err) == -1)
			return -1;
		(*added)++;
	}
	return 0;
}

int
identity_upload(struct store *st, const struct purpose_info *p,
    const char *file, int *cas_added, struct ucerr *err)
{
	STACK_OF(X509) *certs = NULL;
	int rc;

	*cas_added = 0;
	if (certs_load_file(file, &certs, err) == -1)
		return -1;
	rc = identity_upload_certs(st, p, certs, cas_added, err);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
identity_upload_certs(struct store *st, const struct purpose_info *p,
    STACK_OF(X509) *certs, int *cas_added, struct ucerr *err)
{
	struct identity_row old;
	struct csr_row csr;
	EVP_PKEY *pending = NULL;
	X509 *leaf;
	char path[4096], old_key[128] = "";
	int found, rc = -1;

	*cas_added = 0;
	memset(&csr, 0, sizeof(csr));
	if ((found = store_csr_get(st, p->name, &csr, err)) != 1) {
		if (found == 0)
			ucerr_set(err, "%s: no pending CSR (run ucpki cert "
			    "csr %s first)", p->name, p->name);
		goto out;
	}
	if (identity_key_path(st, csr.key_file, path, sizeof(path),
	    err) == -1 || key_load_file(path, &pending, err) == -1)
		goto out;
	if (check_key_sizes(p->name, certs, err) == -1)
		goto out;
	if ((leaf = find_leaf(certs, pending)) == NULL) {
		ucerr_set(err, "certificate does not match the pending CSR "
		    "for %s", p->name);
		goto out;
	}
	if (check_validity(p->name, leaf, err) == -1 ||
	    check_chain(st, p, leaf, certs, err) == -1)
		goto out;
	if ((found = store_identity_get(st, p->name, &old, err)) == -1)
		goto out;
	if (found) {
		snprintf(old_key, sizeof(old_key), "%s", old.key_file);
		identity_row_free(&old);
	}
	if (store_begin(st, err) == -1)
		goto out;
	if (trust_chain(st, p->trust_store, leaf, certs, cas_added,
	    err) == -1 ||
	    identity_install(st, p, leaf, csr.key_file, "CA-signed",
	    strcmp(p->name, "CAPF") != 0, err) == -1 ||
	    identity_mark_changed(st, p->name, err) == -1 ||
	    store_csr_delete(st, p->name, err) == -1 ||
	    store_commit(st, err) == -1) {
		*cas_added = 0;
		store_rollback(st);
		goto out;
	}
	identity_forget_key(st, old_key, csr.key_file);
	rc = 0;
out:
	csr_row_free(&csr);
	EVP_PKEY_free(pending);
	return rc;
}
