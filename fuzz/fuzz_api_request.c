/*
 * fuzz_api_request.c - what a peer of the administration API controls
 * before any handler runs: the path through the router (api_match) and
 * the body through the JSON reader (json_read.c), and the query values
 * the handlers read (audit's since and limit, TVS's ttl).  The first
 * byte says where the split between path and body falls; the path is
 * the query value too.  CSV and certificate bodies go through the CSV
 * and certificate readers, whose own targets cover them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "audit.h"
#include "json_read.h"
#include "tvs_index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *params[API_MAX_PARAMS];
	char path[1024], buf[1024];
	struct json_flat f;
	struct ucerr err;
	int64_t since, limit;
	uint32_t ttl;
	size_t cut;
	int status;

	if (size == 0)
		return 0;
	cut = data[0] < size ? data[0] : size - 1;
	memcpy(path, data + 1, cut < sizeof(path) - 1 ? cut : sizeof(path) - 1);
	path[cut < sizeof(path) - 1 ? cut : sizeof(path) - 1] = '\0';
	api_match("GET", path, buf, sizeof(buf), params, &status);
	api_match("POST", path, buf, sizeof(buf), params, &status);
	api_match("DELETE", path, buf, sizeof(buf), params, &status);
	audit_since_parse(path, &since, &err);
	audit_limit_parse(path, &limit, &err);
	tvs_ttl_parse(path, &ttl, &err);
	if (json_flat_parse((const char *)data + 1 + cut, size - 1 - cut, &f,
	    &err) == 0)
		json_flat_free(&f);
	return 0;
}
