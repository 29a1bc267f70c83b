/* tftp_files.c - what the TFTP service serves (see tftp_files.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "enccnf.h"
#include "identity.h"
#include "log.h"
#include "phone_config.h"
#include "sgn.h"
#include "store.h"
#include "store_device.h"
#include "tftp_files.h"
#include "tftp_path.h"
#include "x509.h"

#define CACHE_BUCKETS	1024

struct cache_entry {
	struct cache_entry	*hnext;		/* bucket chain */
	struct cache_entry	*newer, *older;	/* recency list */
	char			*name;
	char			 key[256];
	struct tftp_blob	*blob;
};

struct tftp_files {
	struct store		*st;
	int			 root_fd, config_fd;
	int			 capf_port, tvs_port;
	char			 node[256];
	/* The signer: CallManager, reloaded when the store's generation moves. */
	X509			*signer;
	EVP_PKEY		*signer_key;
	char			 signer_sha[65];
	int64_t			 signer_generation;
	struct cache_entry	*buckets[CACHE_BUCKETS];
	struct cache_entry	*newest, *oldest;
	size_t			 cache_bytes;
};

static const char *const kind_names[] = { "other", "itl", "ctl", "config" };

const char *
tftp_kind_name(int kind)
{
	return kind >= 0 && kind < 4 ? kind_names[kind] : "other";
}

static int
sep_prefix(const char *s, char device[64])
{
	char name[16];

	if (strncmp(s, "SEP", 3) != 0 || strlen(s) < 15)
		return 0;
	memcpy(name, s, 15);
	name[15] = '\0';
	if (!device_name_valid(name))
		return 0;
	memcpy(device, name, 16);
	return 1;
}

void
tftp_name_classify(const char *name, char device[64], int *kind)
{
	device[0] = '\0';
	*kind = TFTP_KIND_OTHER;
	if (strcmp(name, "ITLFile.tlv") == 0)
		*kind = TFTP_KIND_ITL;
	else if (strcmp(name, "CTLFile.tlv") == 0)
		*kind = TFTP_KIND_CTL;
	else if ((strncmp(name, "ITL", 3) == 0 || strncmp(name, "CTL", 3) == 0) &&
	    sep_prefix(name + 3, device) && strcmp(name + 18, ".tlv") == 0)
		*kind = name[0] == 'I' ? TFTP_KIND_ITL : TFTP_KIND_CTL;
	else if (sep_prefix(name, device) &&
	    (strcmp(name + 15, ".cnf.xml") == 0 ||
	    strcmp(name + 15, ".cnf.xml.sgn") == 0 ||
	    strcmp(name + 15, ".cnf.xml.enc.sgn") == 0))
		*kind = TFTP_KIND_CONFIG;
	else
		device[0] = '\0';
}

void
tftp_blob_release(struct tftp_blob *b)
{
	if (b == NULL || --b->refs > 0)
		return;
	free(b->data);
	free(b);
}

/* Takes data (malloc'd). */
static struct tftp_blob *
blob_new(uint8_t *data, size_t len)
{
	struct tftp_blob *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		free(data);
		return NULL;
	}
	b->refs = 1;
	b->data = data;
	b->len = len;
	sha256_hex(data != NULL ? data : (const uint8_t *)"", len, b->sha256);
	return b;
}

void
tftp_served_release(struct tftp_served *s)
{
	tftp_blob_release(s->blob);
	s->blob = NULL;
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
}

/* --- the cache: a hash of names, evicted oldest first past its bound --- */

static size_t
bucket_of(const char *name)
{
	size_t h = 5381;

	for (; *name; name++)
		h = h * 33 + (unsigned char)*name;
	return h % CACHE_BUCKETS;
}

static void
cache_unlink(struct tftp_files *f, struct cache_entry *e)
{
	struct cache_entry **pp = &f->buckets[bucket_of(e->name)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->newer)
		e->newer->older = e->older;
	else
		f->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		f->oldest = e->newer;
	f->cache_bytes -= e->blob->len + strlen(e->name);
	tftp_blob_release(e->blob);
	free(e->name);
	free(e);
}

