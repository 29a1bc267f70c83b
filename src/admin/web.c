/*
 * web.c - the administration pages' front door (see web.h): security
 * headers on every answer, the session cookie, login with its rate limit
 * and the accounts' lockout, forms (fields, or fields and files through
 * the multipart reader) within their size, CSRF and role checks on every
 * POST, and the route tables of the page groups (web_certs.c,
 * web_phones.c, web_system.c).
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>

#include "admin_account.h"
#include "clock.h"
#include "log.h"
#include "multipart.h"
#include "text.h"
#include "web_int.h"

struct web {
	struct web_config	 cfg;
	struct web_sessions	*sessions;
};

struct web *
web_new(const struct web_config *cfg)
{
	struct web *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->cfg = *cfg;
	if ((w->sessions = web_sessions_new()) == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

void
web_free(struct web *w)
{
	if (w == NULL)
		return;
	web_sessions_free(w->sessions);
	free(w);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

/*
 * On every answer: no script but our own file, no framing, no sniffing,
 * no caching (pages show certificates, devices and CSRF tokens).
 */
static void
security_headers(struct evkeyvalq *h, int cacheable)
{
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'self'; "
	    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
	    "object-src 'none'");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	evhttp_add_header(h, "Strict-Transport-Security", "max-age=31536000");
	evhttp_add_header(h, "Cache-Control", cacheable ? "max-age=3600" :
	    "no-store");
}

static void
send_answer(struct web_req *r, int status, const char *body, size_t len,
    int cacheable)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->req);
	struct evbuffer *b = evbuffer_new();
	char disposition[128];

	security_headers(h, cacheable);
	if (status == 303) {
		evhttp_add_header(h, "Location", r->location);
		len = 0;
	} else {
		evhttp_add_header(h, "Content-Type", r->content_type != NULL ?
		    r->content_type : "text/html; charset=utf-8");
		if (r->filename[0] != '\0') {
			snprintf(disposition, sizeof(disposition),
			    "attachment; filename=\"%s\"", r->filename);
			evhttp_add_header(h, "Content-Disposition",
			    disposition);
		}
	}
	if (b != NULL && len > 0)
		evbuffer_add(b, body, len);
	evhttp_send_reply(r->req, status, reason(status), b);
	if (b != NULL)
		evbuffer_free(b);
}

static void
set_cookie(struct web_req *r, const char *value, int max_age)
{
	char cookie[256];

	/* __Host-: the browser takes it only with Secure, Path=/ and no
	 * Domain, so no other host or path can plant or read it. */
	snprintf(cookie, sizeof(cookie), WEB_COOKIE "=%s; Secure; HttpOnly; "
	    "SameSite=Strict; Path=/; Max-Age=%d", value, max_age);
	evhttp_add_header(evhttp_request_get_output_headers(r->req),
	    "Set-Cookie", cookie);
	OPENSSL_cleanse(cookie, sizeof(cookie));
}

static int
audit_apply(struct store *st, void *arg, struct ucerr *err)
{
	return audit_record(st, arg, err);
}

int
web_write(struct web_req *r, const struct web_change *c,
    admin_apply_fn apply, void *arg)
{
	/* Before a session, the account a login names (a valid name). */
	const char *who = r->s != NULL ? r->s->account : web_arg(r, "name");
	const struct web_config *cfg = &r->w->cfg;
	struct audit_entry e;
	struct ucerr err;
	char object[256];
	int rc;

	memset(&e, 0, sizeof(e));
	audit_fingerprint(r->st, c->kind, c->a, c->b, e.before);
	rc = c->alone ? cfg->write_alone(cfg->write_ctx, apply, arg, &r->err) :
	    cfg->write(cfg->write_ctx, apply, arg, &r->err);
	snprintf(object, sizeof(object), "%s%s%s", c->a != NULL ? c->a : "",
	    c->b != NULL ? " " : "", c->b != NULL ? c->b : "");
	log_info("admin: web %s from %s: %s %s: %s", who, r->peer, c->action,
	    object, rc == 0 ? "done" : r->err.msg);
	audit_fingerprint(r->st, c->kind, c->a, c->b, e.after);
	e.who = who != NULL ? who : "";
	e.via = "web";
	e.peer = r->addr;
	e.action = c->action;
	e.object = object;
	e.result = rc == 0 ? "ok" : r->err.msg;
	if (cfg->write(cfg->write_ctx, audit_apply, &e, &err) == -1)
		log_error("admin: audit: web %s %s by %s: not recorded: %s",
		    c->action, object, e.who, err.msg);
	return rc;
}

