/* export.c - identities and trust stores for other servers (see export.h). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "clock.h"
#include "crl.h"
#include "export.h"
#include "fileio.h"
#include "identity.h"
#include "revoke.h"
#include "store.h"
#include "trust.h"
#include "x509.h"

#define CHAIN_MAX	8

/* cur's issuers, nearest first, as far as the trust stores hold them. */
static int
chain_of(struct store *st, X509 *leaf, STACK_OF(X509) **out,
    struct ucerr *err)
{
	STACK_OF(X509) *all;
	X509 *cur = leaf, *issuer, *c;
	int depth, i;

	if (trust_certs(st, NULL, &all, err) == -1)
		return -1;
	if ((*out = sk_X509_new_null()) == NULL) {
		sk_X509_pop_free(all, X509_free);
		return ucerr_set(err, "export: out of memory");
	}
	for (depth = 0; depth < CHAIN_MAX && !cert_is_self_signed(cur); depth++) {
		issuer = NULL;
		for (i = 0; i < sk_X509_num(all) && issuer == NULL; i++) {
			c = sk_X509_value(all, i);
			if (X509_NAME_cmp(X509_get_subject_name(c),
			    X509_get_issuer_name(cur)) == 0 &&
			    X509_verify(cur, X509_get0_pubkey(c)) == 1)
				issuer = c;
		}
		if (issuer == NULL || !X509_up_ref(issuer))
			break;
		if (!sk_X509_push(*out, issuer)) {
			X509_free(issuer);
			break;
		}
		cur = issuer;
	}
	sk_X509_pop_free(all, X509_free);
	return 0;
}

/* The bytes a memory BIO holds, as a malloc'd buffer. */
static int
bio_take(BIO *bio, uint8_t **out, size_t *len, struct ucerr *err)
{
	char *mem;
	long n = BIO_get_mem_data(bio, &mem);

	if (n < 0 || (*out = malloc(n > 0 ? (size_t)n : 1)) == NULL)
		return ucerr_set(err, "export: out of memory");
	memcpy(*out, mem, (size_t)n);
	*len = (size_t)n;
	return 0;
}

static int
write_part(BIO *bio, X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain,
    const char *purpose, enum identity_part part, const char *password)
{
	PKCS12 *p12;
	int i, ok;

	switch (part) {
	case EXPORT_CERT:
		return PEM_write_bio_X509(bio, cert);
	case EXPORT_CHAIN:
		ok = PEM_write_bio_X509(bio, cert);
		for (i = 0; ok && i < sk_X509_num(chain); i++)
			ok = PEM_write_bio_X509(bio, sk_X509_value(chain, i));
		return ok;
	case EXPORT_KEY:
		return PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
		    NULL);
	case EXPORT_PKCS12:
		/* No password: no encryption and no MAC (an empty password
		 * would only pretend to protect it). */
		p12 = PKCS12_create(password, purpose, key, cert, chain,
		    password ? 0 : -1, password ? 0 : -1, 0, password ? 0 : -1, 0);
		ok = p12 != NULL && i2d_PKCS12_bio(bio, p12);
		PKCS12_free(p12);
		return ok;
	}
	return 0;
}

static void
exported_key(const char *purpose, char *key, size_t keylen)
{
	snprintf(key, keylen, "exported.%s", purpose);
}

int
identity_export_record(struct store *st, const char *purpose,
    struct ucerr *err)
{
	char key[64];

	exported_key(purpose, key, sizeof(key));
	return store_meta_set(st, key, "1", err);
}

int
identity_was_exported(struct store *st, const char *purpose,
    struct ucerr *err)
{
	char key[64], value[16];

	exported_key(purpose, key, sizeof(key));
	return store_meta_get(st, key, value, sizeof(value), err);
}

int
identity_export(struct store *st, const char *purpose, enum identity_part part,
    const char *password, uint8_t **out, size_t *len, struct ucerr *err)
{
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	BIO *bio = NULL;
	int rc = -1;

	*out = NULL;
	if (identity_load(st, purpose, &cert, part == EXPORT_KEY ||
	    part == EXPORT_PKCS12 ? &key : NULL, err) == -1)
		return -1;
	if ((part == EXPORT_CHAIN || part == EXPORT_PKCS12) &&
	    chain_of(st, cert, &chain, err) == -1)
		goto out;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !write_part(bio, cert, key, chain, purpose, part, password)) {
		ucerr_ssl(err, "%s: cannot encode the export", purpose);
		goto out;
	}
	rc = bio_take(bio, out, len, err);