static struct cache_entry *
cache_find(struct tftp_files *f, const char *name)
{
	struct cache_entry *e;

	for (e = f->buckets[bucket_of(name)]; e != NULL; e = e->hnext)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* A blob (with a reference for the caller) if the key still matches. */
static struct tftp_blob *
cache_get(struct tftp_files *f, const char *name, const char *key)
{
	struct cache_entry *e = cache_find(f, name);

	if (e == NULL)
		return NULL;
	if (strcmp(e->key, key) != 0) {
		cache_unlink(f, e);
		return NULL;
	}
	e->blob->refs++;
	return e->blob;
}

static void
cache_put(struct tftp_files *f, const char *name, const char *key,
    struct tftp_blob *b)
{
	struct cache_entry *e;

	if ((e = cache_find(f, name)) != NULL)
		cache_unlink(f, e);
	if (b->len > TFTP_CACHE_MAX_BYTES / 4 ||
	    (e = calloc(1, sizeof(*e))) == NULL)
		return;
	if ((e->name = strdup(name)) == NULL) {
		free(e);
		return;
	}
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->blob = b;
	b->refs++;
	e->hnext = f->buckets[bucket_of(name)];
	f->buckets[bucket_of(name)] = e;
	e->older = f->newest;
	if (f->newest)
		f->newest->newer = e;
	f->newest = e;
	if (f->oldest == NULL)
		f->oldest = e;
	f->cache_bytes += b->len + strlen(name);
	while (f->cache_bytes > TFTP_CACHE_MAX_BYTES && f->oldest != e)
		cache_unlink(f, f->oldest);
}

/* --- opening --- */

static int
open_dir(const char *path, const char *what, struct ucerr *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		ucerr_set(err, "%s %s: %s", what, path, strerror(errno));
	return fd;
}

struct tftp_files *
tftp_files_open(const struct tftp_files_config *c, struct store *st,
    struct ucerr *err)
{
	struct tftp_files *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		ucerr_set(err, "out of memory");
		return NULL;
	}
	f->st = st;
	f->config_fd = -1;
	f->capf_port = c->capf_port;
	f->tvs_port = c->tvs_port;
	f->signer_generation = -1;
	snprintf(f->node, sizeof(f->node), "%s", store_node_self(st));
	if ((f->root_fd = open_dir(c->root, "TFTP root", err)) == -1 ||
	    (f->config_fd = open_dir(c->config_dir, "configuration folder",
	    err)) == -1) {
		tftp_files_close(f);
		return NULL;
	}
	return f;
}

void
tftp_files_close(struct tftp_files *f)
{
	if (f == NULL)
		return;
	while (f->oldest != NULL)
		cache_unlink(f, f->oldest);
	if (f->root_fd > 0)
		close(f->root_fd);
	if (f->config_fd > 0)
		close(f->config_fd);
	X509_free(f->signer);
	EVP_PKEY_free(f->signer_key);
	free(f);
}

static int
signer_current(struct tftp_files *f, struct ucerr *err)
{
	int64_t generation = store_generation(f->st);
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;

	if (f->signer != NULL && generation == f->signer_generation)
		return 0;
	if (identity_load(f->st, "CallManager", &cert, &key, err) == -1)
		return ucerr_wrap(err, "signer (CallManager, the TFTP role)");
	X509_free(f->signer);
	EVP_PKEY_free(f->signer_key);
	f->signer = cert;
	f->signer_key = key;
	cert_sha256_hex(cert, f->signer_sha);
	f->signer_generation = generation;
	return 0;
}

