/*
 * device_csv.h - one line of a `device import` file: name, model,
 * operation, auth mode, string, key, deadline ("YYYY-MM-DD HH:MM").
 * Empty fields take the defaults; a first line starting with "name" is
 * a header; blank lines and lines starting with '#' are skipped.
 */
#ifndef UCPKI_DEVICE_CSV_H
#define UCPKI_DEVICE_CSV_H

#include <stddef.h>

#include "device.h"

#define DEVICE_CSV_FIELDS	7
#define DEVICE_CSV_LINE_MAX	1024

/* line is cut in place.  1: *d holds a device (free it with
 * device_free); 0: nothing on the line; -1: why says what is wrong. */
int	device_csv_line(char *line, int first_line, struct device *d,
	    char *why, size_t whylen);

#endif
