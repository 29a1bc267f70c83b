/*
 * certmgr.c - replacing node certificates and deleting trust ones: the
 * seeds' impact with this store's numbers, the guards that keep phones
 * from being stranded, and the consequences, once for every verb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "certmgr.h"
#include "crl.h"
#include "clock.h"
#include "publish.h"
#include "store.h"
#include "store_device.h"
#include "store_fetch.h"
#include "x509.h"

static const struct {
	const char *purpose;
	const char *impact;
} impacts[] = {
	{ "tomcat", "Minimal service impact. Requires restart of Cisco Tomcat "
	    "Service for the new certificate to take effect. Verify if the UCM "
	    "server has any external integration with AXL, CCMCIP, UDS." },
	{ "ipsec", "Requires restart of DRF (Master) and Local service on the "
	    "node. DRF backup fails until then (expired or corrupt "
	    "certificate)." },
	{ "CallManager", "The node is the TFTP server: the ITL file changes and "
	    "all phones will be restarted to update it. Unregistered phones "
	    "will update the ITL and request the new TFTP certificate using the "
	    "TVS service to validate the configuration file." },
	{ "CallManager-ECDSA", "The node is the TFTP server: the ITL file "
	    "changes and all phones will be restarted to update it. Phones "
	    "holding an ITL of version 1.1 fetch their configuration over HTTPS "
	    "(6971), which presents the new certificate at once; unregistered "
	    "phones will update the ITL and validate the new certificate using "
	    "the TVS service." },
	{ "TVS", "All the registered phones will be restarted to update the ITL "
	    "file. Unregistered phones will update the ITL using the TVS "
	    "service." },
	{ "CAPF", "All phones will restart to update the ITL file and LSCs "
	    "should be re-issued. The old CAPF certificate stays in "
	    "CallManager-trust and CAPF-trust until every LSC it issued is "
	    "replaced." },
	{ "ITLRecovery", "Phones trust the ITLRecovery certificate to recover "
	    "their ITL; a new one must reach them (in a normal ITL) before the "
	    "old one is needed. Export the new one for the offline backup." },
};

static const char *
impact_of(const char *purpose)
{
	size_t i;

	for (i = 0; i < sizeof(impacts) / sizeof(impacts[0]); i++)
		if (strcmp(impacts[i].purpose, purpose) == 0)
			return impacts[i].impact;
	return "";
}

/* Whose change puts a new ITL in front of the phones. */
static int
changes_itl(const char *purpose)
{
	return strcmp(purpose, "CallManager") == 0 ||
	    strcmp(purpose, "CallManager-ECDSA") == 0 ||
	    strcmp(purpose, "TVS") == 0 || strcmp(purpose, "ITLRecovery") == 0;
}

/* tomcat and ipsec restart services; everything else resets phones. */
static int
resets_phones(const char *purpose)
{
	return strcmp(purpose, "tomcat") != 0 && strcmp(purpose, "ipsec") != 0;
}

static int
issuer_count(struct store *st, const char *sha, int64_t *n, struct ucerr *err)
{
	struct device_filter f;

	device_filter_init(&f);
	f.issuer_sha256 = sha;
	return store_device_count(st, &f, n, err);
}

int
certmgr_guard(struct store *st, const struct purpose_info *p,
    struct ucerr *err)
{
	/* Phones verify a new ITL through TVS or the old TFTP key: changing
	 * both at once leaves them nothing to verify it with. */
	return identity_change_guard(st, p, err);
}

/*
 * The seeds' "track phones not registered before regenerating", from the
 * TFTP service's records: a phone that never fetched the current ITL
 * holds an older one, and the new ITL must be signed by something that
 * older one trusts.
 */
static int
itl_laggards(struct store *st, struct certmgr_plan *plan, struct ucerr *err)
{
	char sha[65];
	int64_t missing = 0;
	int have;

	if ((have = tftp_itl_sha256(st, sha, err)) == -1)
		return -1;
	if (have == 0)
		return 0;
	if (store_fetch_count_missing(st, "itl", sha, &missing, err) == -1)
		return -1;
	snprintf(plan->itl_laggards, sizeof(plan->itl_laggards), "In this "
	    "store: %lld device(s) have not fetched the current ITL (SHA-256 "
	    "%.16s...) from the TFTP service; they still hold an older one "
	    "(ucpki device show NAME says which).", (long long)missing, sha);
	return 0;
}

