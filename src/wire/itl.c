/* itl.c - ITL/CTL files (see itl.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/bn.h>
#include <openssl/sha.h>

#include "fileio.h"
#include "itl.h"
#include "text.h"
#include "x509.h"

static const struct {
	int		 role;
	const char	*name, *arg, *function;
} roles[] = {
	{ ROLE_SAST, "SAST", "sast", "System Administrator Security Token" },
	{ ROLE_CCM, "CCM", "ccm", "CCM" },
	{ ROLE_CCM_TFTP, "CCM+TFTP", "ccm-tftp", "CCM+TFTP" },
	{ ROLE_TFTP, "TFTP", "tftp", "TFTP" },
	{ ROLE_CAPF, "CAPF", "capf", "CAPF" },
	{ ROLE_APP_SERVER, "APP-SERVER", "app-server", "APP-SERVER" },
	{ ROLE_TVS, "TVS", "tvs", "TVS" },
};

#define N_ROLES (sizeof(roles) / sizeof(roles[0]))

const char *
role_name(int role)
{
	size_t i;

	for (i = 0; i < N_ROLES; i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "unknown";
}

const char *
role_function(int role)
{
	size_t i;

	for (i = 0; i < N_ROLES; i++)
		if (roles[i].role == role)
			return roles[i].function;
	return "unknown";
}

int
role_parse(const char *name)
{
	size_t i;

	for (i = 0; i < N_ROLES; i++)
		if (strcasecmp(roles[i].arg, name) == 0 ||
		    strcasecmp(roles[i].name, name) == 0)
			return roles[i].role;
	return -1;
}

const char *
role_names_join(const uint8_t *list, size_t n, char *out, size_t outlen)
{
	size_t i, used = 0;
	int w;

	if (outlen == 0)
		return out;
	out[0] = '\0';
	for (i = 0; i < n && used < outlen; i++) {
		w = snprintf(out + used, outlen - used, "%s%s", i ? "," : "",
		    role_name(list[i]));
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return out;
}

static int
record_string(const struct reader *v, char *out, size_t outlen,
    const char *what, size_t n, size_t offset, struct ucerr *err)
{
	if (tlv_string(v, out, outlen) == -1)
		return ucerr_set(err, "ITL record %zu: %s malformed (at byte %zu)",
		    n, what, offset);
	return 0;
}

static int
record_element(uint8_t tag, struct reader *v, size_t n, size_t offset,
    struct itl_record *rec, struct ucerr *err)
{
	uint16_t u16;
	uint8_t u8;

	switch (tag) {
	case REC_DNS_NAME:
		return record_string(v, rec->dns_name, sizeof(rec->dns_name),
		    "DNS_NAME", n, offset, err);
	case REC_SUBJECT_NAME:
		return record_string(v, rec->subject, sizeof(rec->subject),
		    "SUBJECT_NAME", n, offset, err);
	case REC_ISSUER_NAME:
		return record_string(v, rec->issuer, sizeof(rec->issuer),
		    "ISSUER_NAME", n, offset, err);
	case REC_ROLE:
		if (reader_left(v) != 2)
			return ucerr_set(err, "ITL record %zu: ROLE length %zu, "
			    "expected 2 (at byte %zu)", n, reader_left(v), offset);
		reader_u16(v, &u16);
		rec->role = u16;
		return 0;
	case REC_SERIAL_NUMBER:
		rec->serial_len = reader_left(v);
		return reader_bytes(v, rec->serial_len, &rec->serial);
	case REC_PUBLIC_KEY:
		rec->public_key_len = reader_left(v);
		return 0;
	case REC_SIGNATURE:
		rec->signature_len = reader_left(v);
		return 0;
	case REC_CERTIFICATE:
		rec->cert_len = reader_left(v);
		return reader_bytes(v, rec->cert_len, &rec->cert);
	case REC_CERTIFICATE_HASH:
		rec->cert_hash_len = reader_left(v);
		return reader_bytes(v, rec->cert_hash_len, &rec->cert_hash);
	case REC_HASH_ALGORITHM:
		if (reader_left(v) != 1)
			return ucerr_set(err, "ITL record %zu: HASH_ALGORITHM "
			    "length %zu, expected 1 (at byte %zu)", n,
			    reader_left(v), offset);
		reader_u8(v, &u8);
		rec->hash_alg = u8;
		return 0;
	case REC_IP_ADDRESS:
		return 0;
	default:
		return ucerr_set(err, "ITL record %zu: unknown tag %u (at byte "
		    "%zu)", n, tag, offset);
	}
}

static int
parse_record(struct reader *r, size_t n, struct itl_record *rec,
    struct ucerr *err)
{
	struct reader body, value;
	size_t offset = reader_offset(r);
	uint16_t length;
	uint8_t tag;

	memset(rec, 0, sizeof(*rec));
	rec->offset = offset;
	rec->role = -1;
	rec->hash_alg = -1;
	if (tlv_get(r, &tag, &value) == -1 || tag != REC_LENGTH ||
	    reader_u16(&value, &length) == -1 || reader_left(&value) != 0)
		return ucerr_set(err, "ITL record %zu: does not start with "
		    "RECORD_LENGTH (tag 1, length 2) at byte %zu", n, offset);
	rec->length = length;
	if (length < 5 || (size_t)length - 5 > reader_left(r))
		return ucerr_set(err, "ITL record %zu: RECORD_LENGTH %u runs past "
		    "the end of the file (at byte %zu, %zu bytes left)", n,
		    length, offset, reader_left(r) + 5);
	GUARD(reader_sub(r, length - 5u, &body));
	while (reader_left(&body) > 0) {
		offset = reader_offset(&body);
		if (tlv_get(&body, &tag, &value) == -1)
			return ucerr_set(err, "ITL record %zu: element at byte %zu "
			    "runs past the end of the record", n, offset);
		if (record_element(tag, &value, n, offset, rec, err) == -1)
			return -1;
	}
	if (rec->role == -1)
		return ucerr_set(err, "ITL record %zu: no ROLE (FUNCTION)", n);
	if (rec->cert == NULL && rec->cert_hash == NULL)
		return ucerr_set(err, "ITL record %zu: neither CERTIFICATE nor "
		    "CERTIFICATE_HASH", n);
	return 0;
}

int
itl_parse(const uint8_t *data, size_t len, struct itl_file *itl,
    struct ucerr *err)
{
	struct itl_record *grown;
	struct reader r;
	size_t cap = 0;

	memset(itl, 0, sizeof(*itl));
	if ((itl->data = malloc(len ? len : 1)) == NULL)
		return ucerr_set(err, "ITL: out of memory");
	memcpy(itl->data, data, len);
	itl->len = len;
	if (sigfile_header_parse(itl->data, len, &itl->hdr, err) == -1)
		goto fail;
	reader_init(&r, itl->data, len);
	reader_skip(&r, itl->hdr.header_length);
	while (reader_left(&r) > 0) {
		if (itl->n_records == cap) {
			cap = cap ? cap * 2 : 16;
			grown = reallocarray(itl->records, cap, sizeof(*grown));
			if (grown == NULL) {
				ucerr_set(err, "ITL: out of memory");
				goto fail;
			}
			itl->records = grown;
		}
		if (parse_record(&r, itl->n_records + 1,
		    &itl->records[itl->n_records], err) == -1)
			goto fail;
		itl->n_records++;
	}
	if (itl->n_records == 0) {
		ucerr_set(err, "ITL: no records after the header");
		goto fail;
	}
	return 0;
fail:
	itl_free(itl);
	return -1;
}

int
itl_load_file(const char *path, struct itl_file *itl, struct ucerr *err)
{
	uint8_t *data;
	size_t len;
	int rc;

	memset(itl, 0, sizeof(*itl));
	if (file_read(path, FILE_READ_MAX, &data, &len, err) == -1)
		return -1;
	rc = itl_parse(data, len, itl, err);
	free(data);
	if (rc == -1)
		return ucerr_wrap(err, "%s", path);
	return 0;
}

void
itl_free(struct itl_file *itl)
{
	free(itl->data);
	free(itl->records);
	memset(itl, 0, sizeof(*itl));
}

X509 *
itl_record_cert(const struct itl_record *rec)
{
	X509 *cert;

	if (rec->cert == NULL ||
	    cert_from_der(rec->cert, rec->cert_len, &cert, NULL) == -1)
		return NULL;
	return cert;
}

int
itl_signer_index(const struct itl_file *itl)
{
	const struct itl_record *rec;
	size_t i;

	for (i = 0; i < itl->n_records; i++) {
		rec = &itl->records[i];
		if (rec->cert == NULL || rec->serial_len != itl->hdr.serial_len ||
		    memcmp(rec->serial, itl->hdr.serial, rec->serial_len) != 0)
			continue;
		if (itl->hdr.issuer_name[0] != '\0' && rec->issuer[0] != '\0' &&
		    !sigfile_names_equal(rec->issuer, itl->hdr.issuer_name))
			continue;
		return (int)i;
	}
	return -1;
}

int
itl_verify(const struct itl_file *itl, struct ucerr *err)
{
	X509 *signer;
	int idx, rc;

	if ((idx = itl_signer_index(itl)) == -1)
		return ucerr_set(err, "no record holds the signer's certificate "
		    "(serial number and issuer of the header)");
	if ((signer = itl_record_cert(&itl->records[idx])) == NULL)
		return ucerr_set(err, "ITL record %d: the signer's certificate "
		    "does not parse", idx + 1);
	rc = sigfile_verify(itl->data, itl->len, &itl->hdr, signer, err);
	X509_free(signer);
	return rc;
}

int
itl_find_cert(const struct itl_file *itl, X509 *cert, unsigned long role_mask)
{
	const struct itl_record *rec;
	unsigned char sha1[SHA_DIGEST_LENGTH];
	unsigned char *der = NULL;
	unsigned int n = 0;
	int der_len, i, found = -1;

	if ((der_len = i2d_X509(cert, &der)) <= 0)
		return -1;
	X509_digest(cert, EVP_sha1(), sha1, &n);
	for (i = 0; i < (int)itl->n_records && found == -1; i++) {
		rec = &itl->records[i];
		if (rec->role < 0 || rec->role > 63 ||
		    !(role_mask & ROLE_BIT(rec->role)))
			continue;
		if ((rec->cert != NULL && rec->cert_len == (size_t)der_len &&
		    memcmp(rec->cert, der, rec->cert_len) == 0) ||
		    (rec->cert_hash != NULL && rec->cert_hash_len == n &&
		    memcmp(rec->cert_hash, sha1, n) == 0))
			found = i;
	}
	OPENSSL_free(der);
	return found;
}

/* RSA: PKCS#1 RSAPublicKey DER; EC: the X9.62 uncompressed point. */
static int
public_key_bytes(X509 *cert, uint8_t **out, size_t *len)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	unsigned char *der = NULL;
	int n;

	*out = NULL;
	if (pub == NULL)
		return -1;
	if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC) {
		if (EVP_PKEY_get_octet_string_param(pub,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, NULL, 0, len) != 1 ||
		    (*out = malloc(*len)) == NULL ||
		    EVP_PKEY_get_octet_string_param(pub,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, *out, *len, len) != 1) {
			free(*out);
			*out = NULL;
			return -1;
		}
		return 0;
	}
	if (EVP_PKEY_get_base_id(pub) != EVP_PKEY_RSA)
		return -1;
	/* i2d_PublicKey gives PKCS#1 RSAPublicKey for RSA keys. */
	if ((n = i2d_PublicKey(pub, &der)) <= 0)
		return -1;
	if ((*out = malloc((size_t)n)) != NULL)
		memcpy(*out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	return *out ? 0 : -1;
}

