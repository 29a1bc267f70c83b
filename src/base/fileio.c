/* fileio.c - capped whole-file reads and atomic writes (see fileio.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

/* serve --user: the user the service will run as may own its files. */
static uid_t	allowed_owner = (uid_t)-1;

int
path_is_stdio(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0;
}

/*
 * Standard input can be read only once, but one argument may be read
 * twice (a PEM holding a certificate and its key): the bytes are kept
 * for the life of the process and every reader of "-" gets a copy.
 */
static struct {
	uint8_t	*data;
	size_t	 len;
	int	 read;
} stdin_bytes;

static int
stdin_read(size_t max, struct ucerr *err)
{
	uint8_t *grown;
	size_t cap = 0;
	ssize_t n;

	for (;;) {
		if (stdin_bytes.len == cap) {
			if (cap > max)
				return ucerr_set(err, "standard input: too large "
				    "(limit %zu bytes)", max);
			cap = cap ? cap * 2 : 65536;
			if ((grown = realloc(stdin_bytes.data, cap + 1)) == NULL)
				return ucerr_set(err, "standard input: out of "
				    "memory");
			stdin_bytes.data = grown;
		}
		n = read(STDIN_FILENO, stdin_bytes.data + stdin_bytes.len,
		    cap - stdin_bytes.len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ucerr_set(err, "standard input: %s",
			    strerror(errno));
		if (n == 0)
			break;
		stdin_bytes.len += (size_t)n;
	}
	if (stdin_bytes.len > max)
		return ucerr_set(err, "standard input: too large (limit %zu "
		    "bytes)", max);
	stdin_bytes.read = 1;
	return 0;
}

static int
stdin_copy(size_t max, uint8_t **data, size_t *len, struct ucerr *err)
{
	if (!stdin_bytes.read && stdin_read(max, err) == -1)
		return -1;
	if (stdin_bytes.len > max)
		return ucerr_set(err, "standard input: too large (%zu bytes, "
		    "limit %zu)", stdin_bytes.len, max);
	if ((*data = malloc(stdin_bytes.len + 1)) == NULL)
		return ucerr_set(err, "standard input: out of memory");
	if (stdin_bytes.len > 0)
		memcpy(*data, stdin_bytes.data, stdin_bytes.len);
	(*data)[stdin_bytes.len] = '\0';
	*len = stdin_bytes.len;
	return 0;
}

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
	if (path_is_stdio(path))
		return stdin_copy(max, data, len, err);
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

/* "--out -": the bytes go to standard output, after what is buffered. */
static int
stdout_write(const void *data, size_t len, struct ucerr *err)
{
	if (fflush(stdout) == EOF || fwrite(data, 1, len, stdout) != len ||
	    fflush(stdout) == EOF)
		return ucerr_set(err, "standard output: %s", strerror(errno));
	return 0;
}

/* "<dir>/.<base>.XXXXXXXXXXXX": 12 random characters from the kernel. */
static int
temp_name(const char *path, char *out, size_t outlen)
{
	static const char set[64] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
	unsigned char rnd[12];
	char suffix[sizeof(rnd) + 1];
	const char *slash = strrchr(path, '/');
	size_t i;
	int n;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	for (i = 0; i < sizeof(rnd); i++)
		suffix[i] = set[rnd[i] & 63];
	suffix[sizeof(rnd)] = '\0';
	if (slash != NULL)
		n = snprintf(out, outlen, "%.*s.%s.%s", (int)(slash - path + 1),
		    path, slash + 1, suffix);
	else
		n = snprintf(out, outlen, ".%s.%s", path, suffix);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static int
write_and_rename(const char *path, const void *data, size_t len, mode_t mode,
    int sync, struct ucerr *err)
{
	char tmp[4096];
	const uint8_t *p = data;
	size_t done = 0;
	ssize_t n;
	int fd = -1, tries;

	if (path_is_stdio(path))
		return stdout_write(data, len, err);
	for (tries = 0; fd == -1 && tries < 100; tries++) {
		if (temp_name(path, tmp, sizeof(tmp)) == -1)
			return ucerr_set(err, "%s: path too long", path);
		/* Never an existing name, never through a link; private
		 * until the mode is set. */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 && errno != EEXIST)
			return ucerr_set(err, "%s: %s", path, strerror(errno));
	}
	if (fd == -1)
		return ucerr_set(err, "%s: no free temporary name", path);
	/* The umask must not widen or narrow what the caller asked for;
	 * the mode is final before the first byte is written. */
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
file_write_if_changed(const char *path, const void *data, size_t len,
    mode_t mode, struct ucerr *err)
{
	struct stat sb;
	uint8_t *old = NULL;
	size_t old_len;
	int same;

	if (stat(path, &sb) == 0 && (sb.st_mode & 07777) == mode &&
	    file_read(path, FILE_READ_MAX, &old, &old_len, NULL) == 0) {
		same = old_len == len && memcmp(old, data, len) == 0;
		explicit_bzero(old, old_len);
		free(old);
		if (same)
			return 0;
	}
	return file_write_atomic(path, data, len, mode, err) == -1 ? -1 : 1;
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
		if (mkdir(copy, mode) == 0) {
			if (chmod(copy, mode) == -1)
				return ucerr_set(err, "%s: %s", copy,
				    strerror(errno));
		} else if (errno != EEXIST) {
			return ucerr_set(err, "%s: %s", copy, strerror(errno));
		}
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

const char *
path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
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

void
path_allow_owner(uid_t uid)
{
	allowed_owner = uid;
}

int
path_check_private(const char *path, const char *what, mode_t forbidden,
    const char *chmod_fix, int missing_ok, struct ucerr *err)
{
	struct stat st;
	uid_t me = geteuid();
	mode_t bad;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return ucerr_set(err, "%s: %s", path, strerror(errno));
	}
	if (st.st_uid != me && st.st_uid != 0 && st.st_uid != allowed_owner)
		return ucerr_set(err, "%s: %s is owned by uid %u, not by this "
		    "user (uid %u) or root; run: chown %u %s", path, what,
		    (unsigned)st.st_uid, (unsigned)me, (unsigned)me, path);
	if ((bad = st.st_mode & forbidden & 0777) != 0)
		return ucerr_set(err, "%s: %s is %s by group or others (mode "
		    "%03o); run: chmod %s %s", path, what,
		    (bad & 022) ? "writable" : (bad & 044) ? "readable" :
		    "accessible", (unsigned)(st.st_mode & 0777), chmod_fix,
		    path);
	return 0;
}
