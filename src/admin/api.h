/*
 * api.h - the REST API's routes (api_routes.c): one table from which the
 * router and the OpenAPI document are both made.  A handler parses the
 * request, calls the core (the same functions as the CLI) and writes the
 * same JSON as the CLI's --json; it never writes SQL.
 */
#ifndef UCPKI_API_H
#define UCPKI_API_H

#include <stdio.h>

#include <openssl/x509.h>

#include "admin_token.h"
#include "audit.h"
#include "err.h"
#include "json_read.h"

struct store;

#define API_MAX_PARAMS	4
#define API_MAX_QUERY	8

/* What a handler gets and gives. */
struct api_req {
	struct store	*st;			/* the service's read connection */
	const char	*params[API_MAX_PARAMS];	/* {name} in the path */
	const char	*query_keys[API_MAX_QUERY];
	const char	*query_values[API_MAX_QUERY];
	int		 n_query;
	struct json_flat body;			/* POST: the parsed object */
	/* Serve's writer (admin.h). */
	int		(*write)(void *ctx, int (*apply)(struct store *,
			    void *, struct ucerr *), void *arg,
			    struct ucerr *err);
	/* The same for a core function with its own transaction. */
	int		(*write_alone)(void *ctx, int (*apply)(struct store *,
			    void *, struct ucerr *), void *arg,
			    struct ucerr *err);
	void		*write_ctx;
	/* A route with raw_body: the body as sent, and its Content-Type. */
	const char	*raw;
	size_t		 raw_len;
	const char	*raw_type;
	/* The reply: the body in out, its type; on failure err holds the
	 * CLI's one line and the handler returns the HTTP status. */
	FILE		*out;
	const char	*content_type;		/* default application/json */
	char		 filename[64];		/* a download's name, or "" */
	/* What a body named (device add's name), for the audit trail when
	 * the path names nothing; never a secret. */
	char		 object[128];
	struct ucerr	 err;
};

/*
 * Bodies: a JSON object at most API_JSON_MAX bytes, a file (a raw body,
 * or the part "file" of a multipart/form-data one, as `curl -F
 * file=@cert.pem` sends it) at most API_RAW_MAX; past them 413.
 */
#define API_JSON_MAX	(8 * 1024)
#define API_RAW_MAX	(64 * 1024)
/* A raw body (api_body.c): copied out of evhttp's buffer into r->raw;
 * 0, or the HTTP status with r->err (413 too large, 400 a bad form). */
struct evbuffer;
int	api_raw_body(struct api_req *r, struct evbuffer *in, const char *type);
/* Was the file sent as type (or as a form's file)? */
int	api_raw_is(const struct api_req *r, const char *type);
/* The body's certificates (PEM, DER or DER PKCS#7, as the CLI's files);
 * -1 with r->err naming the body when none can be read. */
int	api_body_certs(struct api_req *r, STACK_OF(X509) **certs);
/* A yes/no query parameter ("yes", "true", "1"); 0 when absent. */
int	api_query_flag(const struct api_req *r, const char *key);

/* A query parameter, or NULL. */
const char *api_query(const struct api_req *r, const char *key);

/* An API parameter as OpenAPI describes it. */
struct api_param {
	const char	*name;
	const char	*in;			/* "path", "query", "body" */
	const char	*description;
};

struct api_route {
	const char	*method;		/* "GET", "POST" */
	const char	*path;			/* "/api/v1/devices/{name}" */
	int		 writes;		/* read-only tokens get 403 */
	const char	*summary;
	const char	*cli;			/* the CLI command it matches */
	const struct api_param *params;		/* NULL-terminated, or NULL */
	/* 200 (or 201) with r->out written, or an error status with r->err. */
	int		(*run)(struct api_req *r);
	/* What the path's {params} name, for the audit trail's
	 * fingerprints (writing routes). */
	enum audit_kind	 object;
	/* The body's media type when it is a file (PEM, CSV), not a JSON
	 * object: the handler gets it raw (r->raw).  NULL: JSON. */
	const char	*raw_body;
};

/* Every route, terminated by a row with method NULL. */
extern const struct api_route api_routes[];

/*
 * The route for method and path ("/api/v1/devices/SEP..."): params get
 * the path's {name} parts (pointers into buf, which holds a copy of the
 * path).  NULL and *status 404 (no such path) or 405 (not that method).
 */
const struct api_route *api_match(const char *method, const char *path,
	    char *buf, size_t buflen, const char *params[API_MAX_PARAMS],
	    int *status);

/* The OpenAPI 3 document, from the table. */
void	api_openapi(FILE *out);

/*
 * The audit trail of a writing route (api_audit.c): before runs it,
 * after records who, from where, the route, its {params} and the result,
 * through the writer.  Bodies are never recorded (they hold
 * authentication strings).
 */
struct api_audit {
	char	 before[65];
};
void	api_audit_before(const struct api_route *route, struct api_req *r,
	    struct api_audit *au);
void	api_audit_after(const struct api_route *route, struct api_req *r,
	    struct api_audit *au, const char *who, const char *peer,
	    int status);

/* The exports a change rewrote, as a member "exports" (api_exports.c). */
struct export_refresh;
struct json;
void	api_exports_json(struct json *j, const struct export_refresh *x);

/* Handlers (api_certs.c, api_devices.c, api_audit.c, ...). */
int	api_audit_list(struct api_req *r);
int	api_identity_list(struct api_req *r);
int	api_identity_show(struct api_req *r);
int	api_identity_pem(struct api_req *r);
int	api_identity_der(struct api_req *r);
int	api_identity_generate(struct api_req *r);
int	api_identity_plan(struct api_req *r);
int	api_identity_regenerate(struct api_req *r);
int	api_identity_csr(struct api_req *r);
int	api_identity_upload(struct api_req *r);
int	api_trust_list(struct api_req *r);
int	api_trust_show(struct api_req *r);
int	api_trust_add(struct api_req *r);
int	api_trust_delete(struct api_req *r);
int	api_trust_export(struct api_req *r);
int	api_device_list(struct api_req *r);
int	api_device_show(struct api_req *r);
int	api_device_set(struct api_req *r);
int	api_device_add(struct api_req *r);
int	api_device_remove(struct api_req *r);
int	api_device_import(struct api_req *r);
int	api_device_bulk_set(struct api_req *r);
int	api_capf_report(struct api_req *r);
int	api_capf_config(struct api_req *r);
int	api_capf_config_set(struct api_req *r);
int	api_monitor_config(struct api_req *r);
int	api_monitor_config_set(struct api_req *r);
int	api_monitor_alarms(struct api_req *r);
int	api_crl_list(struct api_req *r);
int	api_tvs_list(struct api_req *r);
int	api_itl_show(struct api_req *r);
int	api_itl_build(struct api_req *r);
int	api_itl_reset(struct api_req *r);
int	api_itl_reset_remotekey(struct api_req *r);
int	api_device_fetches(struct api_req *r);
int	api_tvs_add(struct api_req *r);
int	api_tvs_remove(struct api_req *r);
int	api_openapi_doc(struct api_req *r);

#endif
