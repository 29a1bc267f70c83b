/* sigfile.c - header of .tlv/.sgn/.enc.sgn files (see sigfile.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "clock.h"
#include "sigfile.h"
#include "x509.h"

int
tlv_get(struct reader *r, uint8_t *tag, struct reader *value)
{
	uint16_t len;
	size_t start = r->pos;

	if (reader_u8(r, tag) == -1 || reader_u16(r, &len) == -1 ||
	    reader_sub(r, len, value) == -1) {
		r->pos = start;
		return -1;
	}
	return 0;
}

int
tlv_string(const struct reader *value, char *out, size_t outlen)
{
	size_t n = reader_left(value);

	if (n > 0 && value->data[value->pos + n - 1] == '\0')
		n--;
	if (n >= outlen || memchr(value->data + value->pos, '\0', n) != NULL)
		return -1;
	memcpy(out, value->data + value->pos, n);
	out[n] = '\0';
	return 0;
}

const EVP_MD *
sig_hash_md(uint8_t hash_alg)
{
	switch (hash_alg) {
	case SIG_HASH_SHA1: return EVP_sha1();
	case SIG_HASH_SHA256: return EVP_sha256();
	case SIG_HASH_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

const char *
sig_hash_name(uint8_t hash_alg)
{
	switch (hash_alg) {
	case SIG_HASH_SHA1: return "SHA1";
	case SIG_HASH_SHA256: return "SHA256";
	case SIG_HASH_SHA512: return "SHA512";
	default: return "unknown";
	}
}

int
sig_hash_parse(const char *name, uint8_t *hash_alg, struct ucerr *err)
{
	if (strcmp(name, "sha1") == 0)
		*hash_alg = SIG_HASH_SHA1;
	else if (strcmp(name, "sha512") == 0)
		*hash_alg = SIG_HASH_SHA512;
	else
		return ucerr_set(err, "digest: '%s' is not sha1 or sha512", name);
	return 0;
}

int
signer_version_parse(const char *name, int *version, struct ucerr *err)
{
	if (strcmp(name, "1.0") == 0)
		*version = 10;
	else if (strcmp(name, "1.1") == 0)
		*version = 11;
	else
		return ucerr_set(err, "signer version must be 1.0 or 1.1, not "
		    "'%s'", name);
	return 0;
}

/* A fixed-size value: the element's length must be exactly n. */
static int
want_len(const struct reader *v, size_t n, const char *what, size_t offset,
    struct ucerr *err)
{
	if (reader_left(v) != n)
		return ucerr_set(err, "header: %s length %zu, expected %zu (at "
		    "byte %zu)", what, reader_left(v), n, offset);
	return 0;
}

static int
header_element(uint8_t tag, struct reader *v, size_t offset,
    struct sigfile_header *hdr, struct ucerr *err)
{
	uint16_t u16;
	uint8_t u8;

