/*
 * fuzz_api_request.c - what a peer of the administration API controls
 * before any handler runs: the path through the router (api_match) and
 * the body through the JSON reader (json_read.c).  The first byte says
 * where the split between path and body falls.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *params[API_MAX_PARAMS];
	char path[1024], buf[1024];
	struct json_flat f;
	struct ucerr err;
	size_t cut;
	int status;

	if (size == 0)
		return 0;
	cut = data[0] < size ? data[0] : size - 1;
	memcpy(path, data + 1, cut < sizeof(path) - 1 ? cut : sizeof(path) - 1);
	path[cut < sizeof(path) - 1 ? cut : sizeof(path) - 1] = '\0';
	api_match("GET", path, buf, sizeof(buf), params, &status);
	api_match("POST", path, buf, sizeof(buf), params, &status);
	if (json_flat_parse((const char *)data + 1 + cut, size - 1 - cut, &f,
	    &err) == 0)
		json_flat_free(&f);
	return 0;
}
