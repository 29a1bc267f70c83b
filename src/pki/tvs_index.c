/* tvs_index.c - TVS's in-memory index (see tvs_index.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/sha.h>

#include "identity.h"
#include "itl.h"
#include "json.h"
#include "store.h"
#include "tvs_index.h"
#include "x509.h"

static int
entry_from_cert(X509 *cert, struct tvs_entry *e)
{
	BIGNUM *bn;
	unsigned int n = 0;
	int len;

	if (!X509_digest(cert, EVP_sha256(), e->sha256, &n) || n != 32)
		return -1;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL)) == NULL)
		return -1;
	len = BN_num_bytes(bn);
	if (len <= 0 || (size_t)len > sizeof(e->serial)) {
		BN_free(bn);
		return -1;
	}
	BN_bn2bin(bn, e->serial);
	e->serial_len = (size_t)len;
	BN_free(bn);
	name_oneline(X509_get_issuer_name(cert), e->issuer, sizeof(e->issuer));
	return 0;
}

static int
append(struct tvs_index *idx, size_t *cap, const struct tvs_entry *e)
{
	struct tvs_entry *grown;

	if (idx->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((grown = reallocarray(idx->entries, *cap, sizeof(*grown))) == NULL)
			return -1;
		idx->entries = grown;
	}
	idx->entries[idx->n++] = *e;
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	return memcmp(((const struct tvs_entry *)a)->sha256,
	    ((const struct tvs_entry *)b)->sha256, 32);
}

/* Serial number (as an integer: shorter first), then issuer name. */
static int
cmp_serial_issuer(const struct tvs_entry *a, const struct tvs_entry *b)
{
	int c;

	if (a->serial_len != b->serial_len)
		return a->serial_len < b->serial_len ? -1 : 1;
	if ((c = memcmp(a->serial, b->serial, a->serial_len)) != 0)
		return c;
	return strcmp(a->issuer, b->issuer);
}

static int
cmp_by_serial(const void *a, const void *b)
{
	return cmp_serial_issuer(*(const struct tvs_entry *const *)a,
	    *(const struct tvs_entry *const *)b);
}

