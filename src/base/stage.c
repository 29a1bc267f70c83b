/* stage.c - build out of sight, rename into place (see stage.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "stage.h"

#define STAGE_ENTRIES_MAX	64

int
stage_begin(struct stage *s, const char *dir, struct ucerr *err)
{
	memset(s, 0, sizeof(*s));
	if (snprintf(s->dir, sizeof(s->dir), "%s", dir) >= (int)sizeof(s->dir) ||
	    path_join(s->tmp, sizeof(s->tmp), dir, ".stage-XXXXXX", err) == -1)
		return ucerr_set(err, "%s: path too long", dir);
	s->made_dir = !path_exists(dir);
	/* What is staged here (a home: keys, the database) is private. */
	if (dir_make(dir, 0700, err) == -1)
		return -1;
	if (mkdtemp(s->tmp) == NULL) {
		ucerr_set(err, "%s: %s", s->dir, strerror(errno));
		s->tmp[0] = '\0';
		if (s->made_dir)
			rmdir(s->dir);
		return -1;
	}
	return 0;
}

/* Best effort: whatever cannot go stays, and nothing else is touched. */
static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

void
stage_abort(struct stage *s)
{
	if (s->tmp[0] != '\0')
		nftw(s->tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	/* Only ever an empty directory: rmdir refuses anything else. */
	if (s->made_dir)
		rmdir(s->dir);
}

void
stage_rename_in(const struct stage *s, struct ucerr *err)
{
	char copy[sizeof(err->msg)];
	size_t tmp_len = strlen(s->tmp);
	char *at;

	if (err == NULL || tmp_len == 0 ||
	    (at = strstr(err->msg, s->tmp)) == NULL)
		return;
	memcpy(copy, err->msg, sizeof(copy));
	snprintf(err->msg, sizeof(err->msg), "%.*s%s%s", (int)(at - err->msg),
	    copy, s->dir, copy + (at - err->msg) + tmp_len);
}

/* The names in tmp, commit_last moved to the end. */
static int
stage_names(struct stage *s, const char *commit_last,
    char names[][256], int *n, struct ucerr *err)
{
	struct dirent *e;
	DIR *d;
	int last = -1;

	*n = 0;
	if ((d = opendir(s->tmp)) == NULL)
		return ucerr_set(err, "%s: %s", s->tmp, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*n == STAGE_ENTRIES_MAX || strlen(e->d_name) >= 256) {
			closedir(d);
			return ucerr_set(err, "%s: too many entries", s->tmp);
		}
		if (commit_last != NULL && strcmp(e->d_name, commit_last) == 0)
			last = *n;
		snprintf(names[(*n)++], 256, "%s", e->d_name);
	}
	closedir(d);
	if (last >= 0 && last != *n - 1) {
		char swap[256];

		memcpy(swap, names[last], sizeof(swap));
		memcpy(names[last], names[*n - 1], sizeof(swap));
		memcpy(names[*n - 1], swap, sizeof(swap));
	}
	return 0;
}

static void
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	if (fd != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

int
stage_commit(struct stage *s, const char *commit_last, struct ucerr *err)
{
	char names[STAGE_ENTRIES_MAX][256], from[4096 + 256], to[4096 + 256];
	int i, n;

	if (stage_names(s, commit_last, names, &n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(to, sizeof(to), "%s/%s", s->dir, names[i]);
		if (path_exists(to))
			return ucerr_set(err, "%s: already exists; move it away "
			    "first", to);
	}
	for (i = 0; i < n; i++) {
		snprintf(from, sizeof(from), "%s/%s", s->tmp, names[i]);
		snprintf(to, sizeof(to), "%s/%s", s->dir, names[i]);
		if (rename(from, to) == -1) {
			ucerr_set(err, "%s: %s", to, strerror(errno));
			/* Back to the stage, which stage_abort removes. */
			while (i-- > 0) {
				snprintf(from, sizeof(from), "%s/%s", s->tmp,
				    names[i]);
				snprintf(to, sizeof(to), "%s/%s", s->dir,
				    names[i]);
				(void)rename(to, from);
			}
			return -1;
		}
	}
	if (rmdir(s->tmp) == -1)
		return ucerr_set(err, "%s: %s", s->tmp, strerror(errno));
	s->tmp[0] = '\0';
	s->made_dir = 0;
	fsync_path(s->dir);
	return 0;
}
