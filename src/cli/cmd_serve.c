/* cmd_serve.c - `ucpki serve`: the CAPF (and TVS) services. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "fileio.h"
#include "log.h"
#include "server.h"
#include "store.h"

const struct opt serve_opts[] = {
	{ "listen", OPT_VALUE, "ADDR", "IPv4 address to listen on (default 0.0.0.0)" },
	{ "capf-port", OPT_VALUE, "PORT", "CAPF port (default 3804; 0 turns CAPF off)" },
	{ "tvs-port", OPT_VALUE, "PORT", "TVS port (default 2445; 0 turns TVS off)" },
	{ "tls1", OPT_FLAG, NULL, "also accept TLS 1.0 with AES-SHA (7900-series phones)" },
	{ "loops", OPT_VALUE, "N", "event loops (default: one per core)" },
	{ "workers", OPT_VALUE, "N", "signing threads (default: one per core)" },
	{ "handshake-timeout", OPT_VALUE, "S", "seconds for the TLS handshake (default 10)" },
	{ "idle-timeout", OPT_VALUE, "S", "seconds a phone may stay silent (default 30)" },
	{ "message-timeout", OPT_VALUE, "S", "seconds for a whole message once its first byte is in (default 10)" },
	{ "keygen-timeout", OPT_VALUE, "S", "seconds a phone may take to make its key (default 300)" },
	{ "max-connections", OPT_VALUE, "N", "connections at once (default: the descriptor limit less a reserve)" },
	{ "max-per-address", OPT_VALUE, "N", "connections at once from one address (default 100)" },
	{ "monitor-interval", OPT_VALUE, "S", "seconds between certificate monitor runs (default 3600, 0 off)" },
	{ "allow-rsa512", OPT_FLAG, NULL, "INSECURE: issue LSCs for 512-bit RSA keys" },
	{ "log-level", OPT_VALUE, "LEVEL", "error|warn|info|debug (default info)" },
	{ "log-limit", OPT_VALUE, "N", "lines per kind of refusal or error and source network per 10 s (default 10, 0 no limit)" },
	{ "syslog", OPT_FLAG, NULL, "also log to syslog" },
	{ "user", OPT_VALUE, "NAME", "drop privileges to this user after binding" },
	{ NULL, 0, NULL, NULL },
};

static int
int_opt(struct cli *cli, const struct args *a, const char *name, int *out,
    long min, long max)
{
	long v;

	if (args_int(cli, a, name, *out, min, max, &v) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

int
cmd_serve(struct cli *cli, const struct args *a)
{
	struct server_config cfg;
	const char *level = args_get(a, "log-level");
	struct passwd *pw;
	int lvl = LOG_LEVEL_INFO, limit = 10;

	server_config_defaults(&cfg);
	/* Started as root to run as --user: that user may own the home. */
	if (args_get(a, "user") != NULL &&
	    (pw = getpwnam(args_get(a, "user"))) != NULL)
		path_allow_owner(pw->pw_uid);
	if (cli_store(cli) == NULL)
		return -1;
	cfg.home = cli->home;
	if (args_get(a, "listen"))
		cfg.listen_addr = args_get(a, "listen");
	if (int_opt(cli, a, "capf-port", &cfg.capf_port, 0, 65535) == -1 ||
	    int_opt(cli, a, "tvs-port", &cfg.tvs_port, 0, 65535) == -1 ||
	    int_opt(cli, a, "loops", &cfg.loops, 0, 256) == -1 ||
	    int_opt(cli, a, "workers", &cfg.workers, 0, 256) == -1 ||
	    int_opt(cli, a, "handshake-timeout", &cfg.handshake_timeout_s, 1,
	    3600) == -1 ||
	    int_opt(cli, a, "idle-timeout", &cfg.idle_timeout_s, 1, 3600) == -1 ||
	    int_opt(cli, a, "message-timeout", &cfg.message_timeout_s, 1,
	    3600) == -1 ||
	    int_opt(cli, a, "keygen-timeout", &cfg.keygen_timeout_s, 1,
	    86400) == -1 ||
	    int_opt(cli, a, "max-connections", &cfg.max_connections, 1,
	    1000000) == -1 ||
	    int_opt(cli, a, "max-per-address", &cfg.max_per_address, 1,
	    1000000) == -1 ||
	    int_opt(cli, a, "monitor-interval", &cfg.monitor_interval_s, 0,
	    86400 * 7) == -1 ||
	    int_opt(cli, a, "log-limit", &limit, 0, 1000000) == -1)
		return -1;
	if (level != NULL && (lvl = log_level_parse(level)) == -1)
		return ucerr_set(&cli->err, "--log-level must be error, warn, "
		    "info or debug");
	cfg.tls1 = args_has(a, "tls1");
	cfg.allow_rsa512 = args_has(a, "allow-rsa512");
	cfg.user = args_get(a, "user");
	log_setup((enum log_level)lvl, args_has(a, "syslog"));
	log_limit_setup(limit, 10);
	/* The services open their own connections to the store. */
	store_close(cli->store);
	cli->store = NULL;
	return server_run(&cfg, &cli->err);
}
