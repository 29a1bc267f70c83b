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
 * CCM+TFTP (CallManager), CAPF, TVS, APP-SERVER (tomcat). */
int	itl_build_from_store(struct store *st, const struct trustlist_options *o,
	    uint8_t **out, size_t *out_len, struct ucerr *err);
/* CTLFile.tlv for mixed mode: at most two SAST records, CCM+TFTP, CAPF;
 * signed by ITLRecovery (or o->signer). */
int	ctl_build_from_store(struct store *st, const struct trustlist_options *o,
	    uint8_t **out, size_t *out_len, struct ucerr *err);
/* The TFTP root: <home>/tftp, created on demand. */
int	tftp_dir(struct store *st, char *out, size_t outlen, struct ucerr *err);
/* <TFTP root>/name (the root created on demand). */
int	tftp_file_path(struct store *st, const char *name, char *out,
	    size_t outlen, struct ucerr *err);
/* Writes ITLFile.tlv (and CTLFile.tlv in mixed mode) into dir (NULL =
 * the TFTP root) atomically. */
int	tftp_publish(struct store *st, const char *dir, struct ucerr *err);

#endif
