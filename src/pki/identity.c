/*
 * identity.c - the node's own certificates: the purpose table, loading,
 * and generating a self-signed identity.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "clock.h"
#include "fileio.h"
#include "identity.h"
#include "store.h"
#include "trust.h"

/*
 * The seeds: RSA 2048, SHA-256, 5 years; ITLRecovery 20 years.  Each
 * identity is trusted in its own service's store; CAPF also in
 * CallManager-trust so the call agent trusts the LSCs it issues.
 * CallManager-ECDSA is CUCM's EC twin of CallManager (EC P-256, trusted
 * in CallManager-trust): the EC record with the TFTP role that makes the
 * ITL version 1.1 and that phones check HTTPS on 6971 against.
 */
const struct purpose_info purposes[] = {
	{ "tomcat", "tomcat-trust", NULL, PROFILE_SERVER, 1825,
	    "HTTPS for the web pages and web services (APP-SERVER role)",
	    KEYS_ANY, NULL },
	{ "ipsec", "ipsec-trust", NULL, PROFILE_SERVER, 1825,
	    "IPsec and the backup/restore (DRF) service", KEYS_ANY, NULL },
	{ "CallManager", "CallManager-trust", NULL, PROFILE_SERVER, 1825,
	    "SIP/SCCP TLS and TFTP file signing (CCM+TFTP role)",
	    KEYS_RSA_FILES, "it signs the ITL, CTL and configuration files, "
	    "which carry RSA signatures only" },
	{ "CallManager-ECDSA", "CallManager-trust", NULL, PROFILE_SERVER, 1825,
	    "SIP/SCCP TLS with EC and the configuration over HTTPS on 6971 "
	    "(CCM+TFTP role, EC)", KEYS_EC, "phones check HTTPS on 6971 "
	    "against an EC certificate with the TFTP role" },
	{ "CAPF", "CAPF-trust", "CallManager-trust", PROFILE_CA, 1825,
	    "the Certificate Authority Proxy Function that issues LSCs",
	    KEYS_RSA, "it signs the LSCs, and phones reach it over TLS with "
	    "RSA (7900 series: RSA key exchange only)" },
	{ "TVS", "TVS-trust", NULL, PROFILE_SERVER, 1825,
	    "the Trust Verification Service", KEYS_RSA, "phones reach it over "
	    "TLS with RSA (7900 series: RSA key exchange only)" },
	{ "ITLRecovery", "Phone-SAST-trust", NULL, PROFILE_CA, 7300,
	    "the cluster's SAST that signs a recovery ITL", KEYS_RSA_FILES,
	    "it signs the recovery ITL, which carries RSA signatures only" },
	{ NULL, NULL, NULL, PROFILE_SERVER, 0, NULL, KEYS_ANY, NULL },
};

const char *const trust_stores[] = {
	"CallManager-trust", "CAPF-trust", "tomcat-trust", "ipsec-trust",
	"TVS-trust", "Phone-VPN-trust", "Phone-SAST-trust", "cup-trust",
	"cup-xmpp-trust", NULL,
};

/*
 * CAPF and ITLRecovery are the cluster's, with their keys on the
 * publisher (CAPF issues every LSC; ITLRecovery is the one SAST every
 * phone keeps); every other purpose each node has its own of.
 */
int
purpose_cluster_wide(const struct purpose_info *p)
{
	return strcmp(p->name, "CAPF") == 0 ||
	    strcmp(p->name, "ITLRecovery") == 0;
}

const struct purpose_info *
purpose_find(const char *name)
{
	const struct purpose_info *p;

	for (p = purposes; p->name != NULL; p++)
		if (strcasecmp(p->name, name) == 0)
			return p;
	return NULL;
}

int
trust_store_valid(const char *name)
{
	int i;

	for (i = 0; trust_stores[i] != NULL; i++)
		if (strcmp(trust_stores[i], name) == 0)
			return 1;
	return 0;
}

int
identity_signer_load(struct store *st, const char *file, X509 **cert,
    EVP_PKEY **key, struct ucerr *err)
{
	if (file != NULL)
		return cert_key_load_file(file, cert, key, err);
	if (st == NULL)
		return ucerr_set(err, "no signer given and no store");
	return identity_load(st, "CallManager", cert, key, err);
}

