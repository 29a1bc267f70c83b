/*
 * fuzz_crl.c - CRLs as `crl add` reads them (PEM, else DER), then what
 * the store and the monitor do with one: the issuer's name, the
 * signature check against a CA, and the revocation lookup for a
 * certificate that CA issued (the seeds revoke it).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crl.h"
#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The CA that signed the seeds (fuzz/corpus/fuzz_crl), and its serial 01. */
static const char ca_pem[] =
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIBVzCB/qADAgECAhQpu6p8Fi/FYiIt3qapKnlDzcGoWDAKBggqhkjOPQQDAjAS\n"
	    "MRAwDgYDVQQDDAdGdXp6IENBMB4XDTI2MTIwMTIwMjQ1M1oXDTM2MTEyODIwMjQ1\n"
	    "M1owEjEQMA4GA1UEAwwHRnV6eiBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IA\n"
	    "BLFvuleEckD3p8U55WovdzW96Htk/SkUlaFLDB3UVFdOJ1OodpqZSUjag2rG5RLg\n"
	    "EjbTfSUcGkMhTVV9RtfqOXyjMjAwMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYE\n"
	    "FMSJptFJ9DcxHXDIQnAfnslZPrz4MAoGCCqGSM49BAMCA0gAMEUCIQCj7sKpqAPZ\n"
	    "duvH6zq7xC4wPiHq63La8Ra4qGdBkM6AUgIgQ5UBH/6nUhSfliK14fkvJKsDzhZu\n"
	    "bLv5SsJG/5Hvldo=\n"
	    "-----END CERTIFICATE-----\n";
static const char leaf_pem[] =
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIBCDCBrwIBATAKBggqhkjOPQQDAjASMRAwDgYDVQQDDAdGdXp6IENBMB4XDTI2\n"
	    "MTIwMTIwMjUwMFoXDTI2MTIzMTIwMjUwMFowDzENMAsGA1UEAwwEbGVhZjBZMBMG\n"
	    "ByqGSM49AgEGCCqGSM49AwEHA0IABFCS1uMCmmYmz8SaMguqkBQG3Bg1uJG7W9d4\n"
	    "lWWGwKDNuaHqEFAFL4s+/wJdaMlJH/ik0dNcePWNFI0iI/5aL0kwCgYIKoZIzj0E\n"
	    "AwIDSAAwRQIgEoTU+hji3ClytJkpYNBJLKpun5z9z3isLg9p+lDHRWICIQDArjP1\n"
	    "GLf1Tf8lXSAqwBtwABLSyn81HB8iJi6U/DNzdA==\n"
	    "-----END CERTIFICATE-----\n";

static X509 *
load(const char *pem)
{
	STACK_OF(X509) *certs;
	X509 *cert;

	if (certs_parse((const uint8_t *)pem, strlen(pem), &certs, NULL) == -1)
		return NULL;
	cert = X509_dup(sk_X509_value(certs, 0));
	sk_X509_pop_free(certs, X509_free);
	return cert;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static X509 *ca, *leaf;
	STACK_OF(X509_CRL) *crls;
	X509_CRL *crl;
	char issuer[512];

	if (ca == NULL) {
		ca = load(ca_pem);
		leaf = load(leaf_pem);
	}
	if ((crl = crl_parse(data, size)) == NULL)
		return 0;
	name_oneline(X509_CRL_get_issuer(crl), issuer, sizeof(issuer));
	(void)X509_CRL_verify(crl, X509_get0_pubkey(ca));
	if ((crls = sk_X509_CRL_new_null()) != NULL &&
	    sk_X509_CRL_push(crls, crl) > 0) {
		(void)crl_revoked(crls, leaf);
		(void)crl_revoked(crls, ca);
		crl = NULL;
	}
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	X509_CRL_free(crl);
	return 0;
}
