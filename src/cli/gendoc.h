/*
 * gendoc.h - the documentation generated from the command table: man
 * pages (ucpki(1), ucpki-GROUP(1) per first command word), the bash
 * completion and the default ucpki.conf.  Built by ucpki-gendoc
 * (gendoc_main.c) at build time; tests/cli/docs.sh compares them with
 * --help.
 */
#ifndef UCPKI_GENDOC_H
#define UCPKI_GENDOC_H

#include <stdio.h>

#include "err.h"

int	gendoc_man_main(FILE *fp);
int	gendoc_man_group(FILE *fp, const char *group);
int	gendoc_completion(FILE *fp);
int	gendoc_conf(FILE *fp);
/* DIR/man1/ucpki.1, DIR/man1/ucpki-GROUP.1, DIR/ucpki.bash, DIR/ucpki.conf */
int	gendoc_write_all(const char *dir, struct ucerr *err);

#endif
