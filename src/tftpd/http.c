/*
 * http.c - the TFTP files over HTTP (port 6970) and HTTPS (6971, the TLS
 * in https.c), with libevent's evhttp: GET and HEAD of names inside the
 * root, nothing else.  A transfer holds its slot (tftpd_admit) until its
 * body has left or the connection is gone: the body's cleanup callback
 * releases it either way.
 *
 * Connections are counted too (in total and per address, both ports
 * together).  libevent 2.1 hands evhttp's accepted sockets to no callback
 * of ours, so a connection is counted at its first request and released
 * by its close callback; one that never sends a request is bounded by
 * the connection timeout (and, on 6971, by the TLS handshake).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/listener.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "log.h"
#include "tftp_path.h"
#include "tftpd_int.h"

/* Phones send a request line and a handful of headers. */
#define HTTP_MAX_HEADERS	8192
#define HTTP_MAX_BODY		1024

/* A connection that has been admitted, by its evhttp_connection. */
struct http_conn {
	struct http_conn		*next;
	struct tftpd			*t;
	struct evhttp_connection	*evcon;
	char				 addr[48];
};

/* A body in flight: what it holds and whose slot it is. */
struct http_body {
	struct tftpd		*t;
	char			 addr[48];
	struct tftp_blob	*blob;
};

static void
body_done(struct http_body *b)
{
	tftpd_release(b->t, b->addr);
	tftp_blob_release(b->blob);
	free(b);
}

static void
blob_cleanup(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	body_done(arg);
}

static void
segment_cleanup(struct evbuffer_file_segment const *seg, int flags, void *arg)
{
	(void)seg;
	(void)flags;
	body_done(arg);
}

static const char *
content_type(const char *name)
{
	size_t len = strlen(name);

	if (len > 4 && strcmp(name + len - 4, ".xml") == 0)
		return "text/xml";
	return "application/octet-stream";
}

/* Adds the content to buf; the body's slot and blob go with it. */
static int
add_body(struct evbuffer *buf, struct tftp_served *s, struct http_body *b)
{
	struct evbuffer_file_segment *seg;

	if (s->blob != NULL) {
		b->blob = s->blob;
		s->blob = NULL;
		if (evbuffer_add_reference(buf, b->blob->data, b->blob->len,
		    blob_cleanup, b) == 0)
			return 0;
		s->blob = b->blob;
		b->blob = NULL;
		return -1;
	}
	seg = evbuffer_file_segment_new(s->fd, 0, (ev_off_t)s->size,
	    EVBUF_FS_CLOSE_ON_FREE);
	if (seg == NULL)
		return -1;
	s->fd = -1;
	evbuffer_file_segment_add_cleanup_cb(seg, segment_cleanup, b);
	if (evbuffer_add_file_segment(buf, seg, 0, (ev_off_t)s->size) == -1) {
		/* Freeing the segment runs the cleanup: b is gone. */
		evbuffer_file_segment_free(seg);
		return 1;
	}
	evbuffer_file_segment_free(seg);
	return 0;
}

/* The name a request path stands for, or -1 (400). */
static int
request_name(struct evhttp_request *req, char *out, size_t outlen)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	size_t len;
	char *decoded;

	if (path == NULL || path[0] != '/')
		return -1;
	if ((decoded = evhttp_uridecode(path + 1, 0, &len)) == NULL)
		return -1;
	/* An encoded NUL would cut the name short. */
	if (strlen(decoded) != len || len >= outlen) {
		free(decoded);
		return -1;
	}
	memcpy(out, decoded, len + 1);
	free(decoded);
	return 0;
}

static size_t
conn_bucket(const struct evhttp_connection *evcon)
{
	return ((uintptr_t)evcon >> 4) % ADDR_BUCKETS;
}

static struct http_conn **
conn_find(struct tftpd *t, const struct evhttp_connection *evcon)
{
	struct http_conn **pp = &t->conns[conn_bucket(evcon)];

	while (*pp != NULL && (*pp)->evcon != evcon)
		pp = &(*pp)->next;
	return pp;
}

