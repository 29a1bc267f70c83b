/*
 * fileio.h - whole-file reads with a size cap, atomic writes, and the
 * ownership and mode checks for files that hold secrets.
 *
 * Nothing half-written is ever left behind: file_write_atomic writes a
 * temporary file in the same directory, fsyncs it, renames it over the
 * target and fsyncs the directory.  The temporary name is unpredictable
 * (".<name>.<random>"), created with O_CREAT|O_EXCL|O_NOFOLLOW and given
 * its mode before any data, so a name or link planted in the directory
 * by someone else is never opened, followed or overwritten.
 */
#ifndef UCPKI_FILEIO_H
#define UCPKI_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Largest file any command reads whole (certificates, ITLs, configs). */
#define FILE_READ_MAX	(64u * 1024 * 1024)

/*
 * "-" is standard input for file_read and standard output for
 * file_write_atomic, so every FILE argument of every command takes it.
 */
int	path_is_stdio(const char *path);
int	file_read(const char *path, size_t max, uint8_t **data, size_t *len,
	    struct ucerr *err);
int	file_write_atomic(const char *path, const void *data, size_t len,
	    mode_t mode, struct ucerr *err);
/* file_write_atomic unless path already holds exactly data with mode:
 * 1 written, 0 already so (what was read is wiped: it may be a key). */
int	file_write_if_changed(const char *path, const void *data, size_t len,
	    mode_t mode, struct ucerr *err);
/* The same without fsync: readers never see half a file, but a crash
 * may lose the update (for files rewritten every few seconds). */
int	file_replace(const char *path, const void *data, size_t len,
	    mode_t mode, struct ucerr *err);
/* mkdir -p; directories it creates get exactly this mode (not umask's). */
int	dir_make(const char *path, mode_t mode, struct ucerr *err);
int	path_exists(const char *path);
/* The last component of path (after its last '/'); points into path. */
const char *path_base(const char *path);
/* Joins dir and name into out (fails when it does not fit). */
int	path_join(char *out, size_t outlen, const char *dir, const char *name,
	    struct ucerr *err);

/*
 * As ssh does with its keys: path must be owned by the user running
 * ucpki (or root, or the user given to path_allow_owner) and have none
 * of the `forbidden` mode bits (022: not writable by group or others,
 * 077: private).  The refusal names the path, what it is, and the
 * command that fixes it ("chmod 600 PATH", "chown 0 PATH").
 * missing_ok: a path that does not exist passes.
 */
int	path_check_private(const char *path, const char *what, mode_t forbidden,
	    const char *chmod_fix, int missing_ok, struct ucerr *err);
/* Also accept files owned by this user (serve --user as root). */
void	path_allow_owner(uid_t uid);

#endif