/* Roles as stored: "2,4" (numbers, comma separated). */
static size_t
parse_roles(const char *s, uint8_t *roles)
{
	size_t n = 0;
	char *end;
	long v;

	while (*s && n < TVS_ROLES_MAX) {
		v = strtol(s, &end, 10);
		if (end == s)
			break;
		if (v >= 0 && v <= 255)
			roles[n++] = (uint8_t)v;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

struct added_rows {
	struct tvs_index	*idx;
	size_t			*cap;
	int			 oom;
};

static int
add_row(void *arg, const struct tvs_row *row)
{
	struct added_rows *a = arg;
	struct tvs_entry e;
	X509 *cert;
	int rc;

	memset(&e, 0, sizeof(e));
	/* A row that no longer parses is left out: it parsed when added. */
	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1)
		return 0;
	rc = entry_from_cert(cert, &e);
	cert_common_name(cert, e.label, sizeof(e.label));
	X509_free(cert);
	if (rc == -1)
		return 0;
	e.n_roles = parse_roles(row->roles, e.roles);
	e.ttl = row->ttl;
	if (append(a->idx, a->cap, &e) == -1) {
		a->oom = 1;
		return 1;
	}
	return 0;
}

/*
 * An entry added for a node identity's own certificate (`tvs add`, an
 * import) says its roles and TTL: the identity's defaults give way, so
 * the certificate has one answer.  entries[0..n_ids) are the identities.
 */
static void
drop_overridden(struct tvs_index *idx, size_t n_ids)
{
	size_t i = 0, j;

	while (i < n_ids) {
		for (j = n_ids; j < idx->n; j++)
			if (memcmp(idx->entries[i].sha256, idx->entries[j].sha256,
			    32) == 0)
				break;
		if (j == idx->n) {
			i++;
			continue;
		}
		idx->entries[i] = idx->entries[n_ids - 1];
		idx->entries[n_ids - 1] = idx->entries[idx->n - 1];
		idx->n--;
		n_ids--;
	}
}

/* The roles TVS gives a node identity: every node's, the cluster's. */
static const struct { const char *purpose; int role; } identity_roles[] = {
	{ "CallManager", ROLE_CCM_TFTP }, { "CAPF", ROLE_CAPF },
	{ "TVS", ROLE_TVS }, { "tomcat", ROLE_APP_SERVER },
	{ "ITLRecovery", ROLE_SAST },
};

struct identity_rows {
	struct tvs_index	*idx;
	size_t			*cap;
	const char		*self;
	int			 oom;
};

/* TVS on every node vouches for every node's identities (a phone
 * registered to one node verifies another's files and TLS by it). */
static int
add_identity(void *arg, const struct identity_row *row)
{
	struct identity_rows *a = arg;
	struct tvs_entry e;
	X509 *cert;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(identity_roles) / sizeof(identity_roles[0]); i++)
		if (strcmp(identity_roles[i].purpose, row->purpose) == 0)
			break;
	if (i == sizeof(identity_roles) / sizeof(identity_roles[0]) ||
	    cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	rc = entry_from_cert(cert, &e);
	X509_free(cert);
	if (rc == -1)
		return 0;
	e.roles[0] = (uint8_t)identity_roles[i].role;
	e.n_roles = 1;
	e.ttl = TVS_TTL_DEFAULT;
	if (row->node[0] == '\0' || strcmp(row->node, a->self) == 0)
		snprintf(e.label, sizeof(e.label), "%s", row->purpose);
	else
		snprintf(e.label, sizeof(e.label), "%s %s", row->purpose,
		    row->node);
	if (append(a->idx, a->cap, &e) == -1) {
		a->oom = 1;
		return 1;
	}
	return 0;
}

int
tvs_index_build(struct store *st, struct tvs_index *idx, struct ucerr *err)
{
	struct identity_rows ids;
	struct added_rows added;
	size_t i, n_ids, cap = 0;

	memset(idx, 0, sizeof(*idx));
	idx->generation = store_generation(st);
	ids.idx = idx;
	ids.cap = &cap;
	ids.self = store_node_self(st);
	ids.oom = 0;
	if (store_identity_each_node(st, add_identity, &ids, err) == -1)
		goto fail;
	if (ids.oom)
		goto oom;
	n_ids = idx->n;
	added.idx = idx;
	added.cap = &cap;
	added.oom = 0;
	if (store_tvs_each(st, add_row, &added, err) == -1)
		goto fail;
	if (added.oom)
		goto oom;
	drop_overridden(idx, n_ids);
	qsort(idx->entries, idx->n, sizeof(*idx->entries), cmp_entry);
	if (idx->n > 0) {
		if ((idx->by_serial = calloc(idx->n, sizeof(*idx->by_serial))) ==
		    NULL)
			goto oom;
		for (i = 0; i < idx->n; i++)
			idx->by_serial[i] = &idx->entries[i];
		qsort(idx->by_serial, idx->n, sizeof(*idx->by_serial),
		    cmp_by_serial);
	}
	return 0;
oom:
	ucerr_set(err, "TVS index: out of memory");
fail:
	tvs_index_free(idx);
	return -1;
}

void
tvs_index_free(struct tvs_index *idx)
{
	free(idx->entries);
	free(idx->by_serial);
	memset(idx, 0, sizeof(*idx));
}

const struct tvs_entry *
tvs_index_lookup(const struct tvs_index *idx, X509 *cert, int *by_serial)
{
	struct tvs_entry key;
	const struct tvs_entry *found, *keyp = &key;
	const struct tvs_entry *const *match;

	*by_serial = 0;
	memset(&key, 0, sizeof(key));
	if (entry_from_cert(cert, &key) == -1)
		return NULL;
	found = bsearch(&key, idx->entries, idx->n, sizeof(*idx->entries),
	    cmp_entry);
	if (found != NULL || idx->by_serial == NULL)
		return found;
	/* The seeds' TVS log also matches by serial number and issuer. */
	match = bsearch(&keyp, idx->by_serial, idx->n, sizeof(*idx->by_serial),
	    cmp_by_serial);
	if (match == NULL)
		return NULL;
	*by_serial = 1;
	return *match;
}

const struct tvs_entry *
tvs_index_lookup_der(const struct tvs_index *idx, const uint8_t *der,
    size_t len)
{
	struct tvs_entry key;

	if (SHA256(der, len, key.sha256) == NULL)
		return NULL;
	return bsearch(&key, idx->entries, idx->n, sizeof(*idx->entries),
	    cmp_entry);
}

int
tvs_entry_add(struct store *st, X509 *cert, const uint8_t *roles,
    size_t n_roles, uint32_t ttl, struct ucerr *err)
{
	struct tvs_row row;
	size_t i, used = 0;
	int rc;

	/* TVS answers with the roles: an entry without any vouches for
	 * nothing a phone would accept. */
	if (n_roles == 0)
		return ucerr_set(err, "tvs add: at least one --role");
	memset(&row, 0, sizeof(row));
	for (i = 0; i < n_roles && used < sizeof(row.roles); i++)
		used += (size_t)snprintf(row.roles + used, sizeof(row.roles) - used,
		    "%s%u", i ? "," : "", roles[i]);
	cert_sha256_hex(cert, row.sha256);
	row.ttl = ttl;
	if (cert_to_der(cert, &row.cert_der, &row.cert_len, err) == -1)
		return -1;
	rc = store_tvs_put(st, &row, err);
	OPENSSL_free(row.cert_der);
	return rc;
}

int
tvs_entry_remove(struct store *st, const char *prefix, char *removed,
    size_t removed_len, struct ucerr *err)
{
	char lower[65];
	size_t i, len = strlen(prefix);
	int n;

	/* Hashes are stored in lower case; "AB:CD" colons are not accepted. */
	if (len < 4 || len > 64 || strspn(prefix, "0123456789abcdefABCDEF") != len)
		return ucerr_set(err, "tvs remove: '%.70s' is not a SHA-256 prefix "
		    "(4 to 64 hex digits)", prefix);
	for (i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)prefix[i]);
	lower[len] = '\0';
	if ((n = store_tvs_match(st, lower, removed, removed_len, err)) == -1)
		return -1;
	if (n != 1)
		return ucerr_set(err, "tvs remove: %s matches %d entries", lower,
		    n);
	return store_tvs_delete(st, removed, err);
}