	switch (tag) {
	case HDR_SIGNER_VERSION:
		GUARD(want_len(v, 2, "SIGNER_VERSION", offset, err));
		reader_u8(v, &hdr->signer_major);
		reader_u8(v, &hdr->signer_minor);
		hdr->has_signer_version = 1;
		return 0;
	case HDR_SIGNER_NAME:
		if (tlv_string(v, hdr->signer_name, sizeof(hdr->signer_name)) == -1)
			return ucerr_set(err, "header: SIGNER_NAME malformed (at "
			    "byte %zu)", offset);
		return 0;
	case HDR_ISSUER_NAME:
		if (tlv_string(v, hdr->issuer_name, sizeof(hdr->issuer_name)) == -1)
			return ucerr_set(err, "header: ISSUER_NAME malformed (at "
			    "byte %zu)", offset);
		return 0;
	case HDR_SERIAL_NUMBER:
		hdr->serial_len = reader_left(v);
		return reader_bytes(v, hdr->serial_len, &hdr->serial);
	case HDR_HASH_ALGORITHM:
		GUARD(want_len(v, 1, "HASH_ALGORITHM", offset, err));
		return reader_u8(v, &hdr->hash_alg);
	case HDR_SIGNATURE_ALGORITHM:
	case HDR_SIGNATURE_MODULUS:
		return want_len(v, 1, tag == HDR_SIGNATURE_MODULUS ?
		    "SIGNATURE_MODULUS" : "SIGNATURE_ALGORITHM", offset, err);
	case HDR_SIGNATURE:
		if (hdr->signature != NULL)
			return ucerr_set(err, "header: second SIGNATURE (at byte "
			    "%zu)", offset);
		hdr->signature_len = reader_left(v);
		hdr->signature_offset = offset;
		return reader_bytes(v, hdr->signature_len, &hdr->signature);
	case HDR_FILENAME:
		if (tlv_string(v, hdr->filename, sizeof(hdr->filename)) == -1)
			return ucerr_set(err, "header: FILENAME malformed (at "
			    "byte %zu)", offset);
		return 0;
	case HDR_TIMESTAMP:
		GUARD(want_len(v, 4, "TIMESTAMP", offset, err));
		hdr->has_timestamp = 1;
		return reader_u32(v, &hdr->timestamp);
	case HDR_IV_UNKNOWN:
	case HDR_KEY_UNKNOWN:
	case HDR_KEY_ALGORITHM:
		return want_len(v, 1, "ENCRYPTION_INFO element", offset, err);
	case HDR_IV:
		GUARD(want_len(v, 16, "IV", offset, err));
		hdr->iv_len = 16;
		hdr->encrypted = 1;
		return reader_bytes(v, 16, &hdr->iv);
	case HDR_IV_PADDING:
		GUARD(want_len(v, 2, "IV PADDING", offset, err));
		return reader_u16(v, &hdr->iv_padding);
	case HDR_KEY_SIZE:
		GUARD(want_len(v, 2, "KEY_SIZE", offset, err));
		GUARD(reader_u16(v, &u16));
		hdr->key_size_bits = u16;
		return 0;
	case HDR_KEY:
		hdr->wrapped_key_len = reader_left(v);
		return reader_bytes(v, hdr->wrapped_key_len, &hdr->wrapped_key);
	case HDR_ENCRYPTION_HASH_ALGORITHM:
		GUARD(want_len(v, 1, "ENCRYPTION_HASH_ALGORITHM", offset, err));
		GUARD(reader_u8(v, &u8));
		hdr->enc_hash_alg = u8;
		return 0;
	case HDR_ENCRYPTION_HASH:
		hdr->enc_hash_len = reader_left(v);
		return reader_bytes(v, hdr->enc_hash_len, &hdr->enc_hash);
	default:
		return ucerr_set(err, "header: unknown tag %u (at byte %zu)",
		    tag, offset);
	}
}

/* Containers hold elements; their length must fit inside what holds them. */
static int
is_container(uint8_t tag)
{
	return tag == HDR_SIGNER_INFO || tag == HDR_SIGNATURE_INFO ||
	    tag == HDR_SIGNATURE_ALGORITHM_INFO || tag == HDR_ENCRYPTION_INFO ||
	    tag == HDR_IV_INFO || tag == HDR_KEY_INFO;
}

static int
parse_elements(struct reader *r, struct sigfile_header *hdr, int depth,
    struct ucerr *err)
{
	struct reader value;
	size_t offset;
	uint8_t tag;

	if (depth > 4)
		return ucerr_set(err, "header: containers nested too deep (at "
		    "byte %zu)", reader_offset(r));
	while (reader_left(r) > 0) {
		offset = reader_offset(r);
		if (r->data[r->pos] == HDR_PADDING) {
			reader_skip(r, 1);
			continue;
		}
		if (tlv_get(r, &tag, &value) == -1)
			return ucerr_set(err, "header: element at byte %zu runs "
			    "past the end of the header (%zu bytes left)",
			    offset, reader_left(r));
		if (is_container(tag))
			GUARD(parse_elements(&value, hdr, depth + 1, err));
		else if (header_element(tag, &value, offset, hdr, err) == -1) {
			if (err != NULL && err->msg[0] == '\0')
				ucerr_set(err, "header: tag %u malformed (at byte "
				    "%zu)", tag, offset);
			return -1;
		}
	}
	return 0;
}

/*
 * The reference tools write the SIGNATURE element after the
 * SIGNATURE_INFO container rather than inside it, and CUCM inside; both
 * parse here because containers are stepped into, not skipped.
 */
int
sigfile_header_parse(const uint8_t *data, size_t len,
    struct sigfile_header *hdr, struct ucerr *err)
{
	struct reader r, value, header;
	uint8_t tag;

