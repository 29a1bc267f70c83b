/*
 * enccnf.h - encrypted phone configuration (.cnf.xml.enc.sgn) and the
 * signed stub (.cnf.xml.sgn) that tells the phone to fetch it.
 *
 * Body: AES-128-CBC of the XML padded with '\r' to a 16-byte multiple;
 * the AES key wrapped with RSA PKCS#1 v1.5 to the phone's certificate;
 * header version 2.0 with ENCRYPTION_INFO and the plaintext's digest.
 */
#ifndef UCPKI_ENCCNF_H
#define UCPKI_ENCCNF_H

#include "sigfile.h"

struct enccnf_out {
	uint8_t	*enc;		/* .cnf.xml.enc.sgn */
	size_t	 enc_len;
	uint8_t	*stub;		/* .cnf.xml.sgn */
	size_t	 stub_len;
};

/*
 * name is the configuration's file name (SEP<MAC>.cnf.xml).  p gives the
 * signer, key and hash; its filename and versions are set here.
 */
int	enccnf_encrypt(const uint8_t *xml, size_t xml_len, const char *name,
	    X509 *device_cert, const struct sigfile_params *p,
	    struct enccnf_out *out, struct ucerr *err);
void	enccnf_out_free(struct enccnf_out *out);
/* The stub configuration for a phone configuration (XML, untrusted:
 * an administrator's file); *out is malloc'd. */
int	enccnf_stub(const uint8_t *xml, size_t len, X509 *device_cert,
	    uint8_t **out, size_t *out_len, struct ucerr *err);
/* Checks the plaintext digest; signer may be NULL to skip the signature. */
int	enccnf_decrypt(const uint8_t *data, size_t len, EVP_PKEY *device_key,
	    X509 *signer, uint8_t **xml, size_t *xml_len, struct ucerr *err);

#endif