/* --- login and logout ---------------------------------------------------- */

static int
login_page(struct web_req *r, int status, const char *msg)
{
	const char *name = web_arg(r, "name");

	web_begin(r, "Login");
	if (msg != NULL)
		web_status(r, 0, msg);
	web_form(r, "/login", "login");
	web_printf(r, "<label>Username <input name=\"name\" id=\"name\" "
	    "autocomplete=\"username\" required value=\"%s\"></label>"
	    "<label>Password <input type=\"password\" name=\"password\" "
	    "id=\"password\" autocomplete=\"current-password\" required>"
	    "</label><button type=\"submit\" id=\"login\">Login</button>"
	    "</form>", name != NULL ? name : "");
	web_end(r);
	return status;
}

struct note_write {
	const char	*name;
	int		 good;
	int64_t		 now;
};

static int
note_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct note_write *n = arg;

	return admin_account_note(st, n->name, n->good, n->now, err);
}

static int
do_login(struct web_req *r)
{
	const char *name = web_arg(r, "name"), *pw = web_arg(r, "password");
	struct admin_login login;
	struct note_write note;
	struct web_change change = { NULL, AUDIT_NONE, NULL, NULL, 0 };
	char cookie[65];
	int64_t now = (int64_t)clock_now();
	int wait;

	if ((wait = auth_limit_wait(r->w->cfg.limit, r->addr, now)) > 0) {
		snprintf(r->err.msg, sizeof(r->err.msg), "Too many failed "
		    "logins from %s: try again in %d s.", r->addr, wait);
		return login_page(r, 429, r->err.msg);
	}
	if (name == NULL || pw == NULL || name[0] == '\0' ||
	    !admin_token_name_valid(name))
		goto bad;
	if (admin_account_check(r->st, name, pw, now, &login, &r->err) == -1) {
		log_error("admin: web login: %s", r->err.msg);
		return login_page(r, 503, "The store cannot be read now.");
	}
	note.name = name;
	note.good = login.result == ADMIN_LOGIN_OK;
	note.now = now;
	change.action = note.good ? "login" : login.result ==
	    ADMIN_LOGIN_LOCKED ? "login refused (account locked)" :
	    "login failed";
	change.a = name;
	if (web_write(r, &change, note_apply, &note) == -1 && note.good)
		return login_page(r, 503, "The login cannot be recorded now.");
	if (!note.good)
		goto bad;
	if ((r->s = web_session_start(r->w->sessions, name, login.role, now,
	    cookie)) == NULL)
		return login_page(r, 503, "No random bytes for a session.");
	set_cookie(r, cookie, WEB_SESSION_MAX_S);
	OPENSSL_cleanse(cookie, sizeof(cookie));
	return web_redirect(r, "/");
bad:
	/* One message for every failure: which names exist, and whether a
	 * locked account's password was right, stay unsaid. */
	auth_limit_failed(r->w->cfg.limit, r->addr, now);
	log_limited(LOG_LEVEL_WARN, "admin: failed logins", r->addr,
	    "admin: web %s: login failed", r->peer);
	snprintf(r->err.msg, sizeof(r->err.msg), "Login failed: the username "
	    "or password is wrong, or the account is locked after %d failed "
	    "logins (for %d minutes, or until ucpki admin passwd).",
	    ADMIN_LOCKOUT_FAILURES, ADMIN_LOCKOUT_S / 60);
	return login_page(r, 401, r->err.msg);
}

static int
do_logout(struct web_req *r)
{
	log_info("admin: web %s from %s: logout", r->s->account, r->peer);
	web_session_end(r->s);
	r->s = NULL;
	set_cookie(r, "", 0);
	return web_redirect(r, "/login");
}

/* --- requests ------------------------------------------------------------- */

static const struct web_route *const route_tables[] = {
	web_system_routes, web_cert_routes, web_phone_routes,
};

static const struct web_route *
find_route(const char *path)
{
	const struct web_route *rt;
	size_t i;

	for (i = 0; i < sizeof(route_tables) / sizeof(route_tables[0]); i++)
		for (rt = route_tables[i]; rt->path != NULL; rt++)
			if (strcmp(rt->path, path) == 0)
				return rt;
	return NULL;
}

/* Line ends only (a pasted certificate has them): anything else would
 * reach the store, the log or a terminal. */
