/*
 * capf_client.h - the phone's side of the CAPF protocol as a state
 * machine with no I/O of its own, so that one simulated phone
 * (`ucpki phone capf`) and thousands (`ucpki phone swarm`) drive the
 * same code.  The driver feeds each whole message from the server to
 * capf_client_handle() and sends what it writes.
 */
#ifndef UCPKI_CAPF_CLIENT_H
#define UCPKI_CAPF_CLIENT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "buf.h"
#include "err.h"
#include "x509.h"

enum capf_client_action {
	CLIENT_SEND,		/* send the writer's bytes, then wait */
	CLIENT_KEYGEN,		/* send (a softphone: nothing), then (after
				 * any delay) call _keygen */
	CLIENT_STORE,		/* keep client->new_lsc, then call _stored */
	CLIENT_DONE,		/* session over: see outcome */
	CLIENT_ERROR,		/* protocol error: see message */
};

enum capf_client_outcome {
	OUTCOME_NONE,
	OUTCOME_INSTALLED,	/* LSC: Installed */
	OUTCOME_DELETED,
	OUTCOME_FETCHED,	/* troubleshoot: the phone's certificate sent */
	OUTCOME_NO_ACTION,	/* no operation pending */
	OUTCOME_UNKNOWN_DEVICE,
	OUTCOME_REJECTED,	/* END_SESSION with an error reason */
	OUTCOME_RETRY_LATER,	/* RETRY_LATER: the server is busy with it */
	OUTCOME_FAILED,		/* protocol or local error */
	OUTCOME_COUNT
};

/* "installed", "no_action", "retry_later", ...: the outcome's name in
 * reports (the swarm's JSON keys). */
const char	*capf_client_outcome_name(enum capf_client_outcome outcome);

/* Where keys come from: generated here, or from a pool (the swarm). */
typedef EVP_PKEY *(*capf_keygen_fn)(void *ctx, const struct key_spec *spec);

struct capf_client {
	/* set by the driver */
	const char	*device_name;
	int		 softphone;	/* speak version 2, as Jabber does */
	const char	*password;	/* "" when none */
	X509		*auth_cert;	/* LSC if installed, else MIC */
	EVP_PKEY	*auth_key;
	int		 auth_is_lsc;
	X509		*fallback_cert;	/* the MIC, when the LSC cannot sign */
	EVP_PKEY	*fallback_key;
	X509		*sudi;		/* optional */
	EVP_PKEY	*sudi_key;
	X509		*current_lsc;	/* what FETCH returns; may be NULL */
	capf_keygen_fn	 keygen;	/* NULL: generate here */
	void		*keygen_ctx;
	/* The key's SubjectPublicKeyInfo as DER, when the driver keeps it
	 * encoded (the swarm's pool: OpenSSL 3's encoder costs ~0.9 M
	 * instructions a key); NULL, or NULL returned: encoded here. */
	const uint8_t	*(*keygen_spki)(void *ctx, EVP_PKEY *key, int *len);

	/* state */
	int		 state;
	uint32_t	 session_id;
	int		 operation;	/* CERT_OP_* the server started */
	struct key_spec	 asked;
	EVP_PKEY	*new_key;
	X509		*new_lsc;
	enum capf_client_outcome outcome;
	int		 end_reason;
	int		 retry_delay;	/* RETRY_LATER's seconds */
	char		 message[256];
};

void	capf_client_init(struct capf_client *c);
void	capf_client_free(struct capf_client *c);
/* One message from the server in; any reply goes to out (reset first). */
enum capf_client_action capf_client_handle(struct capf_client *c,
	    const uint8_t *msg, size_t len, struct writer *out);
/* After CLIENT_KEYGEN: the key, and KEY_GENERATE_RESPONSE into out. */
enum capf_client_action capf_client_keygen(struct capf_client *c,
	    struct writer *out);
/* After CLIENT_STORE: ok = the driver kept the LSC. */
enum capf_client_action capf_client_stored(struct capf_client *c, int ok,
	    struct writer *out);

#endif