	memset(hdr, 0, sizeof(*hdr));
	if (err != NULL)
		err->msg[0] = '\0';
	reader_init(&r, data, len);
	if (tlv_get(&r, &tag, &value) == -1 || tag != HDR_VERSION ||
	    reader_left(&value) != 2)
		return ucerr_set(err, "header: does not start with VERSION "
		    "(tag 1, length 2): not a signed file");
	reader_u8(&value, &hdr->version_major);
	reader_u8(&value, &hdr->version_minor);
	if (tlv_get(&r, &tag, &value) == -1 || tag != HDR_LENGTH ||
	    reader_left(&value) != 2)
		return ucerr_set(err, "header: HEADER_LENGTH missing at byte 5");
	reader_u16(&value, &hdr->header_length);
	if (hdr->header_length > len)
		return ucerr_set(err, "header: HEADER_LENGTH %u exceeds the file "
		    "size %zu", hdr->header_length, len);
	if (hdr->header_length < reader_offset(&r))
		return ucerr_set(err, "header: HEADER_LENGTH %u is shorter than "
		    "its own elements", hdr->header_length);
	reader_init(&header, data, hdr->header_length);
	header.pos = r.pos;
	if (parse_elements(&header, hdr, 0, err) == -1)
		return -1;
	if (hdr->signature == NULL)
		return ucerr_set(err, "header: no SIGNATURE");
	if (hdr->serial == NULL)
		return ucerr_set(err, "header: no SERIAL_NUMBER for the signer");
	if (sig_hash_md(hdr->hash_alg) == NULL)
		return ucerr_set(err, "header: unsupported HASH_ALGORITHM %u",
		    hdr->hash_alg);
	if (hdr->encrypted && (hdr->wrapped_key == NULL ||
	    hdr->enc_hash == NULL || sig_hash_md(hdr->enc_hash_alg) == NULL))
		return ucerr_set(err, "header: ENCRYPTION_INFO incomplete (key, "
		    "hash or hash algorithm missing)");
	return 0;
}

