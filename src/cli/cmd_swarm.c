/* cmd_swarm.c - `ucpki phone swarm`: many simulated phones at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "device.h"
#include "identity.h"
#include "itl.h"
#include "json.h"
#include "store.h"
#include "store_device.h"
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

/* The authentication string every swarm phone keys in. */
#define SWARM_AUTH_STRING	"24681357"

static int
provision(struct cli *cli, const struct swarm_opts *o, const char *auth,
    const char *key)
{
	struct store *st = cli_store(cli);
	struct device d, old;
	long i;
	int found;

	if (st == NULL || store_begin(st, &cli->err) == -1)
		return -1;
	for (i = 1; i <= o->devices; i++) {
		memset(&d, 0, sizeof(d));
		swarm_device_name(i, o->softphone, d.name);
		snprintf(d.model, sizeof(d.model), "%s", o->softphone ? "CSF" :
		    "8845");
		d.operation = CERT_OP_INSTALL;
		d.auth_mode = capf_auth_mode_parse(auth);
		snprintf(d.auth_string, sizeof(d.auth_string), "%s",
		    d.auth_mode == CAPF_AUTH_STRING ? SWARM_AUTH_STRING : "");
		snprintf(d.key_type, sizeof(d.key_type), "%s", key);
		d.deadline = clock_now() + 86400;
		d.status = CERT_STATUS_SCHEDULE;
		if ((found = store_device_get(st, d.name, &old, &cli->err)) == -1)
			goto fail;
		if (found) {
			d.security_mode = old.security_mode;
			d.encrypted_config = old.encrypted_config;
			device_free(&old);
		}
		if ((found ? store_device_update(st, &d, &cli->err) :
		    store_device_add(st, &d, &cli->err)) == -1)
			goto fail;
		if (i % 10000 == 0)
			fprintf(stderr, "swarm: provisioned %ld/%ld\n", i, o->devices);
	}
	if (store_commit(st, &cli->err) == -1)
		goto fail;
	fprintf(stderr, "swarm: %ld devices provisioned (install, %s, %s)\n",
	    o->devices, auth, key);
	return 0;
fail:
	store_rollback(st);
	return -1;
}

static void
print_result(struct cli *cli, const struct swarm_opts *o,
    const struct swarm_result *r, int json)
{
	static const char *const outcomes[] = { "none", "installed", "deleted",
	    "fetched", "no_action", "unknown_device", "rejected", "failed" };
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
		for (i = 4; i < 8 && !o->tvs; i++)
			json_int(&j, outcomes[i], r->by_outcome[i]);
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
		    "%ld, protocol %ld)", r->by_outcome[4], r->by_outcome[5],
		    r->by_outcome[6], r->by_outcome[7]);
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
	if (cli_host_port(cli, capf ? capf : tvs, host, sizeof(host),
	    &o.port) == -1 ||
	    args_int(cli, a, "n", 100, 1, 1000000, &n) == -1 ||
	    args_int(cli, a, "c", 50, 1, 100000, &c) == -1 ||
	    args_int(cli, a, "key-delay", 0, 0, 3600000, &delay) == -1 ||
	    args_int(cli, a, "requests", 1, 1, 100000, &requests) == -1 ||
	    args_int(cli, a, "timeout", 120, 1, 86400, &timeout) == -1)
		return -1;
	auth = auth ? auth : "null";
	key = key ? key : "rsa2048";
	if (strcmp(auth, "null") != 0 && strcmp(auth, "string") != 0 &&
	    strcmp(auth, "mic") != 0)
		return ucerr_set(&cli->err, "--auth must be null, string or mic");
	if (strcmp(key, "rsa2048") != 0 && strcmp(key, "ec256") != 0)
		return ucerr_set(&cli->err, "--key must be rsa2048 or ec256");
	key_spec_parse(key, &o.key, NULL);
	o.host = host;
	o.tvs = tvs != NULL;
	o.devices = n;
	o.concurrency = (int)c;
	o.auth_mic = strcmp(auth, "mic") == 0;
	o.softphone = args_has(a, "softphone");
	if (o.softphone && (o.auth_mic || tvs != NULL))
		return ucerr_set(&cli->err, "--softphone: CAPF only, with --auth "
		    "null or string (a softphone has no MIC)");
	o.auth_string = strcmp(auth, "string") == 0 ? SWARM_AUTH_STRING : NULL;
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
	if (args_has(a, "provision") && (o.tvs ||
	    provision(cli, &o, auth, key) == -1)) {
		if (o.tvs)
			ucerr_set(&cli->err, "--provision is for --capf");
		goto out;
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
