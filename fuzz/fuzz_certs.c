/*
 * fuzz_certs.c - PEM, DER and PKCS#7 input to `cert upload` and
 * `trust add` (certs_parse), and private keys (key_parse_pem).
 */
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "certinfo.h"
#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs;
	struct certinfo info;
	struct ucerr err;
	EVP_PKEY *key;
	int i;

	if (certs_parse(data, size, &certs, &err) == 0) {
		for (i = 0; i < sk_X509_num(certs); i++)
			certinfo_get(sk_X509_value(certs, i), &info);
		sk_X509_pop_free(certs, X509_free);
	}
	if (key_parse_pem(data, size, &key, &err) == 0)
		EVP_PKEY_free(key);
	return 0;
}
