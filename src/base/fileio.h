/*
 * fileio.h - whole-file reads with a size cap, and atomic writes.
 *
 * Nothing half-written is ever left behind: file_write_atomic writes a
 * temporary file in the same directory, fsyncs it, renames it over the
 * target and fsyncs the directory.
 */
#ifndef UCPKI_FILEIO_H
#define UCPKI_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Largest file any command reads whole (certificates, ITLs, configs). */
#define FILE_READ_MAX	(64u * 1024 * 1024)

int	file_read(const char *path, size_t max, uint8_t **data, size_t *len,
	    struct ucerr *err);
int	file_write_atomic(const char *path, const void *data, size_t len,
	    mode_t mode, struct ucerr *err);
/* The same without fsync: readers never see half a file, but a crash
 * may lose the update (for files rewritten every few seconds). */
int	file_replace(const char *path, const void *data, size_t len,
	    mode_t mode, struct ucerr *err);
/* mkdir -p with the given mode for directories it creates. */
int	dir_make(const char *path, mode_t mode, struct ucerr *err);
int	path_exists(const char *path);
/* Joins dir and name into out (fails when it does not fit). */
int	path_join(char *out, size_t outlen, const char *dir, const char *name,
	    struct ucerr *err);

#endif
