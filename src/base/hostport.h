/*
 * hostport.h - a server named on the command line or in a file:
 * HOST:PORT, or [IPV6]:PORT (the brackets keep the address's colons
 * apart from the port's, as in URLs).
 */
#ifndef UCPKI_HOSTPORT_H
#define UCPKI_HOSTPORT_H

#include <stddef.h>

#include "err.h"

/*
 * Splits arg into host (without brackets) and port (1-65535).  A bare
 * HOST takes default_port, or is refused when default_port is 0.  The
 * host must fit hostlen and hold no space or control character; an
 * IPv6 address without brackets is refused with the spelling to use.
 * The message names arg.
 */
int	hostport_parse(const char *arg, int default_port, char *host,
	    size_t hostlen, int *port, struct ucerr *err);

#endif
