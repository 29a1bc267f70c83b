/*
 * itl_files.h - an ITL or CTL file built from certificate files, one
 * record per file, signed by the first SAST record (whose file carries
 * the key): what `tlv build` and the reference tools make.
 */
#ifndef UCPKI_ITL_FILES_H
#define UCPKI_ITL_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct itl_file_record {
	int		 role;		/* enum itl_role */
	const char	*path;		/* PEM (a SAST signer's with its key) */
};

struct itl_files_params {
	uint8_t		 hash_alg;	/* 0 = SHA-1 */
	int		 signer_version;/* 0 = automatic (1.1 when a record is EC) */
	const char	*filename;	/* header FILENAME (required) */
	int		 no_size_limit;	/* also build what phones would refuse */
};

/* Returned when the file is larger than phones accept (err says so). */
#define ITL_FILES_TOO_LARGE	(-2)

int	itl_build_files(const struct itl_file_record *recs, size_t n,
	    const struct itl_files_params *p, uint8_t **out, size_t *out_len,
	    struct ucerr *err);

#endif