out:
	BIO_free(bio);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}

int
export_password_read(const char *path, char *out, size_t outlen,
    struct ucerr *err)
{
	uint8_t *data;
	size_t len, n;

	if (file_read(path, 64 * 1024, &data, &len, err) == -1)
		return -1;
	n = 0;
	while (n < len && data[n] != '\n' && data[n] != '\r')
		n++;
	if (n == 0 || n >= outlen || memchr(data, '\0', n) != NULL) {
		OPENSSL_cleanse(data, len);
		free(data);
		return ucerr_set(err, "%s: the first line must hold the password "
		    "(1 to %zu characters)", path, outlen - 1);
	}
	memcpy(out, data, n);
	out[n] = '\0';
	OPENSSL_cleanse(data, len);
	free(data);
	return 0;
}

/* The certificates of the stores named in a space-separated list. */
struct certs_ctx {
	STACK_OF(X509)	*certs;
	char		(*labels)[300];
	char		(*sha)[65];
	int		 n;
};

static int
collect_cert(void *arg, const struct trust_row *row)
{
	struct certs_ctx *c = arg;
	char (*labels)[300], (*sha)[65];
	X509 *cert;
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->sha[i], row->sha256) == 0)
			return 0;	/* in an earlier store too */
	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1)
		return 0;
	labels = reallocarray(c->labels, (size_t)c->n + 1, sizeof(*labels));
	if (labels != NULL)
		c->labels = labels;
	sha = reallocarray(c->sha, (size_t)c->n + 1, sizeof(*sha));
	if (sha != NULL)
		c->sha = sha;
	if (labels == NULL || sha == NULL || !sk_X509_push(c->certs, cert)) {
		X509_free(cert);
		return -1;
	}
	snprintf(c->labels[c->n], sizeof(c->labels[0]), "%s/%s.pem", row->store,
	    row->name);
	snprintf(c->sha[c->n], sizeof(c->sha[0]), "%s", row->sha256);
	c->n++;
	return 0;
}

static void
certs_free(struct certs_ctx *c)
{
	sk_X509_pop_free(c->certs, X509_free);
	free(c->labels);
	free(c->sha);
}

static int
certs_of(struct store *st, const char *stores, struct certs_ctx *c,
    struct ucerr *err)
{
	char copy[512], *name, *save = NULL;

	memset(c, 0, sizeof(*c));
	if ((c->certs = sk_X509_new_null()) == NULL)
		return ucerr_set(err, "export: out of memory");
	snprintf(copy, sizeof(copy), "%s", stores);
	for (name = strtok_r(copy, " ", &save); name != NULL;
	    name = strtok_r(NULL, " ", &save)) {
		if (!trust_store_valid(name)) {
			certs_free(c);
			return ucerr_set(err, "%s: unknown trust store", name);
		}
		if (store_trust_each(st, name, collect_cert, c, err) != 0) {
			certs_free(c);
			return ucerr_set(err, "%s: cannot read the store", name);
		}
	}
	return 0;
}

int
trust_bundle(struct store *st, const char *stores, char **out, size_t *len,
    int *count, struct ucerr *err)
{
	struct certs_ctx c;
	BIO *bio;
	int i, ok = 1, rc;

	if (certs_of(st, stores, &c, err) == -1)
		return -1;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		ok = 0;
	for (i = 0; ok && i < c.n; i++)
		ok = BIO_printf(bio, "# %s\n", c.labels[i]) > 0 &&
		    PEM_write_bio_X509(bio, sk_X509_value(c.certs, i));
	rc = ok ? bio_take(bio, (uint8_t **)out, len, err) :
	    ucerr_set(err, "export: out of memory");
	*count = c.n;
	BIO_free(bio);
	certs_free(&c);
	return rc;
}

/* Replaces path only when its content or mode differs, counting it. */
static int
write_if_changed(const char *path, const uint8_t *data, size_t len,
    mode_t mode, int *changed, struct ucerr *err)
{
	int rc = file_write_if_changed(path, data, len, mode, err);

	if (rc == 1)
		(*changed)++;
	return rc == -1 ? -1 : 0;
}

