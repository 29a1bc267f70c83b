/*
 * fuzz_capf_client.c - the phone's side of CAPF (`phone capf`, `phone
 * swarm`) fed a whole session from a server: the input is the server's
 * messages back to back, each framed by its own header, and the state
 * machine answers each one as the drivers do (key generation from a
 * pool, the LSC kept).  fuzz_capf_msg feeds single messages; this one
 * reaches the later states.  Seeds: fuzz/make-capf-corpus.py.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capf_client.h"
#include "capf_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *rsa_key, *ec_key;
static X509 *mic;

/* Keys made once: generating one per input would be all the fuzzer did. */
static EVP_PKEY *
pool_key(void *ctx, const struct key_spec *spec)
{
	EVP_PKEY *key = spec->is_ec ? ec_key : rsa_key;

	(void)ctx;
	EVP_PKEY_up_ref(key);
	return key;
}

/* The keys of the golden LSCs, so the seeds' STORE requests match. */
static void
init(void)
{
	struct cert_template t;

	memset(&t, 0, sizeof(t));
	t.subject.cn = "CP-8845-SEP001122334455";
	t.profile = PROFILE_LSC;
	t.days = 30;
	if (key_load_file(UCPKI_VECTORS "/SEP001122334455-lsc.pem", &rsa_key,
	    NULL) == -1 || key_load_file(UCPKI_VECTORS
	    "/SEP001122334455-lsc-ec.pem", &ec_key, NULL) == -1 ||
	    cert_build(&t, ec_key, NULL, ec_key, &mic, NULL) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum capf_client_action action = CLIENT_SEND;
	struct capf_client c;
	struct writer out;
	size_t need, left = size;
	const uint8_t *p = data;

	if (mic == NULL)
		init();
	capf_client_init(&c);
	/* A session whose last byte is odd is a softphone's (version 2). */
	c.softphone = size > 0 && (data[size - 1] & 1);
	c.device_name = c.softphone ? "CSFJDOE" : "SEP001122334455";
	c.password = "123456";
	c.auth_cert = mic;
	c.auth_key = ec_key;
	c.current_lsc = mic;
	c.keygen = pool_key;
	writer_init(&out, CAPF_MESSAGE_MAX);
	while (left > 0 && action != CLIENT_DONE && action != CLIENT_ERROR) {
		/* The driver reads one framed message at a time. */
		if (left < CAPF_HEADER_LEN ||
		    capf_msg_need(p, left, &need, NULL) == -1 || need > left)
			need = left;
		action = capf_client_handle(&c, p, need, &out);
		if (action == CLIENT_KEYGEN)
			action = capf_client_keygen(&c, &out);
		else if (action == CLIENT_STORE)
			action = capf_client_stored(&c, 1, &out);
		p += need;
		left -= need;
	}
	writer_free(&out);
	capf_client_free(&c);
	return 0;
}
