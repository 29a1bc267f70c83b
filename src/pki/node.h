/*
 * node.h - a new node: its settings checked, then its home built with
 * the six identities and the first ITL, all or nothing.
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

#endif
