/*
 * fuzz_capf_msg.c - CAPF messages as the server decodes them, every
 * element accessor, the certificate proofs and SUDI data, and the phone
 * simulator's state machine fed the same bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "capf_auth.h"
#include "capf_client.h"
#include "capf_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capf_client client;
	struct capf_msg m;
	struct ucerr err;
	struct writer out;
	const uint8_t *der, *p;
	size_t len, need;
	uint8_t u8, type;
	uint16_t u16;
	char s[64];
	X509 *sudi;
	int tag;

	(void)capf_msg_need(data, size, &need, &err);
	if (capf_msg_decode(data, size, &m, &err) == 0) {
		for (tag = 1; tag < CAPF_EL_MAX; tag++) {
			(void)capf_msg_u8(&m, tag, &u8, &err);
			(void)capf_msg_u16(&m, tag, &u16, &err);
			(void)capf_msg_string(&m, tag, s, sizeof(s), &err);
			(void)capf_msg_bytes(&m, tag, &p, &len, &err);
		}
		(void)capf_msg_certificate(&m, &der, &len, &type, &err);
		if (capf_msg_bytes(&m, CAPF_EL_SUDI_DATA, &p, &len, NULL) == 0 &&
		    capf_sudi_verify(p, len, m.session_id, &sudi, &err) == 0)
			X509_free(sudi);
	}
	/* The phone side parses whatever a server sends it. */
	capf_client_init(&client);
	client.device_name = "SEP001122334455";
	writer_init(&out, CAPF_MESSAGE_MAX);
	(void)capf_client_handle(&client, data, size, &out);
	writer_free(&out);
	capf_client_free(&client);
	return 0;
}
