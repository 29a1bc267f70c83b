/*
 * logdiag.h - the seeds' troubleshooting knowledge as a table of log
 * patterns: phone console lines and ucpki's own, each with its cause and
 * its fix.
 */
#ifndef UCPKI_LOGDIAG_H
#define UCPKI_LOGDIAG_H

#include <stddef.h>
#include <stdint.h>

struct log_pattern {
	const char	*name;
	const char	*all[3];	/* every one must appear in the line */
	const char	*cause;
	const char	*fix;
};

struct log_hit {
	size_t				 line;
	const struct log_pattern	*pattern;
	char				 text[200];	/* the line, cut */
};

typedef void (*log_hit_cb)(void *ctx, const struct log_hit *hit);

/* Scans text (not trusted: any bytes); returns the number of hits. */
size_t	logdiag_scan(const uint8_t *text, size_t len, log_hit_cb cb, void *ctx);

#endif
