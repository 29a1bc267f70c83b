/* cmd_status.c - `ucpki status`: what the running service says about itself. */
#include <stdio.h>
#include <time.h>

#include "clock.h"
#include "commands.h"
#include "json.h"
#include "paths.h"
#include "server_status.h"

const struct opt status_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

static void
print_json(struct cli *cli, const struct serve_status *st, int found)
{
	struct json j;
	int i;

	json_init(&j, cli->out);
	json_object_begin(&j, NULL);
	json_bool(&j, "up", st->up);
	json_string(&j, "verdict", st->verdict);
	json_string(&j, "home", cli->home);
	if (found) {
		json_string(&j, "state", st->state);
		json_int(&j, "pid", st->pid);
		json_int(&j, "started", st->started);
		json_int(&j, "updated", st->updated);
		json_object_begin(&j, "versions");
		json_string(&j, "ucpki", st->version);
		json_string(&j, "openssl", st->openssl);
		json_string(&j, "sqlite", st->sqlite);
		json_string(&j, "libevent", st->libevent);
		json_object_end(&j);
		json_object_begin(&j, "store");
		json_string(&j, "home", st->home);
		json_int(&j, "schema", st->schema);
		json_object_end(&j);
		json_array_begin(&j, "listeners");
		for (i = 0; i < st->n_listeners; i++) {
			json_object_begin(&j, NULL);
			json_string(&j, "service", st->listeners[i].service);
			json_string(&j, "address", st->listeners[i].addr);
			json_int(&j, "port", st->listeners[i].port);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_int(&j, "loops", st->loops);
		json_int(&j, "workers", st->workers);
		json_int(&j, "connections", st->connections);
		json_int(&j, "sessions", st->sessions);
		json_int(&j, "devices", st->devices);
		json_int(&j, "pending", st->pending);
		if (st->monitor_at > 0) {
			json_int(&j, "alarms", st->alarms);
			json_int(&j, "monitor_at", st->monitor_at);
		} else {
			json_null(&j, "alarms");
			json_null(&j, "monitor_at");
		}
		json_array_begin(&j, "errors");
		for (i = 0; i < st->n_errors; i++) {
			json_object_begin(&j, NULL);
			json_int(&j, "at", st->errors[i].at);
			json_string(&j, "message", st->errors[i].msg);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_object_end(&j);
	json_finish(&j);
}

static void
print_text(struct cli *cli, const struct serve_status *st, int found,
    time_t now)
{
	char when[32];
	int i;

	if (!found) {
		fprintf(cli->out, "ucpki serve: not running (%s has no %s: the "
		    "service has not run in this home)\n", cli->home,
		    SERVE_STATUS_FILE);
		return;
	}
	time_format((time_t)st->started, when, sizeof(when));
	fprintf(cli->out, "ucpki serve: %s (state %s, pid %ld, since %s, "
	    "updated %llds ago)\n", st->verdict, st->state, st->pid, when,
	    (long long)(now - st->updated));
	fprintf(cli->out, "version:     ucpki %s, %s, SQLite %s, libevent %s\n",
	    st->version, st->openssl, st->sqlite, st->libevent);
	fprintf(cli->out, "store:       %s (schema %d)\n", st->home, st->schema);
	fprintf(cli->out, "listeners:  ");
	for (i = 0; i < st->n_listeners; i++)
		fprintf(cli->out, "%s %s %s:%d", i ? "," : "",
		    st->listeners[i].service, st->listeners[i].addr,
		    st->listeners[i].port);
	fprintf(cli->out, "%s\n", st->n_listeners ? "" : " none");
	fprintf(cli->out, "sessions:    %lld open, %lld served (%d loops, %d "
	    "workers)\n", (long long)st->connections, (long long)st->sessions,
	    st->loops, st->workers);
	fprintf(cli->out, "devices:     %lld, %lld with a pending operation\n",
	    (long long)st->devices, (long long)st->pending);
	if (st->monitor_at > 0) {
		time_format((time_t)st->monitor_at, when, sizeof(when));
		fprintf(cli->out, "alarms:      %lld at the last monitor run (%s)\n",
		    (long long)st->alarms, when);
	} else {
		fprintf(cli->out, "alarms:      no monitor run yet\n");
	}
	fprintf(cli->out, "last errors:%s\n", st->n_errors ? "" : " none");
	for (i = 0; i < st->n_errors; i++) {
		time_format((time_t)st->errors[i].at, when, sizeof(when));
		fprintf(cli->out, "  %s %s\n", when, st->errors[i].msg);
	}
}

int
cmd_status(struct cli *cli, const struct args *a)
{
	struct serve_status st;
	time_t now = time(NULL);
	int found;

	if ((found = server_status_read(cli->home, now, &st, &cli->err)) == -1)
		return -1;
	if (args_has(a, "json"))
		print_json(cli, &st, found);
	else
		print_text(cli, &st, found, now);
	/* As LSB init scripts answer "status": 0 running, 3 not running. */
	cli->exit_code = st.up ? 0 : 3;
	return 0;
}
