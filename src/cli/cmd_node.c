/* cmd_node.c - `ucpki node ...`: the cluster's nodes (src/pki/cluster.c,
 * node.c). */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "cluster.h"
#include "commands.h"
#include "json.h"
#include "node.h"
#include "store.h"

const struct opt node_add_opts[] = { { NULL, 0, NULL, NULL } };
const struct opt node_remove_opts[] = { { NULL, 0, NULL, NULL } };

const struct opt node_join_opts[] = {
	{ "store", OPT_VALUE, "ADDRESS", "the cluster's PostgreSQL database (postgresql://HOST/DB; "
	    "default UCPKI_STORE); passwords from PGPASSFILE" },
	{ "node", OPT_VALUE, "FQDN", "this node's fully qualified name, as `node add` on the publisher named it (required)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt node_list_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_node_add(struct cli *cli, const struct args *a)
{
	struct store *st;

	if ((st = cli_store(cli)) == NULL ||
	    cluster_node_add(st, a->positional[0], &cli->err) == -1)
		return -1;
	fprintf(cli->out, "%s: added as a subscriber; on it, run ucpki node "
	    "join --store ADDRESS --node %s\n", a->positional[0],
	    a->positional[0]);
	return 0;
}

int
cmd_node_join(struct cli *cli, const struct args *a)
{
	const char *node = args_get(a, "node");

	if (node == NULL)
		return ucerr_set(&cli->err, "node join: --node FQDN is required");
	if (node_join(cli->home, args_get(a, "store"), node, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "node join");
	fprintf(cli->out, "Joined the cluster as %s (%s): its tomcat, ipsec, "
	    "CallManager, CallManager-ECDSA and TVS made; keys in %s/keys\n",
	    node, NODE_SUBSCRIBER, cli->home);
	fprintf(cli->out, "ITLFile.tlv published to %s/tftp\n", cli->home);
	return 0;
}

int
cmd_node_remove(struct cli *cli, const struct args *a)
{
	struct store *st;

	if ((st = cli_store(cli)) == NULL ||
	    cluster_node_remove(st, a->positional[0], &cli->err) == -1)
		return -1;
	fprintf(cli->out, "%s: removed; its certificates left the trust "
	    "stores and the ITL\n", a->positional[0]);
	return 0;
}

struct node_list {
	struct cli	*cli;
	struct json	*json;
	const char	*self;
};

static int
list_one(void *arg, const struct node_row *row)
{
	struct node_list *l = arg;
	char when[TIME_TEXT_MAX];
	int self = strcmp(row->name, l->self) == 0;

	if (l->json != NULL) {
		json_object_begin(l->json, NULL);
		json_string(l->json, "name", row->name);
		json_string(l->json, "role", row->role);
		json_bool(l->json, "self", self);
		json_string(l->json, "services", row->services);
		/* Seconds since the epoch; 0: never served. */
		json_int(l->json, "heartbeat_at", row->heartbeat_at);
		json_int(l->json, "added_at", row->added_at);
		json_object_end(l->json);
		return 0;
	}
	if (row->heartbeat_at > 0)
		time_format((time_t)row->heartbeat_at, when, sizeof(when));
	else
		snprintf(when, sizeof(when), "never");
	fprintf(l->cli->out, "%-32s %-10s %-6s heartbeat %-20s %s\n", row->name,
	    row->role, self ? "(this)" : "", when, row->services[0] != '\0' ?
	    row->services : "(not served yet)");
	return 0;
}

int
cmd_node_list(struct cli *cli, const struct args *a)
{
	struct node_list l;
	struct json j;
	struct store *st;
	int rc;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	l.cli = cli;
	l.self = store_node_self(st);
	l.json = cli_json_list(cli, a, &j);
	rc = store_node_each(st, list_one, &l, &cli->err);
	cli_json_list_end(l.json);
	return rc;
}
