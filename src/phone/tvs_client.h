/*
 * tvs_client.h - asking TVS about certificates, as a phone does: one TLS
 * session, several VERIFY_REQUESTs.  With an ITL, the server must present
 * the certificate of the ITL's TVS record.
 */
#ifndef UCPKI_TVS_CLIENT_H
#define UCPKI_TVS_CLIENT_H

#include <openssl/x509.h>

#include "tls_client.h"
#include "tvs_msg.h"

struct itl_file;

struct tvs_answer {
	int		 valid;
	uint8_t		 roles[TVS_ROLES_MAX];
	size_t		 n_roles;
	uint32_t	 ttl;
};

struct tvs_client {
	struct tls_client tls;
	uint32_t	 session_id;
};

/* itl may be NULL: then the server is not authenticated. */
int	tvs_client_open(struct tvs_client *c, const char *host, int port,
	    const struct itl_file *itl, int timeout_ms, struct ucerr *err);
int	tvs_client_verify(struct tvs_client *c, const char *device_name,
	    X509 *cert, struct tvs_answer *answer, struct ucerr *err);
void	tvs_client_close(struct tvs_client *c);
/* A whole message from the server (untrusted) into an answer. */
int	tvs_answer_decode(const uint8_t *msg, size_t len,
	    struct tvs_answer *answer, struct ucerr *err);
/* Does the answer carry one of the roles in mask (1 << role)? */
int	tvs_answer_has_role(const struct tvs_answer *a, unsigned long mask);

#endif
