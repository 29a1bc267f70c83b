/*
 * web.h - the administration web pages (everything outside /api): local
 * accounts' sessions, server-rendered HTML modelled on CUCM's Unified OS
 * Administration, one static style sheet.  Runs on the administration
 * thread (admin_http.c), as the API does.
 */
#ifndef UCPKI_WEB_H
#define UCPKI_WEB_H

#include "admin.h"
#include "admin_auth.h"

struct evhttp_request;
struct evkeyvalq;
struct store;
struct web;

struct web_config {
	struct store		*st;		/* the service's read connection */
	struct auth_limit	*limit;		/* failed logins per address */
	/* serve's writer: apply in a batch's transaction, or alone (a core
	 * function that begins and commits itself), as admin.h says. */
	int			(*write)(void *ctx, admin_apply_fn apply,
				    void *arg, struct ucerr *err);
	int			(*write_alone)(void *ctx, admin_apply_fn apply,
				    void *arg, struct ucerr *err);
	void			*write_ctx;
};

struct web	*web_new(const struct web_config *cfg);
void		 web_free(struct web *w);
/* Answers one request for a page: path decoded, query parsed. */
void		 web_request(struct web *w, struct evhttp_request *req,
		    const char *addr, const char *peer, const char *path,
		    struct evkeyvalq *query);

#endif