static void
conn_forget(struct tftpd *t, struct http_conn **pp)
{
	struct http_conn *c = *pp;

	*pp = c->next;
	tftpd_addr_remove(t->conn_addrs, c->addr);
	t->connections--;
	free(c);
}

static void
on_conn_close(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *c = arg;
	struct http_conn **pp = conn_find(c->t, evcon);

	if (*pp == c)
		conn_forget(c->t, pp);
}

/* 1: the connection may ask (counted once); 0: a limit says no. */
static int
conn_admit(struct http_side *side, struct evhttp_connection *evcon,
    const char *addr)
{
	struct tftpd *t = side->t;
	struct http_conn *c;
	int rc;

	if (*conn_find(t, evcon) != NULL)
		return 1;
	if (t->connections >= t->cfg.max_connections) {
		tftpd_log_peer(LOG_LEVEL_WARN, "tftp: connections refused",
		    addr, "tftp: %s connection from %s refused: %d at once "
		    "(limit)", side->transport, addr, t->cfg.max_connections);
		return 0;
	}
	if ((rc = tftpd_addr_add(t->conn_addrs, addr,
	    t->cfg.max_conn_per_address)) != 1) {
		if (rc == 0)
			tftpd_log_peer(LOG_LEVEL_WARN, "tftp: connections "
			    "refused", addr, "tftp: %s connection from %s "
			    "refused: %d from that address (limit)",
			    side->transport, addr, t->cfg.max_conn_per_address);
		return 0;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		tftpd_addr_remove(t->conn_addrs, addr);
		return 0;
	}
	c->t = t;
	c->evcon = evcon;
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
	c->next = t->conns[conn_bucket(evcon)];
	t->conns[conn_bucket(evcon)] = c;
	t->connections++;
	evhttp_connection_set_closecb(evcon, on_conn_close, c);
	return 1;
}

/* 503, and the connection closed once it is said. */
static void
send_busy(struct evhttp_request *req, int close)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);

	evhttp_add_header(headers, "Retry-After", "5");
	if (close)
		evhttp_add_header(headers, "Connection", "close");
	evhttp_send_error(req, HTTP_SERVUNAVAIL, NULL);
}

/*
 * On 6971 a phone holding an ITL of version 1.1 asks for its signed
 * configuration and expects the plain one: TLS with CallManager-ECDSA
 * vouches for it instead of the signature.  1 when name was changed.
 */
static int
https_name(char *name)
{
	static const char suffix[] = ".cnf.xml.sgn";
	size_t len = strlen(name), n = sizeof(suffix) - 1;

	if (len <= n || strcmp(name + len - n, suffix) != 0)
		return 0;
	name[len - 4] = '\0';
	return 1;
}

