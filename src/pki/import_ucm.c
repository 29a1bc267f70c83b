/*
 * import_ucm.c - `ucpki import usecallmanager` (see import_ucm.h).
 *
 * store_ucm.c has already checked each cell's storage class and size;
 * here every value is checked for what it means, and a refusal names the
 * column (the reader prefixes the file, table and row).  What capfctl
 * wrote, by version (the public repository's history, as facts):
 * operation install/fetch/delete/none (upper case before 8c0ed24);
 * authentication 'no password', 'password' or 'certificate' (from
 * 8596dd5; before it, a password meant password authentication, as the
 * README's upgrade step sets it); key_size 512..4096; curve secp256r1,
 * secp384r1, secp521r1, written secp256k1 and secp384p1 in the curve
 * column before 30c129a although capfd asked the phone for P-256 and
 * P-384 (curve codes 0 and 1); certificate and TVS certificates PEM;
 * roles a comma-separated list of SAST, CCM, CCM+TFTP, TFTP, CAPF,
 * APP-SERVER, TVS; ttl NULL (86400, the README says) or seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/x509v3.h>

#include "clock.h"
#include "device.h"
#include "device_new.h"
#include "device_rules.h"
#include "identity.h"
#include "import_ucm.h"
#include "itl.h"
#include "store.h"
#include "store_device.h"
#include "trust.h"
#include "tvs_index.h"
#include "x509.h"

#define IMPORT_PEER	"usecallmanager import"

struct import_ctx {
	struct store		*st;
	struct ucm_import_result *res;
	struct ucm_db		*db;
	STACK_OF(X509)		*issuers;	/* CAPF-trust, with the new CAPF */
	size_t			 cap_devices, cap_tvs;
	time_t			 deadline;
	char			 source[128];	/* history detail */
};

static int
grow(void **items, size_t *cap, size_t n, size_t size, struct ucerr *err)
{
	void *p;
	size_t want;

	if (n < *cap)
		return 0;
	want = *cap ? *cap * 2 : 64;
	if ((p = realloc(*items, want * size)) == NULL)
		return ucerr_set(err, "import: out of memory");
	*items = p;
	*cap = want;
	return 0;
}

/* The column's text, or NULL for NULL or a column the version lacks. */
static const char *
text_of(const struct ucm_row *row, int col)
{
	const struct ucm_value *v = &row->col[col];

	return v->present && v->type == UCM_TEXT ? v->text : NULL;
}

static int
bad(const struct ucm_db *db, int col, struct ucerr *err, const char *why)
{
	return ucerr_set(err, "column %s: %s", ucm_db_column(db, col), why);
}

/* A certificate cell: one certificate, PEM or DER. */
static int
cell_cert(const struct ucm_db *db, const struct ucm_row *row, int col,
    X509 **out, struct ucerr *err)
{
	const struct ucm_value *v = &row->col[col];
	STACK_OF(X509) *certs = NULL;
	struct ucerr perr;

	*out = NULL;
	if (!v->present || v->type == UCM_NULL)
		return 0;
	if (certs_parse(v->bytes, v->len, &certs, &perr) == -1)
		return ucerr_set(err, "column %s: %s", ucm_db_column(db, col),
		    perr.msg);
	if (sk_X509_num(certs) != 1) {
		sk_X509_pop_free(certs, X509_free);
		return bad(db, col, err, "more than one certificate");
	}
	*out = sk_X509_shift(certs);
	sk_X509_free(certs);
	return 1;
}

/* Hex serial numbers, equal whatever their case and leading zeros. */
static int
serial_equal(const char *a, const char *b)
{
	while (*a == '0')
		a++;
	while (*b == '0')
		b++;
	return strcasecmp(a, b) == 0;
}

static int
check_serial(const struct ucm_db *db, const struct ucm_row *row, int col,
    X509 *cert, struct ucerr *err)
{
	const char *given = text_of(row, col);
	char serial[64];

	if (given == NULL)
		return 0;
	cert_serial_hex(cert, serial, sizeof(serial));
	if (!serial_equal(given, serial))
		return ucerr_set(err, "column %s: '%s', but the certificate's "
		    "serial number is %s", ucm_db_column(db, col), given,
		    serial);
	return 0;
}