/* <8 hex>.<n> or <8 hex>.r<n>: the names `openssl rehash` gives. */
static int
hashed_name(const char *name)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	if (name[8] != '.')
		return 0;
	i = name[9] == 'r' ? 10 : 9;
	if (name[i] == '\0')
		return 0;
	for (; name[i] != '\0'; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

struct names {
	char	(*v)[16];
	int	 n;
};

static int
names_add(struct names *l, const char *name)
{
	char (*v)[16] = reallocarray(l->v, (size_t)l->n + 1, sizeof(*v));

	if (v == NULL)
		return -1;
	l->v = v;
	snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", name);
	return 0;
}

static int
names_has(const struct names *l, const char *name)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return 1;
	return 0;
}

/* The first free <hash>.<suffix><n> name. */
static void
next_name(const struct names *l, unsigned long hash, const char *suffix,
    char *out, size_t outlen)
{
	int n;

	for (n = 0; ; n++) {
		snprintf(out, outlen, "%08lx.%s%d", hash, suffix, n);
		if (!names_has(l, out))
			return;
	}
}

static int
write_pem(const char *dir, const char *name, X509 *cert, X509_CRL *crl,
    struct names *written, int *changed, struct ucerr *err)
{
	char path[4096];
	uint8_t *data = NULL;
	size_t len;
	BIO *bio = BIO_new(BIO_s_mem());
	int rc = -1;

	if (bio == NULL || !(cert ? PEM_write_bio_X509(bio, cert) :
	    PEM_write_bio_X509_CRL(bio, crl))) {
		ucerr_set(err, "%s: cannot encode", name);
		goto out;
	}
	if (bio_take(bio, &data, &len, err) == -1 ||
	    path_join(path, sizeof(path), dir, name, err) == -1 ||
	    write_if_changed(path, data, len, 0644, changed, err) == -1)
		goto out;
	if (names_add(written, name) == -1) {
		ucerr_set(err, "export: out of memory");
		goto out;
	}
	rc = 0;
out:
	free(data);
	BIO_free(bio);
	return rc;
}

/* The CRLs of the exported CAs: the newest per issuer, signature checked. */
static STACK_OF(X509_CRL) *
crls_for(struct store *st, STACK_OF(X509) *certs, struct ucerr *err)
{
	STACK_OF(X509_CRL) *all = NULL, *chosen = sk_X509_CRL_new_null();
	X509_CRL *crl, *capf = NULL, *old = NULL;
	X509 *ca;
	int i, j, k, signed_by;

	if (chosen == NULL || crl_all(st, &all, err) == -1 ||
	    capf_crl_load(st, &capf, err) == -1) {
		sk_X509_CRL_free(chosen);
		sk_X509_CRL_pop_free(all, X509_CRL_free);
		return NULL;
	}
	if (capf != NULL && !sk_X509_CRL_push(all, capf))
		X509_CRL_free(capf);
	for (i = 0; i < sk_X509_CRL_num(all); i++) {
		crl = sk_X509_CRL_value(all, i);
		signed_by = 0;
		for (j = 0; j < sk_X509_num(certs) && !signed_by; j++) {
			ca = sk_X509_value(certs, j);
			signed_by = X509_NAME_cmp(X509_get_subject_name(ca),
			    X509_CRL_get_issuer(crl)) == 0 &&
			    X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1;
		}
		if (!signed_by)
			continue;
		for (k = 0; k < sk_X509_CRL_num(chosen); k++) {
			old = sk_X509_CRL_value(chosen, k);
			if (X509_NAME_cmp(X509_CRL_get_issuer(old),
			    X509_CRL_get_issuer(crl)) == 0)
				break;
		}
		if (k == sk_X509_CRL_num(chosen)) {
			if (!X509_CRL_up_ref(crl))
				continue;
			if (!sk_X509_CRL_push(chosen, crl))
				X509_CRL_free(crl);
		} else if (ASN1_TIME_compare(X509_CRL_get0_lastUpdate(crl),
		    X509_CRL_get0_lastUpdate(old)) > 0 && X509_CRL_up_ref(crl)) {
			X509_CRL_free(old);
			sk_X509_CRL_set(chosen, k, crl);
		}
	}
	sk_X509_CRL_pop_free(all, X509_CRL_free);
	return chosen;
}

/* Removes hashed names this export no longer holds. */
static int
remove_stale(const char *dir, const struct names *written, int *changed,
    struct ucerr *err)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return ucerr_set(err, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (!hashed_name(de->d_name) || names_has(written, de->d_name))
			continue;
		if (path_join(path, sizeof(path), dir, de->d_name, NULL) == 0 &&
		    unlink(path) == 0)
			(*changed)++;
	}
	closedir(d);
	return 0;
}

