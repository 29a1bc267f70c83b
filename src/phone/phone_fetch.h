/*
 * phone_fetch.h - a phone's boot fetches from the TFTP service, as a
 * phone makes them: its ITL (ITLSEP<MAC>.tlv, else ITLFile.tlv), then
 * its configuration, signed when it holds an ITL (and, when the stub
 * says encrConfig, the .enc.sgn decrypted with its LSC key, else its MIC
 * key), over HTTP, TFTP or HTTPS.  Each file is checked as the phone
 * checks it.  Over HTTPS (6971) the phone must hold an ITL already: the
 * server's certificate must be one of its TFTP records (CallManager-ECDSA
 * as CCM+TFTP), and the plain configuration the server answers the
 * signed name with is taken on the strength of that TLS.
 */
#ifndef UCPKI_PHONE_FETCH_H
#define UCPKI_PHONE_FETCH_H

#include <stdio.h>

#include "phone_state.h"

struct fetch_opts {
	const char	*host;
	int		 port;
	int		 tftp;		/* TFTP instead of HTTP */
	int		 https;		/* HTTPS, checked by the ITL */
	FILE		*console;
};

/* 0 when the phone got and accepted its ITL (if any) and configuration;
 * the configuration is left in <phone dir>/<NAME>.cnf.xml. */
int	phone_fetch(struct phone *ph, const struct fetch_opts *o,
	    struct ucerr *err);

#endif