static int
write_record(struct writer *w, const struct itl_entry *e, size_t n,
    struct ucerr *err)
{
	const ASN1_BIT_STRING *sig;
	char subject[SIGFILE_NAME_MAX], issuer[SIGFILE_NAME_MAX];
	uint8_t serial[64], *pub = NULL, *der = NULL;
	size_t serial_len, pub_len, der_len, start = w->len, length_at;
	int rc = -1;

	if (sigfile_name_string(X509_get_subject_name(e->cert), subject,
	    sizeof(subject)) == -1 ||
	    sigfile_name_string(X509_get_issuer_name(e->cert), issuer,
	    sizeof(issuer)) == -1 ||
	    cert_serial_bytes(e->cert, serial, sizeof(serial), &serial_len) == -1) {
		ucerr_set(err, "ITL record %zu: cannot encode the names or serial",
		    n);
		goto out;
	}
	if (public_key_bytes(e->cert, &pub, &pub_len) == -1) {
		ucerr_set(err, "ITL record %zu: key is neither RSA nor EC", n);
		goto out;
	}
	if (cert_to_der(e->cert, &der, &der_len, err) == -1)
		goto out;
	X509_get0_signature(&sig, NULL, e->cert);
	writer_u8(w, REC_LENGTH);
	writer_u16(w, 2);
	writer_reserve_u16(w, &length_at);
	writer_tlv_string(w, REC_SUBJECT_NAME, subject);
	writer_tlv_string(w, REC_ISSUER_NAME, issuer);
	writer_tlv(w, REC_SERIAL_NUMBER, serial, serial_len);
	writer_tlv_u16(w, REC_ROLE, (uint16_t)e->role);
	writer_tlv(w, REC_PUBLIC_KEY, pub, pub_len);
	writer_tlv(w, REC_SIGNATURE, ASN1_STRING_get0_data(sig),
	    (size_t)ASN1_STRING_length(sig));
	writer_tlv(w, REC_CERTIFICATE, der, der_len);
	if (writer_fill_length_u16(w, length_at, start) == -1) {
		ucerr_set(err, "ITL record %zu: too long for a record", n);
		goto out;
	}
	rc = 0;
out:
	free(pub);
	OPENSSL_free(der);
	return rc;
}

