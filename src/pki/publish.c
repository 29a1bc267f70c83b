/* publish.c - trust lists from the store, published atomically (see
 * publish.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "identity.h"
#include "itl.h"
#include "publish.h"
#include "store.h"
#include "x509.h"

/* The other nodes' records a cluster's ITL and CTL carry. */
#define PEERS_MAX	96

struct loaded {
	X509		*callmanager, *callmanager_ec, *capf, *tvs, *tomcat,
			*itlrecovery;
	/* Every other node's CallManager(-ECDSA) (CCM+TFTP) and TVS, in
	 * node order: phones verify any node's files and TLS by them. */
	struct itl_entry peers[PEERS_MAX];
	size_t		 n_peers;
	EVP_PKEY	*signer_key;
	X509		*signer;	/* borrowed or owned (owned_signer) */
	int		 owned_signer;
};

static void
loaded_free(struct loaded *l)
{
	X509_free(l->callmanager);
	X509_free(l->callmanager_ec);
	X509_free(l->capf);
	X509_free(l->tvs);
	X509_free(l->tomcat);
	X509_free(l->itlrecovery);
	while (l->n_peers > 0)
		X509_free(l->peers[--l->n_peers].cert);
	EVP_PKEY_free(l->signer_key);
	if (l->owned_signer)
		X509_free(l->signer);
	memset(l, 0, sizeof(*l));
}

struct peer_ctx {
	struct loaded	*l;
	const char	*self;
	int		 failed;
};

static int
on_peer_identity(void *ctx, const struct identity_row *row)
{
	struct peer_ctx *c = ctx;
	struct loaded *l = c->l;
	X509 *cert;
	int role;

	if (row->node[0] == '\0' || strcmp(row->node, c->self) == 0)
		return 0;
	if (strcmp(row->purpose, "CallManager") == 0 ||
	    strcmp(row->purpose, "CallManager-ECDSA") == 0)
		role = ROLE_CCM_TFTP;
	else if (strcmp(row->purpose, "TVS") == 0)
		role = ROLE_TVS;
	else
		return 0;
	if (l->n_peers == PEERS_MAX ||
	    cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1) {
		c->failed = 1;
		return 1;
	}
	l->peers[l->n_peers].cert = cert;
	l->peers[l->n_peers++].role = role;
	return 0;
}

/* The peers' records of role into e (n so far). */
static size_t
add_peers(const struct loaded *l, int role, struct itl_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < l->n_peers; i++)
		if (l->peers[i].role == role)
			e[n++] = l->peers[i];
	return n;
}

static int
load_peers(struct store *st, struct loaded *l, struct ucerr *err)
{
	struct peer_ctx c = { l, store_node_self(st), 0 };

	if (store_identity_each_node(st, on_peer_identity, &c, err) == -1)
		return -1;
	if (c.failed)
		return ucerr_set(err, "ITL: more than %d records of other "
		    "nodes, or one unreadable", PEERS_MAX);
	return 0;
}

static int
load_all(struct store *st, const struct trustlist_options *o,
    const char *default_signer, struct loaded *l, struct ucerr *err)
{
	const char *signer = o->sign_with ? o->sign_with : default_signer;
	const char *purpose;

	memset(l, 0, sizeof(*l));
	if (identity_load(st, "CallManager", &l->callmanager, NULL, err) == -1 ||
	    identity_load(st, "CAPF", &l->capf, NULL, err) == -1 ||
	    identity_load(st, "TVS", &l->tvs, NULL, err) == -1 ||
	    identity_load(st, "tomcat", &l->tomcat, NULL, err) == -1 ||
	    identity_load(st, "ITLRecovery", &l->itlrecovery, NULL, err) == -1 ||
	    identity_load_if_any(st, "CallManager-ECDSA", &l->callmanager_ec,
	    NULL, err) == -1 || load_peers(st, l, err) == -1)
		goto fail;
	if (o->signer != NULL) {
		l->signer = o->signer;
		if (EVP_PKEY_up_ref(o->signer_key) != 1)
			goto fail;
		l->signer_key = o->signer_key;
		return 0;
	}
	if (strcmp(signer, "tftp") == 0)
		purpose = "CallManager";
	else if (strcmp(signer, "itlrecovery") == 0)
		purpose = "ITLRecovery";
	else {
		ucerr_set(err, "--sign-with must be tftp or itlrecovery, not '%s'",
		    signer);
		goto fail;
	}
	if (identity_load(st, purpose, &l->signer, &l->signer_key, err) == -1)
		goto fail;
	l->owned_signer = 1;
	return 0;
fail:
	loaded_free(l);
	return -1;
}