static int
parse_operation(const struct ucm_row *row, int *op, struct ucerr *err)
{
	static const struct { const char *name; int op; } ops[] = {
		{ "install", CERT_OP_INSTALL }, { "fetch", CERT_OP_TROUBLESHOOT },
		{ "delete", CERT_OP_DELETE }, { "none", CERT_OP_NONE },
	};
	const char *v = text_of(row, UCM_DEV_OPERATION);
	size_t i;

	for (i = 0; v != NULL && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcasecmp(v, ops[i].name) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return ucerr_set(err, "column operation: '%s' is none of install, "
	    "fetch, delete, none", v ? v : "");
}

/* Authentication mode and string. */
static int
parse_auth(const struct ucm_db *db, const struct ucm_row *row,
    struct device *d, struct ucerr *err)
{
	const char *mode = text_of(row, UCM_DEV_AUTHENTICATION);
	const char *password = text_of(row, UCM_DEV_PASSWORD);

	/* No column (before 8596dd5) or NULL (added, never filled): the
	 * README's upgrade rule, a password means password authentication. */
	if (mode == NULL)
		mode = password != NULL && password[0] ? "password" :
		    "no password";
	/* That step double-quotes "password", which SQLite reads as the
	 * column: the string itself landed in authentication.  Its intent,
	 * password authentication, is what comes across. */
	else if (password != NULL && password[0] && strcmp(mode, password) == 0)
		mode = "password";
	d->auth_string[0] = '\0';
	if (strcasecmp(mode, "no password") == 0) {
		d->auth_mode = CAPF_AUTH_NULL_STRING;
	} else if (strcasecmp(mode, "certificate") == 0) {
		/* capfd took an LSC or a MIC from any CA it was given. */
		d->auth_mode = CAPF_AUTH_LSC;
	} else if (strcasecmp(mode, "password") == 0) {
		d->auth_mode = CAPF_AUTH_STRING;
		/* Never repeated in a message: it is a secret. */
		if (password == NULL || !auth_string_valid(password))
			return bad(db, UCM_DEV_PASSWORD, err, "an "
			    "authentication string is 4 to 10 digits, and this "
			    "one is not (capfctl allowed 4 to 15 characters); "
			    "set one of digits with capfctl -p first");
		snprintf(d->auth_string, sizeof(d->auth_string), "%s",
		    password);
	} else {
		return ucerr_set(err, "column authentication: '%s' is none of "
		    "'no password', 'password', 'certificate'", mode);
	}
	return 0;
}

static int
curve_key(const char *curve, int legacy, char *out, size_t outlen)
{
	static const struct { const char *name; int legacy; const char *key; }
	    curves[] = {
		{ "secp256r1", 0, "ec256" }, { "secp384r1", 0, "ec384" },
		{ "secp521r1", 0, "ec521" },
		{ "secp256k1", 1, "ec256" }, { "secp384p1", 1, "ec384" },
	};
	size_t i;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcmp(curve, curves[i].name) == 0 &&
		    (!curves[i].legacy || legacy)) {
			snprintf(out, outlen, "%s", curves[i].key);
			return 0;
		}
	return -1;
}

static int
parse_key(const struct ucm_row *row, char *key, size_t keylen,
    struct ucerr *err)
{
	const struct ucm_value *size = &row->col[UCM_DEV_KEY_SIZE];
	const char *curve = text_of(row, UCM_DEV_CURVE);
	int legacy = curve != NULL;
	int64_t bits;

	if (curve == NULL)
		curve = text_of(row, UCM_DEV_CURVE_NAME);
	if (size->type == UCM_INTEGER && curve != NULL)
		return ucerr_set(err, "columns key_size and %s: both set (capfctl "
		    "set one)", legacy ? "curve" : "curve_name");
	if (curve != NULL) {
		if (curve_key(curve, legacy, key, keylen) == -1)
			return ucerr_set(err, "column %s: '%s' is none of "
			    "secp256r1, secp384r1, secp521r1%s", legacy ?
			    "curve" : "curve_name", curve, legacy ?
			    " (or the early secp256k1, secp384p1)" : "");
		return 0;
	}
	if (size->type != UCM_INTEGER) {
		snprintf(key, keylen, "rsa2048");	/* capfctl's default */
		return 0;
	}
	bits = size->integer;
	if (bits != 512 && bits != 1024 && bits != 2048 && bits != 3072 &&
	    bits != 4096)
		return ucerr_set(err, "column key_size: %lld is none of 512, "
		    "1024, 2048, 3072, 4096", (long long)bits);
	snprintf(key, keylen, "rsa%d", (int)bits);
	return 0;
}

