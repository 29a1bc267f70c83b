/* fuzz_device_csv.c - `device import` files, line by line as the
 * command reads them (the store is not touched). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "device_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *line, *next, why[160];
	struct device d;
	int lineno = 0;

	/* The command refuses NUL bytes and NUL-terminates the file. */
	if (memchr(data, '\0', size) != NULL || (text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (device_csv_line(line, ++lineno == 1, &d, why, sizeof(why)) == 1)
			device_free(&d);
	}
	free(text);
	return 0;
}
