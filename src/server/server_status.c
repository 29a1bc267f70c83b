/*
 * server_status.c - <home>/serve.status and sd_notify (see
 * server_status.h).  Written on loop 0, whose store connection answers
 * the counts; read by `ucpki status`.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <systemd/sd-daemon.h>

#include "fileio.h"
#include "kvfile.h"
#include "log.h"
#include "paths.h"
#include "server.h"
#include "server_status.h"
#include "store.h"
#include "store_device.h"

/* Seconds between rewrites; a file older than a few of these is stale. */
#define STATUS_INTERVAL_S	5

void
server_notify(const char *msg)
{
	/* Without $NOTIFY_SOCKET this does nothing, as it should. */
	(void)sd_notify(0, msg);
}

struct counts {
	int64_t	devices, pending;
};

static void
count(struct server *s, struct counts *c)
{
	struct device_filter f;
	struct ucerr err;

	c->devices = c->pending = -1;
	device_filter_init(&f);
	if (store_device_count(s->loops[0].store, &f, &c->devices, &err) == -1)
		c->devices = -1;
	f.pending = 1;
	if (store_device_count(s->loops[0].store, &f, &c->pending, &err) == -1)
		c->pending = -1;
}

/* The status file's text (caller frees). */
static char *
status_text(struct server *s, const char *state, const struct counts *c,
    size_t *len)
{
	struct log_error_line errors[LOG_LAST_ERRORS];
	char *buf = NULL, *p, home[PATH_MAX];
	FILE *fp;
	int i, n;

	/* The home as `ucpki status` run from anywhere can find it. */
	if (realpath(s->cfg.home, home) == NULL)
		snprintf(home, sizeof(home), "%s", s->cfg.home);
	if ((fp = open_memstream(&buf, len)) == NULL)
		return NULL;
	fprintf(fp, "# written by ucpki serve every %d s; read by ucpki status\n",
	    STATUS_INTERVAL_S);
	fprintf(fp, "state = %s\npid = %ld\nversion = %s\nstarted = %lld\n"
	    "updated = %lld\ninterval = %d\nhome = %s\nschema = %d\n",
	    state, (long)getpid(), paths_version(), (long long)s->started_at,
	    (long long)time(NULL), STATUS_INTERVAL_S, home,
	    store_schema_version(s->loops[0].store));
	fprintf(fp, "openssl = %s\nsqlite = %s\nlibevent = %s\n",
	    OpenSSL_version(OPENSSL_VERSION), store_backend_version(),
	    event_get_version());
	fprintf(fp, "loops = %d\nworkers = %d\n", s->n_loops, s->workers.n);
	for (i = 0; i < s->n_services; i++)
		fprintf(fp, "listener = %s %s %d\n", s->services[i].name,
		    s->cfg.listen_addr, s->services[i].port);
	fprintf(fp, "connections = %d\nsessions = %lu\ndevices = %lld\n"
	    "pending = %lld\n", atomic_load(&s->connections),
	    (unsigned long)atomic_load(&s->sessions_done),
	    (long long)c->devices, (long long)c->pending);
	fprintf(fp, "alarms = %d\nmonitor-at = %lld\n",
	    s->monitor_at > 0 ? s->monitor_alarms : -1,
	    (long long)s->monitor_at);
	n = log_last_errors(errors);
	for (i = 0; i < n; i++) {
		/* One line each: a message never breaks the format. */
		for (p = errors[i].msg; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		fprintf(fp, "error = %lld %s\n", (long long)errors[i].at,
		    errors[i].msg);
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void
server_status_update(struct server *s, const char *state)
{
	char path[4096], line[512], *text;
	struct counts c;
	struct ucerr err;
	size_t len = 0;
	int i, n;

	if (!s->status_started)
		return;
	count(s, &c);
	n = snprintf(line, sizeof(line), "STATUS=%s", state);
	for (i = 0; i < s->n_services && n > 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s %s:%d",
		    i == 0 ? ": " : ", ", s->services[i].name, s->cfg.listen_addr,
		    s->services[i].port);
	if (n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, "; %d connections, "
		    "%lu sessions; %lld devices, %lld pending",
		    atomic_load(&s->connections),
		    (unsigned long)atomic_load(&s->sessions_done),
		    (long long)c.devices, (long long)c.pending);
	server_notify(line);
	if ((text = status_text(s, state, &c, &len)) == NULL)
		return;
	if (path_join(path, sizeof(path), s->cfg.home, SERVE_STATUS_FILE,
	    &err) == -1 || file_replace(path, text, len, 0600, &err) == -1) {
		if (!s->status_failed)
			log_warn("serve: status not written (ucpki status cannot "
			    "see this service): %s", err.msg);
		s->status_failed = 1;
	} else {
		s->status_failed = 0;
	}
	free(text);
}

static void
on_status_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	if (s->watchdog)
		server_notify("WATCHDOG=1");
	server_status_update(s, atomic_load(&s->draining) ? "draining" :
	    "running");
}

void
server_status_start(struct server *s)
{
	struct timeval tv = { STATUS_INTERVAL_S, 0 };
	uint64_t usec = 0;

	s->status_started = 1;
	/* Ping at half the watchdog period, or the status interval if that
	 * is shorter. */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		s->watchdog = 1;
		if (usec / 2 < (uint64_t)STATUS_INTERVAL_S * 1000000) {
			tv.tv_sec = (time_t)(usec / 2 / 1000000);
			tv.tv_usec = (suseconds_t)(usec / 2 % 1000000);
		}
	}
	s->status_tick = event_new(s->loops[0].base, -1, EV_PERSIST,
	    on_status_tick, s);
	if (s->status_tick != NULL)
		event_add(s->status_tick, &tv);
	server_status_update(s, "running");
	server_notify("READY=1");
}

void
server_status_stop(struct server *s)
{
	if (s->status_tick != NULL)
		event_free(s->status_tick);
	s->status_tick = NULL;
	server_status_update(s, "stopped");
	s->status_started = 0;
}

/* --- reading (ucpki status) ---------------------------------------------- */

static int
num(const char *v, int64_t min, int64_t max, int64_t *out, struct ucerr *err)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min ||
	    n > max)
		return ucerr_set(err, "'%s' is not a number from %lld to %lld", v,
		    (long long)min, (long long)max);
	*out = n;
	return 0;
}

