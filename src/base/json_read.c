/* json_read.c - one flat JSON object (see json_read.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "text.h"

/* utf8_char on at most avail bytes (the body is not NUL-terminated). */
static size_t
utf8_char_n(const char *s, size_t avail)
{
	char tmp[5] = { 0 };
	uint32_t cp;

	memcpy(tmp, s, avail < 4 ? avail : 4);
	return utf8_char(tmp, &cp);
}

struct cursor {
	const char	*p, *end, *start;
	struct ucerr	*err;
};

static int
fail(struct cursor *c, const char *why)
{
	return ucerr_set(c->err, "JSON body: byte %zu: %s",
	    (size_t)(c->p - c->start), why);
}

static void
skip_space(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
hex4(struct cursor *c, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (c->end - c->p < 4)
		return fail(c, "\\u needs four hex digits");
	for (i = 0; i < 4; i++, c->p++) {
		v <<= 4;
		if (*c->p >= '0' && *c->p <= '9')
			v |= (unsigned)(*c->p - '0');
		else if (*c->p >= 'a' && *c->p <= 'f')
			v |= (unsigned)(*c->p - 'a' + 10);
		else if (*c->p >= 'A' && *c->p <= 'F')
			v |= (unsigned)(*c->p - 'A' + 10);
		else
			return fail(c, "\\u needs four hex digits");
	}
	*out = v;
	return 0;
}

/* Appends code point cp as UTF-8; -1 when out is full. */
static int
put_utf8(char *out, size_t *n, unsigned cp)
{
	uint8_t b[4];
	size_t k, len;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		len = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		len = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		len = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | cp >> 18);
		b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		len = 4;
	}
	if (*n + len >= JSON_FLAT_TEXT_MAX)
		return -1;
	for (k = 0; k < len; k++)
		out[(*n)++] = (char)b[k];
	return 0;
}

static int
escape(struct cursor *c, char *out, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned cp, lo;

	if (c->p == c->end)
		return fail(c, "unterminated string");
	if (*c->p != 'u') {
		if ((e = strchr(from, *c->p)) == NULL || *c->p == '\0')
			return fail(c, "unknown escape");
		c->p++;
		return put_utf8(out, n, (unsigned char)to[e - from]) == -1 ?
		    fail(c, "string too long") : 0;
	}
	c->p++;
	if (hex4(c, &cp) == -1)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(c, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
			return fail(c, "lone high surrogate");
		c->p += 2;
		if (hex4(c, &lo) == -1)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(c, "bad surrogate pair");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail(c, "NUL in a string");
	return put_utf8(out, n, cp) == -1 ? fail(c, "string too long") : 0;
}

static int
string(struct cursor *c, char **out)
{
	char buf[JSON_FLAT_TEXT_MAX];
	size_t n = 0, len;

	if (c->p == c->end || *c->p != '"')
		return fail(c, "expected a string");
	c->p++;
	for (;;) {
		if (c->p == c->end)
			return fail(c, "unterminated string");
		if (*c->p == '"')
			break;
		if ((unsigned char)*c->p < 0x20)
			return fail(c, "control character in a string");
		if (*c->p == '\\') {
			c->p++;
			if (escape(c, buf, &n) == -1)
				return -1;
			continue;
		}
		if ((unsigned char)*c->p >= 0x80) {
			/* Raw UTF-8 must be well-formed, up to the end. */
			if ((len = utf8_char_n(c->p, (size_t)(c->end - c->p)))
			    == 0)
				return fail(c, "not UTF-8");
			if (n + len >= sizeof(buf))
				return fail(c, "string too long");
			memcpy(buf + n, c->p, len);
			n += len;
			c->p += len;
			continue;
		}
		if (n + 1 >= sizeof(buf))
			return fail(c, "string too long");
		buf[n++] = *c->p++;
	}
	c->p++;
	buf[n] = '\0';
	if ((*out = strdup(buf)) == NULL)
		return fail(c, "out of memory");
	return 0;
}

/* A number, true, false or null, as written. */
static int
scalar(struct cursor *c, struct json_member *m)
{
	static const char *const words[] = { "true", "false", "null" };
	const char *s = c->p;
	size_t len, i;

	for (i = 0; i < 3; i++) {
		len = strlen(words[i]);
		if ((size_t)(c->end - c->p) >= len &&
		    memcmp(c->p, words[i], len) == 0) {
			c->p += len;
			m->is_null = i == 2;
			return (m->value = strdup(words[i])) == NULL ?
			    fail(c, "out of memory") : 0;
		}
	}
	if (c->p < c->end && *c->p == '-')
		c->p++;
	while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') ||
	    *c->p == '.' || *c->p == 'e' || *c->p == 'E' || *c->p == '+' ||
	    *c->p == '-'))
		c->p++;
	if (c->p == s || (c->p == s + 1 && *s == '-')) {
		if (c->p < c->end && (*c->p == '{' || *c->p == '['))
			return fail(c, "only strings, numbers, true, false "
			    "and null (no nested objects or arrays)");
		return fail(c, "expected a value");
	}
	if (c->p - s >= 64)
		return fail(c, "number too long");
	return (m->value = strndup(s, (size_t)(c->p - s))) == NULL ?
	    fail(c, "out of memory") : 0;
}

static int
member(struct cursor *c, struct json_flat *f)
{
	struct json_member *m;
	int i;

	if (f->n == JSON_FLAT_MAX)
		return fail(c, "too many members");
	m = &f->m[f->n];
	memset(m, 0, sizeof(*m));
	if (string(c, &m->key) == -1)
		return -1;
	f->n++;
	for (i = 0; i < f->n - 1; i++)
		if (strcmp(f->m[i].key, m->key) == 0)
			return fail(c, "duplicate key");
	skip_space(c);
	if (c->p == c->end || *c->p++ != ':')
		return fail(c, "expected ':'");
	skip_space(c);
	if (c->p < c->end && *c->p == '"')
		return string(c, &m->value);
	return scalar(c, m);
}

int
json_flat_parse(const char *data, size_t len, struct json_flat *out,
    struct ucerr *err)
{
	struct cursor c = { data, data + len, data, err };

	memset(out, 0, sizeof(*out));
	skip_space(&c);
	if (c.p == c.end || *c.p++ != '{')
		return fail(&c, "expected an object");
	skip_space(&c);
	if (c.p < c.end && *c.p == '}') {
		c.p++;
	} else {
		for (;;) {
			skip_space(&c);
			if (member(&c, out) == -1)
				goto bad;
			skip_space(&c);
			if (c.p < c.end && *c.p == ',') {
				c.p++;
				continue;
			}
			if (c.p < c.end && *c.p == '}') {
				c.p++;
				break;
			}
			fail(&c, "expected ',' or '}'");
			goto bad;
		}
	}
	skip_space(&c);
	if (c.p != c.end) {
		fail(&c, "bytes after the object");
		goto bad;
	}
	return 0;
bad:
	json_flat_free(out);
	return -1;
}

void
json_flat_free(struct json_flat *f)
{
	int i;

	for (i = 0; i < f->n; i++) {
		free(f->m[i].key);
		free(f->m[i].value);
	}
	memset(f, 0, sizeof(*f));
}
