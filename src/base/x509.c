/* x509.c - shared OpenSSL helpers (see x509.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "buf.h"
#include "fileio.h"
#include "text.h"
#include "x509.h"

int
key_spec_parse(const char *name, struct key_spec *spec, struct ucerr *err)
{
	static const struct { const char *name; int is_ec, bits; } known[] = {
		{ "rsa512", 0, 512 }, { "rsa1024", 0, 1024 },
		{ "rsa2048", 0, 2048 },
		{ "rsa3072", 0, 3072 }, { "rsa4096", 0, 4096 },
		{ "ec256", 1, 256 }, { "ec384", 1, 384 }, { "ec521", 1, 521 },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(name, known[i].name) == 0) {
			spec->is_ec = known[i].is_ec;
			spec->bits = known[i].bits;
			return 0;
		}
	}
	return ucerr_set(err, "key: unknown key type '%s' (rsa1024, rsa2048, "
	    "rsa3072, rsa4096, ec256, ec384, ec521)", name);
}

void
key_spec_name(const struct key_spec *spec, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%d", spec->is_ec ? "ec" : "rsa", spec->bits);
}

static const char *
curve_name(int bits)
{
	switch (bits) {
	case 256: return "P-256";
	case 384: return "P-384";
	case 521: return "P-521";
	default: return NULL;
	}
}

int
key_generate(const struct key_spec *spec, EVP_PKEY **out, struct ucerr *err)
{
	const char *curve;

	*out = NULL;
	if (spec->is_ec) {
		if ((curve = curve_name(spec->bits)) == NULL)
			return ucerr_set(err, "key: no EC curve of %d bits", spec->bits);
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	} else {
		if (spec->bits < 512 || spec->bits > 8192)
			return ucerr_set(err, "key: RSA size %d out of range",
			    spec->bits);
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)spec->bits);
	}
	if (*out == NULL)
		return ucerr_ssl(err, "key: generation failed");
	return 0;
}

void
key_describe(EVP_PKEY *key, char *type, size_t typelen, int *bits)
{
	int id = EVP_PKEY_get_base_id(key);

	snprintf(type, typelen, "%s", id == EVP_PKEY_RSA ? "RSA" :
	    id == EVP_PKEY_EC ? "EC" : "other");
	*bits = EVP_PKEY_get_bits(key);
}

int
digest_parse(const char *name, const EVP_MD **md, struct ucerr *err)
{
	if (strcmp(name, "sha1") == 0)
		*md = EVP_sha1();
	else if (strcmp(name, "sha256") == 0)
		*md = EVP_sha256();
	else if (strcmp(name, "sha384") == 0)
		*md = EVP_sha384();
	else if (strcmp(name, "sha512") == 0)
		*md = EVP_sha512();
	else
		return ucerr_set(err, "digest: unknown hash '%s' (sha1, sha256, "
		    "sha384, sha512)", name);
	return 0;
}

static int
name_add(X509_NAME *name, const char *field, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return 0;
	if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
	    (const unsigned char *)value, -1, -1, 0))
		return -1;
	return 0;
}

static X509_NAME *
dn_build(const struct dn_fields *f, struct ucerr *err)
{
	X509_NAME *name = X509_NAME_new();

	if (name == NULL || name_add(name, "CN", f->cn) == -1 ||
	    name_add(name, "OU", f->ou) == -1 || name_add(name, "O", f->o) == -1 ||
	    name_add(name, "L", f->l) == -1 || name_add(name, "ST", f->st) == -1 ||
	    name_add(name, "C", f->c) == -1) {
		X509_NAME_free(name);
		ucerr_ssl(err, "subject: bad name field (CN '%s')",
		    f->cn ? f->cn : "");
		return NULL;
	}
	return name;
}

/* The extensions each profile carries (the seeds' CA requirements). */
static const struct {
	const char *basic, *key_usage, *ext_key_usage;
} profile_ext[] = {
	[PROFILE_SERVER] = { "critical,CA:FALSE",
	    "critical,digitalSignature,keyEncipherment,dataEncipherment",
	    "serverAuth,clientAuth" },
	[PROFILE_CA] = { "critical,CA:TRUE",
	    "critical,digitalSignature,keyEncipherment,dataEncipherment,"
	    "keyCertSign,cRLSign",
	    "serverAuth,clientAuth" },
	[PROFILE_LSC] = { "critical,CA:FALSE",
	    "critical,digitalSignature,keyEncipherment",
	    "serverAuth,clientAuth,ipsecEndSystem" },
};