#define NUM(field, min, max) do {					\
	int64_t n_;							\
	if (num(value, (min), (max), &n_, err) == -1)			\
		return ucerr_wrap(err, "%s", key);			\
	st->field = n_;							\
} while (0)
#define STR(field) snprintf(st->field, sizeof(st->field), "%s", value)

static int
on_status_line(void *arg, const char *key, const char *value,
    struct ucerr *err)
{
	struct serve_status *st = arg;
	struct serve_listener *l;
	char when[24];
	int64_t at;
	const char *sp;

	if (strcmp(key, "state") == 0)
		STR(state);
	else if (strcmp(key, "pid") == 0)
		NUM(pid, 1, 0x7fffffff);
	else if (strcmp(key, "version") == 0)
		STR(version);
	else if (strcmp(key, "started") == 0)
		NUM(started, 0, INT64_MAX);
	else if (strcmp(key, "updated") == 0)
		NUM(updated, 0, INT64_MAX);
	else if (strcmp(key, "interval") == 0)
		NUM(interval, 1, 3600);
	else if (strcmp(key, "home") == 0)
		STR(home);
	else if (strcmp(key, "schema") == 0)
		NUM(schema, 0, 1000000);
	else if (strcmp(key, "openssl") == 0)
		STR(openssl);
	else if (strcmp(key, "sqlite") == 0)
		STR(sqlite);
	else if (strcmp(key, "libevent") == 0)
		STR(libevent);
	else if (strcmp(key, "loops") == 0)
		NUM(loops, 0, 100000);
	else if (strcmp(key, "workers") == 0)
		NUM(workers, 0, 100000);
	else if (strcmp(key, "connections") == 0)
		NUM(connections, 0, INT64_MAX);
	else if (strcmp(key, "sessions") == 0)
		NUM(sessions, 0, INT64_MAX);
	else if (strcmp(key, "devices") == 0)
		NUM(devices, -1, INT64_MAX);
	else if (strcmp(key, "pending") == 0)
		NUM(pending, -1, INT64_MAX);
	else if (strcmp(key, "alarms") == 0)
		NUM(alarms, -1, INT64_MAX);
	else if (strcmp(key, "monitor-at") == 0)
		NUM(monitor_at, 0, INT64_MAX);
	else if (strcmp(key, "listener") == 0) {
		if (st->n_listeners == SERVE_STATUS_LISTENERS)
			return ucerr_set(err, "listener: more than %d",
			    SERVE_STATUS_LISTENERS);
		l = &st->listeners[st->n_listeners];
		if (sscanf(value, "%7s %63s %d", l->service, l->addr,
		    &l->port) != 3 || l->port < 0 || l->port > 65535)
			return ucerr_set(err, "listener: expected 'SERVICE ADDRESS "
			    "PORT', not '%s'", value);
		st->n_listeners++;
	} else if (strcmp(key, "error") == 0) {
		if ((sp = strchr(value, ' ')) == NULL ||
		    (size_t)(sp - value) >= sizeof(when))
			return ucerr_set(err, "error: expected 'TIME MESSAGE'");
		memcpy(when, value, (size_t)(sp - value));
		when[sp - value] = '\0';
		if (num(when, 0, INT64_MAX, &at, err) == -1)
			return ucerr_wrap(err, "error");
		/* The newest LOG_LAST_ERRORS (the service writes no more). */
		if (st->n_errors == LOG_LAST_ERRORS) {
			memmove(&st->errors[0], &st->errors[1],
			    sizeof(st->errors[0]) * (LOG_LAST_ERRORS - 1));
			st->n_errors--;
		}
		st->errors[st->n_errors].at = at;
		snprintf(st->errors[st->n_errors].msg,
		    sizeof(st->errors[st->n_errors].msg), "%s", sp + 1);
		st->n_errors++;
	}
	/* Other keys: written by a newer service; nothing to show. */
	return 0;
}

