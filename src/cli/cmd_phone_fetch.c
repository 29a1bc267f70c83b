/* cmd_phone_fetch.c - `ucpki phone fetch`: a phone's boot fetches. */
#include <stdio.h>

#include "commands.h"
#include "hostport.h"
#include "phone_fetch.h"

const struct opt phone_fetch_opts[] = {
	{ "server", OPT_VALUE, "HOST:PORT", "the TFTP service: HTTP port, the TFTP port with --tftp, the HTTPS port with --https (required)" },
	{ "tftp", OPT_FLAG, NULL, "fetch over TFTP instead of HTTP" },
	{ "https", OPT_FLAG, NULL, "fetch over HTTPS (6971), the server checked against the TFTP records of the ITL the phone holds" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_phone_fetch(struct cli *cli, const struct args *a)
{
	struct fetch_opts o;
	struct phone ph;
	const char *server = args_get(a, "server");
	char host[256];
	int rc;

	if (server == NULL)
		return ucerr_set(&cli->err, "phone fetch: --server HOST:PORT is "
		    "required");
	if (hostport_parse(server, 0, host, sizeof(host), &o.port,
	    &cli->err) == -1)
		return -1;
	o.host = host;
	o.tftp = args_has(a, "tftp");
	o.https = args_has(a, "https");
	if (o.tftp && o.https)
		return ucerr_set(&cli->err, "phone fetch: --tftp or --https, "
		    "not both");
	o.console = cli->out;
	if (phone_load(cli->home, a->positional[0], &ph, &cli->err) == -1)
		return -1;
	rc = phone_fetch(&ph, &o, &cli->err);
	phone_free(&ph);
	return rc;
}
