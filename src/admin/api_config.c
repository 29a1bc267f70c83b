/*
 * api_config.c - the API's settings and the monitor: CAPF config and
 * monitor config (GET shows, POST sets: a JSON object of the CLI's
 * options), the monitor's alarms as they stand, the CRLs.  The same core
 * calls and JSON as `capf config`, `monitor config`, `monitor --json`
 * and `crl list --json`.
 */
#include <string.h>

#include "api.h"
#include "capf_config.h"
#include "clock.h"
#include "crl.h"
#include "json.h"
#include "monitor.h"

static int
capf_show(struct api_req *r)
{
	struct capf_config c;
	struct json j;

	if (capf_config_get(r->st, &c, &r->err) == -1)
		return 500;
	json_init(&j, r->out);
	capf_config_json(&j, &c);
	json_finish(&j);
	return 200;
}

int
api_capf_config(struct api_req *r)
{
	return capf_show(r);
}

/* Every member through set, in the writer's transaction: all or none. */
struct settings_write {
	const struct json_flat	*body;
	int			(*set)(struct store *, const char *,
				    const char *, struct ucerr *);
};

static int
settings_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct settings_write *w = arg;
	int i;

	for (i = 0; i < w->body->n; i++) {
		if (w->body->m[i].is_null)
			return ucerr_set(err, "%s: needs a value",
			    w->body->m[i].key);
		if (w->set(st, w->body->m[i].key, w->body->m[i].value,
		    err) == -1)
			return -1;
	}
	return 0;
}

static int
settings_post(struct api_req *r, int (*set)(struct store *, const char *,
    const char *, struct ucerr *))
{
	struct settings_write w = { &r->body, set };

	if (r->body.n == 0)
		return ucerr_set(&r->err, "nothing to set"), 400;
	if (r->write(r->write_ctx, settings_apply, &w, &r->err) == -1)
		return strstr(r->err.msg, "locked") != NULL ? 503 : 400;
	return 0;
}

int
api_capf_config_set(struct api_req *r)
{
	int status;

	if ((status = settings_post(r, capf_config_set)) != 0)
		return status;
	return capf_show(r);
}

static int
monitor_show(struct api_req *r)
{
	struct json j;

	json_init(&j, r->out);
	if (monitor_config_json(&j, r->st, &r->err) == -1)
		return 500;
	json_finish(&j);
	return 200;
}

int
api_monitor_config(struct api_req *r)
{
	return monitor_show(r);
}

int
api_monitor_config_set(struct api_req *r)
{
	int status;

	if ((status = settings_post(r, monitor_config_set)) != 0)
		return status;
	return monitor_show(r);
}

int
api_monitor_alarms(struct api_req *r)
{
	struct monitor_report rep;
	struct json j;

	/* A look only: no e-mail, nothing recorded (the service's monitor
	 * does that on its own schedule). */
	if (monitor_look(r->st, clock_now(), &rep, &r->err) == -1)
		return 500;
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	monitor_report_json(&j, &rep);
	json_object_end(&j);
	json_finish(&j);
	monitor_report_free(&rep);
	return 200;
}

int
api_crl_list(struct api_req *r)
{
	struct json j;

	json_init(&j, r->out);
	if (crl_list_json(&j, r->st, &r->err) == -1)
		return 500;
	json_finish(&j);
	return 200;
}
