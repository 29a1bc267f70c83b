/*
 * log.h - one line per event on stderr (and syslog when asked), with a
 * level.  Callers never pass secrets: device names, addresses, statuses
 * and certificate serials only.
 *
 * What a peer can trigger at will (refusals, protocol errors, failed
 * handshakes) goes through log_limited: a few lines per kind of event and
 * source network per interval, then one line counting what was left out
 * ("... and 4,913 more from 127.0.0.0/8 in the last 10 s"), so that no
 * client can fill the disk.
 *
 * When stderr is the journal (systemd sets $JOURNAL_STREAM to its device
 * and inode), lines carry the syslog priority as a "<N>" prefix and no
 * timestamp of their own: journald adds both.
 */
#ifndef UCPKI_LOG_H
#define UCPKI_LOG_H

#include <stdint.h>
#include <stdio.h>

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

/* Lines per kind and source network per interval (0: no limit); set
 * before threads start.  Defaults: 10 lines per 10 s. */
void	log_limit_setup(int burst, int interval_s);
/* kind names the event in the summary line ("serve: CAPF connections
 * refused"), net the source network ("127.0.0.0/8", or "" for none). */
void	log_limited(enum log_level level, const char *kind, const char *net,
	    const char *fmt, ...) UC_PRINTF(4, 5);
/* The network a peer ("addr:port" or "addr") is counted under in
 * log_limited lines: 127.0.0.0/8, an IPv4 /24, an IPv6 /64. */
void	log_peer_net(const char *peer, char *out, size_t outlen);
/* At most one line per interval for this kind, whatever the limit. */
void	log_once(enum log_level level, const char *kind, const char *fmt, ...)
	    UC_PRINTF(3, 4);
/* Writes the counts of intervals that have ended (call it every second);
 * with all set, of every interval (at exit). */
void	log_limit_flush(int all);

/* For tests: where lines go (default stderr), and the clock (ms). */
void	log_set_stream(FILE *f);
void	log_set_clock(int64_t (*now_ms)(void));

#endif
