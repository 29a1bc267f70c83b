/* device_import.c - devices from CSV (see device_import.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "csv.h"
#include "device.h"
#include "device_import.h"
#include "device_new.h"
#include "device_rules.h"
#include "store.h"
#include "store_device.h"
#include "text.h"

#define CSV_FIELDS	7

/* One CSV record into a device; the message names the problem. */
static int
csv_device(char fields[][CSV_FIELD_MAX], struct device *d, char *why,
    size_t whylen)
{
	struct ucerr err;
	time_t deadline;
	int operation;

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
	/* Key Order follows the key's family (ec256: EC Only). */
	if (device_key_settings(d, fields[5][0] ? fields[5] : "rsa2048", -1,
	    NULL) == -1) {
		snprintf(why, whylen, "bad key type '%.16s'", fields[5]);
		return -1;
	}
	deadline = fields[6][0] ? clock_parse_local(fields[6]) : 0;
	if (deadline == -1) {
		snprintf(why, whylen, "deadline must be \"YYYY-MM-DD HH:MM\"");
		return -1;
	}
	/* The same rules as device set: status, lockout, default deadline. */
	operation = d->operation;
	d->operation = CERT_OP_NONE;
	if (device_schedule(d, operation, deadline, &err) == -1) {
		snprintf(why, whylen, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* Says once that names were written as MACs, with the first example. */
static void
normalise_name(char *field, size_t line, struct device_import_report *r)
{
	char name[64];

	if (device_name_normalise(field, name, sizeof(name)) != 1)
		return;
	if (r->renamed++ == 0) {
		r->renamed_line = line;
		snprintf(r->renamed_from, sizeof(r->renamed_from), "%s", field);
		snprintf(r->renamed_to, sizeof(r->renamed_to), "%s", name);
	}
	snprintf(field, CSV_FIELD_MAX, "%s", name);
}

int
device_import_csv(struct store *st, const char *label, const uint8_t *data,
    size_t len, struct device_import_report *r,
    void (*progress)(void *arg, size_t n), void *arg, struct ucerr *err)
{
	struct csv_record *rec = NULL;
	struct csv csv;
	struct ucerr perr;
	char why[160], first[300] = "";
	struct device d;
	size_t bad = 0;
	int got, rc = -1;

	memset(r, 0, sizeof(*r));
	if (memchr(data, '\0', len) != NULL)
		return ucerr_set(err, "%s: not a text file", label);
	if ((rec = malloc(sizeof(*rec))) == NULL)
		return ucerr_set(err, "device import: out of memory");
	if (store_begin(st, err) == -1)
		goto out;
	csv_init(&csv, data, len);
	while ((got = csv_next(&csv, rec, &perr)) == 1) {
		if (rec->n_fields == 1 && rec->fields[0][0] == '\0')
			continue;			/* blank line */
		if (rec->fields[0][0] == '#')
			continue;			/* comment */
		if (rec->line == 1 && strcasecmp(rec->fields[0], "name") == 0)
			continue;			/* header */
		if (rec->n_fields > CSV_FIELDS) {
			snprintf(why, sizeof(why), "%d columns, at most %d (name, "
			    "model, operation, auth, string, key, deadline)",
			    rec->n_fields, CSV_FIELDS);
		} else {
			for (; rec->n_fields < CSV_FIELDS; rec->n_fields++)
				rec->fields[rec->n_fields][0] = '\0';
			normalise_name(rec->fields[0], rec->line, r);
			if (csv_device(rec->fields, &d, why, sizeof(why)) == 0) {
				if (device_upsert(st, &d, err) == -1) {
					store_rollback(st);
					ucerr_wrap(err, "%s:%zu", label, rec->line);
					goto out;
				}
				if (++r->imported % 1000 == 0 && progress != NULL)
					progress(arg, r->imported);
				continue;
			}
		}
		if (bad++ == 0)
			snprintf(first, sizeof(first), "%s:%zu: %s", label,
			    rec->line, why);
	}
	if (got == -1 && bad++ == 0)
		snprintf(first, sizeof(first), "%s:%zu: %s", label,
		    csv.err_line, perr.msg);
	if (bad > 0) {
		store_rollback(st);
		ucerr_set(err, "%s%s; nothing imported", first, bad > 1 ?
		    " (and more bad lines)" : "");
		goto out;
	}
	if (store_commit(st, err) == -1) {
		store_rollback(st);
		goto out;
	}
	rc = 0;
out:
	free(rec);
	return rc;
}