int
certmgr_plan(struct store *st, const struct purpose_info *p,
    struct certmgr_plan *plan, struct ucerr *err)
{
	struct device_filter f;
	struct identity_row row;
	X509 *current = NULL;
	int found;

	memset(plan, 0, sizeof(*plan));
	plan->p = p;
	plan->impact = impact_of(p->name);
	/* A home made before CallManager-ECDSA existed has none: making
	 * one is its first generation. */
	if ((found = store_identity_get(st, p->name, &row, err)) == -1)
		return -1;
	if (found) {
		identity_row_free(&row);
		if (identity_load(st, p->name, &current, NULL, err) == -1)
			return -1;
		cert_sha256_hex(current, plan->capf_sha256);
		X509_free(current);
	}
	device_filter_init(&f);
	if (store_device_count(st, &f, &plan->devices, err) == -1)
		return -1;
	if (strcmp(p->name, "CAPF") == 0) {
		if (issuer_count(st, plan->capf_sha256, &plan->lsc_holders,
		    err) == -1)
			return -1;
		snprintf(plan->in_store, sizeof(plan->in_store), "In this "
		    "store: %lld device(s) hold LSCs from the current CAPF and "
		    "must be re-enrolled (ucpki device set --issuer %s "
		    "--operation install).", (long long)plan->lsc_holders,
		    plan->capf_sha256);
	} else {
		plan->capf_sha256[0] = '\0';
		if (changes_itl(p->name))
			snprintf(plan->in_store, sizeof(plan->in_store), "In "
			    "this store: the ITL changes; %lld device(s) must "
			    "reset to load it.", (long long)plan->devices);
	}
	if (resets_phones(p->name) && itl_laggards(st, plan, err) == -1)
		return -1;
	if (certmgr_guard(st, p, &plan->why) == -1)
		plan->blocked = 1;
	return 0;
}

int
certmgr_republish(struct store *st, const char *purpose,
    struct export_refresh *exports, struct ucerr *err)
{
	if (tftp_publish(st, NULL, err) == -1)
		return ucerr_wrap(err, "%s changed, but the ITL was not "
		    "republished", purpose);
	/* Other servers read the identity, its chain and CAPF's CRL from
	 * the exports: they change with it, and the reload command runs. */
	if (exports_refresh(st, clock_now(), exports, err) == -1)
		return ucerr_wrap(err, "%s changed, but", purpose);
	return 0;
}

static int
collect(void *arg, const struct device *d)
{
	struct certmgr_outcome *o = arg;
	char (*grown)[64] = reallocarray(o->reset, o->n_reset + 1, 64);

	if (grown == NULL)
		return -1;
	o->reset = grown;
	snprintf(o->reset[o->n_reset++], 64, "%s", d->name);
	return 0;
}

/* What follows every replacement, whichever verb made it. */
static int
after_change(struct store *st, const struct purpose_info *p,
    struct certmgr_outcome *o, struct ucerr *err)
{
	if (certmgr_republish(st, p->name, &o->exports, err) == -1)
		return -1;
	o->republished = 1;
	/* The ITL changed (or LSCs must be re-issued): phones must reset. */
	if (resets_phones(p->name) &&
	    store_device_each(st, NULL, collect, o, err) != 0)
		return ucerr_wrap(err, "%s changed, but the devices to reset "
		    "are unknown", p->name);
	return 0;
}

static void
outcome_init(struct certmgr_outcome *o, const struct purpose_info *p)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->purpose, sizeof(o->purpose), "%s", p->name);
	snprintf(o->trust_store, sizeof(o->trust_store), "%s", p->trust_store);
}

void
certmgr_outcome_free(struct certmgr_outcome *o)
{
	free(o->reset);
	o->reset = NULL;
	o->n_reset = 0;
}

int
certmgr_generate(struct store *st, const struct purpose_info *p,
    const struct identity_params *params, struct certmgr_outcome *o,
    struct ucerr *err)
{
	outcome_init(o, p);
	o->type = "self-signed";
	if (certmgr_guard(st, p, err) == -1 ||
	    identity_generate(st, p, params, err) == -1)
		return -1;
	o->replaced = 1;
	return after_change(st, p, o, err);
}

