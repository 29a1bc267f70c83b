/* node.c - a new node and its home (see node.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fileio.h"
#include "identity.h"
#include "node.h"
#include "publish.h"
#include "stage.h"
#include "store.h"

int
node_name_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 253 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

int
node_params_check(const struct node_params *np, struct ucerr *err)
{
	if (np->node == NULL)
		return ucerr_set(err, "the node's name (FQDN) is required");
	if (!node_name_valid(np->node))
		return ucerr_set(err, "'%s' is not a host name", np->node);
	if (np->country != NULL && strlen(np->country) != 2)
		return ucerr_set(err, "--country must be a two-letter code, "
		    "not '%s'", np->country);
	return 0;
}

static int
save_params(struct store *st, const struct node_params *np, struct ucerr *err)
{
	const struct { const char *key, *value; } fields[] = {
		{ "node", np->node }, { "org", np->org }, { "ou", np->ou },
		{ "locality", np->locality }, { "state", np->state },
		{ "country", np->country },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (store_meta_set(st, fields[i].key, fields[i].value ?
		    fields[i].value : "", err) == -1)
			return -1;
	return 0;
}

/* The identities this node makes: every purpose (the publisher), or its
 * own only (a subscriber: the cluster's are the publisher's). */
static int
make_identities(struct store *st, int own_only, struct ucerr *err)
{
	const struct purpose_info *p;
	struct identity_params params;
	char key_file[128];
	X509 *cert;

	for (p = purposes; p->name != NULL; p++) {
		if (own_only && purpose_cluster_wide(p))
			continue;
		identity_params_default(p, &params);
		if (identity_create(st, p, &params, &cert, key_file,
		    sizeof(key_file), err) == -1)
			return -1;
		if (identity_install(st, p, cert, key_file, "self-signed", 1,
		    err) == -1) {
			X509_free(cert);
			return -1;
		}
		X509_free(cert);
	}
	return 0;
}

int
node_create(struct store *st, const struct node_params *np, struct ucerr *err)
{
	struct node_row self;

	if (node_params_check(np, err) == -1 || store_begin(st, err) == -1)
		return -1;
	/* The first node is the cluster's publisher. */
	memset(&self, 0, sizeof(self));
	snprintf(self.name, sizeof(self.name), "%s", np->node);
	snprintf(self.role, sizeof(self.role), "%s", NODE_PUBLISHER);
	self.added_at = (int64_t)clock_now();
	if (save_params(st, np, err) == -1 ||
	    store_node_self_set(st, np->node, err) == -1 ||
	    store_node_add(st, &self, err) == -1 ||
	    make_identities(st, 0, err) == -1 ||
	    store_commit(st, err) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

static int
any_identity(void *ctx, const struct identity_row *row)
{
	(void)ctx;
	(void)row;
	return 1;
}

/* A PostgreSQL store may hold a node already (another home's init):
 * a new home does not take its identities over. */
static int
store_taken(struct store *st, const char *home, struct ucerr *err)
{
	int rc = store_identity_each(st, any_identity, NULL, err);

	if (rc == 1)
		return ucerr_set(err, "%s: the store already holds a node's "
		    "identities; a new home needs an empty database (a second "
		    "node joins: ucpki node add, then node join)", home);
	return rc;
}

/* init's part: an empty database, the publisher and every identity. */
static int
build_publisher(struct store *st, const char *home, const void *ctx,
    struct ucerr *err)
{
	const struct node_params *np = ctx;

	if (store_remote(st) && store_taken(st, home, err) != 0)
		return -1;
	return node_create(st, np, err);
}

static int
has_identity_of(void *ctx, const struct identity_row *row)
{
	return strcmp(row->node, ctx) == 0;
}

/* join's part: a node the publisher added, its own identities. */
static int
build_subscriber(struct store *st, const char *home, const void *ctx,
    struct ucerr *err)
{
	const char *node = ctx;
	struct node_row row;
	int found;

	(void)home;
	if (!store_remote(st))
		return ucerr_set(err, "--store: a node joins the cluster's "
		    "PostgreSQL database (postgresql://HOST/DB), which its "
		    "publisher was made on");
	if ((found = store_node_get(st, node, &row, err)) == -1)
		return -1;
	if (found == 0)
		return ucerr_set(err, "%s: not a node of this cluster (run "
		    "`ucpki node add %s` on the publisher first)", node, node);
	if (strcmp(row.role, NODE_SUBSCRIBER) != 0)
		return ucerr_set(err, "%s: the cluster's publisher; a joining "
		    "node is a subscriber", node);
	if ((found = store_identity_each_node(st, has_identity_of,
	    (void *)(uintptr_t)node, err)) != 0)
		return found == -1 ? -1 : ucerr_set(err, "%s: already joined "
		    "(its identities are in the store; node remove it on the "
		    "publisher to join again)", node);
	if (store_node_self_set(st, node, err) == -1 ||
	    store_begin(st, err) == -1)
		return -1;
	if (make_identities(st, 1, err) == -1 || store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

/*
 * A new home at address (NULL: UCPKI_STORE or its own SQLite file),
 * built out of sight by build and then the first ITL, renamed into
 * place at the end, the store's marker last.
 */
static int
home_build(const char *home, const char *address,
    int (*build)(struct store *, const char *, const void *, struct ucerr *),
    const void *ctx, struct ucerr *err)
{
	struct stage stage;
	char marker[16];
	struct store *st;

	if (store_exists(home))
		return ucerr_set(err, "%s is already initialised; refusing to "
		    "overwrite it", home);
	if (stage_begin(&stage, home, err) == -1)
		return -1;
	if ((st = store_open_at(stage.tmp, STORE_CREATE, address,
	    err)) == NULL)
		goto fail;
	snprintf(marker, sizeof(marker), "%s", store_marker(st));
	/* One transaction (build's own are savepoints inside it) until the
	 * first ITL is written: on a shared database, a home that fails
	 * leaves no node, identity or trust entry behind. */
	if (store_begin(st, err) == -1) {
		store_close(st);
		goto fail;
	}
	if (build(st, home, ctx, err) == -1 ||
	    tftp_publish(st, NULL, err) == -1 || store_commit(st, err) == -1) {
		store_rollback(st);
		store_close(st);
		goto fail;
	}
	store_close(st);
	if (stage_commit(&stage, marker, err) == -1)
		goto fail;
	return 0;
fail:
	stage_rename_in(&stage, err);
	stage_abort(&stage);
	return -1;
}

int
node_init(const char *home, const struct node_params *np, struct ucerr *err)
{
	if (node_params_check(np, err) == -1)
		return -1;
	return home_build(home, np->store, build_publisher, np, err);
}

int
node_join(const char *home, const char *address, const char *node,
    struct ucerr *err)
{
	if (node == NULL || !node_name_valid(node))
		return ucerr_set(err, "--node: '%s' is not a host name",
		    node != NULL ? node : "");
	if (address == NULL && getenv("UCPKI_STORE") == NULL)
		return ucerr_set(err, "--store: a node joins the cluster's "
		    "PostgreSQL database (postgresql://HOST/DB, or UCPKI_STORE)");
	return home_build(home, address, build_subscriber, node, err);
}
