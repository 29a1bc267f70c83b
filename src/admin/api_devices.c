/*
 * api_devices.c - the API's devices and the CAPF report: the same
 * filters, settings and JSON as `device list`, `device show`, `device
 * set` and `capf report` (device_view.c, device_settings.c).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "certmgr.h"
#include "device_import.h"
#include "device_new.h"
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

/* Is key one of the bulk selections (device_selection_option)? */
static int
is_selection(const char *key)
{
	return strcmp(key, "all") == 0 || strcmp(key, "status") == 0 ||
	    strcmp(key, "model") == 0 || strcmp(key, "issuer") == 0;
}

/*
 * The body's members as device set's options (bulk: the selections
 * go to f instead).  generate-string would need the string shown back:
 * the API takes a given one (the CLI shows a generated one).
 */
static int
settings_from_body(struct api_req *r, struct device_settings *s,
    struct device_filter *f)
{
	const struct json_member *m;
	int i, settings = 0;

	for (i = 0; i < r->body.n; i++) {
		m = &r->body.m[i];
		if (f != NULL && is_selection(m->key)) {
			if (!m->is_null && device_selection_option(f, m->key,
			    m->value, &r->err) == -1)
				return -1;
			continue;
		}
		if (m->is_null || strcmp(m->key, "generate-string") == 0 ||
		    strcmp(m->key, "auth-string-file") == 0)
			return ucerr_set(&r->err, "device set: unknown setting "
			    "'%s'", m->key);
		if (device_settings_option(s, m->key, m->value, &r->err) == -1)
			return -1;
		settings++;
	}
	if (settings == 0)
		return ucerr_set(&r->err, "device set: nothing to set "
		    "(operation, auth, auth-string, key, key-order, by, "
		    "model, security-mode, encrypted-config)");
	return device_settings_check(s, &r->err);
}

/* The status for a write the writer refused. */
static int
write_status(const struct api_req *r)
{
	return strstr(r->err.msg, "no such device") != NULL ? 404 :
	    strstr(r->err.msg, "locked") != NULL ? 503 : 409;
}

int
api_device_set(struct api_req *r)
{
	struct set_write w;
	struct device d;
	char name[64];
	int found, status = 400;

	device_settings_init(&w.s);
	w.name = device_arg(r, name, sizeof(name));
	if ((found = device_lookup(r->st, w.name, &d, &r->err)) != 1)
		return found == 0 ? 404 : 500;
	device_free(&d);
	if (settings_from_body(r, &w.s, NULL) == -1)
		goto out;
	/* Answered once the writer has committed it. */
	if (r->write(r->write_ctx, set_apply, &w, &r->err) == -1) {
		status = write_status(r);
		goto out;
	}
	status = show(r, w.name);
out:
	device_settings_clear(&w.s);
	return status;
}

struct bulk_write {
	struct device_filter	 f;
	struct device_settings	 s;
	size_t			 n;
};

static int
bulk_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct bulk_write *w = arg;

	return device_settings_apply_all(st, &w->f, &w->s, NULL, NULL, &w->n,
	    err);
}

int
api_device_bulk_set(struct api_req *r)
{
	struct bulk_write w;
	struct json j;
	int i, selected = 0, status = 400;

	device_filter_init(&w.f);
	device_settings_init(&w.s);
	for (i = 0; i < r->body.n; i++)
		selected += is_selection(r->body.m[i].key);
	if (selected == 0) {
		ucerr_set(&r->err, "device set: give a NAME or one of --all, "
		    "--status S, --model M, --issuer CA");
		goto out;
	}
	if (settings_from_body(r, &w.s, &w.f) == -1)
		goto out;
	if (r->write(r->write_ctx, bulk_apply, &w, &r->err) == -1) {
		status = write_status(r);
		goto out;
	}
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_int(&j, "updated", (int64_t)w.n);
	json_object_end(&j);
	json_finish(&j);
	status = 200;
out:
	device_settings_clear(&w.s);
	return status;
}

struct add_write {
	const char	*name, *model;
};

static int
add_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct add_write *w = arg;

	return device_add(st, w->name, w->model, err);
}

int
api_device_add(struct api_req *r)
{
	struct add_write w = { NULL, NULL };
	const struct json_member *m;
	char name[64];
	int i;

	for (i = 0; i < r->body.n; i++) {
		m = &r->body.m[i];
		if (strcmp(m->key, "name") == 0 && !m->is_null) {
			device_name_normalise(m->value, name, sizeof(name));
			w.name = name;
		} else if (strcmp(m->key, "model") == 0 && !m->is_null)
			w.model = m->value;
		else
			return ucerr_set(&r->err, "device add: unknown member "
			    "'%s' (name, model)", m->key), 400;
	}
	if (w.name == NULL)
		return ucerr_set(&r->err, "device add: the body needs a name"),
		    400;
	if (device_name_check(w.name, &r->err) == -1)
		return 400;
	snprintf(r->object, sizeof(r->object), "%s", w.name);
	if (r->write(r->write_ctx, add_apply, &w, &r->err) == -1)
		return strstr(r->err.msg, "already exists") != NULL ? 409 :
		    write_status(r);
	return show(r, w.name) == 200 ? 201 : 500;
}

struct remove_write {
	const char			*name;
	struct certmgr_revocation	 v;
};

static int
remove_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct remove_write *w = arg;

	return certmgr_device_remove(st, w->name, &w->v, err);
}

int
api_device_remove(struct api_req *r)
{
	struct remove_write w;
	struct json j;
	char name[64];

	memset(&w, 0, sizeof(w));
	w.name = device_arg(r, name, sizeof(name));
	if (device_name_check(w.name, &r->err) == -1)
		return 400;
	if (r->write_alone(r->write_ctx, remove_apply, &w, &r->err) == -1)
		return write_status(r);
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_string(&j, "removed", w.name);
	json_int(&j, "revoked", w.v.r.revoked);
	json_int(&j, "revoked_by_earlier_capf", w.v.r.other_ca);
	api_exports_json(&j, &w.v.exports);
	json_object_end(&j);
	json_finish(&j);
	return 200;
}

struct import_write {
	const struct api_req		*r;
	struct device_import_report	 report;
};

static int
import_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct import_write *w = arg;

	return device_import_csv(st, "body", (const uint8_t *)w->r->raw,
	    w->r->raw_len, &w->report, NULL, NULL, err);
}

int
api_device_import(struct api_req *r)
{
	struct import_write w;
	struct json j;

	memset(&w, 0, sizeof(w));
	w.r = r;
	if (!api_raw_is(r, "text/csv"))
		return ucerr_set(&r->err, "device import: the body must be CSV "
		    "(Content-Type: text/csv, or a form's file)"), 415;
	/* All or nothing in its own transaction, as the CLI's. */
	if (r->write_alone(r->write_ctx, import_apply, &w, &r->err) == -1)
		return strncmp(r->err.msg, "body:", 5) == 0 ? 400 :
		    write_status(r);
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_int(&j, "imported", (int64_t)w.report.imported);
	json_int(&j, "renamed", (int64_t)w.report.renamed);
	json_object_end(&j);
	json_finish(&j);
	return 200;
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
