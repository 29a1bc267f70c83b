/*
 * admin.h - the administration service: HTTPS with the tomcat identity
 * (as CUCM's administration pages use it), the REST API under /api/v1.
 *
 * It runs on a thread of its own with its own event loop and its own
 * read connection to the store, never on the CAPF/TVS loops.  Writes go
 * through the caller's write hook (serve's single writer), and a reply
 * that depends on one leaves after it is committed.
 */
#ifndef UCPKI_ADMIN_H
#define UCPKI_ADMIN_H

#include "err.h"

struct store;
struct admin;

/* A write: runs inside the writer's transaction; -1 rolls it back. */
typedef int (*admin_apply_fn)(struct store *st, void *arg, struct ucerr *err);

struct admin_config {
	const char	*home;
	const char	*listen_addr;		/* default 127.0.0.1 */
	int		 port;			/* 8443 */
	/* Runs apply durably and returns its result once committed. */
	int		(*write)(void *ctx, admin_apply_fn apply, void *arg,
			    struct ucerr *err);
	/* The same for apply that begins and commits itself (the core's
	 * certificate and trust changes, which write files after commit):
	 * the writer runs it alone, outside its own transaction. */
	int		(*write_alone)(void *ctx, admin_apply_fn apply,
			    void *arg, struct ucerr *err);
	void		*write_ctx;
};

/* Binds the port and loads the tomcat identity (before privileges go). */
struct admin *admin_open(const struct admin_config *cfg, struct ucerr *err);
/* Starts serving on its own thread. */
int	admin_start(struct admin *a, struct ucerr *err);
/* Stops the thread (requests in flight end) and frees everything. */
void	admin_stop(struct admin *a);

#endif
