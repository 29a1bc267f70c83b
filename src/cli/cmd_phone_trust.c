/* cmd_phone_trust.c - `ucpki phone itl|verify-config|register`. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "hostport.h"
#include "phone_trust.h"
#include "x509.h"

const struct opt phone_itl_opts[] = { { NULL, 0, NULL, NULL } };

const struct opt phone_verify_config_opts[] = {
	{ "itl", OPT_VALUE, "FILE", "use this ITL instead of the installed one" },
	{ "tvs", OPT_VALUE, "HOST:PORT", "ask this TVS when the ITL does not hold the signer" },
	{ "signer", OPT_VALUE, "CERT", "the signer's certificate, for TVS" },
	{ NULL, 0, NULL, NULL },
};

const struct opt phone_register_opts[] = {
	{ "server", OPT_VALUE, "HOST:PORT", "the call agent's TLS port (required)" },
	{ "itl", OPT_VALUE, "FILE", "check the server with this ITL instead of the installed one" },
	{ "tvs", OPT_VALUE, "HOST:PORT", "ask this TVS when the ITL does not hold the server" },
	{ "sni", OPT_VALUE, "NAME", "server name to send" },
	{ "tls1", OPT_FLAG, NULL, "speak TLS 1.0" },
	{ "sip", OPT_FLAG, NULL, "send a SIP REGISTER over the connection; registered on a 2xx" },
	{ NULL, 0, NULL, NULL },
};

static int
tvs_arg(struct cli *cli, const struct args *a, struct tvs_target *t,
    char *host, size_t hostlen)
{
	const char *v = args_get(a, "tvs");

	t->host = NULL;
	if (v == NULL)
		return 0;
	if (hostport_parse(v, 0, host, hostlen, &t->port, &cli->err) == -1)
		return -1;
	t->host = host;
	return 0;
}

int
cmd_phone_itl(struct cli *cli, const struct args *a)
{
	struct phone ph;
	int rc;

	if (phone_load(cli->home, a->positional[0], &ph, &cli->err) == -1)
		return -1;
	rc = phone_itl_install(&ph, a->positional[1], cli->out, &cli->err);
	phone_free(&ph);
	return rc;
}

int
cmd_phone_verify_config(struct cli *cli, const struct args *a)
{
	struct tvs_target tvs;
	STACK_OF(X509) *certs = NULL;
	struct phone ph;
	char host[256];
	int rc = -1;

	if (tvs_arg(cli, a, &tvs, host, sizeof(host)) == -1)
		return -1;
	if (args_get(a, "signer") != NULL &&
	    certs_load_file(args_get(a, "signer"), &certs, &cli->err) == -1)
		return -1;
	if (phone_load(cli->home, a->positional[0], &ph, &cli->err) == 0) {
		rc = phone_verify_config(&ph, a->positional[1], args_get(a, "itl"),
		    certs ? sk_X509_value(certs, 0) : NULL, &tvs, cli->out,
		    &cli->err);
		phone_free(&ph);
	}
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
cmd_phone_register(struct cli *cli, const struct args *a)
{
	struct register_opts o;
	struct phone ph;
	const char *server = args_get(a, "server");
	char host[256], tvs_host[256];
	int rc;

	memset(&o, 0, sizeof(o));
	if (server == NULL)
		return ucerr_set(&cli->err, "phone register: --server HOST:PORT "
		    "is required");
	if (hostport_parse(server, 0, host, sizeof(host), &o.port,
	    &cli->err) == -1 ||
	    tvs_arg(cli, a, &o.tvs, tvs_host, sizeof(tvs_host)) == -1)
		return -1;
	o.host = host;
	o.itl_path = args_get(a, "itl");
	o.sni = args_get(a, "sni");
	o.tls1 = args_has(a, "tls1");
	o.sip = args_has(a, "sip");
	o.console = cli->out;
	if (phone_load(cli->home, a->positional[0], &ph, &cli->err) == -1)
		return -1;
	rc = phone_register(&ph, &o, &cli->err);
	fprintf(cli->out, "%s: %s\n", ph.name, rc == 0 ? "Registered" :
	    "Not registered");
	phone_free(&ph);
	return rc;
}
