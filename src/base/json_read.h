/*
 * json_read.h - a request body as the administration API takes it: one
 * flat JSON object whose values are strings, numbers, true, false or
 * null.  Anything else (nesting, duplicate keys, trailing bytes, bad
 * escapes, control characters) is refused with where and why.
 */
#ifndef UCPKI_JSON_READ_H
#define UCPKI_JSON_READ_H

#include <stddef.h>

#include "err.h"

#define JSON_FLAT_MAX		32	/* members */
#define JSON_FLAT_TEXT_MAX	1024	/* bytes of a key or value */

struct json_member {
	char	*key;
	char	*value;		/* numbers as written; true/false as text */
	int	 is_null;
};

struct json_flat {
	struct json_member	 m[JSON_FLAT_MAX];
	int			 n;
};

int	json_flat_parse(const char *data, size_t len, struct json_flat *out,
	    struct ucerr *err);
void	json_flat_free(struct json_flat *f);

#endif
