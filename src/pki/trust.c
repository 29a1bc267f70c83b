/* trust.c - trust store naming and verification helpers (see trust.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "export.h"
#include "store.h"
#include "trust.h"
#include "x509.h"

/* CUCM names entries like files: characters unsafe there become '_'
 * (and so do control characters, which would forge lines of output). */
static void
name_sanitize(char *name)
{
	char *p;

	/* Entry names become file names (exports, hashed directories) and
	 * appear in pages and shells: ASCII beyond letters, digits and
	 * "._-+=@,()#" becomes '_' (a CN is the attacker's text); UTF-8
	 * bytes stay.  No leading '-' or '.' either (an option, a hidden
	 * file). */
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x80 && !isalnum((unsigned char)*p) &&
		    strchr("._-+=@,()#", *p) == NULL)
			*p = '_';
	if (name[0] == '-' || name[0] == '.')
		name[0] = '_';
}

void
trust_name_normalize(const char *name, char *out, size_t outlen)
{
	size_t len = strlen(name);

	if (len > 4 && strcmp(name + len - 4, ".pem") == 0)
		len -= 4;
	snprintf(out, outlen, "%.*s", (int)len, name);
	name_sanitize(out);
}

static int
trust_row_from_cert(X509 *cert, const char *store_name, const char *name,
    struct trust_row *row, struct ucerr *err)
{
	memset(row, 0, sizeof(*row));
	snprintf(row->store, sizeof(row->store), "%s", store_name);
	snprintf(row->name, sizeof(row->name), "%s", name);
	cert_sha256_hex(cert, row->sha256);
	return cert_to_der(cert, &row->cert_der, &row->cert_len, err);
}

/* CN as an entry name: CUCM replaces characters unsafe in file names. */
static void
name_from_cn(X509 *cert, char *out, size_t outlen)
{
	cert_common_name(cert, out, outlen);
	if (out[0] == '\0') {
		char sha[65];

		cert_sha256_hex(cert, sha);
		snprintf(out, outlen, "cert_%.16s", sha);
	}
	name_sanitize(out);
}

/* Adds one certificate; 1 (and its existing name) when already there. */
static int
add_one(struct store *st, const char *store_name, X509 *cert,
    const char *name, char *out_name, size_t out_name_len, struct ucerr *err)
{
	struct trust_row row, existing;
	char base[200], final[256];
	int found, rc = -1;

	if (name != NULL)
		trust_name_normalize(name, base, sizeof(base));
	else
		name_from_cn(cert, base, sizeof(base));
	if (base[0] == '\0' || base[0] == '.')
		return ucerr_set(err, "%s: bad trust certificate name '%s'",
		    store_name, name ? name : "");
	if (trust_row_from_cert(cert, store_name, base, &row, err) == -1)
		return -1;
	if ((found = store_trust_find_sha256(st, store_name, row.sha256,
	    &existing, err)) == -1)
		goto out;
	if (found) {
		snprintf(final, sizeof(final), "%s", existing.name);
		trust_row_free(&existing);
		rc = 1;
		goto done;
	}
	if ((found = store_trust_get(st, store_name, base, &existing,
	    err)) == -1)
		goto out;
	snprintf(final, sizeof(final), "%s", base);
	if (found) {
		/* No silent overwrite: the second certificate gets a suffix. */
		trust_row_free(&existing);
		snprintf(final, sizeof(final), "%s_%.8s", base, row.sha256);
		snprintf(row.name, sizeof(row.name), "%s", final);
	}
	if (store_trust_add(st, &row, err) == -1)
		goto out;
	rc = 0;
done:
	if (out_name != NULL)
		snprintf(out_name, out_name_len, "%s", final);
out:
	trust_row_free(&row);
	return rc;
}

int
trust_add_cert(struct store *st, const char *store_name, X509 *cert,
    const char *name, char *out_name, size_t out_name_len, struct ucerr *err)
{
	char existing[256];
	int rc = add_one(st, store_name, cert, name, existing, sizeof(existing),
	    err);

	if (rc == 1)
		return ucerr_set(err, "%s/%s.pem: this certificate is already in "
		    "the trust store", store_name, existing);
	if (rc == 0 && out_name != NULL)
		snprintf(out_name, out_name_len, "%s", existing);
	return rc;
}