static int
add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext;
	int ok;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static int
random_serial(X509 *cert)
{
	unsigned char bytes[16];
	BIGNUM *bn = NULL;
	int rc = -1;

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return -1;
	bytes[0] &= 0x7f;	/* positive */
	bytes[0] |= 0x40;	/* always 16 bytes long */
	if ((bn = BN_bin2bn(bytes, sizeof(bytes), NULL)) == NULL)
		return -1;
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL)
		rc = 0;
	BN_free(bn);
	return rc;
}

/* One DER element: tag, definite length (short or 1-2 byte long form). */
static int
der_element(struct reader *r, uint8_t *tag, struct reader *value)
{
	uint8_t b0, b1, b2;
	size_t len;

	GUARD(reader_u8(r, tag));
	GUARD(reader_u8(r, &b0));
	if (b0 < 0x80) {
		len = b0;
	} else if (b0 == 0x81) {
		GUARD(reader_u8(r, &b1));
		len = b1;
	} else if (b0 == 0x82) {
		GUARD(reader_u8(r, &b1));
		GUARD(reader_u8(r, &b2));
		len = (size_t)b1 << 8 | b2;
	} else {
		return -1;
	}
	return reader_sub(r, len, value);
}

/*
 * Sets the certificate's key from SubjectPublicKeyInfo DER without
 * decoding it: OpenSSL 3.0 spends hundreds of microseconds in its key
 * decoders and encoders, more than the rest of issuing an LSC.
 */
static int
set_spki(X509 *cert, const uint8_t *der, size_t len)
{
	struct reader r, spki, alg_der, bits;
	const unsigned char *p;
	X509_ALGOR *alg = NULL;
	ASN1_OBJECT *obj;
	const void *pval;
	void *param = NULL;
	unsigned char *copy = NULL;
	uint8_t tag, unused;
	int ptype, rc = -1;

	reader_init(&r, der, len);
	if (der_element(&r, &tag, &spki) == -1 || tag != 0x30 ||
	    reader_left(&r) != 0)
		return -1;
	alg_der = spki;
	if (der_element(&spki, &tag, &bits) == -1 || tag != 0x30)
		return -1;
	alg_der.len = spki.pos;		/* the AlgorithmIdentifier element */
	if (der_element(&spki, &tag, &bits) == -1 || tag != 0x03 ||
	    reader_left(&spki) != 0 || reader_u8(&bits, &unused) == -1 ||
	    unused != 0)
		return -1;
	p = alg_der.data;
	if ((alg = d2i_X509_ALGOR(NULL, &p, (long)alg_der.len)) == NULL)
		return -1;
	X509_ALGOR_get0((const ASN1_OBJECT **)&obj, &ptype, &pval, alg);
	if (ptype == V_ASN1_SEQUENCE)
		param = ASN1_STRING_dup(pval);
	else if (ptype == V_ASN1_OBJECT)
		param = OBJ_dup(pval);
	else
		ptype = V_ASN1_NULL;
	if ((copy = OPENSSL_memdup(bits.data + bits.pos, reader_left(&bits))) ==
	    NULL && reader_left(&bits) > 0)
		goto out;
	if (X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert), OBJ_dup(obj),
	    ptype, param, copy, (int)reader_left(&bits)) == 1) {
		copy = NULL;
		param = NULL;
		rc = 0;
	}
out:
	OPENSSL_free(copy);
	if (param != NULL && ptype == V_ASN1_SEQUENCE)
		ASN1_STRING_free(param);
	else if (param != NULL)
		ASN1_OBJECT_free(param);
	X509_ALGOR_free(alg);
	return rc;
}

