/*
 * hooks_pending.c - services that later work plugs into `ucpki serve`.
 * Each function here is replaced by its real one when that work lands.
 */
#include <event2/bufferevent.h>

#include "server.h"

int
server_tvs_enabled(void)
{
	return 0;
}

void
tvs_session_accept(struct loop *loop, struct bufferevent *bev,
    const char *peer)
{
	bufferevent_free(bev);
	server_connection_closed(loop->server, peer);
}

void
server_monitor_start(struct server *s)
{
	(void)s;
}
