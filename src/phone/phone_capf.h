/*
 * phone_capf.h - one simulated phone talks to a CAPF server, blocking,
 * the way `ucpki phone capf` runs it.
 */
#ifndef UCPKI_PHONE_CAPF_H
#define UCPKI_PHONE_CAPF_H

#include <stdio.h>

#include "capf_client.h"
#include "phone_state.h"

struct phone_capf_opts {
	const char	*host;
	int		 port;
	const char	*auth_string;
	const char	*itl_path;	/* NULL: the phone's own, if installed */
	int		 timeout_ms;
	int		 tls1;
	int		 prefer_mic;	/* present the MIC even with an LSC */
	int		 softphone;	/* a Jabber client: protocol version 2 */
	FILE		*console;	/* SECD-style lines and status messages */
};

/* What the phone's status message says. */
enum phone_lsc_status {
	LSC_STATUS_INSTALLED,		/* LSC: Installed (or the op succeeded) */
	LSC_STATUS_PENDING,		/* LSC: Pending: nothing to do yet */
	LSC_STATUS_FAILED,		/* LSC: Failed */
	LSC_STATUS_CONNECTION_FAILED,	/* LSC: Connection Failed */
	LSC_STATUS_NO_CAPF,		/* No valid CAPF server: ITL without CAPF */
};

/*
 * The line the phone's Security Configuration menu shows after
 * phone_capf_run returned rc with outcome and status ("LSC: Installed",
 * "LSC: Deleted", "No valid CAPF server", ...).
 */
const char *phone_capf_message(int rc, enum capf_client_outcome outcome,
	    enum phone_lsc_status status);
/* What cannot go together for the phone called name: a softphone has a
 * CSF, BOT, TCT or TAB name, and no MIC. */
int	phone_capf_opts_check(const char *name,
	    const struct phone_capf_opts *o, struct ucerr *err);
int	phone_capf_run(struct phone *ph, const struct phone_capf_opts *o,
	    enum capf_client_outcome *outcome, enum phone_lsc_status *status,
	    struct ucerr *err);

#endif