int
cert_build(const struct cert_template *t, EVP_PKEY *pubkey, X509 *issuer,
    EVP_PKEY *issuer_key, X509 **out, struct ucerr *err)
{
	X509 *cert = NULL;
	X509_NAME *subject = NULL;
	X509V3_CTX ctx;
	time_t start = t->not_before ? t->not_before : clock_now();
	const EVP_MD *md = t->md ? t->md : EVP_sha256();
	int rc = -1;

	*out = NULL;
	if ((subject = dn_build(&t->subject, err)) == NULL)
		return -1;
	if ((cert = X509_new()) == NULL || !X509_set_version(cert, 2) ||
	    random_serial(cert) == -1 || !X509_set_subject_name(cert, subject) ||
	    !X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) :
	    subject) ||
	    (t->spki_der != NULL ? set_spki(cert, t->spki_der, t->spki_len) == -1 :
	    !X509_set_pubkey(cert, pubkey)) ||
	    X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0, &start) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), (int)t->days, 0,
	    &start) == NULL) {
		ucerr_ssl(err, "certificate %s: cannot set fields", t->subject.cn);
		goto out;
	}
	X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, NULL, NULL, 0);
	if (add_ext(cert, &ctx, NID_basic_constraints,
	    profile_ext[t->profile].basic) == -1 ||
	    add_ext(cert, &ctx, NID_key_usage,
	    profile_ext[t->profile].key_usage) == -1 ||
	    add_ext(cert, &ctx, NID_ext_key_usage,
	    profile_ext[t->profile].ext_key_usage) == -1 ||
	    add_ext(cert, &ctx, NID_subject_key_identifier, "hash") == -1 ||
	    add_ext(cert, &ctx, NID_authority_key_identifier, "keyid") == -1) {
		ucerr_ssl(err, "certificate %s: cannot add extensions",
		    t->subject.cn);
		goto out;
	}
	if (t->san != NULL && t->san[0] != '\0' &&
	    add_ext(cert, &ctx, NID_subject_alt_name, t->san) == -1) {
		ucerr_ssl(err, "certificate %s: bad subjectAltName '%s'",
		    t->subject.cn, t->san);
		goto out;
	}
	if (X509_sign(cert, issuer_key, md) <= 0) {
		ucerr_ssl(err, "certificate %s: signing failed", t->subject.cn);
		goto out;
	}
	*out = cert;
	cert = NULL;
	rc = 0;
out:
	X509_free(cert);
	X509_NAME_free(subject);
	return rc;
}

int
csr_build(const struct cert_template *t, EVP_PKEY *key, X509_REQ **out,
    struct ucerr *err)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	X509_EXTENSION *ext;
	X509_REQ *req = NULL;
	X509_NAME *subject = NULL;
	X509V3_CTX ctx;
	const char *values[4];
	int nids[4] = { NID_basic_constraints, NID_key_usage, NID_ext_key_usage,
	    NID_subject_alt_name };
	int i, rc = -1;

	*out = NULL;
	values[0] = profile_ext[t->profile].basic;
	values[1] = profile_ext[t->profile].key_usage;
	values[2] = profile_ext[t->profile].ext_key_usage;
	values[3] = t->san;
	if ((subject = dn_build(&t->subject, err)) == NULL)
		return -1;
	if ((req = X509_REQ_new()) == NULL || !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, subject) ||
	    !X509_REQ_set_pubkey(req, key) ||
	    (exts = sk_X509_EXTENSION_new_null()) == NULL) {
		ucerr_ssl(err, "CSR %s: cannot set fields", t->subject.cn);
		goto out;
	}
	X509V3_set_ctx(&ctx, NULL, NULL, req, NULL, 0);
	for (i = 0; i < 4; i++) {
		if (values[i] == NULL || values[i][0] == '\0')
			continue;
		if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nids[i],
		    values[i])) == NULL) {
			ucerr_ssl(err, "CSR %s: bad extension '%s'",
			    t->subject.cn, values[i]);
			goto out;
		}
		if (!sk_X509_EXTENSION_push(exts, ext)) {
			X509_EXTENSION_free(ext);
			goto out;
		}
	}
	if (!X509_REQ_add_extensions(req, exts) ||
	    X509_REQ_sign(req, key, t->md ? t->md : EVP_sha256()) <= 0) {
		ucerr_ssl(err, "CSR %s: signing failed", t->subject.cn);
		goto out;
	}
	*out = req;
	req = NULL;
	rc = 0;
