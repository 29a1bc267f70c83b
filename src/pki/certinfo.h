/*
 * certinfo.h - what `cert show`, `trust show` and the --json lists say
 * about one certificate.
 */
#ifndef UCPKI_CERTINFO_H
#define UCPKI_CERTINFO_H

#include <stdio.h>
#include <time.h>

#include <openssl/x509.h>

#include "json.h"

struct certinfo {
	char	common_name[256];
	char	subject[512];
	char	issuer[512];
	char	serial[64];
	char	sha256[65];
	char	key_type[16];
	int	key_bits;
	char	sig_alg[64];
	char	type[16];		/* "self-signed" | "CA-signed" */
	time_t	not_before, not_after;
	int	is_ca;
};

void	certinfo_get(X509 *cert, struct certinfo *info);
/* The JSON fields every list and show shares (inside an open object). */
void	certinfo_json_fields(struct json *j, const struct certinfo *info);
/* Decoded details: subject ... extended key usage. */
void	certinfo_print(FILE *fp, X509 *cert);
/* The same as one JSON object (inside an open object, as key "details"). */
void	certinfo_print_json(struct json *j, X509 *cert);

#endif
