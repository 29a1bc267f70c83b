/* cmd_swarm.c - `ucpki phone swarm`: many simulated phones at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "device.h"
#include "hostport.h"
#include "identity.h"
#include "itl.h"
#include "json.h"
#include "store.h"
#include "swarm.h"

const struct opt phone_swarm_opts[] = {
	{ "capf", OPT_VALUE, "HOST:PORT", "enroll against this CAPF server" },
	{ "tvs", OPT_VALUE, "HOST:PORT", "or verify against this TVS server" },
	{ "n", OPT_VALUE, "DEVICES", "phones SEP000000000001.. (default 100)" },
	{ "c", OPT_VALUE, "CONCURRENCY", "phones at once (default 50)" },
	{ "auth", OPT_VALUE, "MODE", "null (default), string or mic" },
	{ "softphone", OPT_FLAG, NULL, "Jabber clients CSF000000000001.. speaking CAPF protocol version 2 (--auth null or string)" },
	{ "key", OPT_VALUE, "TYPE", "rsa2048 (default) or ec256" },
	{ "key-delay", OPT_VALUE, "MS", "hold each connection this long in key generation" },
	{ "requests", OPT_VALUE, "N", "TVS requests per TLS session (default 1)" },
	{ "itl", OPT_VALUE, "FILE", "authenticate the server by this ITL" },
	{ "provision", OPT_FLAG, NULL, "first register the devices in --home's store" },
	{ "timeout", OPT_VALUE, "S", "seconds of silence before a phone gives up (default 120)" },
	{ "record", OPT_VALUE, "FILE", "append 'DEVICE SERIAL' for every LSC a phone stored" },
	{ "json", OPT_FLAG, NULL, "machine-readable result" },
	{ NULL, 0, NULL, NULL },
};

static void
print_result(struct cli *cli, const struct swarm_opts *o,
    const struct swarm_result *r, int json)
{
	/* The ways a CAPF session fails, as the summary counts them. */
	static const enum capf_client_outcome failures[] = { OUTCOME_NO_ACTION,
	    OUTCOME_UNKNOWN_DEVICE, OUTCOME_REJECTED, OUTCOME_RETRY_LATER,
	    OUTCOME_FAILED };
	struct json j;
	double rate = r->wall_s > 0 ? r->completed / r->wall_s : 0;
	int i;

	if (json) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		json_string(&j, "service", o->tvs ? "TVS" : "CAPF");
		json_int(&j, "devices", o->devices);
		json_int(&j, "concurrency", o->concurrency);
		json_int(&j, "completed", r->completed);
		json_int(&j, "failed", r->failed);
		json_object_begin(&j, "failed_by");
		for (i = 0; i < 5 && !o->tvs; i++)
			json_int(&j, capf_client_outcome_name(failures[i]),
			    r->by_outcome[failures[i]]);
		json_int(&j, "connect_failed", r->connect_failed);
		json_int(&j, "server_not_in_itl", r->server_mismatch);
		json_object_end(&j);
		json_array_begin(&j, "failure_reasons");
		for (i = 0; i < r->n_reasons; i++) {
			json_object_begin(&j, NULL);
			json_string(&j, "reason", r->reasons[i].what);
			json_int(&j, "count", r->reasons[i].count);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_int(&j, "failures_of_other_reasons", r->other_reasons);
		fprintf(cli->out, ",\"wall_s\":%.3f,\"per_second\":%.1f,"
		    "\"p50_ms\":%.1f,\"p95_ms\":%.1f,\"p99_ms\":%.1f,"
		    "\"max_ms\":%.1f,\"client_cpu_user_s\":%.3f,"
		    "\"client_cpu_sys_s\":%.3f", r->wall_s, rate, r->p50_ms,
		    r->p95_ms, r->p99_ms, r->max_ms, r->cpu_user_s, r->cpu_sys_s);
		json_object_end(&j);
		json_finish(&j);
		return;
	}
	fprintf(cli->out, "completed:   %ld of %ld (%s)\n", r->completed,
	    o->devices, o->tvs ? "TVS verifications" : "CAPF sessions");
	fprintf(cli->out, "failed:      %ld", r->failed);
	if (!o->tvs)
		fprintf(cli->out, " (no action %ld, unknown device %ld, rejected "
		    "%ld, retry later %ld, protocol %ld)",
		    r->by_outcome[OUTCOME_NO_ACTION],
		    r->by_outcome[OUTCOME_UNKNOWN_DEVICE],
		    r->by_outcome[OUTCOME_REJECTED],
		    r->by_outcome[OUTCOME_RETRY_LATER],
		    r->by_outcome[OUTCOME_FAILED]);
	fprintf(cli->out, ", connect failed %ld, server not in ITL %ld\n",
	    r->connect_failed, r->server_mismatch);
	for (i = 0; i < r->n_reasons; i++)
		fprintf(cli->out, "  %8ld  %s\n", r->reasons[i].count,
		    r->reasons[i].what);
	if (r->other_reasons > 0)
		fprintf(cli->out, "  %8ld  other reasons\n", r->other_reasons);
	fprintf(cli->out, "wall time:   %.2f s\nthroughput:  %.1f/s\n", r->wall_s,
	    rate);
	fprintf(cli->out, "latency:     p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, "
	    "max %.1f ms\n", r->p50_ms, r->p95_ms, r->p99_ms, r->max_ms);
	fprintf(cli->out, "client CPU:  %.2f s user, %.2f s sys\n",
	    r->cpu_user_s, r->cpu_sys_s);
}