out:
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	X509_NAME_free(subject);
	return rc;
}

int
cert_from_der(const uint8_t *der, size_t len, X509 **out, struct ucerr *err)
{
	const unsigned char *p = der;

	if (len > 0x7fffffff)
		return ucerr_set(err, "certificate: too large");
	*out = d2i_X509(NULL, &p, (long)len);
	if (*out == NULL)
		return ucerr_ssl(err, "certificate: not a DER X.509 certificate");
	if (p != der + len) {
		X509_free(*out);
		*out = NULL;
		return ucerr_set(err, "certificate: %zu trailing bytes after DER",
		    (size_t)(der + len - p));
	}
	return 0;
}

int
cert_to_der(X509 *cert, uint8_t **der, size_t *len, struct ucerr *err)
{
	unsigned char *buf = NULL;
	int n = i2d_X509(cert, &buf);

	if (n <= 0)
		return ucerr_ssl(err, "certificate: cannot encode DER");
	*der = buf;
	*len = (size_t)n;
	return 0;
}

/* Does the text contain this PEM header? (memmem on untrusted bytes) */
static int
has_marker(const uint8_t *data, size_t len, const char *marker)
{
	return memmem(data, len, marker, strlen(marker)) != NULL;
}

/* Plausibly DER: starts with a SEQUENCE tag, as certificates and PKCS#7 do. */
static int
looks_like_der(const uint8_t *data, size_t len)
{
	return len >= 2 && data[0] == 0x30;
}

static int
certs_from_pkcs7_der(const uint8_t *data, size_t len, STACK_OF(X509) **out,
    struct ucerr *err)
{
	const unsigned char *p = data;
	STACK_OF(X509) *certs = NULL, *all;
	PKCS7 *p7;
	int i, rc = -1;

	if ((p7 = d2i_PKCS7(NULL, &p, (long)len)) == NULL) {
		/* Random bytes are "not a certificate"; a SEQUENCE that
		 * breaks off is a damaged one, and saying so helps. */
		if (!looks_like_der(data, len)) {
			ERR_clear_error();
			return ucerr_set(err, "not a PEM or DER certificate");
		}
		return ucerr_ssl(err, "not a PEM or DER certificate");
	}
	if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL ||
	    (all = p7->d.sign->cert) == NULL || sk_X509_num(all) == 0) {
		ucerr_set(err, "PKCS#7: holds no certificates");
		goto out;
	}
	if ((certs = sk_X509_new_null()) == NULL)
		goto out;
	for (i = 0; i < sk_X509_num(all); i++) {
		if (!sk_X509_push(certs, X509_dup(sk_X509_value(all, i))))
			goto out;
	}
	*out = certs;
	certs = NULL;
	rc = 0;
out:
	sk_X509_pop_free(certs, X509_free);
	PKCS7_free(p7);
	return rc;
}

/* Did PEM reading stop at the end of the text, not on a damaged block? */
static int
pem_clean_end(void)
{
	unsigned long code = ERR_peek_last_error();

	return code == 0 || (ERR_GET_LIB(code) == ERR_LIB_PEM &&
	    ERR_GET_REASON(code) == PEM_R_NO_START_LINE);
}

int
certs_parse(const uint8_t *data, size_t len, STACK_OF(X509) **out,
    struct ucerr *err)
{
	STACK_OF(X509) *certs = NULL;
	X509 *cert;
	BIO *bio = NULL;
	int rc = -1;