int
certmgr_upload(struct store *st, const struct purpose_info *p,
    const char *file, struct certmgr_outcome *o, struct ucerr *err)
{
	outcome_init(o, p);
	o->type = "CA-signed";
	if (certmgr_guard(st, p, err) == -1 ||
	    identity_upload(st, p, file, &o->cas_added, err) == -1)
		return -1;
	o->replaced = 1;
	return after_change(st, p, o, err);
}

int
certmgr_upload_certs(struct store *st, const struct purpose_info *p,
    STACK_OF(X509) *certs, struct certmgr_outcome *o, struct ucerr *err)
{
	outcome_init(o, p);
	o->type = "CA-signed";
	if (certmgr_guard(st, p, err) == -1 ||
	    identity_upload_certs(st, p, certs, &o->cas_added, err) == -1)
		return -1;
	o->replaced = 1;
	return after_change(st, p, o, err);
}

struct signs_ctx {
	X509		*ca;
	char		 purposes[256];
};

static int
note_if_signed(void *arg, const struct identity_row *row)
{
	struct signs_ctx *ctx = arg;
	X509 *cert;
	size_t len;

	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1)
		return 0;
	if (X509_cmp(cert, ctx->ca) != 0 &&
	    X509_check_issued(ctx->ca, cert) == X509_V_OK) {
		len = strlen(ctx->purposes);
		snprintf(ctx->purposes + len, sizeof(ctx->purposes) - len,
		    "%s%s", len ? ", " : "", row->purpose);
	}
	X509_free(cert);
	return 0;
}

int
certmgr_trust_delete(struct store *st, const char *store_name,
    const char *name, int force, int64_t *lsc_holders,
    struct export_refresh *exports, struct ucerr *err)
{
	struct signs_ctx ctx;
	struct trust_row row;
	char sha[65];
	int found, rc = -1;

	*lsc_holders = 0;
	memset(&ctx, 0, sizeof(ctx));
	if ((found = store_trust_get(st, store_name, name, &row, err)) != 1)
		return found == 0 ? ucerr_set(err, "%s/%s.pem: no such trust "
		    "certificate", store_name, name) : -1;
	if (cert_from_der(row.cert_der, row.cert_len, &ctx.ca, err) == -1 ||
	    store_identity_each(st, note_if_signed, &ctx, err) != 0)
		goto out;
	if (ctx.purposes[0] != '\0' && !force) {
		ucerr_set(err, "%s/%s.pem: refusing to delete: it signs the "
		    "current certificate of %s (use --force to delete anyway)",
		    store_name, name, ctx.purposes);
		goto out;
	}
	/* A CAPF that still signs current LSCs stays, or every phone holding
	 * one fails "By Existing Certificate" as Invalid LSC. */
	cert_sha256_hex(ctx.ca, sha);
	if (issuer_count(st, sha, lsc_holders, err) == -1)
		goto out;
	if (*lsc_holders > 0 && !force) {
		ucerr_set(err, "%s/%s.pem: refusing to delete: it signs the "
		    "current LSC of %lld device(s); re-enroll them first "
		    "(device set --issuer CERT --operation install) or use "
		    "--force", store_name, name, (long long)*lsc_holders);
		*lsc_holders = 0;
		goto out;
	}
	if (store_trust_delete(st, store_name, name, err) == -1)
		goto out;
	if (exports_refresh(st, clock_now(), exports, err) == -1) {
		ucerr_wrap(err, "%s/%s.pem deleted, but", store_name, name);
		goto out;
	}
	rc = 0;
out:
	X509_free(ctx.ca);
	trust_row_free(&row);
	return rc;
}

/* After a revocation is committed: the CRL and the exports that hold it. */
static int
after_revoke(struct store *st, const char *what, struct certmgr_revocation *v,
    struct ucerr *err)
{
	if (v->r.revoked == 0)
		return 0;
	if (exports_refresh(st, clock_now(), &v->exports, err) == -1)
		return ucerr_wrap(err, "%s revoked, but", what);
	return 0;
}

int
certmgr_revoke(struct store *st, const char *target, const char *serial,
    int superseded, struct certmgr_revocation *v, struct ucerr *err)
{
	memset(v, 0, sizeof(*v));
	if (capf_revoke(st, target, serial, superseded, &v->r, err) == -1)
		return -1;
	return after_revoke(st, target, v, err);
}

int
certmgr_device_remove(struct store *st, const char *name,
    struct certmgr_revocation *v, struct ucerr *err)
{
	memset(v, 0, sizeof(*v));
	if (capf_device_remove(st, name, &v->r, err) == -1)
		return -1;
	return after_revoke(st, name, v, err);
}

