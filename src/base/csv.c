/* csv.c - RFC 4180 records (see csv.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"

void
csv_init(struct csv *c, const void *data, size_t len)
{
	reader_init(&c->r, data, len);
	c->line = 1;
	c->err_line = 0;
}

/* Says what is wrong and on which line; returns -1. */
static int UC_PRINTF(4, 5)
malformed(struct csv *c, size_t line, struct ucerr *err, const char *fmt, ...)
{
	va_list ap;

	c->err_line = line;
	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The next byte without taking it; -1 at the end. */
static int
peek(const struct csv *c)
{
	struct reader look = c->r;
	uint8_t b;

	return reader_u8(&look, &b) == 0 ? b : -1;
}

static int
take(struct csv *c)
{
	uint8_t b;

	if (reader_u8(&c->r, &b) == -1)
		return -1;
	if (b == '\n')
		c->line++;
	return b;
}

static void
skip_blanks(struct csv *c)
{
	while (peek(c) == ' ' || peek(c) == '\t')
		take(c);
}

static int
append(struct csv *c, char *field, size_t *len, int b, size_t line, int n,
    struct ucerr *err)
{
	if (*len + 1 >= CSV_FIELD_MAX)
		return malformed(c, line, err, "field %d longer than %d bytes",
		    n + 1, CSV_FIELD_MAX - 1);
	field[(*len)++] = (char)b;
	field[*len] = '\0';
	return 0;
}

/* "..." with "" for a quote; the opening quote is already taken. */
static int
quoted(struct csv *c, char *field, int n, struct ucerr *err)
{
	size_t len = 0, opened = c->line;
	int b;

	for (;;) {
		if ((b = take(c)) == -1)
			return malformed(c, opened, err, "field %d: the quote "
			    "opened here is never closed", n + 1);
		if (b == '"') {
			if (peek(c) != '"')
				break;
			take(c);
		}
		if (append(c, field, &len, b, opened, n, err) == -1)
			return -1;
	}
	skip_blanks(c);
	b = peek(c);
	if (b != ',' && b != '\n' && b != '\r' && b != -1)
		return malformed(c, c->line, err, "field %d: text after the "
		    "closing quote (a quote inside quotes is written \"\")",
		    n + 1);
	return 0;
}

static int
unquoted(struct csv *c, char *field, int n, struct ucerr *err)
{
	size_t len = 0;
	int b;

	while ((b = peek(c)) != -1 && b != ',' && b != '\n') {
		take(c);
		if (append(c, field, &len, b, c->line, n, err) == -1)
			return -1;
	}
	while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\t' ||
	    field[len - 1] == '\r'))
		field[--len] = '\0';
	return 0;
}

int
csv_next(struct csv *c, struct csv_record *rec, struct ucerr *err)
{
	int b, n;

	if (reader_left(&c->r) == 0)
		return 0;
	rec->line = c->line;
	rec->n_fields = 0;
	for (;;) {
		if ((n = rec->n_fields) == CSV_FIELDS_MAX)
			return malformed(c, rec->line, err, "more than %d fields",
			    CSV_FIELDS_MAX);
		rec->fields[n][0] = '\0';
		skip_blanks(c);
		if (peek(c) == '"') {
			take(c);
			if (quoted(c, rec->fields[n], n, err) == -1)
				return -1;
		} else if (unquoted(c, rec->fields[n], n, err) == -1) {
			return -1;
		}
		rec->n_fields++;
		if ((b = take(c)) == ',')
			continue;
		if (b == '\r')
			b = take(c);
		if (b == '\n' || b == -1)
			return 1;
		return malformed(c, c->line, err, "field %d: a carriage return "
		    "inside a field (quote the field)", n + 1);
	}
}
