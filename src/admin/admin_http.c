/*
 * admin_http.c - the administration service (see admin.h): evhttp over
 * OpenSSL bufferevents on a thread of its own.  Every /api request is
 * authenticated (Authorization: Bearer), rate-limited per address when it
 * fails, routed through the one table (api_routes.c), and answered with
 * JSON; errors are {"error": "<the CLI's one line>"}.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <openssl/crypto.h>

#include "addr_table.h"
#include "admin.h"
#include "admin_auth.h"
#include "admin_tls.h"
#include "api.h"
#include "clock.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "tls_log.h"
#include "web.h"

/*
 * The most evhttp reads of a request body, its headers, and how long a
 * connection may take over a request.  Each route has its own, smaller
 * bound (api.h, web_int.h) answered with a 413 the client can read;
 * past this one evhttp answers 413 itself, before reading the body.
 */
#define ADMIN_BODY_MAX		(256 * 1024)
#define ADMIN_HEADERS_MAX	(16 * 1024)
#define ADMIN_TIMEOUT_S		30
/* A path, as far as the router looks. */
#define ADMIN_PATH_MAX		1024
/* Connections at once, in all and from one address: past these a new
 * one is shut down before its handshake, so a flood cannot take every descriptor serve
 * has, nor one address every slot. */
#define ADMIN_CONNECTIONS_MAX	256
#define ADMIN_PER_ADDRESS_MAX	32

struct admin {
	struct admin_config	 cfg;
	char			 listen_addr[64];
	struct event_base	*base;
	struct evhttp		*http;
	struct store		*st;
	struct admin_tls	 tls;
	struct auth_limit	 limit;
	int			 connections;	/* open ones (admin thread) */
	struct addr_table	 per_addr;	/* the same by address */
	pthread_t		 thread;
	int			 running;
	struct web		*web;		/* the pages outside /api */
};

/*
 * Each connection's SSL holds its slot; freeing the SSL (when evhttp
 * frees the connection) gives the slot back, and says when its handshake
 * failed.  evhttp gives us no peer when it accepts (on_connection gets
 * none, and libevent 2.1 keeps evhttp_get_request to itself), so the
 * limits look once the socket is the bufferevent's: check_peer runs on
 * the loop's next turn, before the handshake has got anywhere, and shuts
 * a connection past a limit down (evhttp then frees it).
 */
struct conn_slot {
	struct admin	*a;
	SSL		*ssl;
	int		 checked;	/* check_peer ran */
	int		 gone;		/* freed before it did: it frees */
	int		 counted;	/* in per_addr */
	int		 refused;
	char		 addr[48];
	char		 peer[64];
};

static int conn_index = -1;
static pthread_once_t conn_index_once = PTHREAD_ONCE_INIT;

static void
conn_freed(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	struct conn_slot *slot = ptr;

	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	if (slot == NULL)
		return;
	slot->a->connections--;
	if (slot->counted)
		addr_table_remove(&slot->a->per_addr, slot->addr);
	if (slot->checked && !slot->refused && parent != NULL &&
	    !SSL_is_init_finished(parent))
		tls_ssl_failed("admin", parent, 0, slot->peer, 0, 0);
	if (slot->checked)
		free(slot);
	else
		slot->gone = 1;
}

static void
conn_index_init(void)
{
	conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, conn_freed);
}

static void
peer_name(int fd, char addr[48], char peer[64])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int port = 0;

	snprintf(addr, 48, "?");
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
			    addr, 48);
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			inet_ntop(AF_INET6,
			    &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, 48);
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		}
	}
	snprintf(peer, 64, "%s:%d", addr, port);
}

