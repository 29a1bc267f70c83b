/* fileio.c - capped whole-file reads and atomic writes (see fileio.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

int
file_read(const char *path, size_t max, uint8_t **data, size_t *len,
    struct ucerr *err)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, rc = -1;

	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return ucerr_set(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1) {
		ucerr_set(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ucerr_set(err, "%s: not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		ucerr_set(err, "%s: file too large (%lld bytes, limit %zu)",
		    path, (long long)st.st_size, max);
		goto out;
	}
	/* One spare byte so text parsers may NUL-terminate. */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		ucerr_set(err, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ucerr_set(err, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

static int
fsync_dir_of(const char *path)
{
	char copy[4096];
	int fd;

	if (strlen(path) >= sizeof(copy))
		return -1;
	strcpy(copy, path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	(void)fsync(fd);
	close(fd);
	return 0;
}

static int
write_and_rename(const char *path, const void *data, size_t len, mode_t mode,
    int sync, struct ucerr *err)
{
	char tmp[4096];
	const uint8_t *p = data;
	size_t done = 0;
	ssize_t n;
	int fd, n_printed;

	n_printed = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (n_printed < 0 || (size_t)n_printed >= sizeof(tmp))
		return ucerr_set(err, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd == -1)
		return ucerr_set(err, "%s: %s", path, strerror(errno));
	/* The umask must not widen or narrow what the caller asked for. */
	if (fchmod(fd, mode) == -1)
		goto fail;
	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		done += (size_t)n;
	}
	if (sync && fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	if (sync)
		fsync_dir_of(path);
	return 0;
fail:
	ucerr_set(err, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

int
file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    struct ucerr *err)
{
	return write_and_rename(path, data, len, mode, 1, err);
}

int
file_replace(const char *path, const void *data, size_t len, mode_t mode,
    struct ucerr *err)
{
	return write_and_rename(path, data, len, mode, 0, err);
}

int
dir_make(const char *path, mode_t mode, struct ucerr *err)
{
	char copy[4096];
	size_t i, len = strlen(path);

	if (len == 0 || len >= sizeof(copy))
		return ucerr_set(err, "%s: bad directory path", path);
	memcpy(copy, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (copy[i] != '/' && copy[i] != '\0')
			continue;
		copy[i] = '\0';
		if (mkdir(copy, mode) == -1 && errno != EEXIST)
			return ucerr_set(err, "%s: %s", copy, strerror(errno));
		copy[i] = path[i];
	}
	return 0;
}

int
path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int
path_join(char *out, size_t outlen, const char *dir, const char *name,
    struct ucerr *err)
{
	int n = snprintf(out, outlen, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= outlen)
		return ucerr_set(err, "%s/%s: path too long", dir, name);
	return 0;
}
