/*
 * capf_auth.h - the proofs a phone gives CAPF with its certificate.
 *
 * SIGNED_DATA: the phone signs  device_name | 0x00 | certificate DER.
 * RSA keys use raw PKCS#1 v1.5 type-1 padding around the bare digest (no
 * DigestInfo), SHA-1; SHA2_SIGNED_DATA is u8 3 (SHA-512) | u16 len | the
 * same over SHA-512.  EC keys use ordinary ECDSA signatures.  An RSA key
 * under 600 bits cannot pad a SHA-512 digest (64 bytes + 11): such a phone
 * (a 512-bit LSC) sends SIGNED_DATA alone, as phones before SHA-2 did.
 * SUDI_DATA: u8 0 | u16 len | SUDI DER | u8 1 | u16 len | sig SHA-1 |
 * u8 3 | u16 len | sig SHA-512, over  session_id (u32 little-endian) |
 * SUDI DER.
 */
#ifndef UCPKI_CAPF_AUTH_H
#define UCPKI_CAPF_AUTH_H

#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "buf.h"
#include "err.h"

/* Can the key sign a SHA-512 proof?  Not an RSA key under 600 bits. */
int	capf_proof_has_sha2(EVP_PKEY *key);
/* Appends SIGNED_DATA, and SHA2_SIGNED_DATA when the key can make it. */
int	capf_proof_write(struct writer *w, EVP_PKEY *key, const char *device_name,
	    const uint8_t *cert_der, size_t cert_len, struct ucerr *err);
/*
 * Checks both signatures with the certificate's key.  sha2_data NULL
 * (the element is absent) passes only for a key that cannot make it: a
 * key that can must prove itself with SHA-512 too (no downgrade).
 */
int	capf_proof_verify(X509 *cert, const char *device_name,
	    const uint8_t *cert_der, size_t cert_len,
	    const uint8_t *signed_data, size_t signed_len,
	    const uint8_t *sha2_data, size_t sha2_len, struct ucerr *err);

/* Appends a SUDI_DATA element (RSA SUDI keys only). */
int	capf_sudi_write(struct writer *w, EVP_PKEY *key, const uint8_t *sudi_der,
	    size_t sudi_len, uint32_t session_id, struct ucerr *err);
/* Parses SUDI_DATA, checks both signatures, returns the SUDI certificate. */
int	capf_sudi_verify(const uint8_t *data, size_t len, uint32_t session_id,
	    X509 **sudi, struct ucerr *err);

#endif