static int
read_all(int fd, const struct stat *sb, const char *name, uint8_t **out,
    size_t *len, struct ucerr *err)
{
	size_t size = (size_t)sb->st_size, done = 0;
	uint8_t *data;
	ssize_t n;

	*out = NULL;
	if ((data = malloc(size > 0 ? size : 1)) == NULL)
		return ucerr_set(err, "%s: out of memory", name);
	while (done < size) {
		n = pread(fd, data + done, size - done, (off_t)done);
		if (n <= 0) {
			free(data);
			return ucerr_set(err, "%s: %s", name, n == 0 ?
			    "shorter than its size" : strerror(errno));
		}
		done += (size_t)n;
	}
	*out = data;
	*len = size;
	return 0;
}

static void
stat_key(char *out, size_t outlen, const char *what, const struct stat *sb)
{
	snprintf(out, outlen, "%s:%lu:%lu:%lld:%lld.%09ld", what,
	    (unsigned long)sb->st_dev, (unsigned long)sb->st_ino,
	    (long long)sb->st_size, (long long)sb->st_mtim.tv_sec,
	    sb->st_mtim.tv_nsec);
}

static int
serve_root(struct tftp_files *f, const char *name, int fd,
    const struct stat *sb, struct tftp_served *out, struct ucerr *err)
{
	char key[256], cname[TFTP_PATH_MAX + 8];
	uint8_t *data;
	size_t len;

	out->size = (uint64_t)sb->st_size;
	if ((size_t)sb->st_size > TFTP_BLOB_MAX) {
		/* Firmware: sent from the file, not hashed. */
		out->fd = fd;
		return 1;
	}
	stat_key(key, sizeof(key), "root", sb);
	snprintf(cname, sizeof(cname), "r/%s", name);
	if ((out->blob = cache_get(f, cname, key)) == NULL) {
		if (read_all(fd, sb, name, &data, &len, err) == -1) {
			close(fd);
			return -1;
		}
		if ((out->blob = blob_new(data, len)) == NULL) {
			close(fd);
			return ucerr_set(err, "%s: out of memory", name);
		}
		cache_put(f, cname, key, out->blob);
	}
	close(fd);
	return 1;
}

/* A configuration's cached copy whatever it was built from: 1 when held. */
static int
cached_as_last(struct tftp_files *f, const char *name, struct tftp_served *out,
    const struct ucerr *why)
{
	char cname[TFTP_PATH_MAX + 8];
	struct cache_entry *e;

	snprintf(cname, sizeof(cname), "c/%s", name);
	if ((e = cache_find(f, cname)) == NULL)
		return 0;
	log_once(LOG_LEVEL_WARN, "tftp: served from memory", "tftp: the "
	    "store cannot be read (%s): configuration files are served as "
	    "last built", why->msg);
	e->blob->refs++;
	out->blob = e->blob;
	out->size = e->blob->len;
	return 1;
}

enum variant { PLAIN, SIGNED, ENCRYPTED };

/* What a device's configuration depends on besides its source. */
struct device_view {
	int		 found;
	struct device	 d;
	const uint8_t	*cert_der;	/* LSC, else MIC; may be NULL */
	size_t		 cert_len;
	X509		*cert;		/* parsed only to build a file */
	char		 cert_sha[65];
};

static void
device_view_free(struct device_view *v)
{
	if (v->found)
		device_free(&v->d);
	X509_free(v->cert);
}

static int
device_view_load(struct tftp_files *f, const char *device,
    struct device_view *v, struct ucerr *err)
{
	memset(v, 0, sizeof(*v));
	if ((v->found = store_device_get(f->st, device, &v->d, err)) == -1)
		return -1;
	if (!v->found)
		return 0;
	if (v->d.lsc_der != NULL) {
		v->cert_der = v->d.lsc_der;
		v->cert_len = v->d.lsc_len;
	} else if (v->d.mic_der != NULL) {
		v->cert_der = v->d.mic_der;
		v->cert_len = v->d.mic_len;
	}
	/* The certificate's SHA-256 is that of its DER: no parsing for a
	 * cache hit. */
	if (v->cert_der != NULL)
		sha256_hex(v->cert_der, v->cert_len, v->cert_sha);
	return 0;
}

