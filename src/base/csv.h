/*
 * csv.h - comma-separated values as RFC 4180 writes them: fields may be
 * quoted, a quoted field may hold commas, line breaks and "" (one quote).
 * Records end with LF or CRLF.  Unquoted fields are trimmed of spaces and
 * tabs (hand-written files), quoted ones are kept as written.
 */
#ifndef UCPKI_CSV_H
#define UCPKI_CSV_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define CSV_FIELDS_MAX	16
#define CSV_FIELD_MAX	1024

struct csv_record {
	size_t	line;		/* the line the record starts on (from 1) */
	int	n_fields;	/* a blank line is one empty field */
	char	fields[CSV_FIELDS_MAX][CSV_FIELD_MAX];
};

struct csv {
	struct reader	r;
	size_t		line;		/* of the cursor */
	size_t		err_line;	/* where the malformed part is */
};

void	csv_init(struct csv *c, const void *data, size_t len);
/*
 * The next record: 1 when there is one, 0 at the end of the data, -1 when
 * the data is malformed (err says why, err_line where; reading stops).
 */
int	csv_next(struct csv *c, struct csv_record *rec, struct ucerr *err);

#endif
