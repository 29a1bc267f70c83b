/*
 * commands.c - the command table: one row per command, --help generated
 * from the row.  Handlers and their option lists live in cmd_<group>.c.
 */
#include <stddef.h>

#include "commands.h"

const struct command commands[] = {
	{ NULL, NULL, NULL, NULL, 0, 0, NULL },
};