int
itl_build(const struct itl_entry *entries, size_t n,
    const struct sigfile_params *p, uint8_t **out, size_t *out_len,
    struct ucerr *err)
{
	struct writer body;
	char cn[256];
	size_t i;
	int rc = -1;

	*out = NULL;
	if (n == 0)
		return ucerr_set(err, "ITL: no records to write");
	writer_init(&body, 0);
	for (i = 0; i < n; i++) {
		if (p->signer_version == 10 &&
		    EVP_PKEY_get_base_id(X509_get0_pubkey(entries[i].cert)) ==
		    EVP_PKEY_EC) {
			cert_common_name(entries[i].cert, cn, sizeof(cn));
			ucerr_set(err, "ITL record %zu (%s, %s): an EC certificate "
			    "needs signer version 1.1 (--version 1.1)", i + 1,
			    role_name(entries[i].role), cn);
			goto out;
		}
		if (write_record(&body, &entries[i], i + 1, err) == -1)
			goto out;
	}
	rc = sigfile_build(p, body.data, body.len, out, out_len, err);
out:
	writer_free(&body);
	return rc;
}

int
itl_signer_version_auto(const struct itl_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (EVP_PKEY_get_base_id(X509_get0_pubkey(entries[i].cert)) ==
		    EVP_PKEY_EC)
			return 11;
	return 10;
}

