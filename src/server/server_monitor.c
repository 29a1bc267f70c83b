/*
 * server_monitor.c - the certificate monitor on a schedule inside
 * `ucpki serve`.  The check itself arrives with the lifecycle work.
 */
#include "server.h"

void
server_monitor_start(struct server *s)
{
	(void)s;
}

void
server_monitor_stop(struct server *s)
{
	(void)s;
}
