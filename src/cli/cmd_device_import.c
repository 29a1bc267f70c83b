/*
 * cmd_device_import.c - `ucpki device import FILE.csv`: many devices at
 * once, all or nothing (the rules: src/pki/device_import.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "device_import.h"
#include "fileio.h"

static void
progress(void *arg, size_t n)
{
	(void)arg;
	fprintf(stderr, "device import: %zu\r", n);
}

int
cmd_device_import(struct cli *cli, const struct args *a)
{
	const char *path = a->positional[0];
	const char *label = path_is_stdio(path) ? "standard input" : path;
	struct device_import_report r;
	struct store *st;
	uint8_t *data;
	size_t len;
	int rc;

	if ((st = cli_store(cli)) == NULL ||
	    file_read(path, FILE_READ_MAX, &data, &len, &cli->err) == -1)
		return -1;
	rc = device_import_csv(st, label, data, len, &r, progress, NULL,
	    &cli->err);
	free(data);
	if (rc == -1)
		return -1;
	if (r.imported >= 1000)
		fprintf(stderr, "\n");
	if (r.renamed > 0)
		fprintf(stderr, "device: %s read as %s (line %zu%s)\n",
		    r.renamed_from, r.renamed_to, r.renamed_line, r.renamed > 1 ?
		    ", and more names written as MACs" : "");
	fprintf(cli->out, "%zu devices imported\n", r.imported);
	return 0;
}
