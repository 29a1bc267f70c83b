/* err.c - one-line error messages (see err.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

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

int
ucerr_ssl(struct ucerr *err, const char *fmt, ...)
{
	char prefix[256];
	const char *reason = NULL;
	unsigned long code;
	va_list ap;

	code = ERR_peek_last_error();
	if (code != 0)
		reason = ERR_reason_error_string(code);
	ERR_clear_error();
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