	*out = NULL;
	if (len == 0)
		return ucerr_set(err, "file is empty");
	if (len > 0x7fffffff)
		return ucerr_set(err, "file too large");
	if (has_marker(data, len, "-----BEGIN PKCS7-----") ||
	    has_marker(data, len, "-----BEGIN CERTIFICATE CHAIN") ||
	    (has_marker(data, len, "-----BEGIN") &&
	    has_marker(data, len, "PKCS7")))
		return ucerr_set(err, "PEM-encoded PKCS#7 is not supported; "
		    "upload the chain as DER PKCS#7 (.p7b) or as PEM "
		    "certificates");
	if (!has_marker(data, len, "-----BEGIN")) {
		if (cert_from_der(data, len, &cert, NULL) == 0) {
			if ((certs = sk_X509_new_null()) == NULL ||
			    !sk_X509_push(certs, cert)) {
				X509_free(cert);
				goto out;
			}
			*out = certs;
			return 0;
		}
		ERR_clear_error();
		return certs_from_pkcs7_der(data, len, out, err);
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL ||
	    (certs = sk_X509_new_null()) == NULL)
		goto out;
	ERR_clear_error();
	while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(certs, cert)) {
			X509_free(cert);
			goto out;
		}
	}
	/* A damaged block is refused, not skipped: a bundle that silently
	 * loses its second certificate is worse than no bundle. */
	if (!pem_clean_end()) {
		if (sk_X509_num(certs) == 0)
			ucerr_ssl(err, "damaged PEM");
		else
			ucerr_ssl(err, "damaged PEM after certificate %d",
			    sk_X509_num(certs));
		goto out;
	}
	ERR_clear_error();
	if (sk_X509_num(certs) == 0) {
		ucerr_set(err, "no PEM certificate found");
		goto out;
	}
	*out = certs;
	certs = NULL;
	rc = 0;
out:
	if (rc == -1 && err != NULL && err->msg[0] == '\0')
		ucerr_set(err, "out of memory");
	ERR_clear_error();
	sk_X509_pop_free(certs, X509_free);
	BIO_free(bio);
	return rc;
}

int
certs_load_file(const char *path, STACK_OF(X509) **out, struct ucerr *err)
{
	uint8_t *data;
	size_t len;
	int rc;

	if (file_read(path, FILE_READ_MAX, &data, &len, err) == -1)
		return -1;
	rc = certs_parse(data, len, out, err);
	free(data);
	if (rc == -1)
		return ucerr_wrap(err, "%s", path);
	return 0;
}

int
key_parse_pem(const uint8_t *data, size_t len, EVP_PKEY **out,
    struct ucerr *err)
{
	BIO *bio;

	*out = NULL;
	if (len > 0x7fffffff)
		return ucerr_set(err, "key: file too large");
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
		return ucerr_set(err, "key: out of memory");
	/* An empty passphrase callback: encrypted keys fail, never prompt. */
	*out = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	BIO_free(bio);
	if (*out != NULL) {
		ERR_clear_error();
		return 0;
	}
	/* OpenSSL 3's decoder says "unsupported" for every failure; the
	 * PEM headers tell the cases apart. */
	if (has_marker(data, len, "-----BEGIN ENCRYPTED PRIVATE KEY") ||
	    has_marker(data, len, "Proc-Type: 4,ENCRYPTED")) {
		ERR_clear_error();
		return ucerr_set(err, "the private key is encrypted; give it "
		    "unencrypted");
	}
	if (!has_marker(data, len, "PRIVATE KEY-----")) {
		ERR_clear_error();
		return ucerr_set(err, "no PEM private key found");
	}
	return ucerr_ssl(err, "the PEM private key is damaged or truncated");
}

int
key_load_file(const char *path, EVP_PKEY **out, struct ucerr *err)
{
	uint8_t *data;
	size_t len;
	int rc;

	if (file_read(path, FILE_READ_MAX, &data, &len, err) == -1)
		return -1;
	rc = key_parse_pem(data, len, out, err);
	OPENSSL_cleanse(data, len);
	free(data);
	if (rc == -1)
		return ucerr_wrap(err, "%s", path);
	return 0;
}