static int
field_clean(const char *key, const char *value)
{
	return text_find_control(key) == -1 && strpbrk(value, "\001\002\003"
	    "\004\005\006\007\010\013\014\016\017\020\021\022\023\024"
	    "\025\026\027\030\031\032\033\034\035\036\037\177") == NULL;
}

/*
 * A form with a file: its fields join the others (web_arg), its files
 * stay as parts over r's copy of the body (web_file).
 */
static int
read_multipart(struct web_req *r, const char *type, const uint8_t *data,
    size_t len, struct evkeyvalq *form)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1], value[WEB_FORM_MAX];
	const struct multipart_part *p;
	int i;

	if ((r->parts = calloc(1, sizeof(*r->parts))) == NULL)
		return ucerr_set(&r->err, "out of memory"), 500;
	if (multipart_boundary(type, boundary, &r->err) == -1 ||
	    multipart_parse(data, len, boundary, r->parts, &r->err) == -1)
		return 400;
	for (i = 0; i < r->parts->n; i++) {
		p = &r->parts->part[i];
		if (p->is_file)
			continue;
		if (p->len >= sizeof(value) || memchr(p->data, '\0',
		    p->len) != NULL)
			return ucerr_set(&r->err, "field %s: longer than %zu "
			    "bytes or binary", p->name, sizeof(value) - 1), 400;
		memcpy(value, p->data, p->len);
		value[p->len] = '\0';
		if (!field_clean(p->name, value) ||
		    evhttp_add_header(form, p->name, value) == -1)
			return ucerr_set(&r->err, "field %s: control "
			    "characters are not allowed", p->name), 400;
	}
	return 0;
}

/*
 * The form of a POST: fields (application/x-www-form-urlencoded) or
 * fields with files (multipart/form-data); 0 when good, else the status
 * with r->err saying why.  *body (*bodylen bytes) is a copy the parts of a
 * multipart form point into; the caller frees it.
 */
static int
read_form(struct web_req *r, struct evkeyvalq *form, char **body,
    size_t *bodylen)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	const char *type = evhttp_find_header(
	    evhttp_request_get_input_headers(r->req), "Content-Type");
	size_t len = evbuffer_get_length(in), max;
	struct evkeyval *kv;
	int multipart, rc;

	multipart = type != NULL && strncasecmp(type, "multipart/form-data",
	    19) == 0;
	if (!multipart && (type == NULL || strncasecmp(type,
	    "application/x-www-form-urlencoded", 33) != 0))
		return ucerr_set(&r->err, "a form must be sent as "
		    "application/x-www-form-urlencoded or multipart/form-data"),
		    415;
	max = multipart ? WEB_UPLOAD_MAX : WEB_FORM_MAX;
	if (len > max)
		return ucerr_set(&r->err, "the form is larger than %zu KB",
		    max / 1024), 413;
	if ((*body = malloc(len + 1)) == NULL)
		return ucerr_set(&r->err, "out of memory"), 500;
	*bodylen = len;
	evbuffer_copyout(in, *body, len);
	(*body)[len] = '\0';
	if (multipart)
		return read_multipart(r, type, (const uint8_t *)*body, len,
		    form);
	rc = strlen(*body) != len || evhttp_parse_query_str(*body, form) == -1;
	if (rc)
		return ucerr_set(&r->err, "the form could not be read"), 400;
	TAILQ_FOREACH(kv, form, next)
		if (!field_clean(kv->key, kv->value))
			return ucerr_set(&r->err, "field %s: control characters "
			    "are not allowed", kv->key), 400;
	return 0;
}

/*
 * A POST from a page of another site carries its own Origin: refused
 * before the CSRF token is even looked at.
 */
static int
same_origin(struct web_req *r)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(r->req);
	const char *origin = evhttp_find_header(h, "Origin");
	const char *host = evhttp_find_header(h, "Host");

	if (origin == NULL || strcmp(origin, "null") == 0)
		return origin == NULL;
	return host != NULL && strncmp(origin, "https://", 8) == 0 &&
	    strcmp(origin + 8, host) == 0;
}

