/*
 * revoke.h - CAPF as a CA: the LSCs it revoked and the CRL it publishes.
 *
 * An LSC is revoked when the administrator says so (`capf revoke`,
 * `device revoke`), when its device is removed, and when the phone
 * deleted it over CAPF.  The record is the lsc row's revoked_at and
 * revoke_reason: CAPF refuses such an LSC for authentication and the CRL
 * lists it.
 *
 * The CRL (issuer the current CAPF, signed with its key, nextUpdate
 * CAPF_CRL_DAYS after thisUpdate) is <tftp>/CAPF.crl in DER.  It is
 * re-signed when the revocations or the CAPF identity change and when
 * less than half of its period remains (the monitor looks, in `monitor`
 * and `serve`), so a relying server never holds an expired one.
 *
 * LSCs signed by an earlier CAPF are recorded as revoked too, but no CRL
 * can list them: that CAPF's key is gone.  Deleting the old CAPF from
 * the trust stores rejects all of them.
 */
#ifndef UCPKI_REVOKE_H
#define UCPKI_REVOKE_H

#include <time.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"

struct store;

#define CAPF_CRL_DAYS	7
#define CAPF_CRL_FILE	"CAPF.crl"

/* Reasons (OpenSSL's CRL_REASON_*): UNSPECIFIED when the administrator
 * revokes, SUPERSEDED with --superseded, CESSATION_OF_OPERATION when the
 * device is removed or the phone deleted its LSC. */

struct revoke_result {
	int	matched;	/* LSCs selected */
	int	revoked;	/* of those, newly revoked */
	int	other_ca;	/* selected ones an earlier CAPF signed */
};

/*
 * The one revocation, whichever front end asks (`capf revoke`, `device
 * revoke`): target is a device name (every LSC it was issued;
 * superseded: all but its current one) or an LSC serial in hex (colons
 * allowed); serial, with a device name, narrows it to that LSC.  The
 * device's history records it.  certmgr_revoke then re-signs the CRL and
 * rewrites the exports kept current: front ends call that.
 */
int	capf_revoke(struct store *st, const char *target, const char *serial,
	    int superseded, struct revoke_result *r, struct ucerr *err);
/* The LSC a phone deleted over CAPF (inside the caller's transaction;
 * the CRL follows on the monitor's next look). */
int	capf_revoke_deleted(struct store *st, const char *device,
	    struct ucerr *err);
/* Removes a device and revokes every LSC it was issued, atomically
 * (certmgr_device_remove adds the exports). */
int	capf_device_remove(struct store *st, const char *name,
	    struct revoke_result *r, struct ucerr *err);

/* Re-signs the CRL when due (see above); *signed_new 1 when it did. */
int	capf_crl_publish(struct store *st, time_t now, int *signed_new,
	    struct ucerr *err);
/* The CRL as published; *out NULL when there is none yet. */
int	capf_crl_load(struct store *st, X509_CRL **out, struct ucerr *err);

#endif
