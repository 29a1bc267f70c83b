/* log.c - leveled one-line logging and its rate limiter (see log.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "text.h"

/* Written once before threads start, read-only afterwards. */
static enum log_level max_level = LOG_LEVEL_INFO;
static int to_syslog, to_journal;
static FILE *stream;

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

void
log_set_stream(FILE *f)
{
	stream = f;
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

static void
log_line(enum log_level level, const char *line)
{
	static const char *const names[] = { "ERR", "WRN", "INF", "DBG" };
	/* sd-daemon.h's prefixes are the syslog priorities journald reads. */
	static const char *const journal_prefix[] = { SD_ERR, SD_WARNING,
		SD_INFO, SD_DEBUG };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char when[32], shown[4 * 1024];
	FILE *out = stream != NULL ? stream : stderr;
	struct timespec ts;
	struct tm tm;

	/* Lines quote peers' data (device names, subjects): one line each,
	 * and nothing a terminal or a log viewer would act on. */
	text_escape(line, shown, sizeof(shown));
	clock_gettime(CLOCK_REALTIME, &ts);
	if (level == LOG_LEVEL_ERROR)
		remember_error(ts.tv_sec, shown);
	/* One fprintf per line so concurrent threads do not interleave;
	 * journald stamps its lines itself. */
	if (to_journal && stream == NULL) {
		fprintf(out, "%s%s\n", journal_prefix[level], shown);
	} else {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(out, "%s.%03ldZ %s %s\n", when, ts.tv_nsec / 1000000,
		    names[level], shown);
	}
	if (to_syslog)
		syslog(prio[level], "%s", shown);
}

static void	log_vmsg(enum log_level level, const char *fmt, va_list ap)
		    UC_PRINTF(2, 0);
static void	log_vlimited(enum log_level level, int burst, const char *kind,
		    const char *net, const char *fmt, va_list ap) UC_PRINTF(5, 0);

static void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	log_line(level, line);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

/*
 * The limiter: a small fixed table of (kind, network) windows.  When it
 * is full, further networks share one "other networks" window, so the
 * lines per interval stay bounded however many sources there are.
 */
#define LIMIT_SLOTS	64

struct limit_slot {
	char		 kind[64];
	char		 net[48];
	enum log_level	 level;
	int64_t		 start;		/* ms; 0: slot free */
	unsigned	 logged;
	unsigned long	 suppressed;
};

static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;
static struct limit_slot slots[LIMIT_SLOTS + 1];	/* last: overflow */
static int limit_burst = 10;
static int64_t limit_interval_ms = 10000;

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* Never 0, which marks a free slot. */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

static int64_t (*now_fn)(void) = monotonic_ms;

void
log_set_clock(int64_t (*now_ms)(void))
{
	now_fn = now_ms != NULL ? now_ms : monotonic_ms;
}

void
log_limit_setup(int burst, int interval_s)
{
	limit_burst = burst;
	limit_interval_ms = (int64_t)(interval_s > 0 ? interval_s : 10) * 1000;
}

/* 4913 -> "4,913". */
static void
thousands(unsigned long n, char *out, size_t outlen)
{
	char digits[32], *p = out;
	size_t len, i;

	snprintf(digits, sizeof(digits), "%lu", n);
	len = strlen(digits);
	for (i = 0; i < len && (size_t)(p - out) + 2 < outlen; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			*p++ = ',';
		*p++ = digits[i];
	}
	*p = '\0';
}

/* Writes the window's count of left-out lines, and frees the slot. */
static void
slot_close(struct limit_slot *sl, int64_t now)
{
	char count[32], line[256];
	long secs = (long)((now - sl->start + 999) / 1000);

	if (sl->suppressed > 0 && sl->level <= max_level) {
		thousands(sl->suppressed, count, sizeof(count));
		snprintf(line, sizeof(line), "%s ... and %s more%s%s in the last "
		    "%ld s", sl->kind, count, sl->net[0] ? " from " : "", sl->net,
		    secs);
		log_line(sl->level, line);
	}
	sl->start = 0;
}

static struct limit_slot *
slot_find(const char *kind, const char *net, int64_t now)
{
	struct limit_slot *sl, *free_slot = NULL;
	int i;

	for (i = 0; i < LIMIT_SLOTS; i++) {
		sl = &slots[i];
		if (sl->start != 0 && now - sl->start >= limit_interval_ms)
			slot_close(sl, now);
		if (sl->start == 0) {
			if (free_slot == NULL)
				free_slot = sl;
			continue;
		}
		if (strcmp(sl->kind, kind) == 0 && strcmp(sl->net, net) == 0)
			return sl;
	}
	if (free_slot == NULL) {
		sl = &slots[LIMIT_SLOTS];
		if (sl->start != 0 && now - sl->start >= limit_interval_ms)
			slot_close(sl, now);
		if (sl->start != 0)
			return sl;
		/* Whatever it was, it is counted, not lost. */
		free_slot = sl;
		kind = "log: events of other kinds or networks";
		net = "";
	}
	sl = free_slot;
	snprintf(sl->kind, sizeof(sl->kind), "%s", kind);
	snprintf(sl->net, sizeof(sl->net), "%s", net);
	sl->start = now;
	sl->logged = 0;
	sl->suppressed = 0;
	return sl;
}

static void
log_vlimited(enum log_level level, int burst, const char *kind,
    const char *net, const char *fmt, va_list ap)
{
	struct limit_slot *sl;
	int write;

	if (level > max_level)
		return;
	if (burst <= 0) {
		log_vmsg(level, fmt, ap);
		return;
	}
	pthread_mutex_lock(&limit_lock);
	sl = slot_find(kind, net, now_fn());
	sl->level = level;
	if ((write = sl->logged < (unsigned)burst))
		sl->logged++;
	else
		sl->suppressed++;
	pthread_mutex_unlock(&limit_lock);
	if (write)
		log_vmsg(level, fmt, ap);
}

void
log_limited(enum log_level level, const char *kind, const char *net,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlimited(level, limit_burst, kind, net, fmt, ap);
	va_end(ap);
}

void
log_once(enum log_level level, const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlimited(level, 1, kind, "", fmt, ap);
	va_end(ap);
}

void
log_limit_flush(int all)
{
	int64_t now = now_fn();
	int i;

	pthread_mutex_lock(&limit_lock);
	for (i = 0; i <= LIMIT_SLOTS; i++)
		if (slots[i].start != 0 &&
		    (all || now - slots[i].start >= limit_interval_ms))
			slot_close(&slots[i], now);
	pthread_mutex_unlock(&limit_lock);
}

void
log_peer_net(const char *peer, char *out, size_t outlen)
{
	char addr[64], *colon;
	struct in6_addr a6;
	struct in_addr a4;

	snprintf(addr, sizeof(addr), "%s", peer);
	if ((colon = strrchr(addr, ':')) != NULL)
		*colon = '\0';
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		uint32_t a = ntohl(a4.s_addr);

		/* Loopback is one host whatever the address. */
		if ((a >> 24) == 127)
			snprintf(out, outlen, "127.0.0.0/8");
		else
			snprintf(out, outlen, "%u.%u.%u.0/24", a >> 24,
			    (a >> 16) & 0xff, (a >> 8) & 0xff);
	} else if (inet_pton(AF_INET6, addr, &a6) == 1) {
		memset(a6.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a6, addr, sizeof(addr));
		snprintf(out, outlen, "%s/64", addr);
	} else {
		snprintf(out, outlen, "%s", addr);
	}
}
