/*
 * probe.h - `ucpki probe`: connect to a TLS server as a client would,
 * and say what it presented, whether that verifies (and against what),
 * whether its name matches, and why a handshake failed, in the seeds'
 * words (like the Expressway secure traversal test).
 */
#ifndef UCPKI_PROBE_H
#define UCPKI_PROBE_H

#include <openssl/x509.h>

#include "err.h"
#include "findings.h"

struct probe_opts {
	const char	*host;
	int		 port;
	const char	*name;		/* the name the server must carry */
	int		 tls1;		/* TLS 1.0 only */
	int		 tls1_2_only;
	X509		*cert;		/* client certificate, optional */
	EVP_PKEY	*key;
	/* What the server is verified against; NULL: the system's CA
	 * store (OpenSSL's default paths, SSL_CERT_FILE/SSL_CERT_DIR). */
	X509_STORE	*trusted;
	const char	*trusted_label;	/* names trusted in the report */
	int		 timeout_ms;
};

/*
 * -1 when the server cannot be reached (err says why); otherwise 0, and
 * the findings hold everything else, a failed handshake included.
 */
int	probe_run(const struct probe_opts *o, struct findings *f,
	    struct ucerr *err);

#endif
