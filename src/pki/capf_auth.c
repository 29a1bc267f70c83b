/* capf_auth.c - certificate proofs for CAPF (see capf_auth.h). */
#include <string.h>

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "capf_auth.h"
#include "capf_msg.h"
#include "x509.h"

#define HASH_SHA1	1
#define HASH_SHA512	3

/* A proof under way: the digest of what it covers, and the key's context. */
struct proof {
	EVP_PKEY_CTX	*ctx;		/* NULL when the setup failed */
	unsigned char	 digest[EVP_MAX_MD_SIZE];
	unsigned int	 digest_len;
};

/*
 * What signing and checking a proof share: the digest of a | b, and a
 * context for the key set up for one or the other.  No signature digest
 * is set, so RSA pads the bare digest (PKCS#1 type 1, no DigestInfo);
 * EC signs it as ECDSA does.
 */
static int
proof_setup(struct proof *p, EVP_PKEY *key, const EVP_MD *md, int sign,
    const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	EVP_MD_CTX *mdctx = EVP_MD_CTX_new();
	int ok;

	p->ctx = NULL;
	p->digest_len = 0;
	ok = mdctx != NULL && EVP_DigestInit_ex(mdctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(mdctx, a, a_len) == 1 &&
	    EVP_DigestUpdate(mdctx, b, b_len) == 1 &&
	    EVP_DigestFinal_ex(mdctx, p->digest, &p->digest_len) == 1 &&
	    (p->ctx = EVP_PKEY_CTX_new(key, NULL)) != NULL &&
	    (sign ? EVP_PKEY_sign_init(p->ctx) :
	    EVP_PKEY_verify_init(p->ctx)) == 1 &&
	    (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_PKEY_CTX_set_rsa_padding(p->ctx, RSA_PKCS1_PADDING) == 1);
	EVP_MD_CTX_free(mdctx);
	if (!ok) {
		EVP_PKEY_CTX_free(p->ctx);
		p->ctx = NULL;
		return -1;
	}
	return 0;
}

/* Signs the digest of a | b: raw PKCS#1 type 1 for RSA, ECDSA for EC. */
static int
proof_sign(EVP_PKEY *key, const EVP_MD *md, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, uint8_t *sig, size_t *sig_len)
{
	struct proof p;
	int rc = -1;

	if (proof_setup(&p, key, md, 1, a, a_len, b, b_len) == 0 &&
	    EVP_PKEY_sign(p.ctx, sig, sig_len, p.digest, p.digest_len) == 1)
		rc = 0;
	EVP_PKEY_CTX_free(p.ctx);
	return rc;
}

/* Checks sig over the digest of a | b.  A signature that does not verify
 * is an answer, not a failure: no OpenSSL error is left behind. */
static int
proof_check(EVP_PKEY *key, const EVP_MD *md, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, const uint8_t *sig, size_t sig_len)
{
	struct proof p;
	int rc = -1;

	if (proof_setup(&p, key, md, 0, a, a_len, b, b_len) == 0 &&
	    EVP_PKEY_verify(p.ctx, sig, sig_len, p.digest, p.digest_len) == 1)
		rc = 0;
	ERR_clear_error();
	EVP_PKEY_CTX_free(p.ctx);
	return rc;
}

int
capf_proof_has_sha2(EVP_PKEY *key)
{
	/* PKCS#1 type 1 needs 11 bytes beside the 64-byte digest. */
	return EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_size(key) >= 64 + 11;
}

int
capf_proof_write(struct writer *w, EVP_PKEY *key, const char *device_name,
    const uint8_t *cert_der, size_t cert_len, struct ucerr *err)
{
	uint8_t sig[1024];
	size_t sig_len = sizeof(sig);
	const uint8_t *name = (const uint8_t *)device_name;
	size_t name_len = strlen(device_name) + 1;	/* with the NUL */
	struct writer sha2;
	int rc;

	if (proof_sign(key, EVP_sha1(), name, name_len, cert_der, cert_len, sig,
	    &sig_len) == -1)
		return ucerr_ssl(err, "CAPF: cannot sign SIGNED_DATA");
	writer_tlv(w, CAPF_EL_SIGNED_DATA, sig, sig_len);
	if (!capf_proof_has_sha2(key))
		return 0;	/* sign what it can: SHA-1 only */
	sig_len = sizeof(sig);
	if (proof_sign(key, EVP_sha512(), name, name_len, cert_der, cert_len,
	    sig, &sig_len) == -1)
		return ucerr_ssl(err, "CAPF: cannot sign SHA2_SIGNED_DATA");
	writer_init(&sha2, 0);
	writer_u8(&sha2, HASH_SHA512);
	writer_u16(&sha2, (uint16_t)sig_len);
	writer_bytes(&sha2, sig, sig_len);
	rc = writer_tlv(w, CAPF_EL_SHA2_SIGNED_DATA, sha2.data, sha2.len);
	writer_free(&sha2);
	return rc;
}

int
capf_proof_verify(X509 *cert, const char *device_name, const uint8_t *cert_der,
    size_t cert_len, const uint8_t *signed_data, size_t signed_len,
    const uint8_t *sha2_data, size_t sha2_len, struct ucerr *err)
{
	const uint8_t *name = (const uint8_t *)device_name, *sig;
	size_t name_len = strlen(device_name) + 1;
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	struct reader r;
	uint8_t alg;
	uint16_t len;

	if (pub == NULL)
		return ucerr_set(err, "CAPF: certificate has no usable key");
	if (proof_check(pub, EVP_sha1(), name, name_len, cert_der, cert_len,
	    signed_data, signed_len) == -1)
		return ucerr_set(err, "CAPF: SIGNED_DATA does not verify with "
		    "the certificate's key");
	if (sha2_data == NULL) {
		if (capf_proof_has_sha2(pub))
			return ucerr_set(err, "CAPF: SHA2_SIGNED_DATA missing (the "
			    "certificate's key can make it)");
		return 0;
	}
	reader_init(&r, sha2_data, sha2_len);
	if (reader_u8(&r, &alg) == -1 || reader_u16(&r, &len) == -1 ||
	    reader_bytes(&r, len, &sig) == -1 || reader_left(&r) != 0)
		return ucerr_set(err, "CAPF: SHA2_SIGNED_DATA malformed");
	if (alg != HASH_SHA512)
		return ucerr_set(err, "CAPF: SHA2_SIGNED_DATA hash %u, expected "
		    "3 (SHA-512)", alg);
	if (proof_check(pub, EVP_sha512(), name, name_len, cert_der, cert_len,
	    sig, len) == -1)
		return ucerr_set(err, "CAPF: SHA2_SIGNED_DATA does not verify "
		    "with the certificate's key");
	return 0;
}

int
capf_sudi_write(struct writer *w, EVP_PKEY *key, const uint8_t *sudi_der,
    size_t sudi_len, uint32_t session_id, struct ucerr *err)
{
	uint8_t le[4] = { (uint8_t)session_id, (uint8_t)(session_id >> 8),
	    (uint8_t)(session_id >> 16), (uint8_t)(session_id >> 24) };
	uint8_t sig1[1024], sig2[1024];
	size_t len1 = sizeof(sig1), len2 = sizeof(sig2);
	struct writer sudi;
	int rc;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return ucerr_set(err, "CAPF: SUDI keys are RSA");
	if (proof_sign(key, EVP_sha1(), le, 4, sudi_der, sudi_len, sig1,
	    &len1) == -1 ||
	    proof_sign(key, EVP_sha512(), le, 4, sudi_der, sudi_len, sig2,
	    &len2) == -1)
		return ucerr_ssl(err, "CAPF: cannot sign SUDI_DATA");
	writer_init(&sudi, 0);
	writer_u8(&sudi, 0);
	writer_u16(&sudi, (uint16_t)sudi_len);
	writer_bytes(&sudi, sudi_der, sudi_len);
	writer_u8(&sudi, HASH_SHA1);
	writer_u16(&sudi, (uint16_t)len1);
	writer_bytes(&sudi, sig1, len1);
	writer_u8(&sudi, HASH_SHA512);
	writer_u16(&sudi, (uint16_t)len2);
	writer_bytes(&sudi, sig2, len2);
	rc = sudi.failed ? -1 : writer_tlv(w, CAPF_EL_SUDI_DATA, sudi.data,
	    sudi.len);
	writer_free(&sudi);
	return rc;
}

int
capf_sudi_verify(const uint8_t *data, size_t len, uint32_t session_id,
    X509 **sudi, struct ucerr *err)
{
	uint8_t le[4] = { (uint8_t)session_id, (uint8_t)(session_id >> 8),
	    (uint8_t)(session_id >> 16), (uint8_t)(session_id >> 24) };
	const uint8_t *der, *sig1, *sig2;
	uint16_t der_len, len1, len2;
	uint8_t t0, t1, t2;
	struct reader r;
	X509 *cert;

	*sudi = NULL;
	reader_init(&r, data, len);
	if (reader_u8(&r, &t0) == -1 || reader_u16(&r, &der_len) == -1 ||
	    reader_bytes(&r, der_len, &der) == -1 ||
	    reader_u8(&r, &t1) == -1 || reader_u16(&r, &len1) == -1 ||
	    reader_bytes(&r, len1, &sig1) == -1 ||
	    reader_u8(&r, &t2) == -1 || reader_u16(&r, &len2) == -1 ||
	    reader_bytes(&r, len2, &sig2) == -1)
		return ucerr_set(err, "CAPF: SUDI_DATA truncated");
	if (t2 != HASH_SHA512)
		return ucerr_set(err, "CAPF: SUDI_DATA hash %u, expected 3", t2);
	if (cert_from_der(der, der_len, &cert, err) == -1)
		return ucerr_wrap(err, "CAPF: SUDI_DATA");
	if (X509_get0_pubkey(cert) == NULL ||
	    proof_check(X509_get0_pubkey(cert), EVP_sha1(), le, 4, der, der_len,
	    sig1, len1) == -1 ||
	    proof_check(X509_get0_pubkey(cert), EVP_sha512(), le, 4, der,
	    der_len, sig2, len2) == -1) {
		X509_free(cert);
		return ucerr_set(err, "CAPF: SUDI_DATA signature does not verify");
	}
	*sudi = cert;
	return 0;
}