static int
device_view_cert(struct device_view *v, struct ucerr *err)
{
	if (v->cert != NULL || v->cert_der == NULL)
		return 0;
	return cert_from_der(v->cert_der, v->cert_len, &v->cert, err);
}

static void
signed_params(struct tftp_files *f, const char *file_name,
    struct sigfile_params *p)
{
	memset(p, 0, sizeof(*p));
	p->version_major = 1;
	p->version_minor = 0;
	p->hash_alg = SIG_HASH_SHA1;
	p->filename = file_name;
	p->signer = f->signer;
	p->key = f->signer_key;
}

/* Encrypts the merged configuration: caches the .enc.sgn and the stub. */
static int
encrypt_both(struct tftp_files *f, const char *base, const char *key,
    const uint8_t *xml, size_t xml_len, X509 *cert, enum variant want,
    struct tftp_blob **out, struct ucerr *err)
{
	struct sigfile_params p;
	struct enccnf_out enc;
	struct tftp_blob *enc_blob, *stub_blob;
	char cname[TFTP_PATH_MAX + 16];

	signed_params(f, base, &p);
	if (enccnf_encrypt(xml, xml_len, base, cert, &p, &enc, err) == -1)
		return ucerr_wrap(err, "%s", base);
	enc_blob = blob_new(enc.enc, enc.enc_len);
	stub_blob = blob_new(enc.stub, enc.stub_len);
	if (enc_blob == NULL || stub_blob == NULL) {
		tftp_blob_release(enc_blob);
		tftp_blob_release(stub_blob);
		return ucerr_set(err, "%s: out of memory", base);
	}
	snprintf(cname, sizeof(cname), "c/%s.enc.sgn", base);
	cache_put(f, cname, key, enc_blob);
	snprintf(cname, sizeof(cname), "c/%s.sgn", base);
	cache_put(f, cname, key, stub_blob);
	if (want == ENCRYPTED) {
		*out = enc_blob;
		tftp_blob_release(stub_blob);
	} else {
		*out = stub_blob;
		tftp_blob_release(enc_blob);
	}
	return 0;
}

/* Builds what name asks for from the source bytes (taken). */
static int
generate(struct tftp_files *f, const char *name, const char *base,
    enum variant variant, struct device_view *v, int device_config,
    uint8_t *src, size_t src_len, const char *key, struct tftp_blob **out,
    struct ucerr *err)
{
	struct phone_security sec;
	struct sigfile_params p;
	uint8_t *body = src, *merged = NULL, *signed_data;
	size_t body_len = src_len, merged_len, signed_len;
	int rc = -1;

	*out = NULL;
	if (device_config) {
		phone_security_for(v->found ? &v->d : NULL, v->cert, f->node,
		    f->capf_port, f->tvs_port, &sec);
		/* In a cluster: every node's TVS, the publisher's CAPF. */
		if (cluster_phone_endpoints(f->st, f->capf_port, f->tvs_port,
		    &sec, err) == -1)
			goto out;
		if (phone_config_merge(src, src_len, base, &sec, &merged,
		    &merged_len, err) == -1)
			goto out;
		body = merged;
		body_len = merged_len;
		if (sec.encr_config && variant != PLAIN) {
			rc = encrypt_both(f, base, key, body, body_len, v->cert,
			    variant, out, err);
			goto out;
		}
	}
	if (variant == SIGNED) {
		signed_params(f, name, &p);
		if (sgn_sign(body, body_len, &p, &signed_data, &signed_len,
		    err) == -1) {
			ucerr_wrap(err, "%s", name);
			goto out;
		}
		*out = blob_new(signed_data, signed_len);
	} else {
		*out = blob_new(body, body_len);
		if (body == src)
			src = NULL;
		else
			merged = NULL;
	}
	rc = *out != NULL ? 0 : ucerr_set(err, "%s: out of memory", name);
out:
	free(src);
	free(merged);
	return rc;
}

