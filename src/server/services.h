/*
 * services.h - the services of `ucpki serve`, in the order they start.
 * Each row is defined beside its sessions; server.c runs whichever the
 * settings turn on and names none of them.
 */
#ifndef UCPKI_SERVICES_H
#define UCPKI_SERVICES_H

#include "server.h"

extern const struct service_def capf_service;	/* capf_session.c */
extern const struct service_def tvs_service;	/* tvs_session.c */
extern const struct service_def tftp_service;	/* server_tftp.c */
extern const struct service_def admin_service;	/* server_admin.c */
extern const struct service_def node_service;	/* server_node.c */

/* Every service, NULL-terminated: what server_run takes. */
extern const struct service_def *const serve_services[];

#endif
