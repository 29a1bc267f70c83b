/*
 * capf_cert.h - which certificate may authenticate which device to CAPF.
 *
 * A certificate proves possession (capf_auth.h); these rules bind it to
 * the device that named itself in AUTH_RESPONSE:
 *
 *  - an LSC (any certificate not named CP-...) authenticates only the
 *    device it names (CN = the device name), only while it is valid, only
 *    when it chains to CAPF-trust, and only when it is one this cluster
 *    issued to that device (its current or a superseded LSC in the lsc
 *    table, byte for byte) that the administrator has not revoked;
 *  - a MIC (CN CP-<model>-<device name>) authenticates only the device
 *    whose name it carries, while valid, chaining to a manufacturing CA
 *    in CAPF-trust: a chain through a CAPF certificate is refused;
 *  - SUDI_DATA, when present, must verify, be valid, chain to a
 *    manufacturing (SUDI) CA in CAPF-trust -- never through a CAPF -- and
 *    name the same device.  The one exception is SUDI_DATA carrying the
 *    very certificate presented for authentication (the reference capfc
 *    signs it with the LSC it authenticates with): that is a second proof
 *    of possession bound to the session, checked as such, not a SUDI.
 *
 * Refusals say what did not match, for the log line and the history.
 */
#ifndef UCPKI_CAPF_CERT_H
#define UCPKI_CAPF_CERT_H

#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "capf_msg.h"

struct store;

struct capf_cert_ctx {
	struct store	*st;
	X509_STORE	*trust;		/* CAPF-trust */
	X509		*capf;		/* this node's CAPF certificate */
	const char	*device;	/* the name the phone gave */
	time_t		 now;
};

struct capf_cert_verdict {
	int	 is_mic;		/* judged as a MIC, else as an LSC */
	char	 issuer_sha256[65];	/* an LSC on record: its issuer */
	char	 why[256];		/* a refusal: what did not match */
};

/* Judged as a MIC: its CN starts with "CP-". */
int	capf_cert_is_mic(X509 *cert);
/* 0: an LSC this cluster issued to c->device and may accept; -1: why. */
int	capf_lsc_check(const struct capf_cert_ctx *c, X509 *cert,
	    const uint8_t *der, size_t len, struct capf_cert_verdict *v);
/* 0: these very bytes are an LSC this cluster issued to c->device
 * (whatever its validity or revocation: what a troubleshoot may record). */
int	capf_lsc_issued(const struct capf_cert_ctx *c, X509 *cert,
	    const uint8_t *der, size_t len, struct capf_cert_verdict *v);
/* 0: a MIC of c->device from a manufacturing CA; -1: why. */
int	capf_mic_check(const struct capf_cert_ctx *c, X509 *cert,
	    struct capf_cert_verdict *v);
/*
 * The whole certificate authentication of an AUTH_RESPONSE: CERTIFICATE,
 * SIGNED_DATA and SHA2_SIGNED_DATA, and SUDI_DATA when present.
 * 0 accepted; -1 refused, v->is_mic telling Invalid MIC from Invalid LSC.
 */
int	capf_cert_authenticate(const struct capf_cert_ctx *c,
	    const struct capf_msg *m, uint32_t session_id,
	    struct capf_cert_verdict *v);

#endif
