/*
 * publish.h - the cluster's trust lists built from the store, and the TFTP
 * root they are published to (<home>/tftp unless told otherwise).
 */
#ifndef UCPKI_PUBLISH_H
#define UCPKI_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"
#include "store_fetch.h"

struct store;

struct trustlist_options {
	uint8_t		 hash_alg;	/* 0 = SHA-1 */
	int		 signer_version;/* 0 = auto (1.1 when a record is EC) */
	const char	*sign_with;	/* "tftp" (default) or "itlrecovery" */
	X509		*signer;	/* overrides sign_with when set */
	EVP_PKEY	*signer_key;
	X509		*extra_sast;	/* CTL: a second SAST record */
	const char	*filename;	/* header FILENAME; NULL = default */
};

/* ITLFile.tlv as CUCM builds it: SAST (the signer, and ITLRecovery),
 * CCM+TFTP (CallManager, and CallManager-ECDSA when the home has it: the
 * ITL is then version 1.1), CAPF, TVS, APP-SERVER (tomcat). */
int	itl_build_from_store(struct store *st, const struct trustlist_options *o,
	    uint8_t **out, size_t *out_len, struct ucerr *err);
/* CTLFile.tlv for mixed mode: at most two SAST records, CCM+TFTP, CAPF;
 * signed by ITLRecovery (or o->signer). */
int	ctl_build_from_store(struct store *st, const struct trustlist_options *o,
	    uint8_t **out, size_t *out_len, struct ucerr *err);
/* The TFTP root: <home>/tftp, created on demand. */
int	tftp_dir(struct store *st, char *out, size_t outlen, struct ucerr *err);
/* Writes ITLFile.tlv (and CTLFile.tlv in mixed mode) into dir (NULL =
 * the TFTP root) atomically. */
int	tftp_publish(struct store *st, const char *dir, struct ucerr *err);

/* SHA-256 of the ITLFile.tlv the TFTP root holds: 1, or 0 when none. */
int	tftp_itl_sha256(struct store *st, char out[65], struct ucerr *err);

/* What a device last fetched of a kind ("itl", "config") from the TFTP
 * service, and whether that is the ITL the root holds now. */
struct tftp_last_fetch {
	int			 found;
	struct fetch_event	 e;
	int			 current;	/* 1, 0, or -1: no ITL to compare */
};
void	tftp_last_fetch(struct store *st, const char *device, const char *kind,
	    struct tftp_last_fetch *l);

#endif
