/*
 * multipart.h - a multipart/form-data body (RFC 7578), as a browser's
 * form with <input type=file> sends it: a few parts, each with a name,
 * for a file its file name and type, and its bytes.  Read through the
 * bounds-checked reader; everything is bounded (parts, header lines,
 * headers per part, names), and bad input gets one line naming the part.
 * The parts point into the body, which must outlive them.
 */
#ifndef UCPKI_MULTIPART_H
#define UCPKI_MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define MULTIPART_PARTS_MAX	16
#define MULTIPART_HEADERS_MAX	8	/* header lines in one part */
#define MULTIPART_LINE_MAX	1024	/* one header line */
#define MULTIPART_BOUNDARY_MAX	70	/* RFC 2046 */

struct multipart_part {
	char		 name[64];
	int		 is_file;	/* it had a filename parameter */
	char		 filename[256];	/* as sent, or "" */
	char		 type[128];	/* its Content-Type, or "" */
	const uint8_t	*data;
	size_t		 len;
};

struct multipart {
	struct multipart_part	part[MULTIPART_PARTS_MAX];
	int			n;
};

/* The boundary parameter of a Content-Type multipart/form-data; -1 with
 * err when the type is another or the boundary missing or malformed. */
int	multipart_boundary(const char *content_type,
	    char out[MULTIPART_BOUNDARY_MAX + 1], struct ucerr *err);
/* The body's parts, in order; -1 with err (m is then empty). */
int	multipart_parse(const uint8_t *body, size_t len, const char *boundary,
	    struct multipart *m, struct ucerr *err);
/* The first part named name, or NULL. */
const struct multipart_part *multipart_find(const struct multipart *m,
	    const char *name);

#endif