/* Is pid a live ucpki process?  EPERM: alive, just not ours. */
static int
alive(long pid)
{
	char path[64], comm[32] = "";
	FILE *fp;

	if (kill((pid_t)pid, 0) == -1 && errno != EPERM)
		return 0;
	/* The pid may have been reused since the file was written. */
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(comm, sizeof(comm), fp) == NULL)
		comm[0] = '\0';
	fclose(fp);
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, "ucpki") == 0;
}

int
server_status_read(const char *home, time_t now, struct serve_status *st,
    struct ucerr *err)
{
	char path[4096];
	struct stat sb;

	memset(st, 0, sizeof(*st));
	st->devices = st->pending = st->alarms = -1;
	st->interval = STATUS_INTERVAL_S;
	st->verdict = "not running";
	if (path_join(path, sizeof(path), home, SERVE_STATUS_FILE, err) == -1)
		return -1;
	/* Only a missing file means "never ran"; a home we may not read
	 * (0700, the ucpki user's) is an error worth its reason. */
	if (stat(path, &sb) == -1 && errno == ENOENT)
		return 0;
	if (kv_load(path, on_status_line, st, err) == -1)
		return -1;
	if (st->pid == 0 || st->state[0] == '\0')
		return ucerr_set(err, "%s: no state or pid", path);
	if (strcmp(st->state, "stopped") == 0)
		st->verdict = "stopped";
	else if (!alive(st->pid))
		st->verdict = "not running";
	else if ((int64_t)now - st->updated > 3 * (int64_t)st->interval + 2)
		st->verdict = "not responding";
	else {
		st->verdict = "running";
		st->up = 1;
	}
	return 1;
}
