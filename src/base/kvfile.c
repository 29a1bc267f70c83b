/* kvfile.c - "key = value" text files (see kvfile.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "kvfile.h"

static int
is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
is_key_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* One line (without its newline) into key and value; 0 when blank or a
 * comment, 1 when key and value were filled, -1 with err set. */
static int
split_line(const uint8_t *p, size_t len, char *key, char *value,
    struct ucerr *err)
{
	size_t i, start, end, klen;

	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r') || p[i] == 0x7f)
			return ucerr_set(err, "control character 0x%02x at column "
			    "%zu", p[i], i + 1);
	for (i = 0; i < len && is_blank(p[i]); i++)
		;
	if (i == len || p[i] == '#')
		return 0;
	start = i;
	while (i < len && is_key_char(p[i]))
		i++;
	klen = i - start;
	if (klen == 0)
		return ucerr_set(err, "expected 'key = value'");
	if (klen > KV_KEY_MAX)
		return ucerr_set(err, "key longer than %d characters", KV_KEY_MAX);
	memcpy(key, p + start, klen);
	key[klen] = '\0';
	/* A character that cannot be in a key, right after the key. */
	if (i < len && !is_blank(p[i]) && p[i] != '=' && p[i] >= 0x20 &&
	    p[i] < 0x7f)
		return ucerr_set(err, "%s%c: keys are lower-case letters, "
		    "digits and '-'", key, p[i]);
	while (i < len && is_blank(p[i]))
		i++;
	if (i == len || p[i] != '=')
		return ucerr_set(err, "%s: expected '=' after the key", key);
	for (i++; i < len && is_blank(p[i]); i++)
		;
	for (end = len; end > i && is_blank(p[end - 1]); end--)
		;
	memcpy(value, p + i, end - i);
	value[end - i] = '\0';
	return 1;
}

int
kv_parse(const char *name, const uint8_t *data, size_t len, kv_cb cb,
    void *ctx, struct ucerr *err)
{
	char key[KV_KEY_MAX + 1], value[KV_LINE_MAX + 1];
	uint8_t line[KV_LINE_MAX], c;
	struct reader r;
	size_t n;
	int lineno = 0, rc;

	reader_init(&r, data, len);
	while (reader_left(&r) > 0) {
		lineno++;
		n = 0;
		while (reader_u8(&r, &c) == 0 && c != '\n') {
			if (n == sizeof(line))
				return ucerr_set(err, "%s:%d: line longer than %d "
				    "bytes", name, lineno, KV_LINE_MAX);
			line[n++] = c;
		}
		rc = split_line(line, n, key, value, err);
		if (rc == 1)
			rc = cb(ctx, key, value, err);
		if (rc == -1)
			return ucerr_wrap(err, "%s:%d", name, lineno);
	}
	return 0;
}

int
kv_load(const char *path, kv_cb cb, void *ctx, struct ucerr *err)
{
	uint8_t *data;
	size_t len;
	int rc;

	if (file_read(path, KV_FILE_MAX, &data, &len, err) == -1)
		return -1;
	rc = kv_parse(path, data, len, cb, ctx, err);
	free(data);
	return rc;
}
