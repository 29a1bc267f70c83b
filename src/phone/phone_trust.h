/*
 * phone_trust.h - how a phone decides whom to trust: installing a new
 * ITL, accepting a signed configuration, and registering over TLS to the
 * call agent with its LSC or MIC.
 */
#ifndef UCPKI_PHONE_TRUST_H
#define UCPKI_PHONE_TRUST_H

#include <stdio.h>

#include "phone_state.h"

struct itl_file;

/*
 * The first ITL is trusted as is; a later one only when a SAST, TFTP or
 * CCM+TFTP record of the current ITL signed it.
 */
int	phone_itl_install(struct phone *ph, const char *path, FILE *console,
	    struct ucerr *err);

struct tvs_target {
	const char	*host;		/* NULL: no TVS to ask */
	int		 port;
};

struct register_opts {
	const char	*host;
	int		 port;
	const char	*itl_path;	/* NULL: the installed ITL */
	const char	*sni;
	struct tvs_target tvs;
	int		 tls1;
	int		 sip;		/* send REGISTER, want a 2xx */
	FILE		*console;
};

/* 0 registered; -1 not, with the reason (and the console lines printed). */
int	phone_register(struct phone *ph, const struct register_opts *o,
	    struct ucerr *err);

/* As a phone: the signer is the ITL's TFTP record, or TVS vouches for
 * signer_cert (when given) with a TFTP role. */
int	phone_verify_config(struct phone *ph, const char *sgn_path,
	    const char *itl_path, X509 *signer_cert, const struct tvs_target *tvs,
	    FILE *console, struct ucerr *err);

#endif
