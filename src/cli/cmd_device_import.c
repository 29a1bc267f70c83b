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

#include "commands.h"
#include "device_csv.h"
#include "fileio.h"
#include "store.h"
#include "store_device.h"

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
	char *text = NULL, *line, *next, why[160];
	struct device d;
	struct store *st;
	uint8_t *data;
	size_t len, lineno = 0, done = 0, bad = 0;
	char first[200] = "";
	int rc = -1, got, up;

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
		if ((got = device_csv_line(line, lineno == 1, &d, why,
		    sizeof(why))) == 0)
			continue;
		if (got == 1) {
			up = upsert(st, &d, &cli->err);
			device_free(&d);
			if (up == -1) {
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