int
itl_phone_size_check(size_t len, size_t n, struct ucerr *err)
{
	if (len <= ITL_PHONE_MAX_BYTES)
		return 0;
	return ucerr_set(err, "ITL: %zu records make %zu bytes; phones refuse "
	    "files larger than %u bytes (64 KB): leave records out, or use "
	    "smaller certificates (EC)", n, len, ITL_PHONE_MAX_BYTES);
}

static void
hex_colon(FILE *fp, const uint8_t *p, size_t n, char sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%s%02X", i ? (sep == ':' ? ":" : " ") : "", p[i]);
}

static void
show_header(FILE *fp, const struct itl_file *itl)
{
	const struct sigfile_header *h = &itl->hdr;
	char when[32], shown[4 * SIGFILE_NAME_MAX];

	fprintf(fp, "Version: %u.%u\n", h->version_major, h->version_minor);
	fprintf(fp, "HeaderLength: %u (BYTES)\n\n", h->header_length);
	fprintf(fp, "BYTEPOS\tTAG\tLENGTH\tVALUE\n");
	if (h->has_signer_version)
		fprintf(fp, "28\tSIGNERVERSION\t2\t%u.%u\n", h->signer_major,
		    h->signer_minor);
	/* Names in the file are the file's bytes: printed escaped. */
	fprintf(fp, "4\tSIGNERNAME\t%zu\t%s\n", strlen(h->signer_name) + 1,
	    text_escape(h->signer_name, shown, sizeof(shown)));
	fprintf(fp, "5\tSERIALNUMBER\t%zu\t", h->serial_len);
	hex_colon(fp, h->serial, h->serial_len, ':');
	fprintf(fp, "\n6\tCANAME\t%zu\t%s\n", strlen(h->issuer_name) + 1,
	    text_escape(h->issuer_name, shown, sizeof(shown)));
	fprintf(fp, "8\tDIGESTALGORITHM\t1\t%s\n", sig_hash_name(h->hash_alg));
	fprintf(fp, "12\tSIGNATURE\t%zu\n", h->signature_len);
	fprintf(fp, "14\tFILENAME\t%zu\t%s\n", strlen(h->filename) + 1,
	    text_escape(h->filename, shown, sizeof(shown)));
	if (h->has_timestamp) {
		time_format((time_t)h->timestamp, when, sizeof(when));
		fprintf(fp, "15\tTIMESTAMP\t4\t%s\n", when);
	}
}