int
identity_load(struct store *st, const char *purpose, X509 **cert,
    EVP_PKEY **key, struct ucerr *err)
{
	struct identity_row row;
	char path[4096], keys[4096];
	X509 *c = NULL;
	int found;

	if (cert)
		*cert = NULL;
	if (key)
		*key = NULL;
	if ((found = store_identity_get(st, purpose, &row, err)) == -1)
		return -1;
	if (found == 0)
		return ucerr_set(err, "%s: no such identity (is the home "
		    "initialised?)", purpose);
	if (cert_from_der(row.cert_der, row.cert_len, &c, err) == -1) {
		identity_row_free(&row);
		return ucerr_wrap(err, "%s", purpose);
	}
	if (key != NULL) {
		/* A key others can read is compromised; one others can
		 * write (or own) may not be ours: refused either way. */
		if (path_join(keys, sizeof(keys), store_home(st), "keys", err) == -1 ||
		    path_join(path, sizeof(path), keys, row.key_file, err) == -1 ||
		    path_check_private(path, "the private key", 077, "600", 0,
		    err) == -1 ||
		    key_load_file(path, key, err) == -1) {
			identity_row_free(&row);
			X509_free(c);
			return ucerr_wrap(err, "%s: private key", purpose);
		}
	}
	identity_row_free(&row);
	if (cert)
		*cert = c;
	else
		X509_free(c);
	return 0;
}

int
identity_load_if_any(struct store *st, const char *purpose, X509 **cert,
    EVP_PKEY **key, struct ucerr *err)
{
	struct identity_row row;
	int found;

	if (cert)
		*cert = NULL;
	if (key)
		*key = NULL;
	if ((found = store_identity_get(st, purpose, &row, err)) != 1)
		return found;
	identity_row_free(&row);
	return identity_load(st, purpose, cert, key, err) == -1 ? -1 : 1;
}

static int
meta_copy(struct store *st, const char *key, char *out, size_t outlen,
    struct ucerr *err)
{
	return store_meta_get(st, key, out, outlen, err) == -1 ? -1 : 0;
}

int
node_info_load(struct store *st, struct node_info *info, struct ucerr *err)
{
	memset(info, 0, sizeof(*info));
	/* The home's own node (meta "node" when the store was opened
	 * before init named it); the organisation is the cluster's. */
	snprintf(info->node, sizeof(info->node), "%s", store_node_self(st));
	if ((info->node[0] == '\0' && meta_copy(st, "node", info->node,
	    sizeof(info->node), err) == -1) ||
	    meta_copy(st, "org", info->org, sizeof(info->org), err) == -1 ||
	    meta_copy(st, "ou", info->ou, sizeof(info->ou), err) == -1 ||
	    meta_copy(st, "locality", info->locality, sizeof(info->locality),
	    err) == -1 ||
	    meta_copy(st, "state", info->state, sizeof(info->state), err) == -1 ||
	    meta_copy(st, "country", info->country, sizeof(info->country),
	    err) == -1)
		return -1;
	if (info->node[0] == '\0')
		return ucerr_set(err, "store: node name not set (run ucpki init)");
	return 0;
}

void
identity_params_default(const struct purpose_info *p,
    struct identity_params *params)
{
	memset(params, 0, sizeof(*params));
	params->key.is_ec = p->keys == KEYS_EC;
	params->key.bits = p->keys == KEYS_EC ? 256 : 2048;
	params->md = EVP_sha256();
	params->days = p->default_days;
}

int
identity_params_option(const struct purpose_info *p,
    struct identity_params *params, const char *option, const char *value,
    struct ucerr *err)
{
	char *end;
	long v;

	if (strcmp(option, "key") == 0)
		return key_spec_parse(value, &params->key, err);
	if (strcmp(option, "hash") == 0)
		return digest_parse(value, &params->md, err);
	if (strcmp(option, "cn") == 0) {
		params->cn = value;
		return 0;
	}
	if (strcmp(option, "san") == 0) {
		params->san = value;
		return 0;
	}
	if (strcmp(option, "days") == 0) {
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || v < 1 ||
		    v > 36500)
			return ucerr_set(err, "%s: --days must be a number from "
			    "1 to 36500, not '%s'", p->name, value);
		params->days = v;
		return 0;
	}
	return ucerr_set(err, "%s: unknown option '%s' (key, hash, days, cn, "
	    "san)", p->name, option);
}

int
identity_params_check(const struct purpose_info *p,
    const struct identity_params *params, struct ucerr *err)
{
	return identity_key_usable(p, &params->key, err);
}

int
identity_key_usable(const struct purpose_info *p, const struct key_spec *key,
    struct ucerr *err)
{
	char name[16];

