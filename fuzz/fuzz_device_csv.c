/* fuzz_device_csv.c - `device import` files: the RFC 4180 reader the
 * command uses, record by record, to the end or the first refusal. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_record *rec = malloc(sizeof(*rec));
	struct ucerr err;
	struct csv c;

	if (rec == NULL)
		return 0;
	csv_init(&c, data, size);
	while (csv_next(&c, rec, &err) == 1)
		;
	free(rec);
	return 0;
}
