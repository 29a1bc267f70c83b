/*
 * cmd_device_import.c - `ucpki device import FILE.csv`: many devices at
 * once, all or nothing.
 *
 * Columns: name, model, operation, auth mode, string, key, deadline
 * ("YYYY-MM-DD HH:MM").  Empty fields take the defaults; a first line
 * starting with "name" is a header.  Existing devices are updated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "commands.h"
#include "device.h"
#include "fileio.h"
#include "store.h"
#include "store_device.h"
#include "text.h"
#include "x509.h"

#define CSV_FIELDS	7
#define CSV_LINE_MAX	1024


/* Splits line at commas into at most CSV_FIELDS trimmed fields. */
static int
csv_split(char *line, char *fields[CSV_FIELDS])
{
	int n = 0;
	char *p = line, *end;

	for (n = 0; n < CSV_FIELDS; n++)
		fields[n] = "";
	for (n = 0; p != NULL; n++) {
		if (n == CSV_FIELDS)
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
csv_device(char *fields[CSV_FIELDS], struct device *d, char *why,
    size_t whylen)
{
	struct key_spec spec;
	time_t deadline;

	memset(d, 0, sizeof(*d));
	if (!device_name_valid(fields[0])) {
		snprintf(why, whylen, "'%.64s' is not a device name", fields[0]);
		return -1;
	}
	if (text_find_control(fields[1]) != -1) {
		snprintf(why, whylen, "the model has a control character");
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

static int
upsert(struct store *st, struct device *d, struct ucerr *err)
{
	struct device old;
	int found;

	if ((found = store_device_get(st, d->name, &old, err)) == -1)
		return -1;
	if (found == 0)
		return store_device_add(st, d, err);
	device_free(&old);
	return store_device_update(st, d, err);
}

int
cmd_device_import(struct cli *cli, const struct args *a)
{
	const char *path = a->positional[0];
	char *fields[CSV_FIELDS], *text = NULL, *line, *next, why[160];
	struct device d;
	struct store *st;
	uint8_t *data;
	size_t len, lineno = 0, done = 0, bad = 0;
	char first[200] = "";
	int rc = -1;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (file_read(path, FILE_READ_MAX, &data, &len, &cli->err) == -1)
		return -1;
	if (memchr(data, '\0', len) != NULL) {
		free(data);
		return ucerr_set(&cli->err, "%s: not a text file", path);
	}
	text = (char *)data;	/* file_read NUL-terminates */
	if (store_begin(st, &cli->err) == -1)
		goto out;
	for (line = text; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '\0' || line[0] == '#' || (line[0] == '\r' &&
		    line[1] == '\0'))
			continue;
		if (strlen(line) > CSV_LINE_MAX) {
			snprintf(why, sizeof(why), "line too long");
		} else if (csv_split(line, fields) == -1) {
			snprintf(why, sizeof(why), "more than %d columns",
			    CSV_FIELDS);
		} else if (lineno == 1 && strcasecmp(fields[0], "name") == 0) {
			continue;
		} else if (csv_device(fields, &d, why, sizeof(why)) == 0) {
			if (upsert(st, &d, &cli->err) == -1) {
				store_rollback(st);
				ucerr_wrap(&cli->err, "%s:%zu", path, lineno);
				goto out;
			}
			if (++done % 1000 == 0)
				fprintf(stderr, "device import: %zu\r", done);
			continue;
		}
		if (bad++ == 0)
			snprintf(first, sizeof(first), "%s:%zu: %s", path,
			    lineno, why);
	}
	if (bad > 0) {
		store_rollback(st);
		ucerr_set(&cli->err, "%s%s; nothing imported", first, bad > 1 ?
		    " (and more bad lines)" : "");
		goto out;
	}
	if (store_commit(st, &cli->err) == -1) {
		store_rollback(st);
		goto out;
	}
	if (done >= 1000)
		fprintf(stderr, "\n");
	fprintf(cli->out, "%zu devices imported\n", done);
	rc = 0;
out:
	free(data);
	return rc;
}
