/* clock.c - injectable time (see clock.h). */
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

time_t
clock_parse_local(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d %H:%M", &tm)) == NULL)
		return -1;
	if (*end == ':' && (end = strptime(end, ":%S", &tm)) == NULL)
		return -1;
	if (*end != '\0')
		return -1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

void
clock_format_local(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, outlen, "?");
}