	snprintf(name, sizeof(name), "%s%d", key->is_ec ? "ec" : "rsa",
	    key->bits);
	if (!key->is_ec && key->bits < 1024)
		return ucerr_set(err, "%s: %s is too weak for a node identity",
		    p->name, name);
	if (p->keys == KEYS_ANY)
		return 0;
	if (p->keys == KEYS_EC) {
		if (!key->is_ec)
			return ucerr_set(err, "%s: cannot use an %s key: %s; use "
			    "ec256 (nothing was changed)", p->name, name,
			    p->keys_why);
		return 0;
	}
	if (key->is_ec)
		return ucerr_set(err, "%s: cannot use an %s key: %s; use rsa2048 "
		    "(nothing was changed)", p->name, name, p->keys_why);
	/* Signed files have a slot for 512, 1024, 2048 or 4096-bit keys. */
	if (p->keys == KEYS_RSA_FILES && key->bits != 1024 &&
	    key->bits != 2048 && key->bits != 4096)
		return ucerr_set(err, "%s: cannot use an %s key: %s, of 1024, "
		    "2048 or 4096 bits; use rsa2048 (nothing was changed)",
		    p->name, name, p->keys_why);
	return 0;
}

static void
changed_key(const char *purpose, char *out, size_t outlen)
{
	snprintf(out, outlen, "identity_changed_at.%s", purpose);
}

int
identity_mark_changed(struct store *st, const char *purpose,
    struct ucerr *err)
{
	char key[96], value[32];

	changed_key(purpose, key, sizeof(key));
	snprintf(value, sizeof(value), "%lld", (long long)clock_now());
	return store_meta_set(st, key, value, err);
}

int
identity_change_guard(struct store *st, const struct purpose_info *p,
    struct ucerr *err)
{
	const char *other = strcmp(p->name, "TVS") == 0 ? "CallManager" :
	    strcmp(p->name, "CallManager") == 0 ? "TVS" : NULL;
	char key[96], value[32] = "";
	long long at;

	if (other == NULL)
		return 0;
	changed_key(other, key, sizeof(key));
	if (store_meta_get(st, key, value, sizeof(value), err) == -1)
		return -1;
	if (value[0] == '\0')
		return 0;	/* as init made it: no phone has seen a change */
	at = strtoll(value, NULL, 10);
	if ((long long)clock_now() - at < IDENTITY_GUARD_S)
		return ucerr_set(err, "%s certificate was modified in the last 5 "
		    "minutes. Please re-try regenerating %s certificate at a "
		    "later time", other, p->name);
	return 0;
}

/* The CN a purpose gets when none is given (the seeds' naming). */
static void
default_cn(const struct purpose_info *p, const struct node_info *node,
    char *out, size_t outlen)
{
	unsigned char rnd[4];

	if (strcmp(p->name, "CAPF") == 0) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			memset(rnd, 0, sizeof(rnd));
		snprintf(out, outlen, "CAPF-%02x%02x%02x%02x", rnd[0], rnd[1],
		    rnd[2], rnd[3]);
	} else if (strcmp(p->name, "ITLRecovery") == 0) {
		snprintf(out, outlen, "ITLRECOVERY_%s", node->node);
	} else if (p->keys == KEYS_EC) {
		/* CUCM's name: the trust entry must not replace CallManager's,
		 * which shares CallManager-trust. */
		snprintf(out, outlen, "%s-EC", node->node);
	} else {
		snprintf(out, outlen, "%s", node->node);
	}
}

/* Subject fields for a purpose: the node's organisation with cn. */
void
identity_subject(const struct node_info *node, const char *cn,
    struct dn_fields *dn)
{
	dn->cn = cn;
	dn->o = node->org;
	dn->ou = node->ou;
	dn->l = node->locality;
	dn->st = node->state;
	dn->c = node->country;
}

int
identity_key_file_name(const struct purpose_info *p, X509 *cert, char *out,
    size_t outlen)
{
	char sha[65];

	cert_sha256_hex(cert, sha);
	return snprintf(out, outlen, "%s-%.16s.key", p->name, sha) <
	    (int)outlen ? 0 : -1;
}

int
identity_key_path(struct store *st, const char *key_file, char *out,
    size_t outlen, struct ucerr *err)
{
	char keys[4096];

	if (path_join(keys, sizeof(keys), store_home(st), "keys", err) == -1)
		return -1;
	return path_join(out, outlen, keys, key_file, err);
}

int
identity_install(struct store *st, const struct purpose_info *p, X509 *cert,
    const char *key_file, const char *type, int replace_trust,
    struct ucerr *err)
{
	struct identity_row row;
	uint8_t *der = NULL;
	size_t len;
	int rc = -1;