static int
build(const struct trustlist_options *o, struct loaded *l,
    const struct itl_entry *e, size_t n, const char *filename,
    uint8_t **out, size_t *out_len, struct ucerr *err)
{
	struct sigfile_params p;

	memset(&p, 0, sizeof(p));
	p.version_major = 1;
	p.version_minor = 2;
	p.signer_version = o->signer_version ? o->signer_version :
	    itl_signer_version_auto(e, n);
	p.hash_alg = o->hash_alg ? o->hash_alg : SIG_HASH_SHA1;
	p.filename = o->filename ? o->filename : filename;
	p.signer = l->signer;
	p.key = l->signer_key;
	return itl_build(e, n, &p, out, out_len, err);
}

int
itl_build_from_store(struct store *st, const struct trustlist_options *o,
    uint8_t **out, size_t *out_len, struct ucerr *err)
{
	struct itl_entry e[7 + PEERS_MAX];
	struct loaded l;
	size_t n = 0;
	int rc;

	if (load_all(st, o, "tftp", &l, err) == -1)
		return -1;
	/* The signer must be a SAST record for phones to find it. */
	if (X509_cmp(l.signer, l.itlrecovery) != 0)
		e[n++] = (struct itl_entry){ l.signer, ROLE_SAST };
	e[n++] = (struct itl_entry){ l.itlrecovery, ROLE_SAST };
	e[n++] = (struct itl_entry){ l.callmanager, ROLE_CCM_TFTP };
	/* EC, so the ITL is version 1.1: phones then fetch their
	 * configuration over HTTPS on 6971, checked against this record. */
	if (l.callmanager_ec != NULL)
		e[n++] = (struct itl_entry){ l.callmanager_ec, ROLE_CCM_TFTP };
	n = add_peers(&l, ROLE_CCM_TFTP, e, n);
	e[n++] = (struct itl_entry){ l.capf, ROLE_CAPF };
	e[n++] = (struct itl_entry){ l.tvs, ROLE_TVS };
	n = add_peers(&l, ROLE_TVS, e, n);
	e[n++] = (struct itl_entry){ l.tomcat, ROLE_APP_SERVER };
	rc = build(o, &l, e, n, "ITLFile.tlv", out, out_len, err);
	loaded_free(&l);
	return rc;
}

int
ctl_build_from_store(struct store *st, const struct trustlist_options *o,
    uint8_t **out, size_t *out_len, struct ucerr *err)
{
	struct itl_entry e[6 + PEERS_MAX];
	struct loaded l;
	size_t n = 0;
	int rc;

	if (load_all(st, o, "itlrecovery", &l, err) == -1)
		return -1;
	e[n++] = (struct itl_entry){ l.itlrecovery, ROLE_SAST };
	if (o->extra_sast != NULL)
		e[n++] = (struct itl_entry){ o->extra_sast, ROLE_SAST };
	if (X509_cmp(l.signer, l.itlrecovery) != 0 &&
	    (o->extra_sast == NULL || X509_cmp(l.signer, o->extra_sast) != 0)) {
		rc = ucerr_set(err, "CTL: the signer must be one of its (at "
		    "most two) SAST records");
		goto out;
	}
	e[n++] = (struct itl_entry){ l.callmanager, ROLE_CCM_TFTP };
	/* As CUCM lists it: phones in mixed mode check the TFTP service's
	 * EC identity (HTTPS 6971, TLS with the EC key) against the CTL. */
	if (l.callmanager_ec != NULL)
		e[n++] = (struct itl_entry){ l.callmanager_ec, ROLE_CCM_TFTP };
	n = add_peers(&l, ROLE_CCM_TFTP, e, n);
	e[n++] = (struct itl_entry){ l.capf, ROLE_CAPF };
	e[n++] = (struct itl_entry){ l.tvs, ROLE_TVS };
	n = add_peers(&l, ROLE_TVS, e, n);
	rc = build(o, &l, e, n, "CTLFile.tlv", out, out_len, err);
out:
	loaded_free(&l);
	return rc;
}

