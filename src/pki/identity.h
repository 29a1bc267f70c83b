/*
 * identity.h - the node's own certificates, one per purpose.
 *
 * Purposes (exact names): tomcat, ipsec, CallManager, CallManager-ECDSA,
 * CAPF, TVS, ITLRecovery.  Each has a key file in <home>/keys and a certificate row
 * in the store; identity_load() gives both to any module that signs.
 */
#ifndef UCPKI_IDENTITY_H
#define UCPKI_IDENTITY_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"
#include "x509.h"

struct store;

/* The keys a purpose can work with. */
enum purpose_keys {
	KEYS_ANY,		/* RSA or EC: nothing of ours signs with it */
	KEYS_RSA,		/* RSA: phones reach it with RSA TLS only */
	KEYS_RSA_FILES,		/* RSA of a size signed files carry */
	KEYS_EC,		/* EC: phones check it as the EC TFTP role */
};

struct purpose_info {
	const char	*name;		/* "CallManager" */
	const char	*trust_store;	/* where init trusts it: "CallManager-trust" */
	const char	*extra_trust;	/* a second store, or NULL (CAPF) */
	enum cert_profile profile;
	long		 default_days;
	const char	*description;	/* one line for --help and impact text */
	enum purpose_keys keys;
	const char	*keys_why;	/* why, when not KEYS_ANY */
};

/* The cluster's one (the publisher's key), not each node's own? */
int	purpose_cluster_wide(const struct purpose_info *p);
/* NULL when the name is not a purpose (case-insensitive match). */
const struct purpose_info *purpose_find(const char *name);
/* All purposes, terminated by name NULL. */
extern const struct purpose_info purposes[];

/* Known trust store names; trust_store_valid() says whether one is. */
extern const char *const trust_stores[];
int	trust_store_valid(const char *name);

/* Loads a purpose's certificate and private key (either out may be NULL). */
int	identity_load(struct store *st, const char *purpose, X509 **cert,
	    EVP_PKEY **key, struct ucerr *err);

/* The same for an identity a home may lack (CallManager-ECDSA in a home
 * made before it existed): 1 loaded, 0 none, -1 error. */
int	identity_load_if_any(struct store *st, const char *purpose, X509 **cert,
	    EVP_PKEY **key, struct ucerr *err);
/*
 * The signer of a signed file (.sgn, .enc.sgn): the certificate and key
 * in file (one PEM), else the CallManager identity (the TFTP role phones
 * verify configuration files with).  st may be NULL when file is given.
 */
int	identity_signer_load(struct store *st, const char *file, X509 **cert,
	    EVP_PKEY **key, struct ucerr *err);

/* Node settings: this home's node name (store_node_self), and what init
 * saved for the cluster (meta keys org, ou, locality, state, country). */
struct node_info {
	char	node[256], org[128], ou[128], locality[128], state[128],
		country[8];
};

int	node_info_load(struct store *st, struct node_info *info, struct ucerr *err);

/*
 * Creates a new self-signed identity for purpose (key per spec, md, days,
 * cn and san may be NULL for the defaults) and replaces the current one.
 * The old key file stays until the new row is committed.
 */
struct identity_params {
	const char		*cn;
	const char		*san;
	struct key_spec		 key;
	const EVP_MD		*md;
	long			 days;
};

void	identity_params_default(const struct purpose_info *p,
	    struct identity_params *params);
/*
 * Can the purpose's role use such a key?  Checked before anything
 * changes: an EC CallManager would leave nothing able to sign the ITL.
 */
int	identity_key_usable(const struct purpose_info *p,
	    const struct key_spec *key, struct ucerr *err);

/*
 * The seeds: CallManager and TVS are not changed within 5 minutes of
 * each other (phones verify a new ITL with the other one).  The clock
 * starts at a regeneration or an upload (identity_mark_changed); the
 * identities init makes are no change any phone has seen.
 */
#define IDENTITY_GUARD_S	300
int	identity_mark_changed(struct store *st, const char *purpose,
	    struct ucerr *err);
int	identity_change_guard(struct store *st, const struct purpose_info *p,
	    struct ucerr *err);
int	identity_generate(struct store *st, const struct purpose_info *p,
	    const struct identity_params *params, struct ucerr *err);
/*
 * Installs the CA-signed certificate in file for p's pending CSR, after
 * the checks in identity_upload.c; the chain's CA certificates join p's
 * trust store (*cas_added of them).  All or nothing.
 */
int	identity_upload(struct store *st, const struct purpose_info *p,
	    const char *file, int *cas_added, struct ucerr *err);
/* The same with the certificates already read (the API's body). */
int	identity_upload_certs(struct store *st, const struct purpose_info *p,
	    STACK_OF(X509) *certs, int *cas_added, struct ucerr *err);
/*
 * One of generate's and csr's options by the CLI's name: key, hash,
 * days (1 to 36500), cn, san; the strings are kept by pointer.  After the
 * last, identity_params_check (the weak-key rule).
 */
int	identity_params_option(const struct purpose_info *p,
	    struct identity_params *params, const char *option,
	    const char *value, struct ucerr *err);
int	identity_params_check(const struct purpose_info *p,
	    const struct identity_params *params, struct ucerr *err);



/* Lower-level steps shared by init, generate and upload. */
void	identity_subject(const struct node_info *node, const char *cn,
	    struct dn_fields *dn);
int	identity_key_file_name(const struct purpose_info *p, X509 *cert,
	    char *out, size_t outlen);
int	identity_key_path(struct store *st, const char *key_file, char *out,
	    size_t outlen, struct ucerr *err);
/* May this home make a key for p?  A subscriber holds none of the
 * cluster's (CAPF, ITLRecovery: the publisher's). */
int	identity_key_here(struct store *st, const struct purpose_info *p,
	    struct ucerr *err);
/* New key (written to <home>/keys) and self-signed certificate, not stored. */
int	identity_create(struct store *st, const struct purpose_info *p,
	    const struct identity_params *params, X509 **cert_out,
	    char *key_file, size_t key_file_len, struct ucerr *err);
/*
 * Stores cert as the purpose's identity and trusts it in the purpose's
 * store(s), inside the caller's transaction.  replace_trust: the old
 * entry of the same name in those stores is replaced.
 */
int	identity_install(struct store *st, const struct purpose_info *p,
	    X509 *cert, const char *key_file, const char *type,
	    int replace_trust, struct ucerr *err);
void	identity_forget_key(struct store *st, const char *old_key_file,
	    const char *new_key_file);
#endif