int
trust_add_bundle(struct store *st, const char *store_name,
    STACK_OF(X509) *certs, const char *name, struct trust_added *results,
    struct export_refresh *exports, struct ucerr *err)
{
	int i, rc, added = 0, n = sk_X509_num(certs);

	/* A name chosen by hand is one entry's: several would collide. */
	if (name != NULL && n > 1)
		return ucerr_set(err, "%s: --name is for one certificate; the "
		    "bundle has %d", store_name, n);
	if (store_begin(st, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		rc = add_one(st, store_name, sk_X509_value(certs, i), name,
		    results[i].name, sizeof(results[i].name), err);
		if (rc == -1) {
			store_rollback(st);
			return n > 1 ? ucerr_wrap(err, "certificate %d of %d",
			    i + 1, n) : -1;
		}
		results[i].duplicate = rc == 1;
		added += rc == 0;
	}
	if (added == 0) {
		store_rollback(st);
		if (n == 1)
			return ucerr_set(err, "%s/%s.pem: this certificate is "
			    "already in the trust store", store_name,
			    results[0].name);
		return ucerr_set(err, "%s: all %d certificates are already in "
		    "the trust store; nothing added", store_name, n);
	}
	if (store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	/* The bundles and hashed directories other servers read hold it. */
	if (exports_refresh(st, clock_now(), exports, err) == -1)
		return ucerr_wrap(err, "%s: %d certificate(s) added, but",
		    store_name, added);
	return added;
}

int
trust_add_identity(struct store *st, const char *store_name, X509 *cert,
    int replace, struct ucerr *err)
{
	struct trust_row row, existing;
	char name[256];
	int found, rc = -1;

	name_from_cn(cert, name, sizeof(name));
	if (trust_row_from_cert(cert, store_name, name, &row, err) == -1)
		return -1;
	if ((found = store_trust_find_sha256(st, store_name, row.sha256,
	    &existing, err)) != 0) {
		if (found == 1)
			trust_row_free(&existing);
		rc = found == 1 ? 0 : -1;
		goto out;
	}
	if ((found = store_trust_get(st, store_name, name, &existing,
	    err)) == -1)
		goto out;
	if (found) {
		trust_row_free(&existing);
		if (replace) {
			if (store_trust_delete(st, store_name, name, err) == -1)
				goto out;
		} else {
			snprintf(row.name, sizeof(row.name), "%s_%.8s", name,
			    row.sha256);
		}
	}
	rc = store_trust_add(st, &row, err);
out:
	trust_row_free(&row);
	return rc;
}

struct collect_ctx {
	STACK_OF(X509)	*certs;
	struct ucerr	*err;
};

static int
collect_cert(void *arg, const struct trust_row *row)
{
	struct collect_ctx *ctx = arg;
	X509 *cert;

	/* A row that no longer parses is skipped, not fatal: it cannot
	 * vouch for anything, and one bad row must not disable a store. */
	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1)
		return 0;
	if (!sk_X509_push(ctx->certs, cert)) {
		X509_free(cert);
		return ucerr_set(ctx->err, "trust: out of memory");
	}
	return 0;
}

int
trust_certs(struct store *st, const char *store_name, STACK_OF(X509) **out,
    struct ucerr *err)
{
	struct collect_ctx ctx;

	ctx.err = err;
	if ((ctx.certs = sk_X509_new_null()) == NULL)
		return ucerr_set(err, "trust: out of memory");
	if (store_trust_each(st, store_name, collect_cert, &ctx, err) != 0) {
		sk_X509_pop_free(ctx.certs, X509_free);
		return -1;
	}
	*out = ctx.certs;
	return 0;
}

int
trust_x509_store(struct store *st, const char *store_name, X509_STORE **out,
    struct ucerr *err)
{
	STACK_OF(X509) *certs;
	int rc;

	if (trust_certs(st, store_name, &certs, err) == -1)
		return -1;
	rc = x509_store_from_certs(certs, out, err);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}
