/* log.c - leveled one-line logging (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "text.h"

/* Written once before threads start, read-only afterwards. */
static enum log_level max_level = LOG_LEVEL_INFO;
static int to_syslog;

void
log_setup(enum log_level level, int use_syslog)
{
	max_level = level;
	to_syslog = use_syslog;
	if (use_syslog)
		openlog("ucpki", LOG_PID, LOG_DAEMON);
}

int
log_level_parse(const char *s)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "ERR", "WRN", "INF", "DBG" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[1024], shown[4 * sizeof(line)], when[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Lines quote peers' data (device names, subjects): one line each,
	 * and nothing a terminal or a log viewer would act on. */
	text_escape(line, shown, sizeof(shown));
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	/* One fprintf per line so concurrent threads do not interleave. */
	fprintf(stderr, "%s.%03ldZ %s %s\n", when, ts.tv_nsec / 1000000,
	    names[level], shown);
	if (to_syslog)
		syslog(prio[level], "%s", shown);
}
