/* device_csv.c - a device import line (see device_csv.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "device_csv.h"
#include "x509.h"

/* Splits line at commas into at most DEVICE_CSV_FIELDS trimmed fields. */
static int
csv_split(char *line, char *fields[DEVICE_CSV_FIELDS])
{
	int n = 0;
	char *p = line, *end;

	for (n = 0; n < DEVICE_CSV_FIELDS; n++)
		fields[n] = "";
	for (n = 0; p != NULL; n++) {
		if (n == DEVICE_CSV_FIELDS)
			return -1;
		fields[n] = p;
		if ((p = strchr(p, ',')) != NULL)
			*p++ = '\0';
		while (*fields[n] == ' ' || *fields[n] == '\t')
			fields[n]++;
		end = fields[n] + strlen(fields[n]);
		while (end > fields[n] && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r'))
			*--end = '\0';
	}
	return n;
}

/* One CSV line into a device; the message names the problem. */
static int
csv_device(char *fields[DEVICE_CSV_FIELDS], struct device *d, char *why,
    size_t whylen)
{
	struct key_spec spec;
	time_t deadline;

	memset(d, 0, sizeof(*d));
	if (!device_name_valid(fields[0])) {
		snprintf(why, whylen, "'%.64s' is not a device name", fields[0]);
		return -1;
	}
	snprintf(d->name, sizeof(d->name), "%s", fields[0]);
	snprintf(d->model, sizeof(d->model), "%.31s", fields[1]);
	d->operation = fields[2][0] ? cert_operation_parse(fields[2]) : 0;
	d->auth_mode = fields[3][0] ? capf_auth_mode_parse(fields[3]) : 0;
	if (d->operation < 0 || d->auth_mode < 0) {
		snprintf(why, whylen, "bad %s '%.32s'", d->operation < 0 ?
		    "operation" : "auth mode", d->operation < 0 ? fields[2] :
		    fields[3]);
		return -1;
	}
	if (fields[4][0] && !auth_string_valid(fields[4])) {
		snprintf(why, whylen, "authentication string must be 4 to 10 "
		    "digits");
		return -1;
	}
	snprintf(d->auth_string, sizeof(d->auth_string), "%s", fields[4]);
	if (d->auth_mode == CAPF_AUTH_STRING && d->operation != CERT_OP_NONE &&
	    d->auth_string[0] == '\0') {
		snprintf(why, whylen, "By Authentication String needs a string");
		return -1;
	}
	if (fields[5][0] && key_spec_parse(fields[5], &spec, NULL) == -1) {
		snprintf(why, whylen, "bad key type '%.16s'", fields[5]);
		return -1;
	}
	snprintf(d->key_type, sizeof(d->key_type), "%s",
	    fields[5][0] ? fields[5] : "rsa2048");
	deadline = fields[6][0] ? clock_parse_local(fields[6]) :
	    clock_now() + 3600;
	if (deadline == -1) {
		snprintf(why, whylen, "deadline must be \"YYYY-MM-DD HH:MM\"");
		return -1;
	}
	d->deadline = deadline;
	d->status = d->operation ? CERT_STATUS_SCHEDULE : CERT_STATUS_NONE;
	return 0;
}

int
device_csv_line(char *line, int first_line, struct device *d, char *why,
    size_t whylen)
{
	char *fields[DEVICE_CSV_FIELDS];

	if (line[0] == '\0' || line[0] == '#' || (line[0] == '\r' &&
	    line[1] == '\0'))
		return 0;
	if (strlen(line) > DEVICE_CSV_LINE_MAX) {
		snprintf(why, whylen, "line too long");
		return -1;
	}
	if (csv_split(line, fields) == -1) {
		snprintf(why, whylen, "more than %d columns", DEVICE_CSV_FIELDS);
		return -1;
	}
	if (first_line && strcasecmp(fields[0], "name") == 0)
		return 0;
	return csv_device(fields, d, why, whylen) == 0 ? 1 : -1;
}
