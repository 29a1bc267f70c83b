/*
 * phone_sip.h - a phone registering with its call agent over the TLS
 * connection it opened (`phone register --sip`): one REGISTER, and the
 * final response's status line.
 */
#ifndef UCPKI_PHONE_SIP_H
#define UCPKI_PHONE_SIP_H

#include <stdio.h>

#include "phone_state.h"
#include "tls_client.h"

/* 0 when the registrar answered 2xx; the status line goes to status. */
int	phone_sip_register(const struct phone *ph, struct tls_client *tls,
	    const char *host, int port, FILE *console, char *status,
	    size_t statuslen, struct ucerr *err);

#endif
