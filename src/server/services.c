/* services.c - the services of `ucpki serve` (see services.h). */
#include <stddef.h>

#include "services.h"

const struct service_def *const serve_services[] = {
	&capf_service,
	&tvs_service,
	&tftp_service,
	&admin_service,
	&node_service,
	NULL,
};
