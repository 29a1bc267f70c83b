/*
 * node.h - a new node: its settings checked, then its home built with
 * its identities and the first ITL, all or nothing: the publisher's
 * (init: every identity) or a subscriber's (join: its own).
 */
#ifndef UCPKI_NODE_H
#define UCPKI_NODE_H

#include "err.h"

struct store;

/* What init is told; NULL fields are stored empty. */
struct node_params {
	const char	*node;		/* FQDN (required) */
	const char	*org, *ou, *locality, *state, *country;
	const char	*store;		/* PostgreSQL address, or NULL */
};

/* A host name of letters, digits, '-' and '.', at most 253 characters. */
int	node_name_valid(const char *s);
/* The node name is a host name, the country two letters. */
int	node_params_check(const struct node_params *np, struct ucerr *err);
/* The settings and every identity, in one transaction of st. */
int	node_create(struct store *st, const struct node_params *np,
	    struct ucerr *err);
/*
 * Initialises home: refused when it already holds a store.  Everything
 * is built in a hidden directory and renamed into the home at the end,
 * the database last: an init that fails (a full disk) leaves no
 * half-built home, and init can simply run again.
 */
int	node_init(const char *home, const struct node_params *np,
	    struct ucerr *err);
/*
 * `node join`: a new home for node on the cluster's PostgreSQL database
 * at address (NULL: UCPKI_STORE), refused unless the publisher added
 * node (cluster_node_add) and it has not joined yet.  The node's own
 * tomcat, ipsec, CallManager, CallManager-ECDSA and TVS: keys in the
 * home only, certificates in the store and the cluster's trust stores.
 * All or nothing, as node_init.
 */
int	node_join(const char *home, const char *address, const char *node,
	    struct ucerr *err);

#endif
