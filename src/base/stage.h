/*
 * stage.h - build a directory's contents out of sight, then move them in.
 *
 * A command that makes many files (init: a database, keys, the TFTP root)
 * and fails halfway - a full disk, a file size limit - must leave no
 * half-built directory behind.  The contents are built in a hidden
 * directory inside the target (where the caller can surely write) and
 * renamed into place at the end, the entry that marks the directory as
 * ready (commit_last) last; on failure the hidden directory goes, and so
 * does the target if stage_begin made it.
 */
#ifndef UCPKI_STAGE_H
#define UCPKI_STAGE_H

#include "err.h"

struct stage {
	char	dir[4096];	/* the target */
	char	tmp[4096];	/* <dir>/.stage-XXXXXX: build here */
	int	made_dir;	/* the target did not exist before */
};

/* Makes dir (mode 0755) when missing and the hidden build directory. */
int	stage_begin(struct stage *s, const char *dir, struct ucerr *err);
/*
 * Renames every entry of tmp into dir, commit_last (may be NULL) last,
 * and removes tmp.  An entry that already exists in dir fails it, before
 * anything moves; a rename that fails moves back what had moved.
 */
int	stage_commit(struct stage *s, const char *commit_last,
	    struct ucerr *err);
/* In err's message, names under tmp become names under dir: the user
 * never saw the hidden directory. */
void	stage_rename_in(const struct stage *s, struct ucerr *err);
/* Removes tmp with what is in it, and dir if stage_begin made it. */
void	stage_abort(struct stage *s);

#endif