static void
check_peer(evutil_socket_t unused, short what, void *arg)
{
	struct conn_slot *slot = arg;
	struct admin *a = slot->a;
	int fd;

	(void)unused;
	(void)what;
	if (slot->gone) {
		free(slot);
		return;
	}
	slot->checked = 1;
	if ((fd = SSL_get_fd(slot->ssl)) < 0)
		return;
	peer_name(fd, slot->addr, slot->peer);
	if (a->connections > ADMIN_CONNECTIONS_MAX) {
		log_limited(LOG_LEVEL_WARN, "admin: connections refused", "",
		    "admin: %d connections at once (the limit): a new one is "
		    "refused", ADMIN_CONNECTIONS_MAX);
		slot->refused = 1;
	} else if (addr_table_add(&a->per_addr, slot->addr,
	    ADMIN_PER_ADDRESS_MAX) != 1) {
		log_limited(LOG_LEVEL_WARN, "admin: connections refused per "
		    "address", slot->addr, "admin: %s: %d connections at once "
		    "from one address (the limit): a new one is refused",
		    slot->peer, ADMIN_PER_ADDRESS_MAX);
		slot->refused = 1;
	} else
		slot->counted = 1;
	if (slot->refused)
		shutdown(fd, SHUT_RDWR);
}

/*
 * A new connection: TLS with the tomcat identity as the store has it now.
 * evhttp takes what this returns as the connection, so it is always a TLS
 * bufferevent (never plain HTTP).
 */
static struct bufferevent *
on_connection(struct event_base *base, void *arg)
{
	static const struct timeval now = { 0, 0 };
	struct admin *a = arg;
	struct bufferevent *bev;
	struct conn_slot *slot;
	SSL *ssl;

	admin_tls_refresh(&a->tls, a->st);
	if ((ssl = SSL_new(a->tls.ctx)) == NULL ||
	    (slot = calloc(1, sizeof(*slot))) == NULL)
		abort();	/* evhttp would fall back to plain HTTP */
	slot->a = a;
	slot->ssl = ssl;
	SSL_set_ex_data(ssl, conn_index, slot);
	a->connections++;
	if (event_base_once(base, -1, EV_TIMEOUT, check_peer, slot,
	    &now) == -1)
		slot->checked = 1;	/* unchecked, but freed with its SSL */
	if ((bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		abort();
	return bev;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

static void
common_headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	/* Answers hold certificates, device settings and errors: never
	 * cached, never sniffed, never framed. */
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Content-Security-Policy",
	    "default-src 'none'; frame-ancestors 'none'");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Strict-Transport-Security", "max-age=31536000");
}

static void
send_body(struct evhttp_request *req, int status, const char *type,
    const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	common_headers(req, type);
	if (b != NULL)
		evbuffer_add(b, body, len);
	evhttp_send_reply(req, status, reason(status), b);
	if (b != NULL)
		evbuffer_free(b);
}

/* {"error": msg}: the same one line the CLI prints. */
static void
send_error(struct evhttp_request *req, int status, const char *msg)
{
	struct json j;
	char *body = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&body, &len);

	if (fp == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	json_init(&j, fp);
	json_object_begin(&j, NULL);
	json_string(&j, "error", msg);
	json_object_end(&j);
	json_finish(&j);
	fclose(fp);
	send_body(req, status, "application/json", body, len);
	free(body);
}

static const char *
method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_PATCH: return "PATCH";
	case EVHTTP_REQ_HEAD: return "HEAD";
	default: return "OTHER";
	}
}

/* The request as a log line may quote it: the path is the peer's. */
struct request_line {
	char	 peer[64];
	char	 addr[48];
	char	 method[8];
	char	 path[ADMIN_PATH_MAX];		/* decoded */
	char	 shown[4 * 128];		/* escaped, cut, for the log */
};

/*
 * 1 and who (name and role) when the token is good; 0 when the request
 * was refused here (401 or 429 sent).
 */
