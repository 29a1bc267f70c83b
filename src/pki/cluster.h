/*
 * cluster.h - the cluster's nodes: one publisher (the first, whose home
 * holds the cluster-wide CAPF and ITLRecovery keys) and the subscribers
 * it added, each with its own tomcat, ipsec, CallManager(-ECDSA) and TVS
 * (node.c makes them: node_init, node_join).  Every node's services
 * report where they listen in its heartbeat; the configuration files
 * name every node's TVS and the publisher's CAPF from those reports.
 */
#ifndef UCPKI_CLUSTER_H
#define UCPKI_CLUSTER_H

#include <stddef.h>

#include "err.h"

struct store;
struct phone_security;

/* serve's heartbeat: often enough for `node list`, rare enough to cost
 * nothing (one small write through the writer). */
#define CLUSTER_HEARTBEAT_S	30

/* `node add`, on the publisher: fqdn is expected to join, as a
 * subscriber. */
int	cluster_node_add(struct store *st, const char *fqdn, struct ucerr *err);
/*
 * `node remove`, on the publisher: a subscriber and everything of it in
 * the store (its identities, their entries in the trust stores, its
 * pending CSRs); the cluster's ITL no longer names it.  Its home (keys)
 * is its machine's to delete.
 */
int	cluster_node_remove(struct store *st, const char *fqdn,
	    struct ucerr *err);
/* This node is alive and its services listen as services says
 * ("tvs=2445 capf=0 tftp=69 http=6970 https=6971"). */
int	cluster_heartbeat(struct store *st, const char *services,
	    struct ucerr *err);
/* The port a services text gives name ("tvs"), or 0. */
int	cluster_service_port(const char *services, const char *name);
/*
 * What a phone's configuration names: every node's TVS that reported a
 * port (this node's first, with its own tvs_port), and the publisher's
 * CAPF (capf_port when this node is it).  Nodes that have not reported
 * yet are left out; sec keeps what phone_security_for gave when the
 * store names no node.
 */
int	cluster_phone_endpoints(struct store *st, int capf_port, int tvs_port,
	    struct phone_security *sec, struct ucerr *err);

#endif
