/*
 * monitor.h - the certificate monitor: every identity, every trust store
 * entry and every current LSC against the seeds' alarm catalogue
 * (CertValidLessthanADay, CertValidfor7days, CertValidLessThanMonth,
 * CertValidityOver30Days, ITLRecoveryCertBackup), one alarm per
 * certificate per notification period.
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
};

struct monitor_report {
	struct monitor_alarm	*alarms;
	int			 n_alarms;
	long			 lsc_expiring[3];	/* within 30/60/90 days */
	long			 checked;
	time_t			 now;		/* when the run looked */
};

int	monitor_config_load(struct store *st, struct monitor_config *c,
	    struct ucerr *err);
/* Checks everything; records raised alarms for de-duplication. */
int	monitor_run(struct store *st, time_t now, struct monitor_report *r,
	    struct ucerr *err);
void	monitor_report_free(struct monitor_report *r);
/* E-mails the new alarms when monitor.email and monitor.smtp are set. */
int	monitor_mail(struct store *st, struct monitor_report *r,
	    struct ucerr *err);
void	monitor_report_json(struct json *j, const struct monitor_report *r);
/* "expires in 12 days (2026-12-13 10:00:00 UTC)", "expired 3 days ago
 * (...)" or what the alarm asks for (ITLRecovery: how to back it up). */
void	monitor_alarm_text(const struct monitor_report *r,
	    const struct monitor_alarm *a, char *out, size_t outlen);

#endif
