/*
 * fuzz_ucm_db.c - a foreign SQLite file as `ucpki import usecallmanager`
 * reads it (src/store/store_ucm.c): recognised as capfctl's and as
 * tvsctl's database, and every row read.  The input is the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_ucm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static int
every_row(void *ctx, const struct ucm_row *row, struct ucerr *err)
{
	size_t i;

	(void)ctx;
	(void)err;
	/* The reader promises bounded cells and NUL-terminated text. */
	for (i = 0; i < UCM_COLS_MAX; i++)
		if (row->col[i].type == UCM_TEXT &&
		    strlen(row->col[i].text) != row->col[i].len)
			abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ucm_db *db;
	struct ucerr err;
	FILE *fp;
	int kind;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz_ucm_db.%d.sqlite3",
		    (int)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	for (kind = UCM_CAPF; kind <= UCM_TVS; kind++) {
		if (ucm_db_open(path, (enum ucm_kind)kind, &db, &err) == -1)
			continue;
		(void)ucm_db_each(db, every_row, NULL, &err);
		ucm_db_close(db);
	}
	unlink(path);
	return 0;
}