static int
write_hashed(struct store *st, const char *stores, const char *dir,
    struct export_counts *c, struct ucerr *err)
{
	struct certs_ctx certs;
	struct names written = { NULL, 0 };
	STACK_OF(X509_CRL) *crls = NULL;
	X509_CRL *crl;
	X509 *cert;
	char name[16];
	int i, ok, rc = -1;

	/* CAPF's CRL must be current before it is copied. */
	if (capf_crl_publish(st, clock_now(), &ok, err) == -1 ||
	    certs_of(st, stores, &certs, err) == -1)
		return -1;
	if (dir_make(dir, 0755, err) == -1 ||
	    (crls = crls_for(st, certs.certs, err)) == NULL)
		goto out;
	for (i = 0; i < certs.n; i++) {
		cert = sk_X509_value(certs.certs, i);
		next_name(&written, X509_subject_name_hash(cert), "", name,
		    sizeof(name));
		if (write_pem(dir, name, cert, NULL, &written, &c->changed,
		    err) == -1)
			goto out;
		c->certs++;
	}
	for (i = 0; i < sk_X509_CRL_num(crls); i++) {
		crl = sk_X509_CRL_value(crls, i);
		next_name(&written, X509_NAME_hash_ex(X509_CRL_get_issuer(crl),
		    NULL, NULL, &ok), "r", name, sizeof(name));
		if (write_pem(dir, name, NULL, crl, &written, &c->changed,
		    err) == -1)
			goto out;
		c->crls++;
	}
	rc = remove_stale(dir, &written, &c->changed, err);
out:
	free(written.v);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	certs_free(&certs);
	return rc;
}

void
export_identity_row(const char *purpose, struct export_row *row)
{
	memset(row, 0, sizeof(*row));
	snprintf(row->path, sizeof(row->path), "export/%s.pem", purpose);
	snprintf(row->kind, sizeof(row->kind), "identity");
	snprintf(row->what, sizeof(row->what), "%s", purpose);
}

int
export_path(struct store *st, const struct export_row *row, char *out,
    size_t outlen, struct ucerr *err)
{
	char home[4096];

	if (row->path[0] == '/') {
		if (snprintf(out, outlen, "%s", row->path) >= (int)outlen)
			return ucerr_set(err, "%s: path too long", row->path);
		return 0;
	}
	if (realpath(store_home(st), home) == NULL)
		return ucerr_set(err, "%s: %s", store_home(st), strerror(errno));
	return path_join(out, outlen, home, row->path, err);
}

static int
write_identity(struct store *st, const char *purpose, const char *pem_path,
    struct export_counts *c, struct ucerr *err)
{
	char dir[4096], key_path[4096], *slash;
	uint8_t *data;
	size_t len, n = strlen(pem_path);
	int rc;

	if (n < 4 || strcmp(pem_path + n - 4, ".pem") != 0 ||
	    n >= sizeof(key_path))
		return ucerr_set(err, "%s: not a .pem path", pem_path);
	snprintf(dir, sizeof(dir), "%s", pem_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	snprintf(key_path, sizeof(key_path), "%.*s.key", (int)(n - 4), pem_path);
	if (dir_make(dir, 0755, err) == -1)
		return -1;
	/* The key first: a server reloading between the two writes finds
	 * the old certificate with the new key and fails; the other order
	 * would too, so the reload command runs only after both. */
	if (identity_export(st, purpose, EXPORT_KEY, NULL, &data, &len,
	    err) == -1)
		return -1;
	rc = write_if_changed(key_path, data, len, 0600, &c->changed, err);
	OPENSSL_cleanse(data, len);
	free(data);
	if (rc == -1 || identity_export(st, purpose, EXPORT_CHAIN, NULL, &data,
	    &len, err) == -1)
		return -1;
	rc = write_if_changed(pem_path, data, len, 0644, &c->changed, err);
	free(data);
	c->certs = 1;
	return rc;
}

int
export_write(struct store *st, const struct export_row *row,
    struct export_counts *c, struct ucerr *err)
{
	char path[4096];
	char *buf;
	size_t len;
	int rc;

