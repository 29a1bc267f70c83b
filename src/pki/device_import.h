/*
 * device_import.h - many devices at once from CSV, all or nothing, with
 * device set's rules (the same scheduling, the same checks).
 *
 * Columns: name, model, operation, auth mode, string, key, deadline
 * ("YYYY-MM-DD HH:MM"), RFC 4180 quoting allowed.  Empty fields take the
 * defaults; a first line starting with "name" is a header; a name written
 * as a MAC becomes SEP<MAC>.  Existing devices are updated and keep their
 * security profile (the CSV has none).
 */
#ifndef UCPKI_DEVICE_IMPORT_H
#define UCPKI_DEVICE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "err.h"

struct store;

struct device_import_report {
	size_t	 imported;
	/* Names written as MACs: how many, and the first one. */
	size_t	 renamed, renamed_line;
	char	 renamed_from[CSV_FIELD_MAX], renamed_to[64];
};

/* progress(arg, n) every 1,000 devices; may be NULL.  label names the
 * source in messages ("devices.csv:12: ..."). */
int	device_import_csv(struct store *st, const char *label,
	    const uint8_t *data, size_t len, struct device_import_report *r,
	    void (*progress)(void *arg, size_t n), void *arg,
	    struct ucerr *err);

#endif
