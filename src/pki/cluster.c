/* cluster.c - the cluster's nodes (see cluster.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cluster.h"
#include "identity.h"
#include "node.h"
#include "phone_config.h"
#include "publish.h"
#include "store.h"
#include "x509.h"

/* Changes to the set of nodes are the publisher's to make. */
static int
on_publisher_only(struct store *st, const char *what, struct ucerr *err)
{
	char publisher[256];
	int rc;

	if ((rc = store_node_is_publisher(st, err)) != 0)
		return rc == 1 ? 0 : -1;
	store_node_publisher(st, publisher, sizeof(publisher), NULL);
	return ucerr_set(err, "%s: this node (%s) is a subscriber; run it on "
	    "the publisher %s", what, store_node_self(st), publisher);
}

int
cluster_node_add(struct store *st, const char *fqdn, struct ucerr *err)
{
	struct node_row row;

	if (!node_name_valid(fqdn))
		return ucerr_set(err, "'%s' is not a host name", fqdn);
	if (on_publisher_only(st, "node add", err) == -1)
		return -1;
	memset(&row, 0, sizeof(row));
	snprintf(row.name, sizeof(row.name), "%s", fqdn);
	snprintf(row.role, sizeof(row.role), "%s", NODE_SUBSCRIBER);
	row.added_at = (int64_t)clock_now();
	return store_node_add(st, &row, err);
}

struct node_certs {
	const char	*node;
	STACK_OF(X509)	*certs;		/* the node's identities */
	const struct purpose_info *purpose[16];
	int		 oom;
};

static int
on_node_identity(void *ctx, const struct identity_row *row)
{
	struct node_certs *c = ctx;
	const struct purpose_info *p;
	X509 *cert;
	int n = sk_X509_num(c->certs);

	if (strcmp(row->node, c->node) != 0 ||
	    (p = purpose_find(row->purpose)) == NULL || n == 16)
		return 0;
	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1)
		return 0;
	if (sk_X509_push(c->certs, cert) == 0) {
		X509_free(cert);
		c->oom = 1;
		return 1;
	}
	c->purpose[n] = p;
	return 0;
}

/* Removes cert from store_name when it is there. */
static int
untrust(struct store *st, const char *store_name, X509 *cert,
    struct ucerr *err)
{
	struct trust_row row;
	char sha[65];
	int found;

	if (store_name == NULL)
		return 0;
	cert_sha256_hex(cert, sha);
	if ((found = store_trust_find_sha256(st, store_name, sha, &row,
	    err)) != 1)
		return found;
	found = store_trust_delete(st, store_name, row.name, err);
	trust_row_free(&row);
	return found;
}

int
cluster_node_remove(struct store *st, const char *fqdn, struct ucerr *err)
{
	struct node_certs c;
	struct node_row row;
	int found, i, rc = -1;

	if (on_publisher_only(st, "node remove", err) == -1)
		return -1;
	if ((found = store_node_get(st, fqdn, &row, err)) != 1)
		return found == -1 ? -1 : ucerr_set(err, "%s: not a node of "
		    "this cluster (node list)", fqdn);
	if (strcmp(row.role, NODE_SUBSCRIBER) != 0)
		return ucerr_set(err, "%s: the publisher cannot be removed "
		    "(it holds the cluster's CAPF and ITLRecovery)", fqdn);
	memset(&c, 0, sizeof(c));
	c.node = fqdn;
	if ((c.certs = sk_X509_new_null()) == NULL)
		return ucerr_set(err, "out of memory");
	if (store_begin(st, err) == -1)
		goto out;
	if (store_identity_each_node(st, on_node_identity, &c, err) == -1 ||
	    (c.oom && ucerr_set(err, "out of memory") == -1))
		goto fail;
	/* As CUCM's trust replication: the node's certificates leave
	 * every node's trust stores with it. */
	for (i = 0; i < sk_X509_num(c.certs); i++)
		if (untrust(st, c.purpose[i]->trust_store,
		    sk_X509_value(c.certs, i), err) == -1 ||
		    untrust(st, c.purpose[i]->extra_trust,
		    sk_X509_value(c.certs, i), err) == -1)
			goto fail;
	if (store_node_delete(st, fqdn, err) == -1 ||
	    store_commit(st, err) == -1)
		goto fail;
	/* This node's ITL no longer names it; the others' serve follows
	 * the store. */
	rc = tftp_publish(st, NULL, err);
	goto out;
fail:
	store_rollback(st);
out:
	sk_X509_pop_free(c.certs, X509_free);
	return rc;
}

int
cluster_heartbeat(struct store *st, const char *services, struct ucerr *err)
{
	if (store_node_self(st)[0] == '\0')
		return 0;
	return store_node_heartbeat(st, store_node_self(st), services,
	    (int64_t)clock_now(), err);
}

int
cluster_service_port(const char *services, const char *name)
{
	size_t n = strlen(name);
	const char *p = services;
	long port;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == services || p[-1] == ' ') && p[n] == '=') {
			port = strtol(p + n + 1, NULL, 10);
			return port > 0 && port < 65536 ? (int)port : 0;
		}
		p += n;
	}
	return 0;
}

struct endpoints {
	const char		*self;
	int			 capf_port;
	struct phone_security	*sec;
	int			 n_nodes;
};

static void
endpoint_add(struct phone_endpoint *list, int *n, const char *host, int port)
{
	if (port <= 0 || *n == PHONE_CONFIG_LIST_MAX)
		return;
	snprintf(list[*n].host, sizeof(list[*n].host), "%s", host);
	list[*n].port = port;
	++*n;
}

static int
on_endpoint_node(void *ctx, const struct node_row *row)
{
	struct endpoints *e = ctx;
	int self = strcmp(row->name, e->self) == 0;

	e->n_nodes++;
	if (strcmp(row->role, NODE_PUBLISHER) == 0)
		endpoint_add(e->sec->capf, &e->sec->n_capf, row->name, self ?
		    e->capf_port : cluster_service_port(row->services, "capf"));
	if (!self)
		endpoint_add(e->sec->tvs, &e->sec->n_tvs, row->name,
		    cluster_service_port(row->services, "tvs"));
	return 0;
}

int
cluster_phone_endpoints(struct store *st, int capf_port, int tvs_port,
    struct phone_security *sec, struct ucerr *err)
{
	struct phone_security found;
	struct endpoints e;

	memset(&found, 0, sizeof(found));
	e.self = store_node_self(st);
	e.capf_port = capf_port;
	e.sec = &found;
	e.n_nodes = 0;
	/* A phone tries its TVS list in order: this node's first. */
	endpoint_add(found.tvs, &found.n_tvs, e.self, tvs_port);
	if (store_node_each(st, on_endpoint_node, &e, err) == -1)
		return -1;
	if (e.n_nodes == 0)
		return 0;
	memcpy(sec->capf, found.capf, sizeof(sec->capf));
	sec->n_capf = found.n_capf;
	memcpy(sec->tvs, found.tvs, sizeof(sec->tvs));
	sec->n_tvs = found.n_tvs;
	return 0;
}
