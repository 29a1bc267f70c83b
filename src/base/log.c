/* log.c - leveled one-line logging (see log.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "log.h"

/* Written once before threads start, read-only afterwards. */
static enum log_level max_level = LOG_LEVEL_INFO;
static int to_syslog, to_journal;

/* The last errors, a ring under its own lock. */
static pthread_mutex_t errors_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_error_line errors[LOG_LAST_ERRORS];
static int errors_next, errors_count;

/* $JOURNAL_STREAM is "device:inode" of the journal's socket; it counts
 * only while stderr is still that socket (not when redirected). */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat sb;
	char extra;

	if (js == NULL || sscanf(js, "%llu:%llu%c", &dev, &ino, &extra) != 2)
		return 0;
	if (fstat(2, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

void
log_setup(enum log_level level, int use_syslog)
{
	max_level = level;
	to_journal = stderr_is_journal();
	/* The journal already has every stderr line: syslog would store
	 * each one twice. */
	to_syslog = use_syslog && !to_journal;
	if (to_syslog)
		openlog("ucpki", LOG_PID, LOG_DAEMON);
}

int
log_to_journal(void)
{
	return to_journal;
}

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int
log_level_parse(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	return (unsigned)level < 4 ? level_names[level] : "?";
}

static void
remember_error(time_t at, const char *line)
{
	pthread_mutex_lock(&errors_lock);
	errors[errors_next].at = (int64_t)at;
	snprintf(errors[errors_next].msg, sizeof(errors[errors_next].msg), "%s",
	    line);
	errors_next = (errors_next + 1) % LOG_LAST_ERRORS;
	if (errors_count < LOG_LAST_ERRORS)
		errors_count++;
	pthread_mutex_unlock(&errors_lock);
}

int
log_last_errors(struct log_error_line out[LOG_LAST_ERRORS])
{
	int i, n, first;

	pthread_mutex_lock(&errors_lock);
	n = errors_count;
	first = (errors_next - n + LOG_LAST_ERRORS) % LOG_LAST_ERRORS;
	for (i = 0; i < n; i++)
		out[i] = errors[(first + i) % LOG_LAST_ERRORS];
	pthread_mutex_unlock(&errors_lock);
	return n;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "ERR", "WRN", "INF", "DBG" };
	/* sd-daemon.h's prefixes are the syslog priorities journald reads. */
	static const char *const journal_prefix[] = { SD_ERR, SD_WARNING,
		SD_INFO, SD_DEBUG };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[1024], when[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	if (level == LOG_LEVEL_ERROR)
		remember_error(ts.tv_sec, line);
	/* One fprintf per line so concurrent threads do not interleave. */
	if (to_journal) {
		fprintf(stderr, "%s%s\n", journal_prefix[level], line);
	} else {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ %s %s\n", when, ts.tv_nsec / 1000000,
		    names[level], line);
	}
	if (to_syslog)
		syslog(prio[level], "%s", line);
}
