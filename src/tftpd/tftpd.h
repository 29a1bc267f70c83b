/*
 * tftpd.h - the cluster's TFTP service inside `ucpki serve`: HTTP on 6970
 * (the phones' first choice), TFTP on UDP 69 (their fallback, and the
 * only transport of older firmware) and HTTPS on 6971 (where phones
 * holding an ITL of version 1.1 fetch their configuration, unsigned,
 * checking the server against CallManager-ECDSA), all answering from the
 * same files (tftp_files.h).
 *
 * Both transports run on one thread with its own event loop, so nothing
 * they do (reading files, signing a configuration) waits on or delays the
 * CAPF and TVS loops.  Each finished fetch is handed to a callback (the
 * server's single writer records it).
 */
#ifndef UCPKI_TFTPD_H
#define UCPKI_TFTPD_H

#include <openssl/ssl.h>

#include "err.h"
#include "store_fetch.h"

/* Builds the HTTPS context for an identity (TLS 1.2 and later). */
typedef SSL_CTX *(*tftpd_tls_ctx_fn)(X509 *cert, EVP_PKEY *key,
    struct ucerr *err);

struct tftpd_config {
	const char	*listen_addr;		/* IPv4; default 0.0.0.0 */
	int		 http_port;		/* 0: HTTP off */
	int		 tftp_port;		/* 0: TFTP off */
	int		 https_port;		/* 0: HTTPS off */
	tftpd_tls_ctx_fn tls_ctx;		/* needed for HTTPS */
	const char	*root;			/* NULL: <home>/tftp */
	const char	*config_dir;		/* NULL: <home>/config */
	int		 max_transfers;		/* at once, both transports */
	int		 max_per_address;
	int		 max_connections;	/* HTTP and HTTPS, at once */
	int		 max_conn_per_address;
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
/* HTTPS takes CallManager-ECDSA afresh at its next connection (SIGHUP;
 * any thread).  A changed identity is also noticed by itself, within a
 * second. */
void	tftpd_reload(struct tftpd *t);
void	tftpd_stop(struct tftpd *t);

#endif
