/*
 * reset.h - phones affected by a change are reset through the reset
 * hook the administrator configures: ucpki cannot reset a phone itself,
 * the call agent does (e.g. asterisk -rx "sip notify cisco-restart
 * {device}").  The command runs once per device, a few at a time.
 */
#ifndef UCPKI_RESET_H
#define UCPKI_RESET_H

#include <stddef.h>

#include "err.h"

struct store;

/* Resets run at most this many at once unless configured. */
#define RESET_CONCURRENCY	4
#define RESET_CONCURRENCY_MAX	256
/* A reset command that has not ended after this long is killed (its
 * whole process group): a hung call agent must not hold the command
 * or the service that asked for ever. */
#define RESET_TIMEOUT_S		30
#define RESET_TIMEOUT_MAX	3600

struct reset_config {
	int	has_command;
	char	command[1024];		/* {device} is the device's name */
	long	concurrency;
	long	timeout_s;
};

int	reset_config_load(struct store *st, struct reset_config *c,
	    struct ucerr *err);
/* command NULL: unchanged; concurrency 0: unchanged, else 1..256;
 * timeout_s 0: unchanged, else 1..3600. */
int	reset_config_set(struct store *st, const char *command,
	    long concurrency, long timeout_s, struct ucerr *err);

/* One reset finished: exited (else killed by a signal, SIGKILL when it
 * outlasted the time limit) with code. */
typedef void (*reset_done_fn)(void *arg, const char *device, int exited,
	    int code);
/* Runs the reset command for each name: 1 when it ran, 0 when no
 * command is configured (the caller lists the devices instead). */
int	devices_reset(struct store *st, char (*names)[64], size_t n,
	    reset_done_fn done, void *arg);

#endif