/* Builds with build_fn and writes to out or to name in the TFTP root. */
static int
write_list(struct store *st, const struct trustlist_options *o,
    int (*build_fn)(struct store *, const struct trustlist_options *,
    uint8_t **, size_t *, struct ucerr *), const char *name,
    const char *out, char *path, size_t pathlen, size_t *len,
    struct ucerr *err)
{
	uint8_t *data;
	int rc;

	if (out != NULL) {
		if ((size_t)snprintf(path, pathlen, "%s", out) >= pathlen)
			return ucerr_set(err, "%s: path too long", out);
	} else if (tftp_file_path(st, name, path, pathlen, err) == -1) {
		return -1;
	}
	if (build_fn(st, o, &data, len, err) == -1)
		return -1;
	rc = file_write_atomic(path, data, *len, 0644, err);
	free(data);
	return rc;
}

int
itl_write(struct store *st, const struct trustlist_options *o,
    const char *out, char *path, size_t pathlen, size_t *len,
    struct ucerr *err)
{
	return write_list(st, o, itl_build_from_store, "ITLFile.tlv", out,
	    path, pathlen, len, err);
}

/*
 * The CTL is signed with ITLRecovery, whose key is the publisher's: the
 * publisher builds it and keeps it in the store (cluster_file), and the
 * other nodes serve those bytes, so every TFTP server of the cluster
 * hands phones the same CTL.
 */
#define CTL_NAME	"CTLFile.tlv"

