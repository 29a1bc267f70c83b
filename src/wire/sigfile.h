/*
 * sigfile.h - the signed-file header shared by ITL/CTL (.tlv), signed
 * configuration (.sgn) and encrypted configuration (.enc.sgn) files.
 *
 * A file is a header of tag/length/value elements (tag u8, length u16,
 * except PADDING which is a lone 0x0D byte), then a body: the records of a
 * .tlv, the original bytes of a .sgn, the ciphertext of a .enc.sgn.  The
 * signature is PKCS#1 v1.5 with DigestInfo over the whole file with the
 * SIGNATURE element (tag, length and value) removed.
 */
#ifndef UCPKI_SIGFILE_H
#define UCPKI_SIGFILE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "buf.h"
#include "err.h"

/* Header tags (protocols.md). */
enum {
	HDR_VERSION = 1, HDR_LENGTH = 2, HDR_SIGNER_INFO = 3,
	HDR_SIGNER_NAME = 4, HDR_SERIAL_NUMBER = 5, HDR_ISSUER_NAME = 6,
	HDR_SIGNATURE_INFO = 7, HDR_HASH_ALGORITHM = 8,
	HDR_SIGNATURE_ALGORITHM_INFO = 9, HDR_SIGNATURE_ALGORITHM = 10,
	HDR_SIGNATURE_MODULUS = 11, HDR_SIGNATURE = 12, HDR_PADDING = 13,
	HDR_FILENAME = 14, HDR_TIMESTAMP = 15, HDR_ENCRYPTION_INFO = 16,
	HDR_IV_INFO = 17, HDR_IV_UNKNOWN = 18, HDR_IV = 19, HDR_IV_PADDING = 20,
	HDR_KEY_INFO = 21, HDR_KEY_UNKNOWN = 22, HDR_KEY_SIZE = 23,
	HDR_KEY_ALGORITHM = 24, HDR_KEY = 25, HDR_ENCRYPTION_HASH_ALGORITHM = 26,
	HDR_ENCRYPTION_HASH = 27, HDR_SIGNER_VERSION = 28,
};

enum sig_hash { SIG_HASH_SHA1 = 1, SIG_HASH_SHA256 = 2, SIG_HASH_SHA512 = 3 };

/* Limits: names and filenames are strings, the rest bounded by u16. */
#define SIGFILE_NAME_MAX	1024

struct sigfile_header {
	uint8_t		 version_major, version_minor;
	uint16_t	 header_length;
	int		 has_signer_version;
	uint8_t		 signer_major, signer_minor;
	char		 signer_name[SIGFILE_NAME_MAX];
	char		 issuer_name[SIGFILE_NAME_MAX];
	const uint8_t	*serial;		/* points into the file */
	size_t		 serial_len;
	uint8_t		 hash_alg;		/* enum sig_hash */
	const uint8_t	*signature;
	size_t		 signature_len;
	size_t		 signature_offset;	/* of the SIGNATURE tag */
	char		 filename[256];
	int		 has_timestamp;
	uint32_t	 timestamp;
	/* .enc.sgn only */
	int		 encrypted;
	const uint8_t	*iv;
	size_t		 iv_len;
	uint16_t	 iv_padding;
	uint16_t	 key_size_bits;
	const uint8_t	*wrapped_key;
	size_t		 wrapped_key_len;
	uint8_t		 enc_hash_alg;
	const uint8_t	*enc_hash;
	size_t		 enc_hash_len;
};

/*
 * Parses the header of data.  Every length is checked against what
 * remains; errors name the element and its byte offset.  The header
 * points into data, which must outlive it.
 */
int	sigfile_header_parse(const uint8_t *data, size_t len,
	    struct sigfile_header *hdr, struct ucerr *err);

/* EVP digest for a header hash algorithm, or NULL. */
const EVP_MD *sig_hash_md(uint8_t hash_alg);
const char *sig_hash_name(uint8_t hash_alg);
int	sig_hash_parse(const char *name, uint8_t *hash_alg, struct ucerr *err);
/* "1.0" or "1.1" as sigfile_params.signer_version (10, 11). */
int	signer_version_parse(const char *name, int *version, struct ucerr *err);

/* Verifies the file's signature with cert's public key. */
int	sigfile_verify(const uint8_t *data, size_t len,
	    const struct sigfile_header *hdr, X509 *cert, struct ucerr *err);

/* Does cert carry the header's signer serial number and issuer name? */
int	sigfile_signer_matches(const struct sigfile_header *hdr, X509 *cert);

/* What a new signed file's header says. */
struct sigfile_params {
	uint8_t		 version_major, version_minor;	/* 1.2 tlv, 1.0 sgn, 2.0 enc */
	int		 signer_version;	/* 0: none; 10: 1.0; 11: 1.1 */
	uint8_t		 hash_alg;
	const char	*filename;
	uint32_t	 timestamp;		/* 0 = now */
	X509		*signer;
	EVP_PKEY	*key;			/* RSA */
	const uint8_t	*extra;			/* extra header elements (enc) */
	size_t		 extra_len;
};

/* Builds header + body, signs it, returns the whole file (caller frees). */
int	sigfile_build(const struct sigfile_params *p, const uint8_t *body,
	    size_t body_len, uint8_t **out, size_t *out_len, struct ucerr *err);

/* RFC 4514 attributes of a name, most specific first, joined by ",". */
int	sigfile_name_string(const X509_NAME *name, char *out, size_t outlen);
/* Compares names written with "," (reference tools) or ";" (CUCM). */
int	sigfile_names_equal(const char *a, const char *b);

/* Writing an element: writer_tlv* in buf.h.  Reads tag and length and a reader over the value. */
int	tlv_get(struct reader *r, uint8_t *tag, struct reader *value);
/* Copies a NUL-terminated string value (NUL optional) into out. */
int	tlv_string(const struct reader *value, char *out, size_t outlen);

#endif