static void
show_record(FILE *fp, const struct itl_record *rec, size_t n, int is_signer)
{
	unsigned char sha1[SHA_DIGEST_LENGTH];
	char shown[4 * SIGFILE_NAME_MAX];

	fprintf(fp, "\nITL Record #:%zu\n", n);
	fprintf(fp, "BYTEPOS\tTAG\tLENGTH\tVALUE\n");
	fprintf(fp, "1\tRECORDLENGTH\t2\t%u\n", rec->length);
	/* Records built from certificates carry no DNS_NAME: no line. */
	if (rec->dns_name[0] != '\0')
		fprintf(fp, "2\tDNSNAME\t%zu\t%s\n", strlen(rec->dns_name) + 1,
		    text_escape(rec->dns_name, shown, sizeof(shown)));
	fprintf(fp, "3\tSUBJECTNAME\t%zu\t%s\n", strlen(rec->subject) + 1,
	    text_escape(rec->subject, shown, sizeof(shown)));
	fprintf(fp, "4\tFUNCTION\t2\t%s\n", role_function(rec->role));
	fprintf(fp, "5\tISSUERNAME\t%zu\t%s\n", strlen(rec->issuer) + 1,
	    text_escape(rec->issuer, shown, sizeof(shown)));
	fprintf(fp, "6\tSERIALNUMBER\t%zu\t", rec->serial_len);
	hex_colon(fp, rec->serial, rec->serial_len, ':');
	fprintf(fp, "\n7\tPUBLICKEY\t%zu\n", rec->public_key_len);
	fprintf(fp, "8\tSIGNATURE\t%zu\n", rec->signature_len);
	if (rec->cert != NULL) {
		SHA1(rec->cert, rec->cert_len, sha1);
		fprintf(fp, "9\tCERTIFICATE\t%zu\t", rec->cert_len);
		hex_colon(fp, sha1, sizeof(sha1), ' ');
		fprintf(fp, " (SHA1 Hash HEX)\n");
	}
	if (rec->cert_hash != NULL) {
		fprintf(fp, "11\tCERTHASH\t%zu\t", rec->cert_hash_len);
		hex_colon(fp, rec->cert_hash, rec->cert_hash_len, ' ');
		fprintf(fp, "\n");
	}
	if (rec->hash_alg >= 0)
		fprintf(fp, "12\tHASH ALGORITHM\t1\t%s\n", rec->hash_alg == 0 ?
		    "null" : sig_hash_name((uint8_t)rec->hash_alg));
	if (rec->role == ROLE_SAST)
		fprintf(fp, "This etoken was %sused to sign the ITL file.\n",
		    is_signer ? "" : "not ");
}