int
sigfile_verify(const uint8_t *data, size_t len,
    const struct sigfile_header *hdr, X509 *cert, struct ucerr *err)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	size_t sig_start = hdr->signature_offset;
	size_t sig_end = sig_start + 3 + hdr->signature_len;
	int rc = -1;

	if (pub == NULL || EVP_PKEY_get_base_id(pub) != EVP_PKEY_RSA)
		return ucerr_set(err, "signature: the signer's key is not RSA");
	if (sig_end > len)
		return ucerr_set(err, "signature: runs past the end of the file");
	/* The signed bytes: everything but the SIGNATURE element. */
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, sig_hash_md(hdr->hash_alg), NULL,
	    pub) != 1 || EVP_DigestVerifyUpdate(ctx, data, sig_start) != 1 ||
	    EVP_DigestVerifyUpdate(ctx, data + sig_end, len - sig_end) != 1) {
		ucerr_ssl(err, "signature: cannot verify");
		goto out;
	}
	if (EVP_DigestVerifyFinal(ctx, hdr->signature, hdr->signature_len) != 1) {
		/* The whole story: OpenSSL's padding details add nothing. */
		ERR_clear_error();
		ucerr_set(err, "signature: does not verify with the signer's key "
		    "(the file was changed or signed by another key)");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
sigfile_signer_matches(const struct sigfile_header *hdr, X509 *cert)
{
	uint8_t serial[64];
	size_t len;
	char issuer[SIGFILE_NAME_MAX];

	if (cert_serial_bytes(cert, serial, sizeof(serial), &len) == -1)
		return 0;
	if (len != hdr->serial_len || memcmp(serial, hdr->serial, len) != 0)
		return 0;
	if (hdr->issuer_name[0] == '\0')
		return 1;
	if (sigfile_name_string(X509_get_issuer_name(cert), issuer,
	    sizeof(issuer)) == -1)
		return 0;
	return sigfile_names_equal(issuer, hdr->issuer_name);
}

/* RFC 4514 escaping of one attribute value. */
static int
append_escaped(char *out, size_t outlen, size_t *pos, const unsigned char *s,
    int len)
{
	int i;

	for (i = 0; i < len; i++) {
		int special = strchr(",+\"\\<>;", s[i]) != NULL ||
		    (i == 0 && (s[i] == '#' || s[i] == ' ')) ||
		    (i == len - 1 && s[i] == ' ');
		if (*pos + 3 >= outlen)
			return -1;
		if (special)
			out[(*pos)++] = '\\';
		out[(*pos)++] = (char)s[i];
	}
	out[*pos] = '\0';
	return 0;
}

int
sigfile_name_string(const X509_NAME *name, char *out, size_t outlen)
{
	const X509_NAME_ENTRY *entry;
	const ASN1_STRING *data;
	unsigned char *utf8;
	const char *sn;
	size_t pos = 0;
	int i, n, len, nid;

	out[0] = '\0';
	n = X509_NAME_entry_count(name);
	for (i = 0; i < n; i++) {
		entry = X509_NAME_get_entry(name, i);
		nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
		sn = nid == NID_undef ? NULL : OBJ_nid2sn(nid);
		if (nid == NID_pkcs9_emailAddress)
			sn = "1.2.840.113549.1.9.1";
		data = X509_NAME_ENTRY_get_data(entry);
		if ((len = ASN1_STRING_to_UTF8(&utf8, data)) < 0)
			return -1;
		if (pos + strlen(sn ? sn : "?") + 3 >= outlen) {
			OPENSSL_free(utf8);
			return -1;
		}
		pos += (size_t)snprintf(out + pos, outlen - pos, "%s%s=",
		    i ? "," : "", sn ? sn : "?");
		if (append_escaped(out, outlen, &pos, utf8, len) == -1) {
			OPENSSL_free(utf8);
			return -1;
		}
		OPENSSL_free(utf8);
	}
	return 0;
}

#define NAME_PARTS_MAX 32

/* Splits a name at unescaped ',' or ';' into trimmed attribute strings. */
static int
name_split(const char *s, char parts[NAME_PARTS_MAX][256])
{
	int n = 0;
	size_t len = 0;

	for (;; s++) {
		if (*s == '\\' && s[1] != '\0') {
			if (len + 2 < 256) {
				parts[n][len++] = s[0];
				parts[n][len++] = s[1];
			}
			s++;
			continue;
		}
		if (*s == ',' || *s == ';' || *s == '\0') {
			while (len > 0 && parts[n][len - 1] == ' ')
				len--;
			parts[n][len] = '\0';
			if (len > 0 && ++n == NAME_PARTS_MAX)
				return n;
			len = 0;
			if (*s == '\0')
				return n;
			continue;
		}
		if (len == 0 && *s == ' ')
			continue;
		if (len + 1 < 256)
			parts[n][len++] = *s;
	}
}

static int
cmp_part(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
sigfile_names_equal(const char *a, const char *b)
{
	char pa[NAME_PARTS_MAX][256], pb[NAME_PARTS_MAX][256];
	int na, nb, i;

	/* Order differs between CUCM and the reference tools: compare sets. */
	na = name_split(a, pa);
	nb = name_split(b, pb);
	if (na != nb)
		return 0;
	qsort(pa, (size_t)na, sizeof(pa[0]), cmp_part);
	qsort(pb, (size_t)nb, sizeof(pb[0]), cmp_part);
	for (i = 0; i < na; i++)
		if (strcmp(pa[i], pb[i]) != 0)
			return 0;
	return 1;
}

static int
signature_modulus_index(size_t sig_len, uint8_t *index)
{
	switch (sig_len) {
	case 64: *index = 0; return 0;
	case 128: *index = 1; return 0;
	case 256: *index = 2; return 0;
	case 512: *index = 3; return 0;
	default: return -1;
	}
}

/* The header up to SIGNATURE (where the signature will go). */
static int
write_signer(struct writer *w, const struct sigfile_params *p,
    struct ucerr *err)
{
	struct writer info;
	uint8_t serial[64], modulus;
	size_t serial_len;
	char subject[SIGFILE_NAME_MAX], issuer[SIGFILE_NAME_MAX];
	int rc = -1;

	writer_init(&info, 0);
	if (sigfile_name_string(X509_get_subject_name(p->signer), subject,
	    sizeof(subject)) == -1 ||
	    sigfile_name_string(X509_get_issuer_name(p->signer), issuer,
	    sizeof(issuer)) == -1 ||
	    cert_serial_bytes(p->signer, serial, sizeof(serial), &serial_len) == -1) {
		ucerr_set(err, "signer: cannot encode its name or serial");
		goto out;
	}
	if (signature_modulus_index((size_t)EVP_PKEY_get_size(p->key),
	    &modulus) == -1) {
		ucerr_set(err, "signer: RSA key of %d bits; files take 512, "
		    "1024, 2048 or 4096", EVP_PKEY_get_bits(p->key));
		goto out;
	}
	writer_tlv_string(&info, HDR_SIGNER_NAME, subject);
	writer_tlv_string(&info, HDR_ISSUER_NAME, issuer);
	writer_tlv(&info, HDR_SERIAL_NUMBER, serial, serial_len);
	if (info.failed) {
		ucerr_set(err, "signer: name too long");
		goto out;
	}
	writer_tlv(w, HDR_SIGNER_INFO, info.data, info.len);
	writer_u8(w, HDR_SIGNATURE_INFO);
	writer_u16(w, 15);
	writer_tlv_u8(w, HDR_HASH_ALGORITHM, p->hash_alg);
	writer_u8(w, HDR_SIGNATURE_ALGORITHM_INFO);
	writer_u16(w, 8);
	writer_tlv_u8(w, HDR_SIGNATURE_ALGORITHM, 0);
	writer_tlv_u8(w, HDR_SIGNATURE_MODULUS, modulus);
	rc = 0;
out:
	writer_free(&info);
	return rc;
}

static int
sign_bytes(const struct sigfile_params *p, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, uint8_t *sig, size_t *sig_len,
    struct ucerr *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;

	if (ctx != NULL &&
	    EVP_DigestSignInit(ctx, NULL, sig_hash_md(p->hash_alg), NULL,
	    p->key) == 1 && EVP_DigestSignUpdate(ctx, a, a_len) == 1 &&
	    EVP_DigestSignUpdate(ctx, b, b_len) == 1 &&
	    EVP_DigestSignFinal(ctx, sig, sig_len) == 1)
		rc = 0;
	else
		ucerr_ssl(err, "signature: signing failed");
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
sigfile_build(const struct sigfile_params *p, const uint8_t *body,
    size_t body_len, uint8_t **out, size_t *out_len, struct ucerr *err)
{
	struct writer pre, post, file;
	uint8_t sig[512];
	size_t sig_len = sizeof(sig), header_len, header_len_at;
	uint32_t ts = p->timestamp ? p->timestamp : (uint32_t)clock_now();
	int rc = -1;

	*out = NULL;
	if (EVP_PKEY_get_base_id(p->key) != EVP_PKEY_RSA)
		return ucerr_set(err, "signer: files are signed with RSA keys "
		    "only");
	if (sig_hash_md(p->hash_alg) == NULL)
		return ucerr_set(err, "signer: unsupported hash algorithm");
	if (!X509_check_private_key(p->signer, p->key))
		return ucerr_set(err, "signer: certificate and key do not match");
	writer_init(&pre, 0);
	writer_init(&post, 0);
	writer_init(&file, 0);
	/* pre: the header up to where SIGNATURE goes; post: the rest of it. */
	writer_u8(&pre, HDR_VERSION);
	writer_u16(&pre, 2);
	writer_u8(&pre, p->version_major);
	writer_u8(&pre, p->version_minor);
	writer_u8(&pre, HDR_LENGTH);
	writer_u16(&pre, 2);
	writer_reserve_u16(&pre, &header_len_at);
	if (p->signer_version != 0) {
		uint8_t v[2] = { (uint8_t)(p->signer_version / 10),
		    (uint8_t)(p->signer_version % 10) };
		writer_tlv(&pre, HDR_SIGNER_VERSION, v, 2);
	}
	if (write_signer(&pre, p, err) == -1)
		goto out;
	writer_tlv_string(&post, HDR_FILENAME, p->filename);
	writer_u8(&post, HDR_TIMESTAMP);
	writer_u16(&post, 4);
	writer_u32(&post, ts);
	if (p->extra_len > 0)
		writer_bytes(&post, p->extra, p->extra_len);
	sig_len = (size_t)EVP_PKEY_get_size(p->key);
	while ((pre.len + 3 + sig_len + post.len) % 4 != 0)
		writer_u8(&post, HDR_PADDING);
	header_len = pre.len + 3 + sig_len + post.len;
	if (header_len > UINT16_MAX || pre.failed || post.failed) {
		ucerr_set(err, "header: too long (%zu bytes)", header_len);
		goto out;
	}
	writer_patch_u16(&pre, header_len_at, (uint16_t)header_len);
	/* The signed bytes are the file without its SIGNATURE element. */
	writer_bytes(&post, body, body_len);
	if (post.failed) {
		ucerr_set(err, "file: out of memory");
		goto out;
	}
	if (sign_bytes(p, pre.data, pre.len, post.data, post.len, sig, &sig_len,
	    err) == -1)
		goto out;
	writer_bytes(&file, pre.data, pre.len);
	writer_tlv(&file, HDR_SIGNATURE, sig, sig_len);
	writer_bytes(&file, post.data, post.len);
	if (file.failed) {
		ucerr_set(err, "file: out of memory");
		goto out;
	}
	*out = writer_take(&file, out_len);
	rc = 0;
out:
	writer_free(&pre);
	writer_free(&post);
	writer_free(&file);
	return rc;
}