/* The CA in CAPF-trust that signed cert, or NULL. */
static X509 *
find_issuer(STACK_OF(X509) *issuers, X509 *cert)
{
	X509 *ca;
	int i;

	for (i = 0; i < sk_X509_num(issuers); i++) {
		ca = sk_X509_value(issuers, i);
		if (cert_is_ca(ca) && X509_check_issued(ca, cert) == X509_V_OK &&
		    X509_verify(cert, X509_get0_pubkey(ca)) == 1)
			return ca;
	}
	return NULL;
}

/* The row's certificate: an LSC on record when ours to record. */
static int
device_cert(struct import_ctx *c, const struct ucm_row *row,
    struct ucm_device_item *it, int status, struct ucerr *err)
{
	struct lsc_row lsc;
	char cn[128], sha[65];
	uint8_t *der = NULL;
	size_t len;
	X509 *cert, *ca;
	int found, rc = -1;

	if ((found = cell_cert(c->db, row, UCM_DEV_CERTIFICATE, &cert,
	    err)) != 1)
		return found;
	if (check_serial(c->db, row, UCM_DEV_SERIAL, cert, err) == -1 ||
	    cert_to_der(cert, &der, &len, err) == -1)
		goto out;
	cert_serial_hex(cert, it->lsc_serial, sizeof(it->lsc_serial));
	it->lsc_not_after = asn1_time_to_unix(X509_get0_notAfter(cert));
	cert_common_name(cert, cn, sizeof(cn));
	ca = find_issuer(c->issuers, cert);
	if (strcmp(cn, it->name) != 0 || ca == NULL) {
		/* What a fetch returned (a MIC, another cluster's LSC) is
		 * no LSC this cluster issued: CAPF must not accept it. */
		it->lsc = UCM_LSC_EVIDENCE;
		snprintf(it->note, sizeof(it->note), strcmp(cn, it->name) ?
		    "names %.64s, not the device" : "its issuer is not in "
		    "CAPF-trust (give the CAPF certificate with --capf-cert)",
		    cn);
		c->res->lsc_evidence++;
		rc = store_device_record_fetch(c->st, it->name, der, len, err);
		goto out;
	}
	cert_sha256_hex(ca, sha);
	if ((found = store_lsc_find(c->st, der, len, it->lsc_serial, &lsc,
	    err)) == -1)
		goto out;
	if (found && strcmp(lsc.device, it->name) != 0) {
		ucerr_set(err, "column certificate: the LSC on record for %s",
		    lsc.device);
		goto out;
	}
	if (found) {
		it->lsc = UCM_LSC_KNOWN;
		rc = lsc.current ? 0 : store_device_set_lsc(c->st, it->name,
		    der, len, sha, err);
		goto out;
	}
	it->lsc = UCM_LSC_RECORDED;
	c->res->lsc_recorded++;
	rc = store_device_record_lsc(c->st, it->name, der, len, NULL, sha,
	    status, IMPORT_PEER, err);
out:
	OPENSSL_free(der);
	X509_free(cert);
	return rc;
}

/* The device as the row says, over the one ucpki may already have. */
static int
device_settings(struct import_ctx *c, const struct ucm_row *row,
    struct ucm_device_item *it, struct device *d, struct ucerr *err)
{
	int found, op = CERT_OP_NONE;

	if ((found = store_device_get(c->st, it->name, d, err)) == -1)
		return -1;
	it->existed = found;
	if (!found)
		device_new(d, it->name, NULL);
	if (parse_operation(row, &op, err) == -1 ||
	    parse_auth(c->db, row, d, err) == -1 ||
	    parse_key(row, it->key_type, sizeof(it->key_type), err) == -1)
		return -1;
	if (device_key_settings(d, it->key_type, -1, err) == -1 ||
	    device_schedule(d, op, c->deadline, err) == -1)
		return -1;
	it->operation = d->operation;
	it->auth_mode = d->auth_mode;
	return 0;
}