static void
send_served(struct http_side *side, struct evhttp_request *req,
    const char *name, struct tftp_served *s, const char *addr, int port)
{
	struct tftpd *t = side->t;
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
	struct http_body *b;
	struct evbuffer *buf;
	char length[24];
	int head = evhttp_request_get_command(req) == EVHTTP_REQ_HEAD, rc;

	snprintf(length, sizeof(length), "%llu", (unsigned long long)s->size);
	evhttp_add_header(headers, "Content-Type", content_type(name));
	evhttp_add_header(headers, "Content-Length", length);
	evhttp_add_header(headers, "Cache-Control", "no-cache");
	if (head || s->size == 0) {
		evhttp_send_reply(req, HTTP_OK, "OK", NULL);
		tftpd_release(t, addr);
		if (!head)
			tftpd_record(t, s, name, addr, port, side->transport);
		return;
	}
	if ((buf = evbuffer_new()) == NULL ||
	    (b = calloc(1, sizeof(*b))) == NULL) {
		evbuffer_free(buf);
		tftpd_release(t, addr);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	b->t = t;
	snprintf(b->addr, sizeof(b->addr), "%s", addr);
	if ((rc = add_body(buf, s, b)) != 0) {
		if (rc == -1)
			body_done(b);
		evbuffer_free(buf);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	tftpd_record(t, s, name, addr, port, side->transport);
	evhttp_send_reply(req, HTTP_OK, "OK", buf);
	evbuffer_free(buf);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct http_side *side = arg;
	struct tftpd *t = side->t;
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct tftp_served s;
	struct ucerr err;
	char name[TFTP_PATH_MAX + 1], *host = NULL, unknown[] = "?";
	ev_uint16_t port = 0;
	int found, mapped;

	evhttp_connection_get_peer(conn, &host, &port);
	if (host == NULL)
		host = unknown;
	if (!conn_admit(side, conn, host)) {
		send_busy(req, 1);
		return;
	}
	if (request_name(req, name, sizeof(name)) == -1) {
		t->refused++;
		tftpd_log_peer(LOG_LEVEL_WARN, "tftp: requests refused", host,
		    "tftp: %s from %s: a path that is no file name",
		    side->transport, host);
		evhttp_send_error(req, HTTP_BADREQUEST, NULL);
		return;
	}
	mapped = side->tls && https_name(name);
	if (!tftpd_admit(t, host, side->transport)) {
		send_busy(req, 0);
		return;
	}
	found = tftp_files_get(t->files, name, &s, &err);
	/*
	 * No plain file to give: a configuration set to encrypted is never
	 * served in the clear (anyone may connect to 6971), so the phone
	 * gets what it asked for, the signed stub naming the .enc.sgn.
	 */
	if (found == 0 && mapped) {
		strcat(name, ".sgn");
		found = tftp_files_get(t->files, name, &s, &err);
	}
	if (found == 1) {
		send_served(side, req, name, &s, host, port);
		tftp_served_release(&s);
		return;
	}
	tftpd_release(t, host);
	if (found == 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
	} else if (s.refused) {
		t->refused++;
		tftpd_log_peer(LOG_LEVEL_WARN, "tftp: requests refused", host,
		    "tftp: %s from %s: %s", side->transport, host, err.msg);
		evhttp_send_error(req, 403, "Forbidden");
	} else {
		tftpd_log_peer(LOG_LEVEL_ERROR, "tftp: files not served", host,
		    "tftp: %s from %s: %s", side->transport, host, err.msg);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
	}
}

int
tftpd_http_start(struct tftpd *t, struct http_side *side, struct ucerr *err)
{
	struct evconnlistener *listener;
	struct sockaddr_in sin;
	const char *what = side->tls ? "HTTPS" : "HTTP";

	if ((side->http = evhttp_new(t->base)) == NULL)
		return ucerr_set(err, "%s: cannot set up", what);
	evhttp_set_allowed_methods(side->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(side->http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(side->http, HTTP_MAX_BODY);
	evhttp_set_timeout(side->http, t->cfg.http_timeout_s);
	evhttp_set_gencb(side->http, on_request, side);
	if (side->tls)
		evhttp_set_bevcb(side->http, tftpd_https_bev, t);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)side->port);
	if (inet_pton(AF_INET, t->cfg.listen_addr, &sin.sin_addr) != 1)
		return ucerr_set(err, "--listen %s: not an IPv4 address",
		    t->cfg.listen_addr);
	/* Bound like the server's other ports (SO_REUSEPORT). */
	listener = evconnlistener_new_bind(t->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_REUSEABLE_PORT |
	    LEV_OPT_CLOSE_ON_EXEC, 1024, (struct sockaddr *)&sin, sizeof(sin));
	if (listener == NULL)
		return ucerr_set(err, "%s: cannot listen on %s:%d: %s", what,
		    t->cfg.listen_addr, side->port, strerror(errno));
	if (evhttp_bind_listener(side->http, listener) == NULL) {
		evconnlistener_free(listener);
		return ucerr_set(err, "%s: cannot set up the listener", what);
	}
	return 0;
}

void
tftpd_http_stop(struct tftpd *t, struct http_side *side)
{
	size_t i;

	if (side->http != NULL)
		evhttp_free(side->http);
	side->http = NULL;
	/* Connections evhttp_free closed without their callback. */
	if (t->http.http == NULL && t->https.http == NULL)
		for (i = 0; i < ADDR_BUCKETS; i++)
			while (t->conns[i] != NULL)
				conn_forget(t, &t->conns[i]);
}
