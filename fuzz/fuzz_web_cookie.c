/*
 * fuzz_web_cookie.c - the Cookie header a browser (or anyone) sends the
 * administration pages, through the one cookie reader.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *header, out[65];

	if ((header = malloc(size + 1)) == NULL)
		return 0;
	memcpy(header, data, size);
	header[size] = '\0';
	(void)web_cookie_value(header, WEB_COOKIE, out, sizeof(out));
	(void)web_cookie_value(header, "a", out, 2);
	free(header);
	return 0;
}