static int
authenticate(struct admin *a, struct evhttp_request *req,
    const struct request_line *rl, char who[64], enum admin_role *role)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	struct ucerr err;
	char retry[16];
	int64_t now = (int64_t)clock_now();
	int wait, rc;

	if ((wait = auth_limit_wait(&a->limit, rl->addr, now)) > 0) {
		snprintf(retry, sizeof(retry), "%d", wait);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", retry);
		snprintf(err.msg, sizeof(err.msg), "%s: too many failed "
		    "authentications; try again in %d s", rl->addr, wait);
		send_error(req, 429, err.msg);
		return 0;
	}
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		rc = 0;
		snprintf(err.msg, sizeof(err.msg), "authentication required: "
		    "Authorization: Bearer TOKEN (ucpki admin token add NAME)");
	} else {
		h += 7;
		while (*h == ' ')
			h++;
		if ((rc = admin_token_check(a->st, h, who, role, &err)) == -1) {
			log_error("admin: %s: %s", rl->peer, err.msg);
			send_error(req, 503, err.msg);
			return 0;
		}
		if (rc == 0)
			snprintf(err.msg, sizeof(err.msg), "authentication "
			    "failed: unknown or revoked token");
	}
	if (rc == 1)
		return 1;
	/* The token is never logged: a mistyped one is nearly a good one. */
	auth_limit_failed(&a->limit, rl->addr, now);
	log_limited(LOG_LEVEL_WARN, "admin: failed authentications", rl->addr,
	    "admin: %s: %s %s: %s", rl->peer, rl->method, rl->shown,
	    h == NULL ? "no token" : "bad token");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Bearer realm=\"ucpki\"");
	send_error(req, 401, err.msg);
	return 0;
}

/* Decoded path and query; 0 when refused (400 sent). */
static int
parse_target(struct evhttp_request *req, struct request_line *rl,
    struct evkeyvalq *query)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	const char *q = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	char *decoded;
	size_t len;

	if (path == NULL || path[0] != '/' || strlen(path) >= ADMIN_PATH_MAX) {
		send_error(req, 400, "bad request path");
		return 0;
	}
	if ((decoded = evhttp_uridecode(path, 0, &len)) == NULL) {
		send_error(req, 400, "bad request path");
		return 0;
	}
	/* A NUL or a control character in a path names nothing here. */
	if (len != strlen(decoded) || len >= sizeof(rl->path) ||
	    text_find_control(decoded) != -1) {
		free(decoded);
		send_error(req, 400, "bad request path");
		return 0;
	}
	memcpy(rl->path, decoded, len + 1);
	free(decoded);
	snprintf(rl->shown, sizeof(rl->shown), "%.120s", rl->path);
	text_escape_inplace(rl->shown, sizeof(rl->shown));
	if (q != NULL && evhttp_parse_query_str(q, query) == -1) {
		send_error(req, 400, "bad query string");
		return 0;
	}
	return 1;
}

/*
 * Values end up in the store, the log and other people's terminals:
 * control characters are refused, as the CLI refuses them in arguments.
 */
static int
value_clean(struct api_req *r, const char *key, const char *value)
{
	char shown[256];

	if (value == NULL || text_find_control(value) == -1)
		return 0;
	text_escape(value, shown, sizeof(shown));
	return ucerr_set(&r->err, "%s '%s': control characters are not "
	    "allowed", key, shown);
}

static int
fill_query(struct api_req *r, struct evkeyvalq *query)
{
	struct evkeyval *kv;

	TAILQ_FOREACH(kv, query, next) {
		if (r->n_query == API_MAX_QUERY)
			return ucerr_set(&r->err, "too many query parameters");
		if (value_clean(r, kv->key, kv->key) == -1 ||
		    value_clean(r, kv->key, kv->value) == -1)
			return -1;
		r->query_keys[r->n_query] = kv->key;
		r->query_values[r->n_query++] = kv->value;
	}
	return 0;
}

static int
read_body(struct evhttp_request *req, struct api_req *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *type = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type");
	char *data;
	int i, rc;

	if (type == NULL || strncasecmp(type, "application/json", 16) != 0)
		return ucerr_set(&r->err, "the body must be JSON "
		    "(Content-Type: application/json)"), 400;
	if (len > API_JSON_MAX)
		return ucerr_set(&r->err, "the body is larger than %d KB",
		    API_JSON_MAX / 1024), 413;
	if ((data = malloc(len + 1)) == NULL)
		return ucerr_set(&r->err, "out of memory"), 500;
	evbuffer_copyout(in, data, len);
	data[len] = '\0';
	rc = json_flat_parse(data, len, &r->body, &r->err);
	free(data);
	for (i = 0; rc == 0 && i < r->body.n; i++)
		if (value_clean(r, r->body.m[i].key, r->body.m[i].key) == -1 ||
		    value_clean(r, r->body.m[i].key, r->body.m[i].value) == -1)
			rc = -1;
	return rc == 0 ? 0 : 400;
}