static int
serve_config(struct tftp_files *f, const char *name, struct tftp_served *out,
    struct ucerr *err)
{
	struct device_view v;
	enum variant variant = PLAIN;
	char base[TFTP_PATH_MAX + 1], key[256], skey[160];
	char cname[TFTP_PATH_MAX + 8];
	size_t len = strlen(name), src_len;
	uint8_t *src;
	struct stat sb;
	int fd, found, device_config, rc = -1;

	snprintf(base, sizeof(base), "%s", name);
	if (len > 8 && strcmp(name + len - 8, ".enc.sgn") == 0) {
		variant = ENCRYPTED;
		base[len - 8] = '\0';
	} else if (len > 4 && strcmp(name + len - 4, ".sgn") == 0) {
		variant = SIGNED;
		base[len - 4] = '\0';
	}
	if ((found = tftp_open_beneath(f->config_fd, base, &fd, &sb, err)) != 1) {
		out->refused = found == -1;
		return found;
	}
	device_config = out->kind == TFTP_KIND_CONFIG && out->device[0] != '\0';
	memset(&v, 0, sizeof(v));
	if ((size_t)sb.st_size > TFTP_BLOB_MAX) {
		ucerr_set(err, "%s: larger than %u bytes: not served from the "
		    "configuration folder", base, TFTP_BLOB_MAX);
		goto out;
	}
	if (signer_current(f, err) == -1 ||
	    (device_config && device_view_load(f, out->device, &v, err) == -1)) {
		/* The store unreadable (the database down): the file as last
		 * served, if it is still held. */
		if (cached_as_last(f, name, out, err) == 1)
			rc = 1;
		goto out;
	}
	if (device_config && v.found && v.d.encrypted_config &&
	    v.cert_der == NULL) {
		/* Never the plaintext of a configuration meant encrypted. */
		log_warn("tftp: %s: encrypted configuration is on, but no LSC or "
		    "MIC of %s is known: not served (enroll it through CAPF)",
		    name, out->device);
		rc = 0;
		goto out;
	}
	if (device_config && v.found && v.d.encrypted_config &&
	    variant == PLAIN) {
		rc = 0;
		goto out;
	}
	if (variant == ENCRYPTED && !(device_config && v.found &&
	    v.d.encrypted_config)) {
		rc = 0;
		goto out;
	}
	stat_key(skey, sizeof(skey), "cfg", &sb);
	snprintf(key, sizeof(key), "%s:%s:%s:%d:%d:%d:%d", skey, f->signer_sha,
	    v.cert_sha, v.found ? v.d.security_mode : 0,
	    v.found ? v.d.encrypted_config : 0, v.found ? v.d.auth_mode : -1,
	    v.found ? v.d.operation : -1);
	snprintf(cname, sizeof(cname), "c/%s", name);
	if ((out->blob = cache_get(f, cname, key)) == NULL) {
		if (device_view_cert(&v, err) == -1 ||
		    read_all(fd, &sb, base, &src, &src_len, err) == -1 ||
		    generate(f, name, base, variant, &v, device_config, src,
		    src_len, key, &out->blob, err) == -1)
			goto out;
		if (variant != ENCRYPTED && !(device_config && v.found &&
		    v.d.encrypted_config))
			cache_put(f, cname, key, out->blob);
	}
	out->size = out->blob->len;
	rc = 1;
out:
	close(fd);
	device_view_free(&v);
	return rc;
}

int
tftp_files_get(struct tftp_files *f, const char *name, struct tftp_served *out,
    struct ucerr *err)
{
	struct stat sb;
	int fd, found;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	tftp_name_classify(name, out->device, &out->kind);
	if ((found = tftp_open_beneath(f->root_fd, name, &fd, &sb, err)) == 1)
		return serve_root(f, name, fd, &sb, out, err);
	if (found == -1) {
		out->refused = 1;
		return -1;
	}
	return serve_config(f, name, out, err);
}
