/*
 * web_int.h - what the page groups (web_*.c) share: the request, the
 * html-escaping writer every value goes through, the layout, forms with
 * their CSRF token, and the one function every change passes through.
 */
#ifndef UCPKI_WEB_INT_H
#define UCPKI_WEB_INT_H

#include "audit.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "admin.h"
#include "admin_token.h"
#include "err.h"
#include "web.h"

struct evhttp_request;
struct evkeyvalq;
struct multipart;
struct multipart_part;

/* Idle and absolute lifetimes of a session, and how many at once. */
#define WEB_SESSION_IDLE_S	(30 * 60)
#define WEB_SESSION_MAX_S	(8 * 60 * 60)
#define WEB_SESSIONS		256
#define WEB_COOKIE		"__Host-ucpki"
/* A form's body: fields (urlencoded) up to WEB_FORM_MAX, a form with a
 * file (multipart/form-data) up to WEB_UPLOAD_MAX; past them 413. */
#define WEB_FORM_MAX		(8 * 1024)
#define WEB_UPLOAD_MAX		(64 * 1024)

struct web_session {
	unsigned char	 id_sha256[32];	/* of the cookie's value */
	char		 account[64];
	enum admin_role	 role;
	int64_t		 created, last_seen;
	char		 csrf[65];	/* hex, in every form */
	int		 used;
};

struct web_req {
	struct web		*w;
	struct evhttp_request	*req;
	struct store		*st;
	const char		*addr, *peer, *path;
	struct evkeyvalq	*query;
	struct evkeyvalq	*form;		/* POST: the form's fields */
	struct multipart	*parts;		/* a multipart POST's parts */
	int			 post;
	struct web_session	*s;		/* NULL before login */
	FILE			*out;
	const char		*content_type;	/* default text/html */
	char			 filename[64];	/* a download's name */
	char			 location[512];	/* a redirect (303) */
	struct ucerr		 err;
};

/* A page: the status it answers with (r->out written). */
typedef int (*web_page_fn)(struct web_req *r);

struct web_route {
	const char	*path;
	int		 writes;	/* POST changes things: admin role only */
	web_page_fn	 get, post;
};

/* The page groups' routes, each terminated by a row with path NULL. */
extern const struct web_route web_cert_routes[];
extern const struct web_route web_phone_routes[];
extern const struct web_route web_system_routes[];

/*
 * The writer every value goes through: fmt's own text is markup; %s
 * (a string), %d (int), %L (int64_t) and %T (a time_t, as UTC text) are
 * escaped for HTML text and attributes alike; %U url-encodes a string
 * (for a query in an href); %% is a percent sign.
 */
void	web_printf(struct web_req *r, const char *fmt, ...);
/* The page's top (navigation, the account, logout) and bottom. */
void	web_begin(struct web_req *r, const char *title);
void	web_end(struct web_req *r);
/* <form method=post action=...> with the session's CSRF token. */
void	web_form(struct web_req *r, const char *action, const char *cls);
/* The same for a form with <input type=file> (multipart/form-data). */
void	web_form_files(struct web_req *r, const char *action, const char *cls);
/* A CUCM-style status box: ok 1 "Success: ...", 0 an error. */
void	web_status(struct web_req *r, int ok, const char *msg);
/* A field of the query (GET) or of the form (POST, the body only), or NULL. */
const char *web_arg(const struct web_req *r, const char *key);
/* The file a multipart form sent in field key (it may be empty), or NULL. */
const struct multipart_part *web_file(const struct web_req *r,
	    const char *key);
/* A page saying msg with status (an error page inside the layout). */
int	web_error_page(struct web_req *r, int status, const char *title,
	    const char *msg);
/* 303 to location. */
int	web_redirect(struct web_req *r, const char *location);

/* What a page changes, for the log and the audit trail. */
struct web_change {
	const char	*action;	/* the CLI's words: "cert generate" */
	enum audit_kind	 kind;		/* whose fingerprints to take */
	const char	*a, *b;		/* the object (audit_fingerprint's) */
	int		 alone;		/* apply begins and commits itself
					 * and writes files after its commit */
};

/*
 * Every change the pages make passes here: serve's single writer runs
 * apply (in its batch's transaction, or alone); the change is logged and
 * audited with who, from where, what, how it went and the object's
 * fingerprints before and after.
 */
int	web_write(struct web_req *r, const struct web_change *c,
	    admin_apply_fn apply, void *arg);

/* Sessions (web_session.c). */
struct web_sessions;
struct web_sessions *web_sessions_new(void);
void	web_sessions_free(struct web_sessions *ss);
/* A new session for account: out gets the cookie value (hex, 256 bits). */
struct web_session *web_session_start(struct web_sessions *ss,
	    const char *account, enum admin_role role, int64_t now,
	    char out[65]);
/* The session the cookie names, still within both lifetimes (its idle
 * clock restarted), or NULL. */
struct web_session *web_session_find(struct web_sessions *ss,
	    const char *cookie, int64_t now);
void	web_session_end(struct web_session *s);
/* The value of cookie name in a Cookie header (bounded reader): 1 and out
 * set, 0 when absent or longer than outlen - 1. */
int	web_cookie_value(const char *header, const char *name, char *out,
	    size_t outlen);
/* Does the form's token match the session's? (constant time) */
int	web_csrf_ok(const struct web_session *s, const char *token);

/* The static style sheet and script (web_static.c). */
extern const char web_css[];
extern const char web_js[];

#endif
