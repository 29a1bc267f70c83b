/*
 * log.h - one line per event on stderr (and syslog when asked), with a
 * level.  Callers never pass secrets: device names, addresses, statuses
 * and certificate serials only.
 *
 * When stderr is the journal (systemd sets $JOURNAL_STREAM to its device
 * and inode), lines carry the syslog priority as a "<N>" prefix and no
 * timestamp of their own: journald adds both.
 */
#ifndef UCPKI_LOG_H
#define UCPKI_LOG_H

#include <stdint.h>

#include "err.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG };

/* Set once at start-up, before any thread runs. */
void	log_setup(enum log_level level, int use_syslog);
int	log_level_parse(const char *s);
const char *log_level_name(enum log_level level);
void	log_msg(enum log_level level, const char *fmt, ...) UC_PRINTF(2, 3);
/* Is stderr the journal? (decided by log_setup) */
int	log_to_journal(void);

/* The last error lines (for `ucpki status`), oldest first. */
#define LOG_LAST_ERRORS	5
struct log_error_line {
	int64_t	at;			/* seconds since the epoch */
	char	msg[256];
};
int	log_last_errors(struct log_error_line out[LOG_LAST_ERRORS]);

#define log_error(...)	log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