static int
device_row(void *arg, const struct ucm_row *row, struct ucerr *err)
{
	struct import_ctx *c = arg;
	struct ucm_import_result *res = c->res;
	const char *name = text_of(row, UCM_DEV_NAME);
	struct ucm_device_item *it;
	struct device d;
	int rc, status;

	if (grow((void **)&res->devices, &c->cap_devices, res->n_devices,
	    sizeof(*res->devices), err) == -1)
		return -1;
	it = &res->devices[res->n_devices];
	memset(it, 0, sizeof(*it));
	it->row = row->n;
	if (device_name_normalise(name, it->name, sizeof(it->name)) == 1)
		snprintf(it->written_as, sizeof(it->written_as), "%s", name);
	if (!device_name_valid(it->name))
		return ucerr_set(err, "column device_name: '%.64s' is not a "
		    "device name (SEP and 12 hex digits)", name);
	if (device_settings(c, row, it, &d, err) == -1)
		return -1;
	rc = it->existed ? store_device_update(c->st, &d, err) :
	    store_device_add(c->st, &d, err);
	status = d.status;
	device_free(&d);
	if (rc == -1)
		return -1;
	/* capfd left operation none after an install: Upgrade Success. */
	if (device_cert(c, row, it, it->operation == CERT_OP_NONE ?
	    CERT_STATUS_UPGRADE_SUCCESS : status, err) == -1)
		return -1;
	if (store_device_history_add(c->st, it->name, it->operation, status,
	    IMPORT_PEER, c->source, err) == -1)
		return -1;
	res->n_devices++;
	return 0;
}

static int
cmp_device_item(const void *a, const void *b)
{
	return strcmp(((const struct ucm_device_item *)a)->name,
	    ((const struct ucm_device_item *)b)->name);
}

/* Two rows that name one device (SEP001122AABBCC and sep001122aabbcc). */
static int
check_unique(struct ucm_import_result *res, const char *label,
    struct ucerr *err)
{
	struct ucm_device_item *sorted;
	size_t i;
	int rc = 0;

	if (res->n_devices < 2)
		return 0;
	if ((sorted = malloc(res->n_devices * sizeof(*sorted))) == NULL)
		return ucerr_set(err, "import: out of memory");
	memcpy(sorted, res->devices, res->n_devices * sizeof(*sorted));
	qsort(sorted, res->n_devices, sizeof(*sorted), cmp_device_item);
	for (i = 1; i < res->n_devices && rc == 0; i++)
		if (strcmp(sorted[i - 1].name, sorted[i].name) == 0)
			rc = ucerr_set(err, "%s: devices rows %zu and %zu are "
			    "both %s", label, sorted[i - 1].row, sorted[i].row,
			    sorted[i].name);
	free(sorted);
	return rc;
}

static int
parse_roles(const char *text, uint8_t *roles, size_t *n, char *names,
    size_t nameslen, struct ucerr *err)
{
	char buf[160], *tok, *save = NULL;
	size_t i, used = 0;
	int role;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((role = role_parse(tok)) == -1)
			return ucerr_set(err, "column roles: '%.32s' is none of "
			    "SAST, CCM, CCM+TFTP, TFTP, CAPF, APP-SERVER, TVS",
			    tok);
		for (i = 0; i < *n; i++)
			if (roles[i] == role)
				return ucerr_set(err, "column roles: %s twice",
				    role_name(role));
		if (*n >= TVS_ROLES_MAX)
			return ucerr_set(err, "column roles: more than %d",
			    TVS_ROLES_MAX);
		roles[(*n)++] = (uint8_t)role;
		used += (size_t)snprintf(names + used, nameslen - used, "%s%s",
		    *n > 1 ? "," : "", role_name(role));
		if (used >= nameslen)
			used = nameslen - 1;
	}
	if (*n == 0)
		return ucerr_set(err, "column roles: empty");
	return 0;
}

struct identity_match {
	const char	*sha256;
	int		 found;
};

static int
identity_has(void *arg, const struct identity_row *row)
{
	struct identity_match *m = arg;
	char sha[65];

	sha256_hex(row->cert_der, row->cert_len, sha);
	if (strcmp(sha, m->sha256) == 0)
		m->found = 1;
	return 0;
}

/* Already an entry of TVS (1), or not (0); *identity: one of the
 * node's own certificates, whose default roles and TTL an entry
 * overrides (tvs_index.c). */
static int
tvs_known(struct store *st, const char *sha256, int *identity,
    struct ucerr *err)
{
	struct identity_match m = { sha256, 0 };
	char match[65];
	int n;

	if ((n = store_tvs_match(st, sha256, match, sizeof(match), err)) == -1 ||
	    store_identity_each(st, identity_has, &m, err) != 0)
		return -1;
	*identity = m.found;
	return n > 0;
}

