/*
 * fuzz_capf_msg.c - one CAPF message as the server receives it: the
 * header check the event loop does first (capf_msg_need), the decoder,
 * every element accessor, the CERTIFICATE layout, the PUBLIC_KEY check,
 * and the SIGNED_DATA / SUDI_DATA verifiers, all the entry points
 * capf_session.c uses.
 */
#include <stddef.h>
#include <stdint.h>

#include "capf_auth.h"
#include "capf_msg.h"
#include "lsc.h"
#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct key_spec rsa2048 = { 0, 2048 }, ec256 = { 1, 256 };
	const uint8_t *der, *bytes, *sig, *sha2;
	size_t need, der_len, len, sig_len, sha2_len;
	struct capf_msg m;
	struct ucerr err;
	EVP_PKEY *key;
	X509 *cert, *sudi;
	char name[64];
	uint16_t u16;
	uint8_t u8, type;
	int tag;

	if (capf_msg_need(data, size, &need, &err) == -1 || need > size)
		return 0;
	if (capf_msg_decode(data, need, &m, &err) == -1)
		return 0;
	for (tag = 0; tag <= CAPF_EL_MAX; tag++) {
		(void)capf_msg_u8(&m, tag, &u8, &err);
		(void)capf_msg_u16(&m, tag, &u16, &err);
		(void)capf_msg_string(&m, tag, name, sizeof(name), &err);
		(void)capf_msg_bytes(&m, tag, &bytes, &len, &err);
	}
	if (capf_msg_bytes(&m, CAPF_EL_PUBLIC_KEY, &bytes, &len, &err) == 0) {
		if (lsc_public_key(bytes, len, &rsa2048, 0, &key, &err) == 0)
			EVP_PKEY_free(key);
		if (lsc_public_key(bytes, len, &ec256, 0, &key, &err) == 0)
			EVP_PKEY_free(key);
	}
	if (capf_msg_bytes(&m, CAPF_EL_SUDI_DATA, &bytes, &len, &err) == 0 &&
	    capf_sudi_verify(bytes, len, m.session_id, &sudi, &err) == 0)
		X509_free(sudi);
	if (capf_msg_certificate(&m, &der, &der_len, &type, &err) == 0 &&
	    cert_from_der(der, der_len, &cert, &err) == 0) {
		if (capf_msg_bytes(&m, CAPF_EL_SIGNED_DATA, &sig, &sig_len,
		    &err) == 0 && capf_msg_bytes(&m, CAPF_EL_SHA2_SIGNED_DATA,
		    &sha2, &sha2_len, &err) == 0)
			(void)capf_proof_verify(cert, "SEP001122334455", der,
			    der_len, sig, sig_len, sha2, sha2_len, &err);
		X509_free(cert);
	}
	return 0;
}
