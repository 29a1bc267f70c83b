/*
 * tftp_path.h - which names the TFTP service serves, and opening them
 * without leaving the root: relative names of plain components, nothing
 * hidden, no "..", no symbolic links followed.
 */
#ifndef UCPKI_TFTP_PATH_H
#define UCPKI_TFTP_PATH_H

#include <stddef.h>
#include <sys/stat.h>

#include "err.h"

#define TFTP_PATH_MAX		1024
#define TFTP_COMPONENT_MAX	255

/* 0 when name may be served; -1 with the reason. */
int	tftp_name_check(const char *name, struct ucerr *err);

/*
 * Opens name (already checked) beneath the directory root_fd, one
 * component at a time with O_NOFOLLOW: 1 with *fd open on a regular file
 * and *sb filled, 0 when there is no such file, -1 refused (a symbolic
 * link, a directory, a device...) with err set.
 */
int	tftp_open_beneath(int root_fd, const char *name, int *fd,
	    struct stat *sb, struct ucerr *err);

#endif