int
csr_load_file(const char *path, X509_REQ **out, struct ucerr *err)
{
	const unsigned char *p;
	X509_REQ *req = NULL;
	uint8_t *data;
	size_t len;
	BIO *bio;

	*out = NULL;
	if (file_read(path, FILE_READ_MAX, &data, &len, err) == -1)
		return -1;
	if (len <= 0x7fffffff &&
	    (bio = BIO_new_mem_buf(data, (int)len)) != NULL) {
		req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	if (req == NULL) {
		p = data;
		req = d2i_X509_REQ(NULL, &p, (long)len);
	}
	free(data);
	ERR_clear_error();
	if (req == NULL)
		return ucerr_set(err, "%s: not a PEM or DER CSR", path);
	*out = req;
	return 0;
}

int
x509_store_from_certs(STACK_OF(X509) *certs, X509_STORE **out,
    struct ucerr *err)
{
	X509_STORE *xs;
	int i;

	if ((xs = X509_STORE_new()) == NULL)
		return ucerr_set(err, "X509_STORE: out of memory");
	for (i = 0; i < sk_X509_num(certs); i++)
		X509_STORE_add_cert(xs, sk_X509_value(certs, i));
	*out = xs;
	return 0;
}

int
ca_file_store(const char *path, X509_STORE **out, int *n, struct ucerr *err)
{
	STACK_OF(X509) *cas;
	int rc;

	*out = NULL;
	if (certs_load_file(path, &cas, err) == -1)
		return -1;
	if (n != NULL)
		*n = sk_X509_num(cas);
	rc = x509_store_from_certs(cas, out, err);
	sk_X509_pop_free(cas, X509_free);
	return rc;
}

int
cert_key_load_file(const char *path, X509 **cert, EVP_PKEY **key,
    struct ucerr *err)
{
	STACK_OF(X509) *certs;
	struct ucerr why;

	*cert = NULL;
	if (certs_load_file(path, &certs, err) == -1)
		return -1;
	*cert = X509_dup(sk_X509_value(certs, 0));
	sk_X509_pop_free(certs, X509_free);
	if (*cert == NULL)
		return ucerr_set(err, "%s: out of memory", path);
	if (key == NULL)
		return 0;
	if (key_load_file(path, key, &why) == -1) {
		X509_free(*cert);
		*cert = NULL;
		/* Keep the reason (encrypted, damaged, absent), add the rule. */
		return ucerr_set(err, "%s (the certificate's private key "
		    "must be in the same file)", why.msg);
	}
	if (!cert_matches_key(*cert, *key)) {
		X509_free(*cert);
		EVP_PKEY_free(*key);
		*cert = NULL;
		*key = NULL;
		return ucerr_set(err, "%s: the certificate does not match "
		    "the key", path);
	}
	return 0;
}

static int
bio_take(BIO *bio, char **out, size_t *len)
{
	char *mem;
	long n = BIO_get_mem_data(bio, &mem);

	if (n <= 0 || (*out = malloc((size_t)n + 1)) == NULL)
		return -1;
	memcpy(*out, mem, (size_t)n);
	(*out)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

int
key_write_file(const char *path, EVP_PKEY *key, struct ucerr *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem = NULL;
	size_t len = 0;
	int rc = -1;

	if (bio == NULL || !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0,
	    NULL, NULL) || bio_take(bio, &pem, &len) == -1) {
		ucerr_ssl(err, "%s: cannot encode key", path);
		goto out;
	}
	rc = file_write_atomic(path, pem, len, 0600, err);
out:
	if (pem != NULL) {
		OPENSSL_cleanse(pem, len);
		free(pem);
	}
	BIO_free_all(bio);
	return rc;
}

int
cert_to_pem(X509 *cert, char **pem, size_t *len, struct ucerr *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int rc = 0;

	if (bio == NULL || !PEM_write_bio_X509(bio, cert) ||
	    bio_take(bio, pem, len) == -1)
		rc = ucerr_ssl(err, "certificate: cannot encode PEM");
	BIO_free(bio);
	return rc;
}

int
csr_to_pem(X509_REQ *req, char **pem, size_t *len, struct ucerr *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int rc = 0;

	if (bio == NULL || !PEM_write_bio_X509_REQ(bio, req) ||
	    bio_take(bio, pem, len) == -1)
		rc = ucerr_ssl(err, "CSR: cannot encode PEM");
	BIO_free(bio);
	return rc;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void
cert_sha256_hex(X509 *cert, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	if (!X509_digest(cert, EVP_sha256(), md, &n) || n != 32) {
		out[0] = '\0';
		return;
	}
	hex_encode(md, 32, out);
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];

	if (SHA256(data, len, md) == NULL) {
		out[0] = '\0';
		return;
	}
	hex_encode(md, 32, out);
}

void
cert_sha1_hex(X509 *cert, char out[41])
{
	unsigned char md[20];
	unsigned int n = 0;

	if (!X509_digest(cert, EVP_sha1(), md, &n) || n != 20) {
		out[0] = '\0';
		return;
	}
	hex_encode(md, 20, out);
}

void
cert_serial_hex(X509 *cert, char *out, size_t outlen)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	size_t i;

	snprintf(out, outlen, "%s", hex ? hex : "");
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] >= 'A' && out[i] <= 'F')
			out[i] = (char)(out[i] - 'A' + 'a');
	OPENSSL_free(hex);
	BN_free(bn);
}

