/*
 * tftpd.h - the cluster's TFTP service inside `ucpki serve`: HTTP on 6970
 * (the phones' first choice) and TFTP on UDP 69 (their fallback, and the
 * only transport of older firmware), both answering from the same files
 * (tftp_files.h).
 *
 * Both transports run on one thread with its own event loop, so nothing
 * they do (reading files, signing a configuration) waits on or delays the
 * CAPF and TVS loops.  Each finished fetch is handed to a callback (the
 * server's single writer records it).
 */
#ifndef UCPKI_TFTPD_H
#define UCPKI_TFTPD_H

#include "err.h"
#include "store_fetch.h"

struct tftpd_config {
	const char	*listen_addr;		/* IPv4; default 0.0.0.0 */
	int		 http_port;		/* 0: HTTP off */
	int		 tftp_port;		/* 0: TFTP off */
	const char	*root;			/* NULL: <home>/tftp */
	const char	*config_dir;		/* NULL: <home>/config */
	int		 max_transfers;		/* at once, both transports */
	int		 max_per_address;
	int		 tftp_timeout_s;	/* retransmission, unless asked */
	int		 tftp_retries;		/* then the transfer is dropped */
	int		 http_timeout_s;	/* a connection's silence */
	int		 capf_port, tvs_port;	/* for the configurations */
};

void	tftpd_config_defaults(struct tftpd_config *c);

typedef void (*tftpd_record_fn)(void *arg, const struct fetch_event *e);

struct tftpd;

/*
 * Binds the ports (call it before privileges are dropped: port 69 needs
 * them) and starts the service's thread.  record may be NULL.
 */
struct tftpd *tftpd_start(const struct tftpd_config *c, const char *home,
	    tftpd_record_fn record, void *record_arg, struct ucerr *err);
/* The "listening" lines (logged once privileges are dropped: a refusal
 * before that is the only line a failed start prints). */
void	tftpd_log_listening(const struct tftpd *t);
void	tftpd_stop(struct tftpd *t);

#endif
