/* cmd_monitor.c - `ucpki monitor` and `ucpki monitor config`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "commands.h"
#include "export.h"
#include "json.h"
#include "log.h"
#include "monitor.h"
#include "store.h"

const struct opt monitor_opts[] = {
	{ "once", OPT_FLAG, NULL, "check once and exit (else check every notification period)" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ "syslog", OPT_FLAG, NULL, "also send the alarms to syslog" },
	{ NULL, 0, NULL, NULL },
};

const struct opt monitor_config_opts[] = {
	{ "start-days", OPT_VALUE, "N", "days before expiry when notifications start (default 30)" },
	{ "frequency", OPT_VALUE, "PERIOD", "how often an alarm repeats: 24h, 7d or seconds (default 24h)" },
	{ "email", OPT_VALUE, "ADDRS", "send alarms to these addresses, comma separated" },
	{ "smtp", OPT_VALUE, "URL", "through this SMTP server, e.g. smtp://mail.example.com:25" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

/* -1 on failure; 1 when the e-mail was not delivered (kept for the next
 * run, as cli->err says); else 0. */
static int
print_report(struct cli *cli, const struct args *a, struct store *st)
{
	struct monitor_report r;
	struct json j;
	char text[400];
	int i, rc = 0;

	if (monitor_run(st, clock_now(), &r, &cli->err) == -1) {
		monitor_report_free(&r);	/* a failed mail still found alarms */
		return -1;
	}
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		monitor_report_json(&j, &r);
		json_object_end(&j);
		json_finish(&j);
	} else {
		for (i = 0; i < r.n_alarms; i++) {
			monitor_alarm_text(&r, &r.alarms[i], text, sizeof(text));
			fprintf(cli->out, "%-24s %s/%s: %s%s\n",
			    r.alarms[i].alarm, r.alarms[i].where, r.alarms[i].name,
			    text, r.alarms[i].repeated ?
			    " (already notified this period)" : "");
		}
		for (i = 0; i < r.n_renewals; i++) {
			monitor_renewal_text(&r, &r.renewals[i], text,
			    sizeof(text));
			fprintf(cli->out, "%-24s %s/LSC: %s%s\n",
			    MONITOR_RENEWAL_NAME, r.renewals[i].device, text,
			    r.renewals[i].scheduled ? "" :
			    " (not scheduled: the device changed meanwhile)");
		}
		fprintf(cli->out, "%ld certificates checked, %d alarm(s); LSCs "
		    "expiring within 30/60/90 days: %ld/%ld/%ld; renewals "
		    "scheduled: %d (renew-at %s)\n", r.checked,
		    r.n_alarms, r.lsc_expiring[0], r.lsc_expiring[1],
		    r.lsc_expiring[2], monitor_renewals_scheduled(&r), r.renew_at);
		if (r.mail_tried && r.mail_delivered)
			fprintf(cli->out, "e-mail delivered\n");
		else if (r.mail_tried)
			fprintf(cli->out, "e-mail not delivered: %s; will retry\n",
			    r.mail_error);
	}
	if (r.mail_tried && !r.mail_delivered) {
		ucerr_set(&cli->err, "monitor: e-mail not delivered: %s; will "
		    "retry on the next run", r.mail_error);
		rc = 1;
	}
	monitor_report_free(&r);
	fflush(cli->out);
	return rc;
}

/* CAPF's CRL re-signed when half its period is gone, and the exports
 * that hold it. */
static int
refresh(struct cli *cli, struct store *st)
{
	struct export_refresh r;

	if (exports_refresh(st, clock_now(), &r, &cli->err) == -1)
		return -1;
	cli_exports_report(cli, &r);
	return 0;
}

int
cmd_monitor(struct cli *cli, const struct args *a)
{
	struct monitor_config cfg;
	struct store *st;
	int rc;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	log_setup(LOG_LEVEL_WARN, args_has(a, "syslog"));
	/* Each run also re-signs CAPF's CRL when half its period is gone. */
	if (args_has(a, "once"))
	{
		rc = print_report(cli, a, st);
		if (rc != -1 && refresh(cli, st) == -1)
			return -1;
		return rc == 0 ? 0 : -1;
	}
	for (;;) {
		/* Undelivered e-mail is retried on the next run, not fatal. */
		if (print_report(cli, a, st) == -1 || refresh(cli, st) == -1 ||
		    monitor_config_load(st, &cfg, &cli->err) == -1)
			return -1;
		sleep((unsigned)(cfg.frequency_s > 0 ? cfg.frequency_s : 86400));
	}
}

int
cmd_monitor_config(struct cli *cli, const struct args *a)
{
	static const char *const settings[] = { "start-days", "frequency",
	    "email", "smtp", NULL };
	struct monitor_config cfg;
	struct store *st;
	struct json j;
	const char *v;
	char email[512];
	int i;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	for (i = 0; settings[i] != NULL; i++)
		if ((v = args_get(a, settings[i])) != NULL &&
		    monitor_config_set(st, settings[i], v, &cli->err) == -1)
			return -1;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		if (monitor_config_json(&j, st, &cli->err) == -1)
			return -1;
		json_finish(&j);
		return 0;
	}
	if (monitor_config_load(st, &cfg, &cli->err) == -1)
		return -1;
	fprintf(cli->out, "start-days %ld\nfrequency %lds\n", cfg.start_days,
	    cfg.frequency_s);
	if (store_meta_get(st, "monitor.email", email, sizeof(email), NULL) == 1)
		fprintf(cli->out, "email %s\n", email);
	return 0;
}
