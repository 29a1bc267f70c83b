/* json.c - streaming JSON writer (see json.h). */
#include <inttypes.h>

#include "clock.h"
#include "json.h"
#include "text.h"

void
json_init(struct json *j, FILE *fp)
{
	j->fp = fp;
	j->depth = 0;
	j->need_comma[0] = 0;
}

/*
 * A JSON string: controls (C0, DEL, C1) as \u escapes, and a byte that is
 * not well-formed UTF-8 as U+FFFD, so the document stays valid JSON and
 * a consumer printing a value cannot be driven by it.
 */
static void
put_escaped(FILE *fp, const char *s)
{
	uint32_t cp;
	size_t n;

	fputc('"', fp);
	while (*s != '\0') {
		n = utf8_char(s, &cp);
		if (n == 0) {
			fputs("\\ufffd", fp);
			s++;
			continue;
		}
		switch (cp) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (text_is_control(cp))
				fprintf(fp, "\\u%04x", (unsigned)cp);
			else
				fwrite(s, 1, n, fp);
		}
		s += n;
	}
	fputc('"', fp);
}

/* Writes the comma and key that go before any value. */
static void
prefix(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->fp);
	j->need_comma[j->depth] = 1;
	if (key != NULL) {
		put_escaped(j->fp, key);
		fputc(':', j->fp);
	}
}

static void
open_container(struct json *j, const char *key, char c)
{
	prefix(j, key);
	fputc(c, j->fp);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = 0;
}

static void
close_container(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->fp);
}

void json_object_begin(struct json *j, const char *key) { open_container(j, key, '{'); }
void json_object_end(struct json *j) { close_container(j, '}'); }
void json_array_begin(struct json *j, const char *key) { open_container(j, key, '['); }
void json_array_end(struct json *j) { close_container(j, ']'); }

void
json_string(struct json *j, const char *key, const char *value)
{
	prefix(j, key);
	if (value == NULL)
		fputs("null", j->fp);
	else
		put_escaped(j->fp, value);
}

void
json_int(struct json *j, const char *key, int64_t value)
{
	prefix(j, key);
	fprintf(j->fp, "%" PRId64, value);
}

void
json_bool(struct json *j, const char *key, int value)
{
	prefix(j, key);
	fputs(value ? "true" : "false", j->fp);
}

void
json_null(struct json *j, const char *key)
{
	prefix(j, key);
	fputs("null", j->fp);
}

void
json_finish(struct json *j)
{
	fputc('\n', j->fp);
}

void
json_time(struct json *j, const char *key, time_t t)
{
	char when[TIME_TEXT_MAX];

	time_format_iso(t, when, sizeof(when));
	json_string(j, key, when);
}
