/* tftpd_int.h - what the TFTP service's transports share (tftpd.c). */
#ifndef UCPKI_TFTPD_INT_H
#define UCPKI_TFTPD_INT_H

#include <pthread.h>

#include <event2/util.h>

#include "tftp_files.h"
#include "tftpd.h"

struct event_base;
struct evhttp;
struct event;
struct addr_slot;
struct tftp_xfer;

#define ADDR_BUCKETS	1024

struct tftpd {
	struct tftpd_config	 cfg;
	struct event_base	*base;
	pthread_t		 thread;
	int			 thread_up;
	struct store		*st;		/* this thread's read connection */
	struct tftp_files	*files;
	tftpd_record_fn		 record;
	void			*record_arg;
	/* HTTP */
	struct evhttp		*http;
	/* TFTP */
	evutil_socket_t		 udp_fd;
	struct event		*udp_ev;
	struct tftp_xfer	*xfers;		/* transfers in flight */
	/* limits, both transports */
	int			 transfers;
	struct addr_slot	*addrs[ADDR_BUCKETS];
	unsigned long		 served, refused;
	char			 root[4096], config[4096];
};

/* A slot for a transfer from addr, or 0 when a limit says no. */
int	tftpd_admit(struct tftpd *t, const char *addr, const char *transport);
void	tftpd_release(struct tftpd *t, const char *addr);
/* Hands a finished fetch to the recorder. */
void	tftpd_record(struct tftpd *t, const struct tftp_served *s,
	    const char *name, const char *addr, int port, const char *transport);

int	tftpd_http_start(struct tftpd *t, struct ucerr *err);
void	tftpd_http_stop(struct tftpd *t);
int	tftpd_tftp_start(struct tftpd *t, struct ucerr *err);
void	tftpd_tftp_stop(struct tftpd *t);

#endif
