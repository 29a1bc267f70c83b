/*
 * fuzz_multipart.c - a multipart/form-data body as a browser's upload
 * form sends it, through the one multipart reader.  The first line of
 * the input is the Content-Type (its boundary), the rest the body.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1], *type;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl != NULL ? (size_t)(nl - data) : size, i;
	struct multipart m;
	volatile uint8_t sink = 0;
	int n;

	if ((type = malloc(tlen + 1)) == NULL)
		return 0;
	memcpy(type, data, tlen);
	type[tlen] = '\0';
	if (multipart_boundary(type, boundary, NULL) == 0 &&
	    multipart_parse(data + tlen + (nl != NULL), size - tlen -
	    (nl != NULL), boundary, &m, NULL) == 0) {
		/* Every part's bytes lie within the input. */
		for (n = 0; n < m.n; n++)
			for (i = 0; i < m.part[n].len; i++)
				sink ^= m.part[n].data[i];
		(void)multipart_find(&m, "file");
	}
	(void)sink;
	free(type);
	return 0;
}