int
cert_serial_bytes(X509 *cert, uint8_t *out, size_t outlen, size_t *len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	int n = bn ? BN_num_bytes(bn) : -1;

	if (n <= 0 || (size_t)n > outlen) {
		BN_free(bn);
		return -1;
	}
	BN_bn2bin(bn, out);
	BN_free(bn);
	*len = (size_t)n;
	return 0;
}

void
cert_common_name(X509 *cert, char *out, size_t outlen)
{
	X509_NAME *name = X509_get_subject_name(cert);

	out[0] = '\0';
	if (X509_NAME_get_text_by_NID(name, NID_commonName, out,
	    (int)outlen) < 0)
		out[0] = '\0';
	/* The CN is whatever the certificate's maker chose: never raw. */
	text_escape_inplace(out, outlen);
}

void
name_oneline(const X509_NAME *name, char *out, size_t outlen)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem;
	long n;

	out[0] = '\0';
	if (bio == NULL)
		return;
	/* RFC 2253 escaping, but the attributes in the certificate's own
	 * order (CUCM and the ITL files write CN first), not reversed. */
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_ESC_MSB & ~XN_FLAG_DN_REV) >= 0) {
		n = BIO_get_mem_data(bio, &mem);
		if (n > 0)
			snprintf(out, outlen, "%.*s", (int)n, mem);
	}
	BIO_free(bio);
	/* RFC 2253 escapes C0 controls; C1 and stray bytes are ours. */
	text_escape_inplace(out, outlen);
}

int
cert_is_self_signed(X509 *cert)
{
	/* Not X509_check_issued: that also demands keyCertSign, which a
	 * self-signed server certificate rightly lacks. */
	return X509_self_signed(cert, 1) == 1;
}

int
cert_is_ca(X509 *cert)
{
	return X509_check_ca(cert) != 0;
}

time_t
asn1_time_to_unix(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

int
cert_matches_key(X509 *cert, EVP_PKEY *key)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);

	return pub != NULL && EVP_PKEY_eq(pub, key) == 1;
}

int
cert_key_bits(X509 *cert)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);

	return pub ? EVP_PKEY_get_bits(pub) : 0;
}

int
tls_ctx_use_identity(SSL_CTX *ctx, X509 *cert, EVP_PKEY *key)
{
	return SSL_CTX_use_certificate(ctx, cert) == 1 &&
	    SSL_CTX_use_PrivateKey(ctx, key) == 1 &&
	    SSL_CTX_check_private_key(ctx) == 1 ? 0 : -1;
}

void
cert_md5_hex(X509 *cert, char out[33])
{
	unsigned char md[16];
	unsigned int n = 0;
	int i;

	out[0] = '\0';
	if (!X509_digest(cert, EVP_md5(), md, &n) || n != 16)
		return;
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}
