/* gendoc_main.c - ucpki-gendoc DIR: writes the generated documentation
 * (see gendoc.h).  A build tool, not installed. */
#include <stdio.h>

#include "fileio.h"
#include "gendoc.h"

int
main(int argc, char **argv)
{
	struct ucerr err;

	if (argc != 2) {
		fprintf(stderr, "usage: ucpki-gendoc DIR\n");
		return 2;
	}
	if (dir_make(argv[1], 0755, &err) == -1 ||
	    gendoc_write_all(argv[1], &err) == -1) {
		fprintf(stderr, "ucpki-gendoc: %s\n", err.msg);
		return 1;
	}
	return 0;
}
