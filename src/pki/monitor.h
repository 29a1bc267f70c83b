/*
 * monitor.h - the certificate monitor: every identity, every trust store
 * entry and every current LSC against the seeds' alarm catalogue
 * (CertValidLessthanADay, CertValidfor7days, CertValidLessThanMonth,
 * CertValidityOver30Days, ITLRecoveryCertBackup), one alarm per
 * certificate per notification period.  An alarm counts as notified
 * only once its e-mail is delivered (or at once when no e-mail is set
 * up): when the SMTP server is down it is raised again on the next run.
 */
#ifndef UCPKI_MONITOR_H
#define UCPKI_MONITOR_H

#include <stdint.h>
#include <time.h>

#include "err.h"
#include "json.h"

struct store;

struct monitor_config {
	long	start_days;		/* notification start (default 30) */
	long	frequency_s;		/* notification frequency (default 24 h) */
};

struct monitor_alarm {
	char	 alarm[40];
	char	 where[96];		/* "CallManager", "tomcat-trust", device */
	char	 name[256];		/* purpose, entry name or LSC serial */
	long	 days_left;
	time_t	 not_after;		/* of the certificate; 0 for other alarms */
	char	 detail[320];		/* what to do, for alarms without a date */
	int	 repeated;		/* within the period: not raised again */
	char	 key[200];		/* what de-duplication knows it by */
};

/* The report's name for a renewal, as an alarm's name is. */
#define MONITOR_RENEWAL_NAME	"LSCRenewalScheduled"

/* A current LSC past capf.renew_at of its lifetime (renew.h). */
struct monitor_renewal {
	char	 device[64];
	char	 serial[64];
	char	 lsc_sha256[65];
	time_t	 not_before, not_after;
	time_t	 due_at;		/* when it passed renew_at */
	time_t	 deadline;		/* Operation Completes By */
	int	 scheduled;		/* 1 once written, 0 if it changed */
};

struct monitor_report {
	struct monitor_alarm	*alarms;
	int			 n_alarms;
	struct monitor_renewal	*renewals;
	int			 n_renewals;
	char			 renew_at[32];	/* "2/3" or "off" */
	long			 lsc_expiring[3];	/* within 30/60/90 days */
	long			 checked;
	time_t			 now;		/* when the run looked */
	int			 mail_tried;	/* an e-mail was due */
	int			 mail_delivered;
	char			 mail_error[256];	/* why not, when not */
};

int	monitor_config_load(struct store *st, struct monitor_config *c,
	    struct ucerr *err);
/* One setting by the CLI's option name (monitor_config.c): start-days
 * (1 to 3650), frequency (24h, 7d, seconds), email, smtp. */
int	monitor_config_set(struct store *st, const char *option,
	    const char *value, struct ucerr *err);
/* As `monitor config --json` shows it. */
int	monitor_config_json(struct json *j, struct store *st,
	    struct ucerr *err);
/*
 * Checks everything, e-mails the new alarms when monitor.email and
 * monitor.smtp are set, and records them as notified once delivered.
 * An e-mail not delivered is no failure of the run: r->mail_error says
 * why, and those alarms are raised again next time.
 */
int	monitor_run(struct store *st, time_t now, struct monitor_report *r,
	    struct ucerr *err);
/*
 * monitor_run in two parts, for a caller that must not write from where
 * it reads (the service: its writes go through its one writer):
 * monitor_check reads and e-mails (it may wait on SMTP), and
 * monitor_mark_notified records the delivered alarms inside the
 * caller's transaction.
 */
/* What monitor_check finds, without e-mailing or recording anything:
 * the alarms as they stand (the API's GET, the web pages). */
int	monitor_look(struct store *st, time_t now, struct monitor_report *r,
	    struct ucerr *err);
int	monitor_check(struct store *st, time_t now, struct monitor_report *r,
	    struct ucerr *err);
int	monitor_mark_notified(struct store *st, const struct monitor_report *r,
	    struct ucerr *err);
/*
 * Schedules the renewals monitor_check found (inside the caller's
 * transaction, like monitor_mark_notified): an install by the existing
 * certificate, audited in each device's history.  A device that
 * changed since the check is left be (its renewal scheduled 0).
 */
int	monitor_schedule_renewals(struct store *st, struct monitor_report *r,
	    struct ucerr *err);
int	monitor_renewals_scheduled(const struct monitor_report *r);
/* "past 2/3 of its lifetime on ... (valid until ...); install by
 * existing certificate by ..." */
void	monitor_renewal_text(const struct monitor_report *r,
	    const struct monitor_renewal *n, char *out, size_t outlen);
void	monitor_report_free(struct monitor_report *r);
void	monitor_report_json(struct json *j, const struct monitor_report *r);
/* "expires in 12 days (2026-12-13 10:00:00 UTC)", "expired 3 days ago
 * (...)" or what the alarm asks for (ITLRecovery: how to back it up). */
void	monitor_alarm_text(const struct monitor_report *r,
	    const struct monitor_alarm *a, char *out, size_t outlen);

#endif