int
cmd_phone_swarm(struct cli *cli, const struct args *a)
{
	struct swarm_opts o;
	struct swarm_result r;
	struct itl_file itl;
	const char *capf = args_get(a, "capf"), *tvs = args_get(a, "tvs");
	const char *auth = args_get(a, "auth"), *key = args_get(a, "key");
	const char *itl_path = args_get(a, "itl");
	char host[256];
	long n, c, delay, requests, timeout;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	memset(&itl, 0, sizeof(itl));
	if ((capf == NULL) == (tvs == NULL))
		return ucerr_set(&cli->err, "phone swarm: give --capf HOST:PORT or "
		    "--tvs HOST:PORT");
	if (hostport_parse(capf ? capf : tvs, 0, host, sizeof(host), &o.port,
	    &cli->err) == -1 ||
	    args_int(cli, a, "n", 100, 1, 1000000, &n) == -1 ||
	    args_int(cli, a, "c", 50, 1, 100000, &c) == -1 ||
	    args_int(cli, a, "key-delay", 0, 0, 3600000, &delay) == -1 ||
	    args_int(cli, a, "requests", 1, 1, 100000, &requests) == -1 ||
	    args_int(cli, a, "timeout", 120, 1, 86400, &timeout) == -1)
		return -1;
	o.host = host;
	o.tvs = tvs != NULL;
	o.devices = n;
	o.concurrency = (int)c;
	o.softphone = args_has(a, "softphone");
	if (swarm_opts_auth(&o, auth, key, &cli->err) == -1)
		return -1;
	o.key_delay_ms = (int)delay;
	o.requests_per_session = (int)requests;
	o.home = cli->home;
	o.timeout_s = (int)timeout;
	o.progress = stderr;
	if (itl_path != NULL) {
		if (itl_load_file(itl_path, &itl, &cli->err) == -1)
			return -1;
		o.itl = &itl;
	}
	if (args_has(a, "provision")) {
		if (cli_store(cli) == NULL ||
		    swarm_provision(cli->store, &o, &cli->err) == -1)
			goto out;
		fprintf(stderr, "swarm: %ld devices provisioned (install, %s, "
		    "%s)\n", o.devices, capf_auth_mode_name(o.auth_mode),
		    o.key_type);
	}
	if (o.tvs && (cli_store(cli) == NULL || identity_load(cli->store,
	    "CallManager", &o.tvs_cert, NULL, &cli->err) == -1))
		goto out;
	/* The swarm must not hold the store while the server writes to it. */
	if (cli->store != NULL) {
		store_close(cli->store);
		cli->store = NULL;
	}
	if (args_get(a, "record") != NULL &&
	    (o.record = fopen(args_get(a, "record"), "a")) == NULL) {
		ucerr_set(&cli->err, "%s: cannot open", args_get(a, "record"));
		goto out;
	}
	if (swarm_run(&o, &r, &cli->err) == -1)
		goto out;
	print_result(cli, &o, &r, args_has(a, "json"));
	rc = r.failed == 0 ? 0 : ucerr_set(&cli->err, "swarm: %ld of %ld "
	    "failed", r.failed, n);
out:
	if (o.record != NULL)
		fclose(o.record);
	X509_free(o.tvs_cert);
	itl_free(&itl);
	return rc;
}
