/*
 * err.h - one-line error messages, object first, then the reason.
 *
 * A function that can fail takes a struct ucerr * and returns -1 after
 * filling it: return ucerr_set(err, "itl: record %d: ROLE length %u", ...);
 * The caller decides whether to print it, wrap it or send it to a peer.
 * Messages never contain secrets (keys, authentication strings).
 */
#ifndef UCPKI_ERR_H
#define UCPKI_ERR_H

#include <stddef.h>

struct ucerr {
	char	msg[512];
};

#if defined(__GNUC__)
#define UC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define UC_PRINTF(a, b)
#endif

/* Sets the message (err may be NULL) and returns -1. */
int	ucerr_set(struct ucerr *err, const char *fmt, ...) UC_PRINTF(2, 3);
/* Prefixes the existing message: "context: old message"; returns -1. */
int	ucerr_wrap(struct ucerr *err, const char *fmt, ...) UC_PRINTF(2, 3);
/*
 * Appends what OpenSSL's queued errors mean in plain words ("truncated or
 * damaged DER", "the private key is encrypted; ...") and clears the queue;
 * OpenSSL's internal texts ("nested asn1 error") never reach the user.
 */
int	ucerr_ssl(struct ucerr *err, const char *fmt, ...) UC_PRINTF(2, 3);

#endif
