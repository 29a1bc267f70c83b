/*
 * certmgr.h - certificate management: the one place where replacing a
 * node certificate or deleting a trust certificate is decided, whichever
 * front end asks (the CLI today, the web API later).
 *
 * plan:      what a replacement would do, with this store's counts, and
 *            whether the 5-minute TVS/CallManager guard allows it now;
 * replace:   generate, upload or regenerate - the same guard, the same
 *            consequences (republish, devices to reset) for every verb;
 * republish: the TFTP files (ITL, CTL, signed files) after a change;
 * trust delete: refused while the CA signs an identity or LSCs.
 *
 * The outcome lists the devices to reset; running the reset hook is the
 * front end's job (a terminal runs it and shows each exit; an API queues
 * it).  The exports other servers read are the core's: every change
 * rewrites them and runs their reload command (export.h), whoever asked.
 */
#ifndef UCPKI_CERTMGR_H
#define UCPKI_CERTMGR_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "err.h"
#include "export.h"
#include "revoke.h"
#include "identity.h"

struct store;

struct certmgr_plan {
	const struct purpose_info *p;
	const char	*impact;	/* the seeds' wording */
	char		 in_store[512];	/* the same with this store's numbers, or "" */
	char		 itl_laggards[256];	/* devices on an older ITL, or "" */
	int64_t		 devices;	/* every device */
	int64_t		 lsc_holders;	/* devices with an LSC from the current CAPF */
	char		 capf_sha256[65];
	int		 blocked;	/* the guard refuses it now ... */
	struct ucerr	 why;		/* ... and says why */
};

/* What a replacement did, for the caller to report. */
struct certmgr_outcome {
	char		 purpose[32];
	const char	*type;		/* "self-signed" or "CA-signed" */
	int		 replaced;	/* the new certificate is installed (even
					 * when a later step failed) */
	int		 cas_added;	/* upload: CA certificates trusted */
	char		 trust_store[64];/* ... in this store */
	int		 republished;	/* the ITL (and CTL) were rewritten */
	char		 (*reset)[64];	/* devices that must reset */
	size_t		 n_reset;
	struct export_refresh exports;	/* the exports rewritten after it */
};

void	certmgr_outcome_free(struct certmgr_outcome *o);

int	certmgr_plan(struct store *st, const struct purpose_info *p,
	    struct certmgr_plan *plan, struct ucerr *err);
/* 0 when the guard lets p change now (no CLI or clock state needed). */
int	certmgr_guard(struct store *st, const struct purpose_info *p,
	    struct ucerr *err);

/* A new self-signed certificate (generate and regenerate alike). */
int	certmgr_generate(struct store *st, const struct purpose_info *p,
	    const struct identity_params *params, struct certmgr_outcome *o,
	    struct ucerr *err);
/* The CA-signed certificate in file for the pending CSR. */
int	certmgr_upload(struct store *st, const struct purpose_info *p,
	    const char *file, struct certmgr_outcome *o, struct ucerr *err);

/* The same with the certificates already read (the API's body). */
int	certmgr_upload_certs(struct store *st, const struct purpose_info *p,
	    STACK_OF(X509) *certs, struct certmgr_outcome *o,
	    struct ucerr *err);

/* Rewrites the TFTP files after an identity change, then the exports kept
 * current (exports_refresh: CAPF's CRL, the reload command). */
int	certmgr_republish(struct store *st, const char *purpose,
	    struct export_refresh *exports, struct ucerr *err);

/*
 * Deletes store_name/name unless it signs a current identity or devices'
 * current LSCs (the seeds' safe CAPF sequence); force deletes anyway.
 * *lsc_holders: how many current LSCs it signed (non-zero only with force).
 * The exports kept current are rewritten after it (*exports).
 */
int	certmgr_trust_delete(struct store *st, const char *store_name,
	    const char *name, int force, int64_t *lsc_holders,
	    struct export_refresh *exports, struct ucerr *err);

/* A revocation and the exports rewritten after it. */
struct certmgr_revocation {
	struct revoke_result	 r;
	struct export_refresh	 exports;	/* the CRL and exports after it */
};

/* capf_revoke, then (when anything was revoked) CAPF's CRL re-signed and
 * the exports kept current rewritten. */
int	certmgr_revoke(struct store *st, const char *target, const char *serial,
	    int superseded, struct certmgr_revocation *v, struct ucerr *err);
/* capf_device_remove, then as certmgr_revoke. */
int	certmgr_device_remove(struct store *st, const char *name,
	    struct certmgr_revocation *v, struct ucerr *err);
/* crl_add, then the hashed directories other servers read, which hold
 * the CRLs. */
int	certmgr_crl_add(struct store *st, const uint8_t *data, size_t len,
	    char *issuer, size_t issuer_len, struct export_refresh *exports,
	    struct ucerr *err);

/*
 * A CSR for purpose with a new key (CN: params' or the current
 * certificate's; the SAN starts with DNS:<CN>).  The key waits in
 * <home>/keys, named by the CSR so a retry never clobbers it, as the one
 * pending CSR of that purpose (an older pending key goes) until
 * `cert upload` brings the signed certificate.  *pem: the CSR (caller
 * frees).
 */
int	certmgr_csr(struct store *st, const struct purpose_info *p,
	    const struct identity_params *params, char **pem, size_t *pem_len,
	    struct ucerr *err);

#endif