	memset(&row, 0, sizeof(row));
	if (cert_to_der(cert, &der, &len, err) == -1)
		return -1;
	snprintf(row.purpose, sizeof(row.purpose), "%s", p->name);
	snprintf(row.key_file, sizeof(row.key_file), "%s", key_file);
	snprintf(row.type, sizeof(row.type), "%s", type);
	row.cert_der = der;
	row.cert_len = len;
	row.updated_at = (int64_t)clock_now();
	row.cluster = purpose_cluster_wide(p);
	if (store_identity_put(st, &row, err) == -1)
		goto out;
	if (trust_add_identity(st, p->trust_store, cert, replace_trust,
	    err) == -1)
		goto out;
	if (p->extra_trust != NULL &&
	    trust_add_identity(st, p->extra_trust, cert, replace_trust,
	    err) == -1)
		goto out;
	rc = 0;
out:
	free(der);
	return rc;
}

int
identity_key_here(struct store *st, const struct purpose_info *p,
    struct ucerr *err)
{
	int rc;

	if (!purpose_cluster_wide(p) || (rc = store_node_is_publisher(st,
	    err)) == 1)
		return 0;
	return rc == -1 ? -1 : ucerr_set(err, "%s: the cluster's, its key on "
	    "the publisher: make it there, not on %s", p->name,
	    store_node_self(st));
}

int
identity_create(struct store *st, const struct purpose_info *p,
    const struct identity_params *params, X509 **cert_out,
    char *key_file, size_t key_file_len, struct ucerr *err)
{
	struct cert_template t;
	struct node_info node;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char cn[256], path[4096], san[300];
	int rc = -1;

	*cert_out = NULL;
	if (identity_key_usable(p, &params->key, err) == -1 ||
	    node_info_load(st, &node, err) == -1)
		return -1;
	if (identity_key_here(st, p, err) == -1)
		return -1;
	if (params->cn != NULL)
		snprintf(cn, sizeof(cn), "%s", params->cn);
	else
		default_cn(p, &node, cn, sizeof(cn));
	memset(&t, 0, sizeof(t));
	identity_subject(&node, cn, &t.subject);
	t.profile = p->profile;
	/* The CN repeated in the SAN: clients that check names need it.
	 * An EC identity's default CN is the node's with "-EC", which is
	 * not the name phones connect to: the SAN has the node's, as CUCM's. */
	snprintf(san, sizeof(san), "DNS:%s", params->cn == NULL &&
	    p->keys == KEYS_EC ? node.node : cn);
	t.san = params->san ? params->san :
	    p->profile == PROFILE_SERVER ? san : NULL;
	t.days = params->days;
	t.md = params->md;
	if (key_generate(&params->key, &key, err) == -1 ||
	    cert_build(&t, key, NULL, key, &cert, err) == -1)
		goto out;
	if (identity_key_file_name(p, cert, key_file, key_file_len) == -1 ||
	    identity_key_path(st, key_file, path, sizeof(path), err) == -1 ||
	    key_write_file(path, key, err) == -1)
		goto out;
	*cert_out = cert;
	cert = NULL;
	rc = 0;
out:
	if (rc == -1)
		ucerr_wrap(err, "%s", p->name);
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}

/* Removes a key file the store no longer names (best effort). */
void
identity_forget_key(struct store *st, const char *old_key_file,
    const char *new_key_file)
{
	char path[4096];

	if (old_key_file[0] == '\0' || strcmp(old_key_file, new_key_file) == 0)
		return;
	if (identity_key_path(st, old_key_file, path, sizeof(path), NULL) == 0)
		unlink(path);
}

int
identity_generate(struct store *st, const struct purpose_info *p,
    const struct identity_params *params, struct ucerr *err)
{
	struct identity_row old;
	char key_file[128], old_key[128] = "";
	X509 *cert = NULL;
	int found, rc = -1;

	if ((found = store_identity_get(st, p->name, &old, err)) == -1)
		return -1;
	if (found) {
		snprintf(old_key, sizeof(old_key), "%s", old.key_file);
		identity_row_free(&old);
	}
	if (identity_create(st, p, params, &cert, key_file, sizeof(key_file),
	    err) == -1)
		return -1;
	if (store_begin(st, err) == -1)
		goto out;
	/* The old CAPF stays trusted: phones still hold LSCs it issued. */
	if (identity_install(st, p, cert, key_file, "self-signed",
	    strcmp(p->name, "CAPF") != 0, err) == -1 ||
	    identity_mark_changed(st, p->name, err) == -1 ||
	    store_csr_delete(st, p->name, err) == -1 ||
	    store_commit(st, err) == -1) {
		store_rollback(st);
		identity_forget_key(st, key_file, "");
		goto out;
	}
	identity_forget_key(st, old_key, key_file);
	rc = 0;
out:
	X509_free(cert);
	return rc;
}
