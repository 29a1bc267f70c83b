/*
 * http.c - the TFTP files over HTTP (port 6970), with libevent's evhttp:
 * GET and HEAD of names inside the root, nothing else.  A transfer holds
 * its slot (tftpd_admit) until its body has left or the connection is
 * gone: the body's cleanup callback releases it either way.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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

static void
send_served(struct tftpd *t, struct evhttp_request *req, const char *name,
    struct tftp_served *s, const char *addr, int port)
{
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
			tftpd_record(t, s, name, addr, port, "http");
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
	tftpd_record(t, s, name, addr, port, "http");
	evhttp_send_reply(req, HTTP_OK, "OK", buf);
	evbuffer_free(buf);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct tftpd *t = arg;
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct tftp_served s;
	struct ucerr err;
	char name[TFTP_PATH_MAX + 1], *host = NULL, unknown[] = "?";
	ev_uint16_t port = 0;
	int found;

	evhttp_connection_get_peer(conn, &host, &port);
	if (host == NULL)
		host = unknown;
	if (request_name(req, name, sizeof(name)) == -1) {
		evhttp_send_error(req, HTTP_BADREQUEST, NULL);
		return;
	}
	if (!tftpd_admit(t, host, "http")) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "5");
		evhttp_send_error(req, HTTP_SERVUNAVAIL, NULL);
		return;
	}
	found = tftp_files_get(t->files, name, &s, &err);
	if (found == 1) {
		send_served(t, req, name, &s, host, port);
		tftp_served_release(&s);
		return;
	}
	tftpd_release(t, host);
	if (found == 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
	} else if (s.refused) {
		t->refused++;
		log_warn("tftp: http from %s: %s", host, err.msg);
		evhttp_send_error(req, 403, "Forbidden");
	} else {
		log_error("tftp: http from %s: %s", host, err.msg);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
	}
}

int
tftpd_http_start(struct tftpd *t, struct ucerr *err)
{
	struct evconnlistener *listener;
	struct sockaddr_in sin;

	if ((t->http = evhttp_new(t->base)) == NULL)
		return ucerr_set(err, "HTTP: cannot set up");
	evhttp_set_allowed_methods(t->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(t->http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(t->http, HTTP_MAX_BODY);
	evhttp_set_timeout(t->http, t->cfg.http_timeout_s);
	evhttp_set_gencb(t->http, on_request, t);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)t->cfg.http_port);
	if (inet_pton(AF_INET, t->cfg.listen_addr, &sin.sin_addr) != 1)
		return ucerr_set(err, "--listen %s: not an IPv4 address",
		    t->cfg.listen_addr);
	/* Bound like the server's other ports (SO_REUSEPORT). */
	listener = evconnlistener_new_bind(t->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_REUSEABLE_PORT |
	    LEV_OPT_CLOSE_ON_EXEC, 1024, (struct sockaddr *)&sin, sizeof(sin));
	if (listener == NULL)
		return ucerr_set(err, "HTTP: cannot listen on %s:%d: %s",
		    t->cfg.listen_addr, t->cfg.http_port, strerror(errno));
	if (evhttp_bind_listener(t->http, listener) == NULL) {
		evconnlistener_free(listener);
		return ucerr_set(err, "HTTP: cannot set up the listener");
	}
	return 0;
}

void
tftpd_http_stop(struct tftpd *t)
{
	if (t->http != NULL)
		evhttp_free(t->http);
	t->http = NULL;
}
