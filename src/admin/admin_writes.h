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

/* A certificate as CUCM's Download gives it: PEM or DER, its type, and
 * the file name <purpose>.pem / .der in filename (filelen bytes). */
void	admin_cert_download(FILE *out, X509 *cert, const char *purpose, int der,
	    const char **content_type, char *filename, size_t filelen);

#endif
