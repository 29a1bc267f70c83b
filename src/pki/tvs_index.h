/*
 * tvs_index.h - what TVS knows, in memory: every node identity with its
 * role (CallManager CCM+TFTP, CAPF, TVS, tomcat APP-SERVER, ITLRecovery
 * SAST) and the entries added with `ucpki tvs add`, looked up by SHA-256
 * of the DER or by serial number + issuer name.  Built from the store
 * when it changes; requests never touch the database.
 */
#ifndef UCPKI_TVS_INDEX_H
#define UCPKI_TVS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "err.h"
#include "tvs_msg.h"

struct store;

#define TVS_TTL_DEFAULT	86400

struct tvs_entry {
	uint8_t		 sha256[32];
	uint8_t		 serial[32];
	size_t		 serial_len;
	char		 issuer[512];	/* RFC 2253 of the issuer name */
	uint8_t		 roles[TVS_ROLES_MAX];
	size_t		 n_roles;
	uint32_t	 ttl;
	char		 label[128];	/* "CallManager" or the entry's CN */
};

struct tvs_index {
	struct tvs_entry *entries;	/* sorted by sha256 */
	const struct tvs_entry **by_serial; /* the same, by serial + issuer */
	size_t		  n;
	int64_t		  generation;
};

int	tvs_index_build(struct store *st, struct tvs_index *idx,
	    struct ucerr *err);
void	tvs_index_free(struct tvs_index *idx);
/* By SHA-256 of cert's DER, then by serial + issuer; NULL if unknown. */
const struct tvs_entry *tvs_index_lookup(const struct tvs_index *idx,
	    X509 *cert, int *by_serial);
/* By SHA-256 of DER bytes only: no parsing (the fast path for requests). */
const struct tvs_entry *tvs_index_lookup_der(const struct tvs_index *idx,
	    const uint8_t *der, size_t len);

/* The entries behind `ucpki tvs add/remove/list`. */
int	tvs_entry_add(struct store *st, X509 *cert, const uint8_t *roles,
	    size_t n_roles, uint32_t ttl, struct ucerr *err);
/* Removes the one entry whose SHA-256 starts with prefix. */
int	tvs_entry_remove(struct store *st, const char *prefix,
	    char *removed, size_t removed_len, struct ucerr *err);

/* tvs add's rules, once for every front end: a role by name into
 * roles (at most TVS_ROLES_MAX kept), the TTL from 1 to 2^31-1. */
int	tvs_role_add(uint8_t roles[TVS_ROLES_MAX], size_t *n, const char *name,
	    struct ucerr *err);
int	tvs_ttl_parse(const char *s, uint32_t *ttl, struct ucerr *err);
/* What TVS vouches for, as `tvs list --json` shows it. */
struct json;
void	tvs_index_json(struct json *j, const struct tvs_index *idx);

#endif
