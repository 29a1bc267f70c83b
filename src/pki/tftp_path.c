/* tftp_path.c - names the TFTP service serves (see tftp_path.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tftp_path.h"

int
tftp_name_check(const char *name, struct ucerr *err)
{
	size_t len = strlen(name), i, start = 0;

	if (len == 0)
		return ucerr_set(err, "empty file name");
	if (len > TFTP_PATH_MAX)
		return ucerr_set(err, "file name longer than %d bytes",
		    TFTP_PATH_MAX);
	if (name[0] == '/')
		return ucerr_set(err, "absolute path refused");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		/* Control bytes and '\\' (a separator to some clients). */
		if (c < 0x20 || c == 0x7f || c == '\\')
			return ucerr_set(err, "byte 0x%02x at %zu refused", c, i);
	}
	/* Each component: not empty, not hidden (".", "..", ".tmp"). */
	for (i = 0; i <= len; i++) {
		if (name[i] != '/' && name[i] != '\0')
			continue;
		if (i == start)
			return ucerr_set(err, "empty path component");
		if (name[start] == '.')
			return ucerr_set(err, "component starting with '.' "
			    "refused");
		if (i - start > TFTP_COMPONENT_MAX)
			return ucerr_set(err, "path component longer than %d "
			    "bytes", TFTP_COMPONENT_MAX);
		start = i + 1;
	}
	return 0;
}

int
tftp_open_beneath(int root_fd, const char *name, int *fd, struct stat *sb,
    struct ucerr *err)
{
	char part[TFTP_COMPONENT_MAX + 1];
	const char *p = name, *slash;
	int dir = root_fd, next, rc = -1;

	*fd = -1;
	if (tftp_name_check(name, err) == -1)
		return -1;
	while ((slash = strchr(p, '/')) != NULL) {
		snprintf(part, sizeof(part), "%.*s", (int)(slash - p), p);
		next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (dir != root_fd)
			close(dir);
		if (next == -1) {
			if (errno == ENOENT || errno == ENOTDIR)
				return 0;
			return ucerr_set(err, "%s: %s", name, errno == ELOOP ?
			    "symbolic link refused" : strerror(errno));
		}
		dir = next;
		p = slash + 1;
	}
	/* O_NONBLOCK: a FIFO planted in the root must not hang the loop. */
	next = openat(dir, p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (next == -1) {
		rc = errno == ENOENT || errno == ENOTDIR ? 0 :
		    ucerr_set(err, "%s: %s", name, errno == ELOOP ?
		    "symbolic link refused" : strerror(errno));
		goto out;
	}
	if (fstat(next, sb) == -1) {
		close(next);
		rc = ucerr_set(err, "%s: %s", name, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb->st_mode)) {
		close(next);
		/* A directory is not listed; it is as if absent. */
		rc = S_ISDIR(sb->st_mode) ? 0 : ucerr_set(err, "%s: not a "
		    "regular file", name);
		goto out;
	}
	*fd = next;
	rc = 1;
out:
	if (dir != root_fd)
		close(dir);
	return rc;
}
