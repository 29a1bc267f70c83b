/*
 * json.h - a small streaming JSON writer for --json output.
 * Commas and escaping are handled here; callers just say what comes next.
 */
#ifndef UCPKI_JSON_H
#define UCPKI_JSON_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE	*fp;
	int	 depth;
	int	 need_comma[JSON_MAX_DEPTH];
};

void	json_init(struct json *j, FILE *fp);
void	json_object_begin(struct json *j, const char *key);	/* key NULL in arrays */
void	json_object_end(struct json *j);
void	json_array_begin(struct json *j, const char *key);
void	json_array_end(struct json *j);
void	json_string(struct json *j, const char *key, const char *value);
void	json_int(struct json *j, const char *key, int64_t value);
void	json_bool(struct json *j, const char *key, int value);
void	json_null(struct json *j, const char *key);
/* A time as ISO 8601 UTC ("2026-12-01T19:41:37Z"), the one JSON format. */
void	json_time(struct json *j, const char *key, time_t t);
/* Ends the document with a newline. */
void	json_finish(struct json *j);

#endif
