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
/* CTLFile.tlv for mixed mode: at most two SAST records, CCM+TFTP
 * (CallManager, and CallManager-ECDSA when the home has it: version 1.1),
 * CAPF, TVS; signed by ITLRecovery (or o->signer). */
int	ctl_build_from_store(struct store *st, const struct trustlist_options *o,
	    uint8_t **out, size_t *out_len, struct ucerr *err);
/*
 * Builds the ITL (CTL) and writes it to out, NULL meaning ITLFile.tlv
 * (CTLFile.tlv) in the TFTP root; path gets where it went, *len its
 * size.  A CTL written to the TFTP root turns mixed mode on: that is
 * what mixed mode means to phones.
 */
int	itl_write(struct store *st, const struct trustlist_options *o,
	    const char *out, char *path, size_t pathlen, size_t *len,
	    struct ucerr *err);
int	ctl_write(struct store *st, const struct trustlist_options *o,
	    const char *out, char *path, size_t pathlen, size_t *len,
	    struct ucerr *err);
/*
 * The CTL's signer: sign_with "itlrecovery" (NULL: the default) or
 * "sast", the certificate and key in sast_file.  A sast_file is the
 * CTL's second SAST record either way.  Release with
 * trustlist_options_free.
 */
int	ctl_options_load(struct trustlist_options *o, const char *sast_file,
	    const char *sign_with, struct ucerr *err);
/* Frees the certificates and keys ctl_options_load or itl_reset put in o. */
void	trustlist_options_free(struct trustlist_options *o);
/*
 * ITL recovery: the cluster's ITL signed by ITLRecovery, which every
 * phone already trusts, published to the TFTP root.  key_file NULL:
 * the ITLRecovery key of the home; else a key kept elsewhere, which
 * must be the ITLRecovery certificate's.
 */
int	itl_reset(struct store *st, uint8_t hash_alg, const char *key_file,
	    char *path, size_t pathlen, size_t *len, struct ucerr *err);
/* The same with the key kept elsewhere already read (the API's body);
 * what names it in a refusal is what_key. */
int	itl_reset_key(struct store *st, uint8_t hash_alg, EVP_PKEY *key,
	    const char *what_key, char *path, size_t pathlen, size_t *len,
	    struct ucerr *err);

/* The TFTP root: <home>/tftp, created on demand. */
int	tftp_dir(struct store *st, char *out, size_t outlen, struct ucerr *err);
/* <TFTP root>/name (the root created on demand). */
int	tftp_file_path(struct store *st, const char *name, char *out,
	    size_t outlen, struct ucerr *err);
/* Writes ITLFile.tlv (and CTLFile.tlv in mixed mode) into dir (NULL =
 * the TFTP root) atomically. */
int	tftp_publish(struct store *st, const char *dir, struct ucerr *err);

/* tftp_publish when the ITL's records would change (a node joined or
 * left, an identity of any node changed): 1 published, 0 not needed;
 * else, on a node other than the publisher in mixed mode, the
 * publisher's new CTL: 2 written. */
int	tftp_publish_if_changed(struct store *st, struct ucerr *err);

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