static int
dispatch(struct web_req *r)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->req);
	const struct web_route *rt;
	char cookie[65];
	enum admin_role role;
	int64_t now = (int64_t)clock_now();
	int rc;

	if (web_cookie_value(evhttp_find_header(in, "Cookie"), WEB_COOKIE,
	    cookie, sizeof(cookie)) == 1) {
		r->s = web_session_find(r->w->sessions, cookie, now);
		OPENSSL_cleanse(cookie, sizeof(cookie));
	}
	/* Removed, or its password changed since: the session is over; a
	 * role changed takes effect at once. */
	if (r->s != NULL) {
		if ((rc = admin_account_current(r->st, r->s->account,
		    r->s->created, &role, &r->err)) != 1) {
			web_session_end(r->s);
			r->s = NULL;
		} else
			r->s->role = role;
	}
	if (r->post && !same_origin(r))
		return web_error_page(r, 403, "Refused", "This form was "
		    "sent from another site.");
	if (strcmp(r->path, "/login") == 0) {
		if (r->post)
			return do_login(r);
		return r->s != NULL ? web_redirect(r, "/") :
		    login_page(r, 200, NULL);
	}
	if (r->s == NULL) {
		if (r->post)
			return login_page(r, 401, "Your session has ended: "
			    "log in again.");
		return web_redirect(r, "/login");
	}
	if (r->post && !web_csrf_ok(r->s, web_arg(r, "csrf"))) {
		log_limited(LOG_LEVEL_WARN, "admin: CSRF refusals", r->addr,
		    "admin: web %s from %s: POST %s without its session's "
		    "CSRF token: refused", r->s->account, r->peer, r->path);
		return web_error_page(r, 403, "Refused", "The form's security "
		    "token is missing or wrong (CSRF): reload the page and "
		    "try again.");
	}
	if (strcmp(r->path, "/logout") == 0)
		return r->post ? do_logout(r) : web_redirect(r, "/");
	if ((rt = find_route(r->path)) == NULL)
		return web_error_page(r, 404, "Not Found", "No such page.");
	if (r->post && rt->post == NULL)
		return web_error_page(r, 405, "Not Allowed", "This page takes "
		    "no form.");
	if (r->post && rt->writes && r->s->role != ADMIN_ROLE_ADMIN) {
		log_limited(LOG_LEVEL_WARN, "admin: read-only refused",
		    r->addr, "admin: web %s from %s: read-only: POST %s "
		    "refused", r->s->account, r->peer, r->path);
		return web_error_page(r, 403, "Refused", "This account is "
		    "read-only: it cannot change anything.");
	}
	return r->post ? rt->post(r) : rt->get(r);
}

static int
static_file(struct web_req *r)
{
	if (strcmp(r->path, "/static/ucpki.css") == 0) {
		r->content_type = "text/css; charset=utf-8";
		fputs(web_css, r->out);
	} else if (strcmp(r->path, "/static/ucpki.js") == 0) {
		r->content_type = "text/javascript; charset=utf-8";
		fputs(web_js, r->out);
	} else
		return 0;
	return 1;
}

void
web_request(struct web *w, struct evhttp_request *req, const char *addr,
    const char *peer, const char *path, struct evkeyvalq *query)
{
	struct evkeyvalq form;
	struct evkeyval *kv;
	struct web_req r;
	char *body = NULL, *in = NULL;
	size_t len = 0, inlen = 0;
	int status, cmd = evhttp_request_get_command(req);

	memset(&r, 0, sizeof(r));
	TAILQ_INIT(&form);
	r.w = w;
	r.req = req;
	r.st = w->cfg.st;
	r.addr = addr;
	r.peer = peer;
	r.path = path;
	r.query = query;
	r.form = &form;
	r.post = cmd == EVHTTP_REQ_POST;
	if ((r.out = open_memstream(&body, &len)) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_POST)
		status = web_error_page(&r, 405, "Not Allowed", "Pages take "
		    "GET and POST only.");
	else if (!r.post && static_file(&r))
		status = 200;
	else if (r.post && (status = read_form(&r, &form, &in, &inlen)) != 0)
		status = web_error_page(&r, status, "Refused", r.err.msg);
	else
		status = dispatch(&r);
	fclose(r.out);
	send_answer(&r, status, body, len, strncmp(path, "/static/", 8) == 0 &&
	    status == 200);
	free(body);
	/* The form may hold a password, or a key: its parsed values too. */
	TAILQ_FOREACH(kv, &form, next)
		OPENSSL_cleanse(kv->value, strlen(kv->value));
	evhttp_clear_headers(&form);
	if (in != NULL) {
		OPENSSL_cleanse(in, inlen);
		free(in);
	}
	free(r.parts);
}
