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

#define LOGDIAG_PATTERNS_MAX	32	/* room for every pattern of the table */
#define LOGDIAG_QUOTED		3	/* lines quoted per cause */
#define LOGDIAG_LINES		10	/* line numbers kept per cause */

/* One cause, once, with the lines it explains. */
struct log_cause {
	const struct log_pattern *pattern;
	size_t		 count;			/* lines it explains */
	size_t		 lines[LOGDIAG_LINES];	/* the first of their numbers */
	size_t		 last_line;
	struct log_hit	 quoted[LOGDIAG_QUOTED];
};

/* Causes in the order they first appear. */
struct log_report {
	struct log_cause causes[LOGDIAG_PATTERNS_MAX];
	size_t		 n_causes;
	size_t		 hits;			/* lines explained, all causes */
};

void	logdiag_report(const uint8_t *text, size_t len, struct log_report *r);

#endif
