/*
 * fuzz_enccnf.c - encrypted configuration files (.cnf.xml.enc.sgn) as a
 * phone decrypts them (`cnf decrypt`, `phone verify-config`): the header
 * with ENCRYPTION_INFO, the wrapped key, padding, body and digest; once
 * without the signature check, so mutations reach the decryption, and
 * once with it.  The key and signer are the golden vectors' (seeds from
 * tests/vectors).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "enccnf.h"
#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static EVP_PKEY *key;
	static X509 *signer;
	STACK_OF(X509) *certs;
	uint8_t *xml;
	size_t xml_len;

	if (key == NULL) {
		if (key_load_file(UCPKI_VECTORS "/SEP001122334455-lsc.pem", &key,
		    NULL) == -1 || certs_load_file(UCPKI_VECTORS
		    "/certs/callmanager.pem", &certs, NULL) == -1)
			abort();
		signer = X509_dup(sk_X509_value(certs, 0));
		sk_X509_pop_free(certs, X509_free);
	}
	if (enccnf_decrypt(data, size, key, NULL, &xml, &xml_len, NULL) == 0)
		free(xml);
	if (enccnf_decrypt(data, size, key, signer, &xml, &xml_len, NULL) == 0)
		free(xml);
	return 0;
}
