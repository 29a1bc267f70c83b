/* clock.c - injectable time (see clock.h). */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/*
 * UCPKI_NOW is read once, by the first call, so that every check in one
 * process (validity, notBefore, row stamps) sees the same clock however
 * the environment changes later.
 */
static pthread_once_t	override_once = PTHREAD_ONCE_INIT;
static time_t		override_now;

static void
read_override(void)
{
	const char *s = getenv("UCPKI_NOW");
	char *end;
	long long v;

	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v > 0)
			override_now = (time_t)v;
	}
}

time_t
clock_now(void)
{
	pthread_once(&override_once, read_override);
	return override_now != 0 ? override_now : time(NULL);
}

int64_t
clock_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "YYYY-MM-DD HH:MM[:SS]" (or with T); returns what follows. */
static const char *
parse_date_time(const char *s, char sep, struct tm *tm)
{
	const char *end;

	memset(tm, 0, sizeof(*tm));
	if ((end = strptime(s, "%Y-%m-%d", tm)) == NULL || *end++ != sep ||
	    (end = strptime(end, "%H:%M", tm)) == NULL)
		return NULL;
	if (*end == ':' && (end = strptime(end, ":%S", tm)) == NULL)
		return NULL;
	return end;
}

time_t
clock_parse_local(const char *s)
{
	struct tm tm;
	const char *end;

	if ((end = parse_date_time(s, 'T', &tm)) != NULL)
		return strcmp(end, "Z") == 0 ? timegm(&tm) : -1;
	if ((end = parse_date_time(s, ' ', &tm)) == NULL)
		return -1;
	if (strcmp(end, " UTC") == 0)
		return timegm(&tm);
	if (*end != '\0')
		return -1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

int
clock_parse_period(const char *s, long *seconds)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || v <= 0)
		return -1;
	if (strcmp(end, "h") == 0 && v <= LONG_MAX / 3600)
		v *= 3600;
	else if (strcmp(end, "d") == 0 && v <= LONG_MAX / 86400)
		v *= 86400;
	else if (*end != '\0')
		return -1;
	*seconds = v;
	return 0;
}

void
time_format(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, outlen, "?");
}

void
time_format_iso(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "?");
}

#define DAY_S 86400

void
time_describe_expiry(time_t not_after, time_t now, char *out, size_t outlen)
{
	long days;

	if (not_after < now) {
		days = (long)((now - not_after) / DAY_S);
		if (days == 0)
			snprintf(out, outlen, "expired less than a day ago");
		else
			snprintf(out, outlen, "expired %ld day%s ago", days,
			    days == 1 ? "" : "s");
		return;
	}
	days = (long)((not_after - now) / DAY_S);
	if (days == 0)
		snprintf(out, outlen, "expires in less than a day");
	else
		snprintf(out, outlen, "expires in %ld day%s", days,
		    days == 1 ? "" : "s");
}
