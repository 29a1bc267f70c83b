/*
 * server_monitor.c - the certificate monitor on a schedule inside
 * `ucpki serve` (--monitor-interval); alarms go to the log and syslog.
 *
 * A run reads every certificate and may wait up to 30 s on SMTP, so it
 * runs on a thread of its own with its own store connection, never on a
 * loop; the alarms it records and the renewals it schedules go through
 * the writer like every other
 * write, and loop 0 logs the outcome when the writer is done.  One run
 * at a time: a tick that finds one still going is skipped.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "export.h"
#include "log.h"
#include "monitor.h"
#include "server.h"
#include "store.h"

struct monitor_job {
	struct job		 base;		/* first: the writer's job */
	struct server		*server;
	struct monitor_report	 r;
	struct ucerr		 err;
	int			 checked;	/* monitor_check succeeded */
};

/* Inside the writer's transaction. */
static int
mark_apply(struct job *job, struct store *st, struct ucerr *err)
{
	struct monitor_job *j = (struct monitor_job *)(void *)job;

	if (monitor_mark_notified(st, &j->r, err) == -1)
		return -1;
	return monitor_schedule_renewals(st, &j->r, err);
}

/* CAPF's CRL re-signed when due (and after LSCs the phones deleted), and
 * the exports kept current. */
void
server_refresh_exports_with(struct store *st)
{
	struct export_refresh x;
	struct ucerr err;
	char *line, *save = NULL;

	if (exports_refresh(st, clock_now(), &x, &err) == -1) {
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
server_refresh_exports(struct server *s)
{
	server_refresh_exports_with(s->loops[0].store);
}

static void *
run_main(void *arg)
{
	struct monitor_job *j = arg;
	struct server *s = j->server;
	struct store *st;

	if ((st = store_open(s->cfg.home, 0, &j->err)) != NULL) {
		j->checked = monitor_check(st, clock_now(), &j->r, &j->err) == 0;
		/* The CRL re-signed when due, the exports kept current: file
		 * writes and the reload command, off the loops too. */
		server_refresh_exports_with(st);
		store_close(st);
	}
	if (j->checked) {
		jobq_push(&s->writer.q, &j->base);
	} else {
		/* Nothing to write: straight to loop 0. */
		event_active(s->monitor_done, EV_READ, 0);
	}
	return NULL;
}

/* On loop 0, once the run (and its writes) are over. */
static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct monitor_job *j = s->monitor_job;

	(void)fd;
	(void)what;
	pthread_join(s->monitor_thread, NULL);
	s->monitor_job = NULL;
	if (!j->checked)
		log_error("monitor: %s", j->err.msg);
	else if (j->base.rc != 0)
		log_error("monitor: alarms not recorded: %s", j->base.err.msg);
	else {
		log_info("monitor: %ld certificates checked, %d alarm(s), %d "
		    "renewal(s) scheduled%s", j->r.checked, j->r.n_alarms,
		    monitor_renewals_scheduled(&j->r), j->r.mail_tried &&
		    !j->r.mail_delivered ? "; e-mail not delivered, will retry "
		    "on the next run" : "");
		s->monitor_at = (int64_t)clock_now();
		s->monitor_alarms = j->r.n_alarms;
	}
	monitor_report_free(&j->r);
	free(j);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct monitor_job *j;

	(void)fd;
	(void)what;
	if (s->monitor_job != NULL) {
		log_warn("monitor: the last run is still going: this one is "
		    "skipped");
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		log_error("monitor: out of memory");
		return;
	}
	j->server = s;
	j->base.apply = mark_apply;
	j->base.done = s->monitor_done;
	s->monitor_job = j;
	if (pthread_create(&s->monitor_thread, NULL, run_main, j) != 0) {
		log_error("monitor: cannot start a thread");
		s->monitor_job = NULL;
		free(j);
	}
}

void
server_monitor_start(struct server *s)
{
	struct timeval tv = { s->cfg.monitor_interval_s, 0 };

	server_refresh_exports(s);
	if (s->cfg.monitor_interval_s <= 0)
		return;
	s->monitor_done = event_new(s->loops[0].base, -1, 0, on_done, s);
	s->monitor_tick = event_new(s->loops[0].base, -1, EV_PERSIST, on_tick, s);
	if (s->monitor_tick != NULL && s->monitor_done != NULL)
		event_add(s->monitor_tick, &tv);
}

/* Before the writer stops: a run in flight finishes (at most its SMTP
 * timeout) and hands its alarms to the writer, which writes them before
 * it stops. */
void
server_monitor_stop(struct server *s)
{
	if (s->monitor_tick != NULL)
		event_free(s->monitor_tick);
	s->monitor_tick = NULL;
	if (s->monitor_job != NULL)
		pthread_join(s->monitor_thread, NULL);
}

/* After the writer stopped: what on_done would have freed (the loops no
 * longer run it). */
void
server_monitor_free(struct server *s)
{
	if (s->monitor_job != NULL) {
		monitor_report_free(&s->monitor_job->r);
		free(s->monitor_job);
		s->monitor_job = NULL;
	}
	if (s->monitor_done != NULL)
		event_free(s->monitor_done);
	s->monitor_done = NULL;
}