static void
run_route(struct admin *a, struct evhttp_request *req,
    const struct api_route *route, struct api_req *r,
    const struct request_line *rl, const char *who)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct api_audit au;
	char *body = NULL, disposition[128];
	size_t len = 0;
	int status;

	if ((r->out = open_memstream(&body, &len)) == NULL) {
		send_error(req, 500, "out of memory");
		return;
	}
	r->st = a->st;
	r->write = a->cfg.write;
	r->write_alone = a->cfg.write_alone;
	r->write_ctx = a->cfg.write_ctx;
	if (route->writes)
		api_audit_before(route, r, &au);
	status = route->run(r);
	fclose(r->out);
	if (route->writes)
		api_audit_after(route, r, &au, who, rl->peer, status);
	/* Every change is logged: who, from where, what, and how it went. */
	if (route->writes)
		log_info("admin: token %s from %s: %s %s: %s", who, rl->peer,
		    rl->method, rl->shown, status < 300 ? "done" : r->err.msg);
	if (status >= 300) {
		send_error(req, status, r->err.msg);
	} else {
		if (r->filename[0] != '\0') {
			snprintf(disposition, sizeof(disposition),
			    "attachment; filename=\"%s\"", r->filename);
			evhttp_add_header(h, "Content-Disposition", disposition);
		}
		send_body(req, status, r->content_type != NULL ?
		    r->content_type : "application/json", body, len);
	}
	free(body);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct admin *a = arg;
	struct request_line rl;
	struct evkeyvalq query;
	const struct api_route *route;
	struct api_req r;
	enum admin_role role = ADMIN_ROLE_READ_ONLY;
	char *host = NULL, who[64] = "", buf[ADMIN_PATH_MAX];
	ev_uint16_t port = 0;
	int status;

	memset(&rl, 0, sizeof(rl));
	memset(&r, 0, sizeof(r));
	TAILQ_INIT(&query);
	evhttp_connection_get_peer(evhttp_request_get_connection(req), &host,
	    &port);
	snprintf(rl.addr, sizeof(rl.addr), "%s", host != NULL ? host : "?");
	snprintf(rl.peer, sizeof(rl.peer), "%s:%u", rl.addr, port);
	snprintf(rl.method, sizeof(rl.method), "%s",
	    method_name(evhttp_request_get_command(req)));
	if (!parse_target(req, &rl, &query))
		goto out;
	if (strncmp(rl.path, "/api/", 5) != 0 && strcmp(rl.path, "/api") != 0) {
		web_request(a->web, req, rl.addr, rl.peer, rl.path, &query);
		goto out;
	}
	if (!authenticate(a, req, &rl, who, &role))
		goto out;
	if ((route = api_match(rl.method, rl.path, buf, sizeof(buf), r.params,
	    &status)) == NULL) {
		send_error(req, status, status == 405 ? "method not allowed "
		    "on this path" : "no such API path (see "
		    "/api/v1/openapi.json)");
		goto out;
	}
	if (route->writes && role != ADMIN_ROLE_ADMIN) {
		log_limited(LOG_LEVEL_WARN, "admin: read-only tokens refused",
		    rl.addr, "admin: %s: token %s is read-only: %s %s refused",
		    rl.peer, who, rl.method, rl.shown);
		snprintf(r.err.msg, sizeof(r.err.msg), "token %s is read-only: "
		    "%s %s changes the system", who, rl.method, rl.shown);
		send_error(req, 403, r.err.msg);
		goto out;
	}
	status = fill_query(&r, &query) == -1 ? 400 : 0;
	if (status == 0 && strcmp(route->method, "POST") == 0)
		status = route->raw_body != NULL ? api_raw_body(&r,
		    evhttp_request_get_input_buffer(req), evhttp_find_header(
		    evhttp_request_get_input_headers(req), "Content-Type")) :
		    read_body(req, &r);
	if (status != 0) {
		send_error(req, status, r.err.msg);
		goto out;
	}
	run_route(a, req, route, &r, &rl, who);
