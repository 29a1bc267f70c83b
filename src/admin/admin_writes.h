/*
 * admin_writes.h - the changes both administration front ends (the API,
 * api_*.c, and the pages, web_*.c) hand to serve's writer: each one's
 * arguments and the apply that calls the core with them, written once.
 * Also the certificate download both offer.
 */
#ifndef UCPKI_ADMIN_WRITES_H
#define UCPKI_ADMIN_WRITES_H

#include <stdint.h>
#include <stdio.h>

#include <openssl/x509.h>

#include "certmgr.h"
#include "export.h"
#include "identity.h"
#include "trust.h"

struct store;

/* certmgr_csr: a CSR for p with params; pem (malloc'd) and len after. */
struct csr_write {
	const struct purpose_info	*p;
	struct identity_params		 params;
	char				*pem;
	size_t				 len;
};
int	csr_apply(struct store *st, void *arg, struct ucerr *err);

/* certmgr_trust_delete with its guard (holders: the LSCs chaining to it). */
struct trust_delete_write {
	const char		*store_name;
	char			 name[256];
	int			 force;
	int64_t			 holders;
	struct export_refresh	 exports;
};
int	trust_delete_apply(struct store *st, void *arg, struct ucerr *err);

/* A replacement of p's certificate: certmgr_generate with params, or
 * certmgr_upload_certs with certs (the CA-signed one and its chain). */
struct replace_write {
	const struct purpose_info	*p;
	struct identity_params		 params;
	STACK_OF(X509)			*certs;
	struct certmgr_outcome		 o;
};
int	replace_generate_apply(struct store *st, void *arg, struct ucerr *err);
int	replace_upload_apply(struct store *st, void *arg, struct ucerr *err);

/* trust_add_bundle: certs into store_name (name: a bundle of one's);
 * results has one entry per certificate. */
struct trust_add_write {
	const char		*store_name, *name;
	STACK_OF(X509)		*certs;
	struct trust_added	*results;
	struct export_refresh	 exports;
};
int	trust_add_apply(struct store *st, void *arg, struct ucerr *err);

/*
 * After a replacement, the devices that must reset to take it are reset
 * through the reset command (reset.c's devices_reset, as `cert
 * regenerate` runs it), on the administration thread once the writer is
 * done.  1 and *out (malloc'd, *n entries) when it ran; 0 when no command
 * is configured or no device must reset (the answer lists them instead).
 */
struct admin_reset {
	char	 device[64];
	int	 exited;	/* else killed by signal code */
	int	 code;
};
int	admin_reset_devices(struct store *st, const struct certmgr_outcome *o,
	    struct admin_reset **out, size_t *n);

/* A certificate as CUCM's Download gives it: PEM or DER, its type, and
 * the file name <purpose>.pem / .der in filename (filelen bytes). */
void	admin_cert_download(FILE *out, X509 *cert, const char *purpose, int der,
	    const char **content_type, char *filename, size_t filelen);

#endif