static int
tvs_row(void *arg, const struct ucm_row *row, struct ucerr *err)
{
	struct import_ctx *c = arg;
	struct ucm_import_result *res = c->res;
	const struct ucm_value *ttl = &row->col[UCM_TVS_TTL];
	const char *hash = text_of(row, UCM_TVS_HASH);
	uint8_t roles[TVS_ROLES_MAX];
	struct ucm_tvs_item *it;
	size_t n_roles;
	X509 *cert = NULL;
	int known, rc = -1;

	if (grow((void **)&res->tvs, &c->cap_tvs, res->n_tvs,
	    sizeof(*res->tvs), err) == -1)
		return -1;
	it = &res->tvs[res->n_tvs];
	memset(it, 0, sizeof(*it));
	it->row = row->n;
	/* NOT NULL in every version: the reader refused a NULL. */
	if (cell_cert(c->db, row, UCM_TVS_CERTIFICATE, &cert, err) != 1)
		return -1;
	cert_sha256_hex(cert, it->sha256);
	cert_common_name(cert, it->subject, sizeof(it->subject));
	if (hash == NULL || strcasecmp(hash, it->sha256) != 0) {
		ucerr_set(err, "column certificate_hash: '%.64s', but the "
		    "certificate's SHA-256 is %s", hash ? hash : "",
		    it->sha256);
		goto out;
	}
	if (check_serial(c->db, row, UCM_TVS_SERIAL, cert, err) == -1 ||
	    parse_roles(text_of(row, UCM_TVS_ROLES), roles, &n_roles,
	    it->roles, sizeof(it->roles), err) == -1)
		goto out;
	if (ttl->type == UCM_NULL) {
		it->ttl = TVS_TTL_DEFAULT;
	} else if (ttl->integer < 1 || ttl->integer > 0x7fffffff) {
		ucerr_set(err, "column ttl: %lld seconds, not 1 to %d",
		    (long long)ttl->integer, 0x7fffffff);
		goto out;
	} else {
		it->ttl = (uint32_t)ttl->integer;
	}
	if ((known = tvs_known(c->st, it->sha256, &it->identity, err)) == -1)
		goto out;
	it->duplicate = known;
	if (!known && tvs_entry_add(c->st, cert, roles, n_roles, it->ttl,
	    err) == -1)
		goto out;
	res->n_tvs++;
	rc = 0;
out:
	X509_free(cert);
	return rc;
}

/* capf.pem: capfd's TLS certificate and signing key in one file. */
static int
capf_load(const char *path, X509 **cert, EVP_PKEY **key,
    struct ucm_capf_item *it, struct ucerr *err)
{
	const struct purpose_info *p = purpose_find("CAPF");
	STACK_OF(X509) *certs = NULL;
	struct key_spec spec;
	char type[16];
	int bits;

	*cert = NULL;
	*key = NULL;
	if (certs_load_file(path, &certs, err) == -1 ||
	    key_load_file(path, key, err) == -1)
		goto fail;
	*cert = sk_X509_shift(certs);
	if (!cert_matches_key(*cert, *key)) {
		ucerr_set(err, "%s: the key is not the certificate's", path);
		goto fail;
	}
	if (!cert_is_ca(*cert)) {
		ucerr_set(err, "%s: not a CA certificate (basicConstraints "
		    "CA:TRUE): LSCs it signed cannot chain to it", path);
		goto fail;
	}
	key_describe(*key, type, sizeof(type), &bits);
	spec.is_ec = strcmp(type, "EC") == 0;
	spec.bits = bits;
	if (identity_key_usable(p, &spec, err) == -1) {
		ucerr_wrap(err, "%s", path);
		goto fail;
	}
	it->present = 1;
	key_spec_name(&spec, it->key, sizeof(it->key));
	cert_sha256_hex(*cert, it->sha256);
	cert_common_name(*cert, it->subject, sizeof(it->subject));
	sk_X509_pop_free(certs, X509_free);
	return 0;
fail:
	sk_X509_pop_free(certs, X509_free);
	X509_free(*cert);
	EVP_PKEY_free(*key);
	*cert = NULL;
	*key = NULL;
	return -1;
}

/* The CAPF identity, in the transaction; the key file is written later. */
static int
capf_install(struct store *st, X509 *cert, struct ucm_capf_item *it,
    char *key_file, size_t key_file_len, char *old_key, size_t old_key_len,
    struct ucerr *err)
{
	const struct purpose_info *p = purpose_find("CAPF");
	struct identity_row old;
	int found;

