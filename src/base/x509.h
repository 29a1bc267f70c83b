/*
 * x509.h - the OpenSSL helpers every module shares: key generation,
 * certificate and CSR building, loading PEM/DER/PKCS#7, and the few
 * printable facts (fingerprint, serial, names, dates) the commands show.
 */
#ifndef UCPKI_X509_H
#define UCPKI_X509_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "clock.h"
#include "err.h"

/* Key types by the names the CLI uses: rsa1024..rsa4096, ec256/384/521. */
struct key_spec {
	int	is_ec;
	int	bits;		/* RSA modulus bits or EC curve size */
};

int	key_spec_parse(const char *name, struct key_spec *spec, struct ucerr *err);
void	key_spec_name(const struct key_spec *spec, char *out, size_t outlen);
int	key_generate(const struct key_spec *spec, EVP_PKEY **out, struct ucerr *err);
/* Type and size of an existing key ("RSA", 2048 / "EC", 256). */
void	key_describe(EVP_PKEY *key, char *type, size_t typelen, int *bits);

int	digest_parse(const char *name, const EVP_MD **md, struct ucerr *err);

/* Subject attributes shared by identities and LSCs. */
struct dn_fields {
	const char	*cn, *o, *ou, *l, *st, *c;
};

enum cert_profile {
	PROFILE_SERVER,		/* tomcat, CallManager, TVS, ipsec */
	PROFILE_CA,		/* CAPF, ITLRecovery (signs files / certs) */
	PROFILE_LSC,		/* phone LSC (CA:FALSE, critical usages) */
};

struct cert_template {
	struct dn_fields subject;
	enum cert_profile profile;
	const char	*san;		/* "DNS:a,DNS:b" or NULL */
	long		 days;
	time_t		 not_before;	/* 0 = now */
	const EVP_MD	*md;		/* NULL = SHA-256 */
	/* The subject's key as DER SubjectPublicKeyInfo: copied into the
	 * certificate as is, which spares OpenSSL 3.0's slow key encoder. */
	const uint8_t	*spki_der;
	size_t		 spki_len;
};

/*
 * Builds and signs a certificate for pubkey.  issuer == NULL makes it
 * self-signed (signed by issuer_key, which must then be pubkey's pair).
 * Serial: 16 random bytes with the top bit clear.
 */
int	cert_build(const struct cert_template *t, EVP_PKEY *pubkey,
	    X509 *issuer, EVP_PKEY *issuer_key, X509 **out, struct ucerr *err);
int	csr_build(const struct cert_template *t, EVP_PKEY *key, X509_REQ **out,
	    struct ucerr *err);

/* DER <-> X509. */
int	cert_from_der(const uint8_t *der, size_t len, X509 **out, struct ucerr *err);
int	cert_to_der(X509 *cert, uint8_t **der, size_t *len, struct ucerr *err);

/*
 * Reads certificates from untrusted bytes: PEM (one or many), DER X.509,
 * or DER PKCS#7 (a chain).  PEM PKCS#7 is refused, as CUCM does.  The
 * first certificate is the leaf.
 */
int	certs_parse(const uint8_t *data, size_t len, STACK_OF(X509) **out,
	    struct ucerr *err);
int	certs_load_file(const char *path, STACK_OF(X509) **out, struct ucerr *err);
/* First private key in a PEM file (unencrypted). */
int	key_load_file(const char *path, EVP_PKEY **out, struct ucerr *err);
int	key_parse_pem(const uint8_t *data, size_t len, EVP_PKEY **out,
	    struct ucerr *err);
/*
 * The first certificate of a file and, when key != NULL, its private key
 * from the same file: a signer's PEM.  A key that is not the
 * certificate's is refused (it would sign files no one can verify).
 */
int	cert_key_load_file(const char *path, X509 **cert, EVP_PKEY **key,
	    struct ucerr *err);
/* A CSR file, PEM or DER (caller frees). */
int	csr_load_file(const char *path, X509_REQ **out, struct ucerr *err);
/* Every certificate in a file of CAs as an X509_STORE; *n gets how many
 * (may be NULL). */
int	ca_file_store(const char *path, X509_STORE **out, int *n,
	    struct ucerr *err);
/* Every certificate of a stack in a new X509_STORE. */
int	x509_store_from_certs(STACK_OF(X509) *certs, X509_STORE **out,
	    struct ucerr *err);
/* Writes an unencrypted PKCS#8 PEM key file with mode 0600, atomically. */
int	key_write_file(const char *path, EVP_PKEY *key, struct ucerr *err);
int	cert_to_pem(X509 *cert, char **pem, size_t *len, struct ucerr *err);
int	csr_to_pem(X509_REQ *req, char **pem, size_t *len, struct ucerr *err);

/* Printable facts.  Buffers: fingerprints 65, serial 2*20+1 hex. */
void	cert_sha256_hex(X509 *cert, char out[65]);
/* MD5 of the DER, lower-case hex ("" on failure): the certHash phones
 * compare in an encrypted configuration's stub. */
void	cert_md5_hex(X509 *cert, char out[33]);
/* A server context presents cert with key (checked to match): 0 or -1. */
int	tls_ctx_use_identity(SSL_CTX *ctx, X509 *cert, EVP_PKEY *key);
void	sha256_hex(const void *data, size_t len, char out[65]);
void	cert_sha1_hex(X509 *cert, char out[41]);
void	cert_serial_hex(X509 *cert, char *out, size_t outlen);
/* The serial as minimal big-endian bytes (as ITL and .sgn files carry it). */
int	cert_serial_bytes(X509 *cert, uint8_t *out, size_t outlen, size_t *len);
void	cert_common_name(X509 *cert, char *out, size_t outlen);
/* "CN=a,O=Example Corp,C=NZ": the attributes in the certificate's order. */
void	name_oneline(const X509_NAME *name, char *out, size_t outlen);
int	cert_is_self_signed(X509 *cert);
int	cert_is_ca(X509 *cert);
time_t	asn1_time_to_unix(const ASN1_TIME *t);
/* Does the certificate's public key match this private key? */
int	cert_matches_key(X509 *cert, EVP_PKEY *key);
/* Public key bits of a certificate (RSA modulus or EC order bits). */
int	cert_key_bits(X509 *cert);

#endif