/* On the publisher: built, and kept for the other nodes. */
static int
ctl_build_kept(struct store *st, const struct trustlist_options *o,
    uint8_t **out, size_t *out_len, struct ucerr *err)
{
	if (ctl_build_from_store(st, o, out, out_len, err) == -1)
		return -1;
	if (store_cluster_file_put(st, CTL_NAME, *out, *out_len, err) == -1) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* ctl build into the TFTP root: on the publisher only. */
static int
ctl_build_and_keep(struct store *st, const struct trustlist_options *o,
    uint8_t **out, size_t *out_len, struct ucerr *err)
{
	char publisher[256];
	int rc;

	if ((rc = store_node_is_publisher(st, err)) == -1)
		return -1;
	if (rc == 1)
		return ctl_build_kept(st, o, out, out_len, err);
	if (store_node_publisher(st, publisher, sizeof(publisher), err) == -1)
		return -1;
	return ucerr_set(err, "CTL: signed with ITLRecovery, whose key is on "
	    "the publisher %s: build it there (this node serves the "
	    "publisher's)", publisher);
}

/* This node's CTL: built here on the publisher, else the publisher's. */
static int
cluster_ctl(struct store *st, const struct trustlist_options *o,
    uint8_t **out, size_t *out_len, struct ucerr *err)
{
	int rc;

	if ((rc = store_node_is_publisher(st, err)) == -1)
		return -1;
	if (rc == 1)
		return ctl_build_kept(st, o, out, out_len, err);
	if ((rc = store_cluster_file_get(st, CTL_NAME, out, out_len,
	    err)) != 0)
		return rc == -1 ? -1 : 0;
	return ucerr_set(err, "CTL: the publisher has not built one yet "
	    "(ucpki ctl build, on the publisher)");
}

int
ctl_write(struct store *st, const struct trustlist_options *o,
    const char *out, char *path, size_t pathlen, size_t *len,
    struct ucerr *err)
{
	if (out != NULL)
		return write_list(st, o, ctl_build_from_store, CTL_NAME, out,
		    path, pathlen, len, err);
	/* Into the TFTP root: the cluster's CTL, kept for every node, and
	 * mixed mode, committed together: a node that sees the new CTL
	 * sees the mode too. */
	if (store_begin(st, err) == -1)
		return -1;
	if (store_meta_set(st, "cluster.mode", "mixed", err) == -1 ||
	    write_list(st, o, ctl_build_and_keep, CTL_NAME, NULL, path,
	    pathlen, len, err) == -1 || store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
ctl_options_load(struct trustlist_options *o, const char *sast_file,
    const char *sign_with, struct ucerr *err)
{
	EVP_PKEY *key = NULL;
	int by_sast;

	if (sign_with != NULL && strcmp(sign_with, "itlrecovery") != 0 &&
	    strcmp(sign_with, "sast") != 0)
		return ucerr_set(err, "--sign-with must be itlrecovery or "
		    "sast");
	by_sast = sign_with != NULL && strcmp(sign_with, "sast") == 0;
	if (by_sast && sast_file == NULL)
		return ucerr_set(err, "--sign-with sast needs --sast PEM");
	if (sast_file != NULL && cert_key_load_file(sast_file, &o->extra_sast,
	    by_sast ? &key : NULL, err) == -1)
		return -1;
	if (key != NULL) {
		/* The second SAST record signs; o owns it once (extra_sast). */
		o->signer = o->extra_sast;
		o->signer_key = key;
	}
	return 0;
}

void
trustlist_options_free(struct trustlist_options *o)
{
	if (o->signer != o->extra_sast)
		X509_free(o->signer);
	X509_free(o->extra_sast);
	EVP_PKEY_free(o->signer_key);
	o->signer = o->extra_sast = NULL;
	o->signer_key = NULL;
}

/* itl_reset with o->signer_key set, or NULL for the home's key. */
static int
reset_signed(struct store *st, struct trustlist_options *o,
    const char *what_key, char *path, size_t pathlen, size_t *len,
    struct ucerr *err)
{
	o->sign_with = "itlrecovery";
	if (o->signer_key != NULL) {
		if (identity_load(st, "ITLRecovery", &o->signer, NULL,
		    err) == -1)
			return -1;
		if (!cert_matches_key(o->signer, o->signer_key))
			return ucerr_set(err, "%s: not the ITLRecovery key",
			    what_key);
	}
	return itl_write(st, o, NULL, path, pathlen, len, err);
}

int
itl_reset(struct store *st, uint8_t hash_alg, const char *key_file,
    char *path, size_t pathlen, size_t *len, struct ucerr *err)
{
	struct trustlist_options o;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	o.hash_alg = hash_alg;
	if (key_file == NULL || key_load_file(key_file, &o.signer_key,
	    err) == 0)
		rc = reset_signed(st, &o, key_file, path, pathlen, len, err);
	trustlist_options_free(&o);
	return rc;
}

int
itl_reset_key(struct store *st, uint8_t hash_alg, EVP_PKEY *key,
    const char *what_key, char *path, size_t pathlen, size_t *len,
    struct ucerr *err)
{
	struct trustlist_options o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.hash_alg = hash_alg;
	if (EVP_PKEY_up_ref(key) != 1)
		return ucerr_set(err, "out of memory");
	o.signer_key = key;
	rc = reset_signed(st, &o, what_key, path, pathlen, len, err);
	trustlist_options_free(&o);
	return rc;
}

int
tftp_dir(struct store *st, char *out, size_t outlen, struct ucerr *err)
{
	if (path_join(out, outlen, store_home(st), "tftp", err) == -1)
		return -1;
	return dir_make(out, 0755, err);
}

int
tftp_file_path(struct store *st, const char *name, char *out, size_t outlen,
    struct ucerr *err)
{
	char dir[4096];

	if (tftp_dir(st, dir, sizeof(dir), err) == -1)
		return -1;
	return path_join(out, outlen, dir, name, err);
}

static int
publish_one(const char *dir, const char *name, const uint8_t *data,
    size_t len, struct ucerr *err)
{
	char path[4096];

	if (path_join(path, sizeof(path), dir, name, err) == -1)
		return -1;
	return file_write_atomic(path, data, len, 0644, err);
}

int
tftp_publish(struct store *st, const char *dir, struct ucerr *err)
{
	struct trustlist_options o;
	char root[4096], mode[32];
	uint8_t *data = NULL;
	size_t len;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	if (dir == NULL) {
		/* Beside the root: the administrator's phone files, which
		 * the TFTP service serves signed (and encrypted). */
		if (path_join(root, sizeof(root), store_home(st), "config",
		    err) == -1 || dir_make(root, 0750, err) == -1 ||
		    tftp_dir(st, root, sizeof(root), err) == -1)
			return -1;
		dir = root;
	} else if (dir_make(dir, 0755, err) == -1) {
		return -1;
	}
	if (itl_build_from_store(st, &o, &data, &len, err) == -1 ||
	    publish_one(dir, "ITLFile.tlv", data, len, err) == -1)
		goto out;
	free(data);
	data = NULL;
	if (store_meta_get(st, "cluster.mode", mode, sizeof(mode), err) == -1)
		goto out;
	if (strcmp(mode, "mixed") == 0 &&
	    (cluster_ctl(st, &o, &data, &len, err) == -1 ||
	    publish_one(dir, CTL_NAME, data, len, err) == -1))
		goto out;
	rc = 0;
out:
	free(data);
	return rc;
}

/* The same records (role and certificate), whatever the signature and
 * timestamp say. */
static int
same_records(const struct itl_file *a, const struct itl_file *b)
{
	size_t i;

	if (a->n_records != b->n_records)
		return 0;
	for (i = 0; i < a->n_records; i++)
		if (a->records[i].role != b->records[i].role ||
		    a->records[i].cert_len != b->records[i].cert_len ||
		    (a->records[i].cert_len > 0 && memcmp(a->records[i].cert,
		    b->records[i].cert, a->records[i].cert_len) != 0))
			return 0;
	return 1;
}

/* Not the publisher, in mixed mode: the publisher's CTL, when it has
 * built a new one (2: written). */
static int
ctl_follow_publisher(struct store *st, struct ucerr *err)
{
	char mode[32], path[4096];
	uint8_t *stored;
	size_t stored_len;
	int rc;

	if (store_meta_get(st, "cluster.mode", mode, sizeof(mode), err) == -1)
		return -1;
	if (strcmp(mode, "mixed") != 0)
		return 0;
	if ((rc = store_node_is_publisher(st, err)) != 0)
		return rc == -1 ? -1 : 0;
	if ((rc = store_cluster_file_get(st, CTL_NAME, &stored, &stored_len,
	    err)) != 1)
		return rc;
	if ((rc = tftp_file_path(st, CTL_NAME, path, sizeof(path), err)) == 0 &&
	    (rc = file_write_if_changed(path, stored, stored_len, 0644,
	    err)) == 1)
		rc = 2;
	free(stored);
	return rc;
}

int
tftp_publish_if_changed(struct store *st, struct ucerr *err)
{
	struct trustlist_options o;
	struct itl_file now, fresh;
	char path[4096];
	uint8_t *data;
	size_t len;
	int same = 0;

	memset(&o, 0, sizeof(o));
	if (tftp_file_path(st, "ITLFile.tlv", path, sizeof(path), err) == -1 ||
	    itl_build_from_store(st, &o, &data, &len, err) == -1)
		return -1;
	if (itl_parse(data, len, &fresh, NULL) == 0) {
		if (path_exists(path) && itl_load_file(path, &now, NULL) == 0) {
			same = same_records(&now, &fresh);
			itl_free(&now);
		}
		itl_free(&fresh);
	}
	free(data);
	if (!same)
		return tftp_publish(st, NULL, err) == -1 ? -1 : 1;
	return ctl_follow_publisher(st, err);
}

int
tftp_itl_sha256(struct store *st, char out[65], struct ucerr *err)
{
	char dir[4096], path[4096];
	uint8_t *data;
	size_t len;

	out[0] = '\0';
	if (tftp_dir(st, dir, sizeof(dir), err) == -1 ||
	    path_join(path, sizeof(path), dir, "ITLFile.tlv", err) == -1)
		return -1;
	if (!path_exists(path))
		return 0;
	if (file_read(path, FILE_READ_MAX, &data, &len, err) == -1)
		return -1;
	sha256_hex(data, len, out);
	free(data);
	return 1;
}

void
tftp_last_fetch(struct store *st, const char *device, const char *kind,
    struct tftp_last_fetch *l)
{
	char sha[65];

	memset(l, 0, sizeof(*l));
	l->current = -1;
	if (store_fetch_last(st, device, kind, &l->e, NULL) != 1)
		return;
	l->found = 1;
	if (strcmp(kind, "itl") == 0 && tftp_itl_sha256(st, sha, NULL) == 1)
		l->current = strcmp(sha, l->e.sha256) == 0;
}
