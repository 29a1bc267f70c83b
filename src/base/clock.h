/*
 * clock.h - the current time, which tests may inject with UCPKI_NOW
 * (seconds since the epoch) instead of sleeping.
 */
#ifndef UCPKI_CLOCK_H
#define UCPKI_CLOCK_H

#include <stdint.h>
#include <time.h>

time_t	clock_now(void);
/* Milliseconds of CLOCK_MONOTONIC, for time limits (never injected). */
int64_t	clock_monotonic_ms(void);
/*
 * "YYYY-MM-DD HH:MM" (or with ":SS") in local time, or UTC when followed
 * by " UTC" (as ucpki prints times) or written "YYYY-MM-DDTHH:MM[:SS]Z";
 * -1 when malformed.
 */
time_t	clock_parse_local(const char *s);
/* A period: "24h", "7d" or plain seconds, above zero; -1 when not. */
int	clock_parse_period(const char *s, long *seconds);

/*
 * Every time ucpki shows is UTC and says so: these two are the only
 * formats, for text and for JSON.
 */
#define TIME_TEXT_MAX	32
/* "2026-12-01 19:41:37 UTC" */
void	time_format(time_t t, char *out, size_t outlen);
/* "2026-12-01T19:41:37Z" (ISO 8601), for JSON */
void	time_format_iso(time_t t, char *out, size_t outlen);
/* "expires in 12 days", "expires in less than a day", "expired 3 days
 * ago", "expired less than a day ago": how a validity end reads at now. */
void	time_describe_expiry(time_t not_after, time_t now, char *out,
	    size_t outlen);

#endif
