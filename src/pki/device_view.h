/*
 * device_view.h - a device as every front end shows it: the lookup and
 * its messages, the filters of `device list`, and the JSON of `device
 * show --json`, `device list --json` and `capf report --json`, which the
 * API returns unchanged.
 */
#ifndef UCPKI_DEVICE_VIEW_H
#define UCPKI_DEVICE_VIEW_H

#include <stdio.h>
#include <time.h>

#include "device.h"
#include "err.h"
#include "json.h"
#include "store_device.h"

struct store;

/* Refuses a name that is not a device's, with the rule. */
int	device_name_check(const char *name, struct ucerr *err);
/* 1 found; 0 "NAME: no such device" in err; -1 error. */
int	device_lookup(struct store *st, const char *name, struct device *d,
	    struct ucerr *err);

/* One of device list's filters by its option name (status, lsc, model,
 * expiring); value is kept (not copied) for model. */
int	device_filter_option(struct device_filter *f, const char *option,
	    const char *value, struct ucerr *err);

void	device_json_show(struct json *j, struct store *st,
	    const struct device *d, int show_secrets);
void	device_json_item(struct json *j, const struct device *d);

/* A row of the CAPF report: the LSC's issuer, serial and end. */
struct capf_report_row {
	char	 issuer[256];		/* escaped */
	char	 serial[64];
	time_t	 not_after;		/* 0: no LSC */
};

void	capf_report_row_get(const struct device *d, struct capf_report_row *r);
/* The report as CSV (RFC 4180), for `capf report --csv` and the page's
 * download: the header line, then one line a device. */
void	capf_report_csv_header(FILE *fp);
void	capf_report_csv(FILE *fp, const struct device *d,
	    const struct capf_report_row *r);
void	capf_report_json(struct json *j, const struct device *d,
	    const struct capf_report_row *r);

#endif
