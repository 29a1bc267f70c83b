/*
 * log.h - one line per event on stderr (and syslog when asked), with a
 * level.  Callers never pass secrets: device names, addresses, statuses
 * and certificate serials only.
 */
#ifndef UCPKI_LOG_H
#define UCPKI_LOG_H

#include "err.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG };

/* Set once at start-up, before any thread runs. */
void	log_setup(enum log_level level, int use_syslog);
int	log_level_parse(const char *s);
void	log_msg(enum log_level level, const char *fmt, ...) UC_PRINTF(2, 3);

#define log_error(...)	log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
