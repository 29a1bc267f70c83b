/*
 * fuzz_capf_msg.c - CAPF messages as the server decodes them (the header
 * check the loop does first, the decoder, every element accessor, the
 * CERTIFICATE layout, the PUBLIC_KEY check, the SIGNED_DATA and SUDI_DATA
 * verifiers, the version 2 VERSION and SubjectPublicKeyInfo checks), and
 * the phone simulator's state machine, a phone's and a softphone's, fed
 * the same bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "capf_auth.h"
#include "capf_client.h"
#include "capf_msg.h"
#include "lsc.h"
#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the server does with a decoded message's certificate material. */
static void
server_checks(const struct capf_msg *m)
{
	const struct key_spec rsa2048 = { 0, 2048 }, ec256 = { 1, 256 };
	const uint8_t *der, *p, *sig, *sha2;
	size_t der_len, len, sig_len, sha2_len;
	struct ucerr err;
	EVP_PKEY *key;
	X509 *cert, *sudi;
	uint8_t type;

	(void)capf_msg_version(m, &type, &err);
	if (capf_msg_spki(m, &p, &len, &err) == 0 &&
	    lsc_public_key(NULL, p, len, &rsa2048, 0, &key, &err) == 0)
		EVP_PKEY_free(key);
	if (capf_msg_bytes(m, CAPF_EL_PUBLIC_KEY, &p, &len, NULL) == 0) {
		if (lsc_public_key(NULL, p, len, &rsa2048, 0, &key, &err) == 0)
			EVP_PKEY_free(key);
		if (lsc_public_key(NULL, p, len, &ec256, 0, &key, &err) == 0)
			EVP_PKEY_free(key);
	}
	if (capf_msg_bytes(m, CAPF_EL_SUDI_DATA, &p, &len, NULL) == 0 &&
	    capf_sudi_verify(p, len, m->session_id, &sudi, &err) == 0)
		X509_free(sudi);
	if (capf_msg_certificate(m, &der, &der_len, &type, &err) == 0 &&
	    cert_from_der(der, der_len, &cert, &err) == 0) {
		if (capf_msg_bytes(m, CAPF_EL_SIGNED_DATA, &sig, &sig_len,
		    NULL) == 0 && capf_msg_bytes(m, CAPF_EL_SHA2_SIGNED_DATA,
		    &sha2, &sha2_len, NULL) == 0)
			(void)capf_proof_verify(cert, "SEP001122334455", der,
			    der_len, sig, sig_len, sha2, sha2_len, &err);
		X509_free(cert);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capf_client client;
	struct capf_msg m;
	struct ucerr err;
	struct writer out;
	const uint8_t *p;
	size_t len, need;
	uint8_t u8;
	uint16_t u16;
	char s[64];
	int tag;

	(void)capf_msg_need(data, size, &need, &err);
	if (capf_msg_decode(data, size, &m, &err) == 0) {
		for (tag = 0; tag <= CAPF_EL_MAX; tag++) {
			(void)capf_msg_u8(&m, tag, &u8, &err);
			(void)capf_msg_u16(&m, tag, &u16, &err);
			(void)capf_msg_string(&m, tag, s, sizeof(s), &err);
			(void)capf_msg_bytes(&m, tag, &p, &len, &err);
		}
		server_checks(&m);
	}
	/* The phone side parses whatever a server sends it. */
	capf_client_init(&client);
	client.device_name = "SEP001122334455";
	writer_init(&out, CAPF_MESSAGE_MAX);
	(void)capf_client_handle(&client, data, size, &out);
	writer_free(&out);
	capf_client_free(&client);
	/* And a softphone, which speaks version 2. */
	capf_client_init(&client);
	client.device_name = "CSFJDOE";
	client.softphone = 1;
	writer_init(&out, CAPF_MESSAGE_MAX);
	(void)capf_client_handle(&client, data, size, &out);
	writer_free(&out);
	capf_client_free(&client);
	return 0;
}
