/* err.c - one-line error messages (see err.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1err.h>
#include <openssl/err.h>
#include <openssl/evperr.h>
#include <openssl/pemerr.h>
#include <openssl/pkcs12err.h>
#include <openssl/proverr.h>
#include <openssl/rsaerr.h>
#include <openssl/x509err.h>

#include "err.h"

int
ucerr_set(struct ucerr *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
ucerr_wrap(struct ucerr *err, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

/*
 * OpenSSL's reasons ("nested asn1 error", "PEM lib", "bad decrypt") say
 * where inside OpenSSL a call failed, not what is wrong with the user's
 * file.  This table is the one place they are turned into plain words.
 * Order is priority: the first row matching any queued error wins, so the
 * specific cause beats the generic wrapper around it.  Reason 0 matches
 * every reason of that library.
 */
static const struct {
	int		 lib, reason;
	const char	*text;
} ssl_reasons[] = {
	{ ERR_LIB_PKCS12, PKCS12_R_PKCS12_CIPHERFINAL_ERROR,
	    "the private key is encrypted; give it unencrypted" },
	{ ERR_LIB_PEM, PEM_R_BAD_DECRYPT,
	    "the private key is encrypted; give it unencrypted" },
	{ ERR_LIB_PEM, PEM_R_BAD_PASSWORD_READ,
	    "the private key is encrypted; give it unencrypted" },
	{ ERR_LIB_PEM, PEM_R_PROBLEMS_GETTING_PASSWORD,
	    "the private key is encrypted; give it unencrypted" },
	{ ERR_LIB_RSA, RSA_R_DIGEST_TOO_BIG_FOR_RSA_KEY,
	    "the RSA key is too small for this digest" },
	{ ERR_LIB_RSA, RSA_R_KEY_SIZE_TOO_SMALL, "the RSA key is too small" },
	{ ERR_LIB_X509, X509_R_KEY_VALUES_MISMATCH,
	    "the certificate does not match the key" },
	{ ERR_LIB_X509, X509_R_KEY_TYPE_MISMATCH,
	    "the certificate does not match the key" },
	{ ERR_LIB_PEM, PEM_R_BAD_END_LINE,
	    "a block has no END line (truncated?)" },
	{ ERR_LIB_PEM, PEM_R_BAD_BASE64_DECODE, "bad base64" },
	{ ERR_LIB_PEM, PEM_R_NO_START_LINE, "no PEM block" },
	{ ERR_LIB_PEM, PEM_R_SHORT_HEADER, "damaged PEM header" },
	{ ERR_LIB_ASN1, ASN1_R_TOO_LONG, "truncated or damaged DER" },
	{ ERR_LIB_ASN1, ASN1_R_HEADER_TOO_LONG, "truncated or damaged DER" },
	{ ERR_LIB_ASN1, ASN1_R_NOT_ENOUGH_DATA, "truncated or damaged DER" },
	{ ERR_LIB_EVP, EVP_R_BAD_DECRYPT, "wrong key or damaged data" },
	{ ERR_LIB_PROV, PROV_R_BAD_DECRYPT, "wrong key or damaged data" },
	{ ERR_LIB_ASN1, 0, "not valid DER" },
};

#define N_SSL_REASONS ((int)(sizeof(ssl_reasons) / sizeof(ssl_reasons[0])))

/*
 * The plain words for OpenSSL's queued errors (clearing the queue), or
 * NULL.  TLS errors keep OpenSSL's text: "tlsv1 alert unknown ca" is what
 * the peer said, in the protocol's own terms.
 */
static const char *
ssl_reason(void)
{
	const char *text = NULL;
	unsigned long code;
	int i, best = N_SSL_REASONS;

	while ((code = ERR_get_error()) != 0) {
		if (ERR_GET_LIB(code) == ERR_LIB_SSL && text == NULL &&
		    best == N_SSL_REASONS)
			text = ERR_reason_error_string(code);
		if (ERR_GET_REASON(code) == ERR_R_MALLOC_FAILURE) {
			ERR_clear_error();
			return "out of memory";
		}
		for (i = 0; i < best; i++) {
			if (ERR_GET_LIB(code) == ssl_reasons[i].lib &&
			    (ssl_reasons[i].reason == 0 ||
			    ERR_GET_REASON(code) == ssl_reasons[i].reason)) {
				best = i;
				break;
			}
		}
	}
	return best < N_SSL_REASONS ? ssl_reasons[best].text : text;
}

int
ucerr_ssl(struct ucerr *err, const char *fmt, ...)
{
	char prefix[256];
	const char *reason = ssl_reason();
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (reason != NULL)
		snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, reason);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", prefix);
	return -1;
}
