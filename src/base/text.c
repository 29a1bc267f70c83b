/* text.c - control characters refused on input, escaped on output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

size_t
utf8_char(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, c = p[0] & 0x1f, min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3, c = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, c = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	/* A continuation byte is never NUL, so this stops at the end. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int
text_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

long
text_find_control(const char *s)
{
	const char *p = s;
	uint32_t cp;
	size_t n;

	while (*p != '\0') {
		/* A stray byte is not a control character: a file name in
		 * Latin-1 is odd but harmless on input. */
		if ((n = utf8_char(p, &cp)) == 0) {
			p++;
			continue;
		}
		if (text_is_control(cp))
			return (long)(p - s);
		p += n;
	}
	return -1;
}

const char *
text_escape(const char *s, char *out, size_t outlen)
{
	size_t used = 0, n, i;
	uint32_t cp;

	if (outlen == 0)
		return out;
	while (*s != '\0') {
		n = utf8_char(s, &cp);
		if (n == 0 || text_is_control(cp)) {
			/* Each byte as \xNN: a stray byte, or both bytes of C1. */
			if (n == 0)
				n = 1;
			if (used + 4 * n >= outlen)
				break;
			for (i = 0; i < n; i++)
				used += (size_t)snprintf(out + used, outlen - used,
				    "\\x%02x", (unsigned char)s[i]);
		} else {
			if (used + n >= outlen)
				break;
			memcpy(out + used, s, n);
			used += n;
		}
		s += n;
	}
	out[used] = '\0';
	return out;
}

/* Nothing to escape: every character well-formed and not a control. */
static int
text_clean(const char *s)
{
	uint32_t cp;
	size_t n;

	while (*s != '\0') {
		if ((n = utf8_char(s, &cp)) == 0 || text_is_control(cp))
			return 0;
		s += n;
	}
	return 1;
}

void
text_escape_inplace(char *s, size_t outlen)
{
	char *copy;

	if (text_clean(s))
		return;
	if ((copy = strdup(s)) == NULL) {
		/* Out of memory: still nothing unsafe reaches the output. */
		for (; *s != '\0'; s++)
			if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
				*s = '?';
		return;
	}
	text_escape(copy, s, outlen);
	free(copy);
}
