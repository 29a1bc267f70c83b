/*
 * clock.h - the current time, which tests may inject with UCPKI_NOW
 * (seconds since the epoch) instead of sleeping.
 */
#ifndef UCPKI_CLOCK_H
#define UCPKI_CLOCK_H

#include <time.h>

time_t	clock_now(void);
/* "YYYY-MM-DD HH:MM" (or with ":SS") in local time; -1 when malformed. */
time_t	clock_parse_local(const char *s);
/* "YYYY-MM-DD HH:MM" in local time. */
void	clock_format_local(time_t t, char *out, size_t outlen);

#endif