int
certmgr_crl_add(struct store *st, const uint8_t *data, size_t len,
    char *issuer, size_t issuer_len, struct export_refresh *exports,
    struct ucerr *err)
{
	memset(exports, 0, sizeof(*exports));
	if (crl_add(st, data, len, issuer, issuer_len, err) == -1)
		return -1;
	if (exports_refresh(st, clock_now(), exports, err) == -1)
		return ucerr_wrap(err, "CRL from %s added, but", issuer);
	return 0;
}

/* "DNS:<cn>" first, then the caller's entries, without repeating the CN. */
static void
csr_san(const char *cn, const char *extra, char *out, size_t outlen)
{
	char want[300];

	snprintf(want, sizeof(want), "DNS:%s", cn);
	if (extra == NULL || extra[0] == '\0')
		snprintf(out, outlen, "%s", want);
	else if (strstr(extra, want) != NULL)
		snprintf(out, outlen, "%s", extra);
	else
		snprintf(out, outlen, "%s,%s", want, extra);
}

/* Stores row as the one pending CSR and drops the old pending key. */
static int
replace_pending_csr(struct store *st, const struct csr_row *row,
    struct ucerr *err)
{
	struct csr_row old;
	char old_key[128] = "";
	int found;

	if ((found = store_csr_get(st, row->purpose, &old, err)) == -1)
		return -1;
	if (found) {
		snprintf(old_key, sizeof(old_key), "%s", old.key_file);
		csr_row_free(&old);
	}
	if (store_csr_put(st, row, err) == -1)
		return -1;
	identity_forget_key(st, old_key, row->key_file);
	return 0;
}

int
certmgr_csr(struct store *st, const struct purpose_info *p,
    const struct identity_params *params, char **pem, size_t *pem_len,
    struct ucerr *err)
{
	struct cert_template t;
	struct node_info node;
	struct csr_row row;
	X509_REQ *req = NULL;
	EVP_PKEY *key = NULL;
	X509 *current = NULL;
	char cn[256], san[1024], key_file[128], path[4096];
	unsigned char digest[SHA256_DIGEST_LENGTH];
	unsigned char *der = NULL;
	int der_len, rc = -1;

	*pem = NULL;
	memset(&row, 0, sizeof(row));
	if (identity_key_usable(p, &params->key, err) == -1 ||
	    identity_key_here(st, p, err) == -1 ||
	    node_info_load(st, &node, err) == -1 ||
	    identity_load(st, p->name, &current, NULL, err) == -1)
		return -1;
	if (params->cn != NULL)
		snprintf(cn, sizeof(cn), "%s", params->cn);
	else
		cert_common_name(current, cn, sizeof(cn));
	csr_san(cn, params->san, san, sizeof(san));
	memset(&t, 0, sizeof(t));
	identity_subject(&node, cn, &t.subject);
	t.profile = p->profile;
	t.san = san;
	t.md = params->md;
	if (key_generate(&params->key, &key, err) == -1 ||
	    csr_build(&t, key, &req, err) == -1 ||
	    csr_to_pem(req, pem, pem_len, err) == -1)
		goto out;
	if ((der_len = i2d_X509_REQ(req, &der)) <= 0) {
		ucerr_set(err, "%s: cannot encode CSR", p->name);
		goto out;
	}
	/* The pending key is named by the CSR so a retry never clobbers it. */
	SHA256(der, (size_t)der_len, digest);
	snprintf(key_file, sizeof(key_file), "%s-csr-%02x%02x%02x%02x.key",
	    p->name, digest[0], digest[1], digest[2], digest[3]);
	if (identity_key_path(st, key_file, path, sizeof(path), err) == -1 ||
	    key_write_file(path, key, err) == -1)
		goto out;
	snprintf(row.purpose, sizeof(row.purpose), "%s", p->name);
	snprintf(row.key_file, sizeof(row.key_file), "%s", key_file);
	row.csr_der = der;
	row.csr_len = (size_t)der_len;
	if (replace_pending_csr(st, &row, err) == -1) {
		identity_forget_key(st, key_file, "");
		goto out;
	}
	rc = 0;
out:
	if (rc == -1) {
		free(*pem);
		*pem = NULL;
	}
	OPENSSL_free(der);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	X509_free(current);
	return rc;
}
