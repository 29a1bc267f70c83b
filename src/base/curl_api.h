/*
 * curl_api.h - libcurl, opened when first used: an alarm e-mail, a
 * simulated phone's HTTP fetch (see lazylib.h for why).  Its users
 * include this instead of <curl/curl.h> and call libcurl by its own
 * names; a function they start to use goes into CURL_API_FUNCTIONS.
 */
#ifndef UCPKI_CURL_API_H
#define UCPKI_CURL_API_H

/* curl.h's type-checking wrappers would hide the functions' types. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "err.h"

#define CURL_API_FUNCTIONS(X) \
	X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_init) \
	X(curl_easy_perform) X(curl_easy_setopt) X(curl_easy_strerror) \
	X(curl_slist_append) X(curl_slist_free_all)

struct curl_api {
#define CURL_API_SLOT(f) __typeof__(f) *f;
	CURL_API_FUNCTIONS(CURL_API_SLOT)
#undef CURL_API_SLOT
};

extern struct curl_api curl_api;

/* Before the first libcurl call: -1 with err when libcurl4 is missing. */
int	curl_api_load(struct ucerr *err);

#ifndef CURL_API_IMPL
/* curl.h names these two by function-like macros of its own. */
#undef curl_easy_getinfo
#undef curl_easy_setopt
#define curl_easy_cleanup	(curl_api.curl_easy_cleanup)
#define curl_easy_getinfo	(curl_api.curl_easy_getinfo)
#define curl_easy_init		(curl_api.curl_easy_init)
#define curl_easy_perform	(curl_api.curl_easy_perform)
#define curl_easy_setopt	(curl_api.curl_easy_setopt)
#define curl_easy_strerror	(curl_api.curl_easy_strerror)
#define curl_slist_append	(curl_api.curl_slist_append)
#define curl_slist_free_all	(curl_api.curl_slist_free_all)
#endif

#endif
