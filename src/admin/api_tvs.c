/*
 * api_tvs.c - what TVS vouches for: the same core calls and JSON as
 * `tvs list --json`, `tvs add` and `tvs remove`.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json.h"
#include "tvs_index.h"
#include "x509.h"

int
api_tvs_list(struct api_req *r)
{
	struct tvs_index idx;
	struct json j;

	if (tvs_index_build(r->st, &idx, &r->err) == -1)
		return 500;
	json_init(&j, r->out);
	tvs_index_json(&j, &idx);
	json_finish(&j);
	tvs_index_free(&idx);
	return 200;
}

struct add_write {
	X509		*cert;
	uint8_t		 roles[TVS_ROLES_MAX];
	size_t		 n;
	uint32_t	 ttl;
};

static int
add_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct add_write *w = arg;

	return tvs_entry_add(st, w->cert, w->roles, w->n, w->ttl, err);
}

int
api_tvs_add(struct api_req *r)
{
	STACK_OF(X509) *certs = NULL;
	struct add_write w;
	struct json j;
	char sha[65];
	int i, status = 400;

	memset(&w, 0, sizeof(w));
	w.ttl = TVS_TTL_DEFAULT;
	for (i = 0; i < r->n_query; i++) {
		if (strcmp(r->query_keys[i], "role") == 0) {
			if (tvs_role_add(w.roles, &w.n, r->query_values[i],
			    &r->err) == -1)
				return 400;
		} else if (strcmp(r->query_keys[i], "ttl") == 0) {
			if (tvs_ttl_parse(r->query_values[i], &w.ttl,
			    &r->err) == -1)
				return 400;
		} else
			return ucerr_set(&r->err, "tvs add: unknown parameter "
			    "'%s' (role, ttl)", r->query_keys[i]), 400;
	}
	if (w.n == 0)
		return ucerr_set(&r->err, "tvs add: at least one --role"), 400;
	if (api_body_certs(r, &certs) == -1)
		return 400;
	w.cert = sk_X509_value(certs, 0);
	if (r->write(r->write_ctx, add_apply, &w, &r->err) == -1) {
		status = strstr(r->err.msg, "locked") != NULL ? 503 : 409;
		goto out;
	}
	cert_sha256_hex(w.cert, sha);
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_string(&j, "sha256", sha);
	json_object_end(&j);
	json_finish(&j);
	status = 201;
out:
	sk_X509_pop_free(certs, X509_free);
	return status;
}

struct remove_write {
	const char	*prefix;
	char		 removed[65];
};

static int
remove_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct remove_write *w = arg;

	return tvs_entry_remove(st, w->prefix, w->removed, sizeof(w->removed),
	    err);
}

int
api_tvs_remove(struct api_req *r)
{
	struct remove_write w;
	struct json j;

	memset(&w, 0, sizeof(w));
	w.prefix = r->params[0];
	if (r->write(r->write_ctx, remove_apply, &w, &r->err) == -1)
		return strstr(r->err.msg, "no ") != NULL ? 404 : 409;
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_string(&j, "removed", w.removed);
	json_object_end(&j);
	json_finish(&j);
	return 200;
}
