/*
 * api_audit.c - the API's side of the audit trail (src/pki/audit.c):
 * every writing route is recorded by the dispatcher, and GET
 * /api/v1/audit shows the trail as `ucpki audit --json` does.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "json.h"
#include "log.h"

/* The names the route's path took: "CallManager-trust/old-root". */
static void
object_of(const struct api_req *r, char *out, size_t outlen)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < API_MAX_PARAMS && r->params[i] != NULL &&
	    len < outlen; i++)
		len += (size_t)snprintf(out + len, outlen - len, "%s%s",
		    i > 0 ? "/" : "", r->params[i]);
}

void
api_audit_before(const struct api_route *route, struct api_req *r,
    struct api_audit *au)
{
	audit_fingerprint(r->st, route->object, r->params[0], r->params[1],
	    au->before);
}

static int
record_apply(struct store *st, void *arg, struct ucerr *err)
{
	return audit_record(st, arg, err);
}

void
api_audit_after(const struct api_route *route, struct api_req *r,
    struct api_audit *au, const char *who, const char *peer, int status)
{
	struct audit_entry e;
	struct ucerr err;
	char action[64], object[256];

	snprintf(action, sizeof(action), "%s %s", route->method,
	    route->path + strlen("/api/v1"));
	object_of(r, object, sizeof(object));
	memset(&e, 0, sizeof(e));
	e.who = who;
	e.via = "api";
	e.peer = peer;
	e.action = action;
	e.object = object;
	e.result = status < 300 ? "ok" : r->err.msg;
	memcpy(e.before, au->before, sizeof(e.before));
	if (object[0] == '\0')
		snprintf(object, sizeof(object), "%s", r->object);
	audit_fingerprint(r->st, route->object, r->params[0] != NULL ?
	    r->params[0] : r->object, r->params[1], e.after);
	if (r->write(r->write_ctx, record_apply, &e, &err) == -1)
		log_error("admin: audit: %s %s by %s: not recorded: %s",
		    action, object, who, err.msg);
}

static int
list_one(void *arg, const struct audit_row *row)
{
	audit_json(arg, row);
	return 0;
}

int
api_audit_list(struct api_req *r)
{
	const char *since_arg = api_query(r, "since");
	int64_t since = 0, limit;
	struct json j;
	int i, rc;

	for (i = 0; i < r->n_query; i++)
		if (strcmp(r->query_keys[i], "since") != 0 &&
		    strcmp(r->query_keys[i], "limit") != 0) {
			ucerr_set(&r->err, "audit: unknown parameter '%s' "
			    "(since, limit)", r->query_keys[i]);
			return 400;
		}
	if ((since_arg != NULL && audit_since_parse(since_arg, &since,
	    &r->err) == -1) ||
	    audit_limit_parse(api_query(r, "limit"), &limit, &r->err) == -1)
		return 400;
	json_init(&j, r->out);
	json_array_begin(&j, NULL);
	rc = audit_each(r->st, since, limit, list_one, &j, &r->err);
	json_array_end(&j);
	json_finish(&j);
	return rc == 0 ? 200 : 500;
}
