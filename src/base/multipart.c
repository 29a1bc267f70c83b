/* multipart.c - multipart/form-data bodies (see multipart.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "multipart.h"

/* RFC 2046's bchars: what a boundary may hold (a space, but not last). */
static int
bchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

int
multipart_boundary(const char *content_type,
    char out[MULTIPART_BOUNDARY_MAX + 1], struct ucerr *err)
{
	const char *p = content_type, *end;
	size_t n;

	if (p == NULL || strncasecmp(p, "multipart/form-data", 19) != 0 ||
	    (p[19] != ';' && p[19] != ' ' && p[19] != '\0'))
		return ucerr_set(err, "the body must be multipart/form-data");
	for (p += 19; *p != '\0'; p++) {
		if (strncasecmp(p, "boundary=", 9) != 0 ||
		    (p[-1] != ';' && p[-1] != ' '))
			continue;
		p += 9;
		if (*p == '"')
			end = strchr(++p, '"');
		else
			for (end = p; *end != '\0' && *end != ';' &&
			    *end != ' '; end++)
				;
		if (end == NULL)
			break;
		n = (size_t)(end - p);
		if (n == 0 || n > MULTIPART_BOUNDARY_MAX || p[n - 1] == ' ')
			break;
		memcpy(out, p, n);
		out[n] = '\0';
		while (n-- > 0)
			if (!bchar((unsigned char)out[n]))
				return ucerr_set(err, "multipart: the boundary "
				    "holds a character it may not");
		return 0;
	}
	return ucerr_set(err, "multipart: no boundary (1 to %d characters) "
	    "in the Content-Type", MULTIPART_BOUNDARY_MAX);
}

