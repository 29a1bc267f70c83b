/* curl_api.c - libcurl, opened when first used (see curl_api.h). */
#define CURL_API_IMPL
#include "curl_api.h"
#include "lazylib.h"

struct curl_api curl_api;

#define CURL_API_NAME(f) #f,
static const char *const names[] = { CURL_API_FUNCTIONS(CURL_API_NAME) };
#undef CURL_API_NAME

/* The table is filled as an array of pointers, one per name. */
_Static_assert(sizeof(struct curl_api) == sizeof(names) / sizeof(names[0]) *
    sizeof(void *), "one slot per name");

static struct lazylib libcurl = LAZYLIB_INIT("libcurl.so.4", "libcurl4",
    names, &curl_api);

int
curl_api_load(struct ucerr *err)
{
	return lazylib_load(&libcurl, err);
}
