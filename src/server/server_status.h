/*
 * server_status.h - what a running `ucpki serve` says about itself.
 *
 * The service rewrites <home>/serve.status (key = value lines, replaced
 * by rename so a reader never sees half of it) every few seconds and at
 * every change of state, and tells systemd the same through sd_notify:
 * READY=1 once every listener is bound, STATUS= with the counts,
 * RELOADING=1/READY=1 around SIGHUP, STOPPING=1 on SIGTERM, WATCHDOG=1
 * when the unit sets WatchdogSec.
 *
 * `ucpki status` reads the file and believes it only while the process
 * that wrote it is alive and the file is fresh: a file is the simplest
 * thing that needs no extra thread, socket or protocol in the service
 * and still works when the service is wedged (it just goes stale).
 */
#ifndef UCPKI_SERVER_STATUS_H
#define UCPKI_SERVER_STATUS_H

#include <stdint.h>
#include <time.h>

#include "err.h"
#include "log.h"

#define SERVE_STATUS_FILE	"serve.status"
#define SERVE_STATUS_LISTENERS	4

struct serve_listener {
	char	service[8];			/* "CAPF", "TVS" */
	char	addr[64];
	int	port;
};

struct serve_status {
	/* As the service wrote it. */
	char			 state[16];	/* running, reloading, draining, stopped */
	long			 pid;
	char			 version[32];
	int64_t			 started, updated;
	int			 interval;	/* seconds between updates */
	char			 home[1024];
	int			 schema;
	char			 openssl[64], sqlite[32], libevent[32];
	struct serve_listener	 listeners[SERVE_STATUS_LISTENERS];
	int			 n_listeners;
	int			 loops, workers;
	int64_t			 connections, sessions;
	int64_t			 devices, pending;	/* -1: not counted */
	int64_t			 alarms, monitor_at;	/* -1, 0: no run yet */
	struct log_error_line	 errors[LOG_LAST_ERRORS];
	int			 n_errors;
	/* The reader's verdict. */
	int			 up;
	const char		*verdict;	/* "running", "not responding",
						   "stopped", "not running" */
};

/* 1 with st filled, 0 when the home has no status file (st->verdict
 * "not running"), -1 when the file is malformed. */
int	server_status_read(const char *home, time_t now, struct serve_status *st,
	    struct ucerr *err);

#endif