out:
	/* A file body may be a key (itl reset remotekey). */
	if (r.raw != NULL)
		OPENSSL_cleanse((char *)r.raw, r.raw_len);
	free((char *)r.raw);
	json_flat_free(&r.body);
	evhttp_clear_headers(&query);
}

struct admin *
admin_open(const struct admin_config *cfg, struct ucerr *err)
{
	struct admin *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		ucerr_set(err, "out of memory");
		return NULL;
	}
	a->cfg = *cfg;
	snprintf(a->listen_addr, sizeof(a->listen_addr), "%s",
	    cfg->listen_addr != NULL ? cfg->listen_addr : "127.0.0.1");
	a->cfg.listen_addr = a->listen_addr;
	pthread_once(&conn_index_once, conn_index_init);
	if (conn_index == -1) {
		ucerr_ssl(err, "admin: cannot set up TLS");
		goto fail;
	}
	if (addr_table_init(&a->per_addr) == -1) {
		ucerr_set(err, "out of memory");
		goto fail;
	}
	if ((a->st = store_open(cfg->home, STORE_EVENT_LOOP, err)) == NULL ||
	    admin_tls_load(&a->tls, a->st, err) == -1)
		goto fail;
	a->web = web_new(&(struct web_config){ .st = a->st,
	    .limit = &a->limit, .write = cfg->write,
	    .write_alone = cfg->write_alone, .write_ctx = cfg->write_ctx });
	if (a->web == NULL) {
		ucerr_set(err, "admin: out of memory");
		goto fail;
	}
	if ((a->base = event_base_new()) == NULL ||
	    (a->http = evhttp_new(a->base)) == NULL) {
		ucerr_set(err, "admin: cannot create an event loop");
		goto fail;
	}
	evhttp_set_bevcb(a->http, on_connection, a);
	evhttp_set_gencb(a->http, on_request, a);
	evhttp_set_max_body_size(a->http, ADMIN_BODY_MAX);
	/* A body past the bound is read to its end (and dropped, within
	 * the request's time limit) before the 413 goes out: closing at
	 * once would reset the client still sending, which then sees no
	 * answer at all. */
	evhttp_set_flags(a->http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_max_headers_size(a->http, ADMIN_HEADERS_MAX);
	evhttp_set_timeout(a->http, ADMIN_TIMEOUT_S);
	evhttp_set_allowed_methods(a->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH);
	if (evhttp_bind_socket_with_handle(a->http, a->listen_addr,
	    (ev_uint16_t)cfg->port) == NULL) {
		ucerr_set(err, "admin: cannot listen on %s:%d (in use, or not "
		    "an address of this host)", a->listen_addr, cfg->port);
		goto fail;
	}
	return a;
fail:
	admin_stop(a);
	return NULL;
}

static void *
admin_main(void *arg)
{
	struct admin *a = arg;

	event_base_dispatch(a->base);
	return NULL;
}

int
admin_start(struct admin *a, struct ucerr *err)
{
	if (pthread_create(&a->thread, NULL, admin_main, a) != 0)
		return ucerr_set(err, "admin: cannot start a thread");
	a->running = 1;
	log_info("serve: administration (HTTPS, the tomcat identity) "
	    "listening on %s:%d%s", a->listen_addr, a->cfg.port,
	    strcmp(a->listen_addr, "127.0.0.1") == 0 ? " (this host only; "
	    "--admin-listen ADDR opens it to others)" : "");
	return 0;
}

void
admin_stop(struct admin *a)
{
	if (a == NULL)
		return;
	if (a->running) {
		event_base_loopexit(a->base, NULL);
		pthread_join(a->thread, NULL);
	}
	if (a->http != NULL)
		evhttp_free(a->http);
	if (a->base != NULL)
		event_base_free(a->base);
	web_free(a->web);
	admin_tls_free(&a->tls);
	store_close(a->st);
	addr_table_free(&a->per_addr);
	OPENSSL_cleanse(&a->limit, sizeof(a->limit));
	free(a);
}