/* A parameter's value into out; -1 when it does not fit. */
static int
param_copy(const char *v, size_t n, char *out, size_t outlen)
{
	if (n >= outlen)
		return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

/*
 * form-data; name="purpose"; filename="tomcat.pem".  Browsers write a
 * '"' in a file name as %22, so a quoted value ends at the next quote.
 */
static int
disposition(const char *v, struct multipart_part *p, int no,
    struct ucerr *err)
{
	const char *key, *val;
	size_t klen, vlen;
	int named = 0;

	while (*v == ' ')
		v++;
	if (strncasecmp(v, "form-data", 9) != 0 || (v[9] != ';' &&
	    v[9] != ' ' && v[9] != '\0'))
		return ucerr_set(err, "multipart: part %d: not form-data", no);
	for (v += 9; *v != '\0';) {
		while (*v == ' ' || *v == ';')
			v++;
		if (*v == '\0')
			break;
		for (key = v; *v != '\0' && *v != '=' && *v != ';' && *v != ' ';
		    v++)
			;
		klen = (size_t)(v - key);
		if (*v++ != '=')
			return ucerr_set(err, "multipart: part %d: a parameter "
			    "of Content-Disposition has no value", no);
		if (*v == '"') {
			val = ++v;
			if ((v = strchr(v, '"')) == NULL)
				return ucerr_set(err, "multipart: part %d: an "
				    "unterminated quoted value", no);
			vlen = (size_t)(v++ - val);
		} else {
			for (val = v; *v != '\0' && *v != ';' && *v != ' '; v++)
				;
			vlen = (size_t)(v - val);
		}
		if (klen == 4 && strncasecmp(key, "name", 4) == 0) {
			if (named++ || vlen == 0 || param_copy(val, vlen,
			    p->name, sizeof(p->name)) == -1)
				return ucerr_set(err, "multipart: part %d: its "
				    "name is missing, repeated or longer than "
				    "%zu bytes", no, sizeof(p->name) - 1);
		} else if (klen == 8 && strncasecmp(key, "filename", 8) == 0) {
			if (p->is_file++ || param_copy(val, vlen, p->filename,
			    sizeof(p->filename)) == -1)
				return ucerr_set(err, "multipart: part %d: its "
				    "file name is repeated or longer than %zu "
				    "bytes", no, sizeof(p->filename) - 1);
		}
	}
	if (!named)
		return ucerr_set(err, "multipart: part %d: no name", no);
	return 0;
}

/* One header line (without its CRLF) of part no. */
static int
header(const uint8_t *line, size_t len, struct multipart_part *p, int no,
    int *disposed, struct ucerr *err)
{
	char text[MULTIPART_LINE_MAX + 1];
	const char *v;
	size_t i;

	for (i = 0; i < len; i++)
		if ((line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
			return ucerr_set(err, "multipart: part %d: a control "
			    "character in a header", no);
	memcpy(text, line, len);
	text[len] = '\0';
	if (strncasecmp(text, "Content-Disposition:", 20) == 0) {
		if ((*disposed)++)
			return ucerr_set(err, "multipart: part %d: two "
			    "Content-Disposition headers", no);
		return disposition(text + 20, p, no, err);
	}
	if (strncasecmp(text, "Content-Type:", 13) == 0) {
		for (v = text + 13; *v == ' '; v++)
			;
		if (param_copy(v, strlen(v), p->type, sizeof(p->type)) == -1)
			return ucerr_set(err, "multipart: part %d: its "
			    "Content-Type is longer than %zu bytes", no,
			    sizeof(p->type) - 1);
	}
	/* Anything else (Content-Transfer-Encoding is deprecated for
	 * form-data) changes nothing here. */
	return 0;
}

/* The headers of part no, up to and past the empty line. */
static int
headers(struct reader *r, struct multipart_part *p, int no,
    struct ucerr *err)
{
	const uint8_t *line;
	size_t at;
	int n, disposed = 0;

	for (n = 0;; n++) {
		if (reader_find(r, "\r\n", 2, &at) == -1)
			return ucerr_set(err, "multipart: part %d: its headers "
			    "do not end", no);
		if (at > MULTIPART_LINE_MAX)
			return ucerr_set(err, "multipart: part %d: a header line "
			    "longer than %d bytes", no, MULTIPART_LINE_MAX);
		if (n == MULTIPART_HEADERS_MAX && at > 0)
			return ucerr_set(err, "multipart: part %d: more than %d "
			    "header lines", no, MULTIPART_HEADERS_MAX);
		GUARD(reader_bytes(r, at, &line));
		GUARD(reader_skip(r, 2));
		if (at == 0)
			break;
		if (header(line, at, p, no, &disposed, err) == -1)
			return -1;
	}
	if (!disposed)
		return ucerr_set(err, "multipart: part %d: no "
		    "Content-Disposition", no);
	return 0;
}

int
multipart_parse(const uint8_t *body, size_t len, const char *boundary,
    struct multipart *m, struct ucerr *err)
{
	char delim[4 + MULTIPART_BOUNDARY_MAX + 1];
	struct multipart_part *p;
	struct reader r;
	const uint8_t *got;
	size_t dlen, at;
	int no;

	memset(m, 0, sizeof(*m));
	if (boundary == NULL || boundary[0] == '\0' ||
	    strlen(boundary) > MULTIPART_BOUNDARY_MAX)
		return ucerr_set(err, "multipart: no boundary");
	/* Every boundary but the first follows a line end: delim has it,
	 * the first comparison skips it. */
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	reader_init(&r, body, len);
	if (reader_bytes(&r, dlen - 2, &got) == -1 ||
	    memcmp(got, delim + 2, dlen - 2) != 0)
		goto fail;
	for (no = 1;; no++) {
		if (reader_bytes(&r, 2, &got) == -1)
			goto fail;
		if (memcmp(got, "--", 2) == 0)
			return 0;	/* the close; an epilogue is ignored */
		if (memcmp(got, "\r\n", 2) != 0)
			goto fail;
		if (m->n == MULTIPART_PARTS_MAX) {
			ucerr_set(err, "multipart: more than %d parts",
			    MULTIPART_PARTS_MAX);
			goto out;
		}
		p = &m->part[m->n];
		if (headers(&r, p, no, err) == -1)
			goto out;
		if (reader_find(&r, delim, dlen, &at) == -1) {
			ucerr_set(err, "multipart: part %d (%s) does not end "
			    "with the boundary: the body is cut short", no,
			    p->name);
			goto out;
		}
		GUARD_GOTO(reader_bytes(&r, at, &p->data), fail);
		p->len = at;
		GUARD_GOTO(reader_skip(&r, dlen), fail);
		m->n++;
	}
fail:
	ucerr_set(err, "multipart: the body does not follow its boundary "
	    "(at byte %zu)", reader_offset(&r));
out:
	memset(m, 0, sizeof(*m));
	return -1;
}

const struct multipart_part *
multipart_find(const struct multipart *m, const char *name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->part[i].name, name) == 0)
			return &m->part[i];
	return NULL;
}
