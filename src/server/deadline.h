/*
 * deadline.h - absolute time limits for a session, on a timer of its
 * own.  A bufferevent's timeouts restart on every byte, so a peer that
 * trickles one byte a second would hold a connection for ever; these do
 * not move.  Each phase (the TLS handshake, waiting for the phone's next
 * message, key generation) has its own deadline; once the first byte of
 * a message has arrived the whole message must follow within the message
 * timeout, whatever the phase allowed.
 */
#ifndef UCPKI_DEADLINE_H
#define UCPKI_DEADLINE_H

#include <stdint.h>

struct event;
struct event_base;

struct deadline {
	struct event	*ev;
	int64_t		 phase_end;	/* monotonic ms */
	int		 message_s;	/* seconds for a message once begun */
	int		 active;	/* 0: no deadline (the server works) */
	int		 in_message;	/* a message's first byte is here */
};

/* cb(arg) runs on the loop when a deadline passes. */
int	deadline_init(struct deadline *d, struct event_base *base,
	    int message_s, void (*cb)(int, short, void *), void *arg);
void	deadline_free(struct deadline *d);
/* A new phase that must end within seconds from now. */
void	deadline_phase(struct deadline *d, int seconds);
/* No deadline while the server itself is busy (signing, saving). */
void	deadline_stop(struct deadline *d);
/* Bytes of a message are buffered (called after every read). */
void	deadline_message_begun(struct deadline *d);
/* A whole message was read: the phase's deadline applies again. */
void	deadline_message_done(struct deadline *d);

#endif
