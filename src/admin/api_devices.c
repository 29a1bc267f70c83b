/*
 * api_devices.c - the API's devices and the CAPF report: the same
 * filters, settings and JSON as `device list`, `device show`, `device
 * set` and `capf report` (device_view.c, device_settings.c).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "device_settings.h"
#include "device_view.h"
#include "json.h"
#include "store.h"

static int
list_one(void *arg, const struct device *d)
{
	device_json_item(arg, d);
	return 0;
}

int
api_device_list(struct api_req *r)
{
	struct device_filter f;
	struct json j;
	int i, rc;

	device_filter_init(&f);
	for (i = 0; i < r->n_query; i++)
		if (device_filter_option(&f, r->query_keys[i],
		    r->query_values[i], &r->err) == -1)
			return 400;
	json_init(&j, r->out);
	json_array_begin(&j, NULL);
	rc = store_device_each(r->st, &f, list_one, &j, &r->err);
	json_array_end(&j);
	json_finish(&j);
	return rc == 0 ? 200 : 500;
}

/* The device in the path, shown as `device show NAME --json` does. */
static int
show(struct api_req *r, const char *name)
{
	struct device d;
	struct json j;
	int found;

	if ((found = device_lookup(r->st, name, &d, &r->err)) != 1)
		return found == 0 ? 404 : 500;
	json_init(&j, r->out);
	device_json_show(&j, r->st, &d, 0);
	json_finish(&j);
	device_free(&d);
	return 200;
}

/* A phone's name as users write it (a MAC in any common spelling), as
 * the CLI takes it. */
static const char *
device_arg(struct api_req *r, char *buf, size_t buflen)
{
	device_name_normalise(r->params[0], buf, buflen);
	return buf;
}

int
api_device_show(struct api_req *r)
{
	char name[64];

	return show(r, device_arg(r, name, sizeof(name)));
}

struct set_write {
	const char		*name;
	struct device_settings	 s;
};

/* In the writer's transaction. */
static int
set_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct set_write *w = arg;

	return device_settings_apply(st, w->name, &w->s, err);
}

int
api_device_set(struct api_req *r)
{
	struct set_write w;
	const struct json_member *m;
	struct device d;
	char name[64];
	int i, found, status = 400;

	device_settings_init(&w.s);
	w.name = device_arg(r, name, sizeof(name));
	if ((found = device_lookup(r->st, w.name, &d, &r->err)) != 1)
		return found == 0 ? 404 : 500;
	device_free(&d);
	for (i = 0; i < r->body.n; i++) {
		m = &r->body.m[i];
		/* generate-string would need the string shown back: the API
		 * takes a given one (the CLI shows a generated one). */
		if (m->is_null || strcmp(m->key, "generate-string") == 0 ||
		    strcmp(m->key, "auth-string-file") == 0) {
			snprintf(r->err.msg, sizeof(r->err.msg), "device set: "
			    "unknown setting '%s'", m->key);
			goto out;
		}
		if (device_settings_option(&w.s, m->key, m->value,
		    &r->err) == -1)
			goto out;
	}
	if (r->body.n == 0) {
		snprintf(r->err.msg, sizeof(r->err.msg), "device set: nothing "
		    "to set (operation, auth, auth-string, key, key-order, by, "
		    "model, security-mode, encrypted-config)");
		goto out;
	}
	if (device_settings_check(&w.s, &r->err) == -1)
		goto out;
	/* Answered once the writer has committed it. */
	if (r->write(r->write_ctx, set_apply, &w, &r->err) == -1) {
		status = strstr(r->err.msg, "no such device") != NULL ? 404 :
		    strstr(r->err.msg, "locked") != NULL ? 503 : 409;
		goto out;
	}
	status = show(r, w.name);
out:
	device_settings_clear(&w.s);
	return status;
}

static int
report_one(void *arg, const struct device *d)
{
	struct capf_report_row row;

	capf_report_row_get(d, &row);
	capf_report_json(arg, d, &row);
	return 0;
}

int
api_capf_report(struct api_req *r)
{
	struct json j;
	int rc;

	json_init(&j, r->out);
	json_array_begin(&j, NULL);
	rc = store_device_each(r->st, NULL, report_one, &j, &r->err);
	json_array_end(&j);
	json_finish(&j);
	return rc == 0 ? 200 : 500;
}