	if ((found = store_identity_get(st, p->name, &old, err)) == -1)
		return -1;
	if (found) {
		sha256_hex(old.cert_der, old.cert_len, it->replaced_sha256);
		snprintf(old_key, old_key_len, "%s", old.key_file);
		identity_row_free(&old);
	}
	if (strcmp(it->replaced_sha256, it->sha256) == 0) {
		it->already = 1;
		it->replaced_sha256[0] = '\0';
		return 0;
	}
	if (identity_key_file_name(p, cert, key_file, key_file_len) == -1)
		return ucerr_set(err, "CAPF: key file name too long");
	/* The CAPF it replaces stays trusted: phones hold LSCs it issued. */
	if (identity_install(st, p, cert, key_file, cert_is_self_signed(cert) ?
	    "self-signed" : "CA-signed", 0, err) == -1 ||
	    identity_mark_changed(st, p->name, err) == -1)
		return -1;
	return 0;
}

static int
open_db(const char *path, enum ucm_kind kind, struct ucm_db **db,
    const struct ucm_schema **schema, struct ucerr *err)
{
	*db = NULL;
	if (path == NULL)
		return 0;
	if (ucm_db_open(path, kind, db, err) == -1)
		return -1;
	*schema = ucm_db_schema(*db);
	return 0;
}

/* Everything inside the open transaction. */
static int
import_rows(struct import_ctx *c, struct ucm_db *capf_db,
    struct ucm_db *tvs_db, struct ucerr *err)
{
	if (capf_db != NULL) {
		if (trust_certs(c->st, "CAPF-trust", &c->issuers, err) == -1)
			return -1;
		snprintf(c->source, sizeof(c->source), "imported from %s "
		    "(capfctl %s)", ucm_db_label(capf_db),
		    c->res->capf_schema->commits);
		c->db = capf_db;
		if (ucm_db_each(capf_db, device_row, c, err) == -1 ||
		    check_unique(c->res, ucm_db_label(capf_db), err) == -1)
			return -1;
	}
	if (tvs_db != NULL) {
		c->db = tvs_db;
		if (ucm_db_each(tvs_db, tvs_row, c, err) == -1)
			return -1;
	}
	return 0;
}

int
ucm_import(struct store *st, const struct ucm_import_opts *o,
    struct ucm_import_result *res, struct ucerr *err)
{
	struct ucm_db *capf_db = NULL, *tvs_db = NULL;
	struct import_ctx c;
	char key_file[128] = "", old_key[128] = "", path[4096];
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int key_written = 0, rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.st = st;
	c.res = res;
	c.deadline = clock_now() + UCM_IMPORT_DEADLINE_S;
	if (o->capf_db == NULL && o->tvs_db == NULL && o->capf_cert == NULL)
		return ucerr_set(err, "import usecallmanager: nothing to import "
		    "(--capf, --tvs or --capf-cert)");
	/* Every file is read and recognised before the store is touched. */
	if (open_db(o->capf_db, UCM_CAPF, &capf_db, &res->capf_schema,
	    err) == -1 ||
	    open_db(o->tvs_db, UCM_TVS, &tvs_db, &res->tvs_schema, err) == -1)
		goto out;
	if (o->capf_cert != NULL && capf_load(o->capf_cert, &cert, &key,
	    &res->capf, err) == -1)
		goto out;
	if (store_begin(st, err) == -1)
		goto out;
	if ((cert != NULL && capf_install(st, cert, &res->capf, key_file,
	    sizeof(key_file), old_key, sizeof(old_key), err) == -1) ||
	    import_rows(&c, capf_db, tvs_db, err) == -1) {
		store_rollback(st);
		goto out;
	}
	if (o->dry_run) {
		store_rollback(st);
		rc = 0;
		goto out;
	}
	if (key_file[0] != '\0') {
		if (identity_key_path(st, key_file, path, sizeof(path),
		    err) == -1 || key_write_file(path, key, err) == -1) {
			store_rollback(st);
			goto out;
		}
		key_written = 1;
	}
	if (store_commit(st, err) == -1) {
		store_rollback(st);
		if (key_written)
			identity_forget_key(st, key_file, "");
		goto out;
	}
	if (key_written)
		identity_forget_key(st, old_key, key_file);
	rc = 0;
out:
	if (rc == -1)
		ucm_import_result_free(res);
	sk_X509_pop_free(c.issuers, X509_free);
	ucm_db_close(capf_db);
	ucm_db_close(tvs_db);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

void
ucm_import_result_free(struct ucm_import_result *res)
{
	free(res->devices);
	free(res->tvs);
	res->devices = NULL;
	res->tvs = NULL;
}