int
tvs_role_add(uint8_t roles[TVS_ROLES_MAX], size_t *n, const char *name,
    struct ucerr *err)
{
	int role;

	if ((role = role_parse(name)) == -1)
		return ucerr_set(err, "--role %s: not one of ccm, tftp, "
		    "ccm-tftp, capf, app-server, tvs, sast", name);
	if (*n < TVS_ROLES_MAX)
		roles[(*n)++] = (uint8_t)role;
	return 0;
}

int
tvs_ttl_parse(const char *s, uint32_t *ttl, struct ucerr *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 0x7fffffff)
		return ucerr_set(err, "tvs add: --ttl must be a number from 1 "
		    "to 2147483647, not '%s'", s);
	*ttl = (uint32_t)v;
	return 0;
}

void
tvs_index_json(struct json *j, const struct tvs_index *idx)
{
	char sha[65], roles[128];
	size_t i, k;

	json_array_begin(j, NULL);
	for (i = 0; i < idx->n; i++) {
		for (k = 0; k < 32; k++)
			snprintf(sha + 2 * k, 3, "%02x", idx->entries[i].sha256[k]);
		role_names_join(idx->entries[i].roles, idx->entries[i].n_roles,
		    roles, sizeof(roles));
		json_object_begin(j, NULL);
		json_string(j, "sha256", sha);
		json_string(j, "name", idx->entries[i].label);
		json_string(j, "roles", roles);
		json_int(j, "ttl", idx->entries[i].ttl);
		json_object_end(j);
	}
	json_array_end(j);
}
