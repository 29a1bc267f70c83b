/* commands.h - handlers and option lists of every command (see commands.c). */
#ifndef UCPKI_COMMANDS_H
#define UCPKI_COMMANDS_H

#include "cli.h"

#endif