void
itl_show(FILE *fp, const struct itl_file *itl, const char *label)
{
	struct ucerr err;
	int signer = itl_signer_index(itl);
	size_t i;

	fprintf(fp, "Length of ITL file: %zu\n", itl->len);
	if (label != NULL)
		fprintf(fp, "File: %s\n", label);
	fprintf(fp, "\n\tParse ITL File\n\t--------------\n\n");
	show_header(fp, itl);
	for (i = 0; i < itl->n_records; i++)
		show_record(fp, &itl->records[i], i + 1, (int)i == signer);
	fprintf(fp, "\n");
	if (itl_verify(itl, &err) == 0)
		fprintf(fp, "The ITL file was verified successfully.\n");
	else
		fprintf(fp, "The ITL file was NOT verified: %s\n", err.msg);
}

static void
json_hex(struct json *j, const char *key, const uint8_t *p, size_t n)
{
	char buf[1024];
	size_t i;

	if (p == NULL || n * 2 + 1 > sizeof(buf)) {
		json_null(j, key);
		return;
	}
	for (i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * n] = '\0';
	json_string(j, key, buf);
}

void
itl_show_json(struct json *j, const struct itl_file *itl)
{
	const struct itl_record *rec;
	unsigned char sha1[SHA_DIGEST_LENGTH];
	struct ucerr err;
	int signer = itl_signer_index(itl), verified;
	size_t i;
	char version[8];

	verified = itl_verify(itl, &err) == 0;
	json_object_begin(j, NULL);
	json_int(j, "length", (int64_t)itl->len);
	snprintf(version, sizeof(version), "%u.%u", itl->hdr.version_major,
	    itl->hdr.version_minor);
	json_string(j, "version", version);
	if (itl->hdr.has_signer_version) {
		snprintf(version, sizeof(version), "%u.%u",
		    itl->hdr.signer_major, itl->hdr.signer_minor);
		json_string(j, "signer_version", version);
	}
	json_int(j, "header_length", itl->hdr.header_length);
	json_string(j, "signer_name", itl->hdr.signer_name);
	json_string(j, "issuer_name", itl->hdr.issuer_name);
	json_hex(j, "serial", itl->hdr.serial, itl->hdr.serial_len);
	json_string(j, "digest", sig_hash_name(itl->hdr.hash_alg));
	json_string(j, "filename", itl->hdr.filename);
	json_int(j, "timestamp", itl->hdr.timestamp);
	if (itl->hdr.has_timestamp)
		json_time(j, "timestamp_utc", (time_t)itl->hdr.timestamp);
	json_array_begin(j, "records");
	for (i = 0; i < itl->n_records; i++) {
		rec = &itl->records[i];
		json_object_begin(j, NULL);
		json_int(j, "record", (int64_t)i + 1);
		json_string(j, "role", role_name(rec->role));
		json_string(j, "function", role_function(rec->role));
		if (rec->dns_name[0] != '\0')
			json_string(j, "dns_name", rec->dns_name);
		json_string(j, "subject", rec->subject);
		json_string(j, "issuer", rec->issuer);
		json_hex(j, "serial", rec->serial, rec->serial_len);
		if (rec->cert != NULL) {
			SHA1(rec->cert, rec->cert_len, sha1);
			json_hex(j, "cert_sha1", sha1, sizeof(sha1));
		} else {
			json_hex(j, "cert_sha1", rec->cert_hash, rec->cert_hash_len);
		}
		json_bool(j, "has_certificate", rec->cert != NULL);
		json_bool(j, "signer", (int)i == signer);
		json_object_end(j);
	}
	json_array_end(j);
	json_bool(j, "verified", verified);
	json_string(j, "verify_error", verified ? NULL : err.msg);
	json_object_end(j);
}
