/*
 * kvfile.h - "key = value" text files (ucpki.conf, the service's status
 * file), read line by line through the bounds-checked reader.
 *
 * A line is blank, a comment (first non-blank character '#'), or
 * "key = value": the key is lower-case letters, digits and '-', the value
 * is the rest of the line without surrounding blanks (it may be empty).
 * Control characters other than tab, lines longer than KV_LINE_MAX and
 * keys longer than KV_KEY_MAX are refused.  Errors name the line:
 * "NAME:LINE: reason".
 */
#ifndef UCPKI_KVFILE_H
#define UCPKI_KVFILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KV_LINE_MAX	1024
#define KV_KEY_MAX	63
/* Largest file kv_load reads (a configuration is a few kilobytes). */
#define KV_FILE_MAX	(64u * 1024)

/* Called once per "key = value" line; return -1 with err set to refuse
 * it (the message gets the file and line in front). */
typedef int (*kv_cb)(void *ctx, const char *key, const char *value,
    struct ucerr *err);

int	kv_parse(const char *name, const uint8_t *data, size_t len, kv_cb cb,
	    void *ctx, struct ucerr *err);
/* Reads the file (at most KV_FILE_MAX bytes) and parses it. */
int	kv_load(const char *path, kv_cb cb, void *ctx, struct ucerr *err);

#endif
