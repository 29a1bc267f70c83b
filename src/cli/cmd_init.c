/* cmd_init.c - `ucpki init`: a new node with its six identities. */
#include <stdio.h>

#include "commands.h"
#include "identity.h"
#include "node.h"

const struct opt init_opts[] = {
	{ "node", OPT_VALUE, "FQDN", "the node's fully qualified name (required)" },
	{ "org", OPT_VALUE, "O", "organisation" },
	{ "ou", OPT_VALUE, "OU", "organisational unit" },
	{ "locality", OPT_VALUE, "L", "locality (city)" },
	{ "state", OPT_VALUE, "ST", "state or province" },
	{ "country", OPT_VALUE, "C", "two-letter country code" },
	{ "store", OPT_VALUE, "ADDRESS", "a PostgreSQL database (postgresql://HOST/DB; "
	    "default UCPKI_STORE, else the home's own SQLite file); passwords from PGPASSFILE" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_init(struct cli *cli, const struct args *a)
{
	const struct purpose_info *p;
	struct node_params np;

	np.node = args_get(a, "node");
	np.org = args_get(a, "org");
	np.ou = args_get(a, "ou");
	np.locality = args_get(a, "locality");
	np.state = args_get(a, "state");
	np.country = args_get(a, "country");
	np.store = args_get(a, "store");
	if (np.node == NULL)
		return ucerr_set(&cli->err, "init: --node FQDN is required");
	if (node_init(cli->home, &np, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "init");
	for (p = purposes; p->name != NULL; p++)
		fprintf(cli->out, "%s/%s.pem: Self-signed certificate generated "
		    "by system\n", p->name, p->name);
	fprintf(cli->out, "Initialised %s for node %s.\n", cli->home, np.node);
	fprintf(cli->out, "ITLFile.tlv published to %s/tftp\n", cli->home);
	return 0;
}