	memset(c, 0, sizeof(*c));
	if (export_path(st, row, path, sizeof(path), err) == -1)
		return -1;
	if (strcmp(row->kind, "identity") == 0) {
		if (purpose_find(row->what) == NULL)
			return ucerr_set(err, "%s: unknown purpose", row->what);
		return write_identity(st, row->what, path, c, err);
	}
	if (strcmp(row->kind, "hashed") == 0)
		return write_hashed(st, row->what, path, c, err);
	if (strcmp(row->kind, "bundle") != 0)
		return ucerr_set(err, "%s: unknown export kind %s", path, row->kind);
	if (trust_bundle(st, row->what, &buf, &len, &c->certs, err) == -1)
		return -1;
	rc = write_if_changed(path, (uint8_t *)buf, len, 0644, &c->changed, err);
	free(buf);
	return rc;
}

struct rows {
	struct export_row	*v;
	int			 n;
};

static int
collect_row(void *arg, const struct export_row *row)
{
	struct rows *r = arg;
	struct export_row *v = reallocarray(r->v, (size_t)r->n + 1, sizeof(*v));

	if (v == NULL)
		return -1;
	r->v = v;
	r->v[r->n++] = *row;
	return 0;
}

static int
run_reload(const char *cmd)
{
	int status;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);	/* ignored by the servers */
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A line for the front end; what does not fit is dropped. */
static void UC_PRINTF(2, 3)
note(struct export_refresh *r, const char *fmt, ...)
{
	size_t used = strlen(r->notes);
	va_list ap;

	if (used + 1 >= sizeof(r->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes + used, sizeof(r->notes) - used, fmt, ap);
	va_end(ap);
	used = strlen(r->notes);
	if (used + 1 < sizeof(r->notes)) {
		r->notes[used] = '\n';
		r->notes[used + 1] = '\0';
	}
}

int
exports_refresh(struct store *st, time_t now, struct export_refresh *r,
    struct ucerr *err)
{
	struct export_refresh unread;
	struct rows rows = { NULL, 0 };
	struct export_counts c;
	struct ucerr e;
	char path[4096], cmd[2048];
	int i;

	if (r == NULL)
		r = &unread;
	memset(r, 0, sizeof(*r));
	if (capf_crl_publish(st, now, &r->crl_signed, err) == -1)
		return ucerr_wrap(err, "CAPF's CRL was not published");
	if (r->crl_signed)
		note(r, "CAPF: CRL signed and published to the TFTP root");
	if (store_export_each(st, collect_row, &rows, err) != 0) {
		free(rows.v);
		return ucerr_set(err, "exports: cannot read them");
	}
	for (i = 0; i < rows.n; i++) {
		if (export_path(st, &rows.v[i], path, sizeof(path), &e) == -1 ||
		    export_write(st, &rows.v[i], &c, &e) == -1) {
			if (r->failed++ == 0)
				snprintf(r->failure, sizeof(r->failure), "%s", e.msg);
			note(r, "export: not kept current: %s", e.msg);
			continue;
		}
		if (c.changed == 0)
			continue;
		r->changed++;
		note(r, "export: %s rewritten (%d certificate(s), %d CRL(s))",
		    path, c.certs, c.crls);
	}
	free(rows.v);
	if (r->changed > 0 &&
	    export_reload_command_get(st, cmd, sizeof(cmd), NULL) == 1) {
		r->reload_run = 1;
		r->reload_status = run_reload(cmd);
		note(r, "reload command: exit %d", r->reload_status);
	}
	return 0;
}

int
export_add(struct store *st, const struct export_row *row, int once,
    struct export_counts *c, struct ucerr *err)
{
	if (export_write(st, row, c, err) == -1)
		return -1;
	return once ? 0 : store_export_put(st, row, err);
}

int
export_reload_command_set(struct store *st, const char *command,
    struct ucerr *err)
{
	return store_meta_set(st, "export.reload_command", command, err);
}

int
export_reload_command_get(struct store *st, char *out, size_t outlen,
    struct ucerr *err)
{
	int found;

	if ((found = store_meta_get(st, "export.reload_command", out, outlen,
	    err)) == -1)
		return -1;
	return found == 1 && out[0] != '\0';
}

int
export_forget(struct store *st, const char *path, struct ucerr *err)
{
	int n;

	if ((n = store_export_delete(st, path, err)) == -1)
		return -1;
	if (n == 0)
		return ucerr_set(err, "%s: not an export kept current (ucpki "
		    "config lists them)", path);
	return 0;
}
