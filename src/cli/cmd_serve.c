/* cmd_serve.c - `ucpki serve`: CAPF, TVS, the TFTP service and the
 * administration service. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "log.h"
#include "paths.h"
#include "server.h"
#include "server_conf.h"
#include "services.h"
#include "store.h"

/* Every option but config and check-config is also a ucpki.conf key of
 * the same name (src/server/server_conf.c; a unit test holds them
 * together). */
const struct opt serve_opts[] = {
	{ "listen", OPT_VALUE, "ADDR", "IPv4 address to listen on (default 0.0.0.0)" },
	{ "capf-port", OPT_VALUE, "PORT", "CAPF port (default 3804; 0 turns CAPF off)" },
	{ "tvs-port", OPT_VALUE, "PORT", "TVS port (default 2445; 0 turns TVS off)" },
	{ "tls1", OPT_FLAG, NULL, "also accept TLS 1.0 with AES-SHA (7900-series phones)" },
	{ "loops", OPT_VALUE, "N", "event loops (default: one per core)" },
	{ "workers", OPT_VALUE, "N", "signing threads (default: one per core)" },
	{ "handshake-timeout", OPT_VALUE, "S", "seconds for the TLS handshake, from its start (default 10)" },
	{ "max-handshakes", OPT_VALUE, "N", "TLS handshakes in progress per loop; more connections wait (default 256)" },
	{ "handshake-wait", OPT_VALUE, "S", "seconds a connection may wait for its handshake to start (default 30)" },
	{ "idle-timeout", OPT_VALUE, "S", "seconds a phone may stay silent (default 30)" },
	{ "message-timeout", OPT_VALUE, "S", "seconds for a whole message once its first byte is in (default 10)" },
	{ "keygen-timeout", OPT_VALUE, "S", "seconds a phone may take to make its key (default 300)" },
	{ "max-connections", OPT_VALUE, "N", "connections at once (default: the descriptor limit less a reserve)" },
	{ "max-per-address", OPT_VALUE, "N", "connections at once from one address (default 100)" },
	{ "monitor-interval", OPT_VALUE, "S", "seconds between certificate monitor runs (default 3600, 0 off)" },
	{ "store-poll", OPT_VALUE, "S", "PostgreSQL: seconds between reads of the store's generation besides its notifications (default 30)" },
	{ "allow-rsa512", OPT_FLAG, NULL, "INSECURE: issue LSCs for 512-bit RSA keys" },
	{ "log-level", OPT_VALUE, "LEVEL", "error|warn|info|debug (default info)" },
	{ "log-limit", OPT_VALUE, "N", "lines per kind of refusal or error and source network per 10 s (default 10, 0 no limit)" },
	{ "syslog", OPT_FLAG, NULL, "also log to syslog (not when logging to the journal)" },
	{ "user", OPT_VALUE, "NAME", "drop privileges to this user after binding" },
	{ "config", OPT_VALUE, "FILE", "settings file (default when installed: /etc/ucpki/ucpki.conf)" },
	{ "check-config", OPT_FLAG, NULL, "check the settings, print them and exit" },
	{ "http-port", OPT_VALUE, "PORT", "TFTP files over HTTP (default 6970; 0 turns it off)" },
	{ "tftp-port", OPT_VALUE, "PORT", "TFTP over UDP (default 69; 0 turns it off)" },
	{ "https-port", OPT_VALUE, "PORT", "configurations over HTTPS with CallManager-ECDSA, for phones with an ITL of version 1.1 (default 6971; 0 turns it off)" },
	{ "config-dir", OPT_VALUE, "DIR", "the administrator's phone files, served signed (default $UCPKI_HOME/config)" },
	{ "max-transfers", OPT_VALUE, "N", "TFTP/HTTP transfers at once (default 2000)" },
	{ "max-transfers-per-address", OPT_VALUE, "N", "TFTP/HTTP transfers at once to one address (default 20)" },
	{ "max-http-connections", OPT_VALUE, "N", "HTTP and HTTPS connections at once (default 4000)" },
	{ "max-http-connections-per-address", OPT_VALUE, "N", "HTTP and HTTPS connections at once from one address (default 40)" },
	{ "tftp-timeout", OPT_VALUE, "S", "seconds before a TFTP block is sent again (default 2)" },
	{ "tftp-retries", OPT_VALUE, "N", "times a TFTP block is sent again before the transfer is dropped (default 5)" },
	{ "admin-port", OPT_VALUE, "PORT", "HTTPS administration and REST API with the tomcat identity (default 8443; 0 turns it off)" },
	{ "admin-listen", OPT_VALUE, "ADDR", "IPv4 address of the administration service (default 127.0.0.1: this host only)" },
	{ NULL, 0, NULL, NULL },
};

#define SERVE_OPTS_MAX	64

/* The command line's settings, in serve_opts' order, for the core to lay
 * over the file's. */
static size_t
command_line_settings(const struct args *a, struct server_config_arg *out)
{
	const struct opt *o;
	const char *v;
	size_t n = 0;

	for (o = serve_opts; o->name != NULL && n < SERVE_OPTS_MAX; o++) {
		if (strcmp(o->name, "config") == 0 ||
		    strcmp(o->name, "check-config") == 0 ||
		    (v = args_get(a, o->name)) == NULL)
			continue;
		out[n].key = o->name;
		out[n++].value = o->kind == OPT_FLAG ? "yes" : v;
	}
	return n;
}

static int
print_settings(struct cli *cli, const struct server_config *cfg,
    const char *source)
{
	char value[128];
	const char *key;
	int i;

	fprintf(cli->out, "# %s: ok (command-line options applied)\n", source);
	for (i = 0; (key = server_config_key(i)) != NULL; i++) {
		server_config_get(cfg, key, value, sizeof(value));
		fprintf(cli->out, "%s =%s%s\n", key, value[0] ? " " : "", value);
	}
	return 0;
}

int
cmd_serve(struct cli *cli, const struct args *a)
{
	struct server_config cfg;
	struct server_config_arg settings[SERVE_OPTS_MAX];
	size_t n = command_line_settings(a, settings);
	const char *source;
	struct passwd *pw;

	if (server_config_resolve(&cfg, args_get(a, "config"), settings, n,
	    &source, &cli->err) == -1)
		return -1;
	if (args_has(a, "check-config"))
		return print_settings(cli, &cfg, source);
	/* Started as root to run as --user: that user may own the home. */
	if (cfg.user[0] != '\0' && (pw = getpwnam(cfg.user)) != NULL)
		path_allow_owner(pw->pw_uid);
	if (cli_store(cli) == NULL)
		return -1;
	cfg.home = cli->home;
	log_setup((enum log_level)cfg.log_level, cfg.syslog);
	log_limit_setup(cfg.log_limit, 10);
	/* The services open their own connections to the store. */
	store_close(cli->store);
	cli->store = NULL;
	return server_run(&cfg, serve_services, &cli->err);
}
