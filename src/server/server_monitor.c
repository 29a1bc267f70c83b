/*
 * server_monitor.c - the certificate monitor on a schedule inside
 * `ucpki serve` (--monitor-interval); alarms go to the log and syslog.
 */
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "export.h"
#include "log.h"
#include "monitor.h"
#include "server.h"

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct monitor_report r;
	struct ucerr err;

	(void)fd;
	(void)what;
	if (monitor_run(s->loops[0].store, clock_now(), &r, &err) == -1) {
		log_error("monitor: %s", err.msg);
		return;
	}
	log_info("monitor: %ld certificates checked, %d alarm(s)%s", r.checked,
	    r.n_alarms, r.mail_tried && !r.mail_delivered ? "; e-mail not "
	    "delivered, will retry on the next run" : "");
	s->monitor_at = (int64_t)clock_now();
	s->monitor_alarms = r.n_alarms;
	monitor_report_free(&r);
	server_refresh_exports(s);
}

/* CAPF's CRL re-signed when due (and after LSCs the phones deleted), and
 * the exports kept current. */
void
server_refresh_exports(struct server *s)
{
	struct export_refresh x;
	struct ucerr err;
	char *line, *save = NULL;

	if (exports_refresh(s->loops[0].store, clock_now(), &x, &err) == -1) {
		log_error("exports: %s", err.msg);
		return;
	}
	for (line = strtok_r(x.notes, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		log_info("%s", line);
	if (x.failed > 0)
		log_error("exports: %d not kept current (%s)", x.failed, x.failure);
	if (x.reload_run && x.reload_status != 0)
		log_error("exports: the reload command failed (exit %d)",
		    x.reload_status);
}

void
server_monitor_start(struct server *s)
{
	struct timeval tv = { s->cfg.monitor_interval_s, 0 };

	server_refresh_exports(s);
	if (s->cfg.monitor_interval_s <= 0)
		return;
	s->monitor_tick = event_new(s->loops[0].base, -1, EV_PERSIST, on_tick, s);
	if (s->monitor_tick != NULL)
		event_add(s->monitor_tick, &tv);
}

void
server_monitor_stop(struct server *s)
{
	if (s->monitor_tick != NULL)
		event_free(s->monitor_tick);
	s->monitor_tick = NULL;
}
