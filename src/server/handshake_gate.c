/*
 * handshake_gate.c - at most --max-handshakes TLS handshakes in progress
 * per loop; connections beyond that wait their turn as a bare socket.
 *
 * A handshake holds OpenSSL's handshake buffer, its record buffers and
 * its transcript, about 40 KB, until it ends: a storm of 10,000 phones
 * connecting at once held all of them together (bench/slow_phones.sh:
 * 42 KB per phone at the peak), although the loop can only work on a
 * few at a time.  A parked connection is accepted (the kernel would
 * otherwise keep it in the backlog, where the connection limits cannot
 * see it) but has no SSL object and no bufferevent: its descriptor, its
 * peer and this small record.  Its handshake deadline starts when its
 * handshake does (the session sets it); until then it has its own
 * bounded wait, --handshake-wait, after which it is closed with a
 * rate-limited line.  First come, first served; a parked connection is
 * quiet, so a full server may close it to make room (server.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "server.h"

struct parked {
	struct quiet	 quiet;		/* first: evict() finds the rest */
	struct parked	*prev, *next;	/* oldest first */
	struct loop	*loop;
	evutil_socket_t	 fd;
	int		 slot;		/* the listener's, in identity_set */
	int64_t		 since_ms;	/* monotonic */
	char		 peer[64];
};

/* The handshake begins: its SSL object, its bufferevent, its session. */
static void
handshake_start(struct loop *loop, int slot, evutil_socket_t fd,
    const char *peer)
{
	struct server *s = loop->server;
	struct identity_set *ids;
	struct bufferevent *bev;
	SSL *ssl;

	ids = server_identities(s);
	/* The set was loaded for the listeners, slot by slot. */
	ssl = SSL_new(ids->tls[slot].ctx);
	identity_set_release(ids);
	if (ssl == NULL) {
		evutil_closesocket(fd);
		server_connection_closed(s, peer);
		return;
	}
	bev = bufferevent_openssl_socket_new(loop->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		evutil_closesocket(fd);
		server_connection_closed(s, peer);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	/* The session gives the slot back (server_handshake_done). */
	loop->gate.handshakes++;
	s->services[slot].def->accept(loop, bev, peer);
}

static void
unlink_parked(struct parked *p)
{
	struct handshake_gate *g = &p->loop->gate;

	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		g->head = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	else
		g->tail = p->prev;
	g->parked--;
	server_quiet_remove(&p->quiet);
}

/* A parked connection that never gets its handshake. */
static void
drop_parked(struct parked *p)
{
	unlink_parked(p);
	evutil_closesocket(p->fd);
	server_connection_closed(p->loop->server, p->peer);
	free(p);
}

/* The server is full and this connection is parked: it goes. */
static void
evict(struct quiet *q)
{
	/* quiet is the first member: the cast is the record itself. */
	drop_parked((struct parked *)(void *)q);
}

/* The oldest parked connection's wait ends at its since + the wait. */
static void
arm_expiry(struct loop *loop)
{
	struct handshake_gate *g = &loop->gate;
	int64_t left;
	struct timeval tv;

	if (g->head == NULL) {
		evtimer_del(g->expire);
		return;
	}
	left = g->head->since_ms + (int64_t)loop->server->cfg.handshake_wait_s *
	    1000 - clock_monotonic_ms();
	if (left < 0)
		left = 0;
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	evtimer_add(g->expire, &tv);
}

static void
on_expire(evutil_socket_t fd, short what, void *arg)
{
	struct loop *loop = arg;
	struct server *s = loop->server;
	int64_t wait_ms = (int64_t)s->cfg.handshake_wait_s * 1000;
	int64_t now = clock_monotonic_ms();
	struct parked *p;
	char kind[64], net[48];

	(void)fd;
	(void)what;
	while ((p = loop->gate.head) != NULL && p->since_ms + wait_ms <= now) {
		snprintf(kind, sizeof(kind), "serve: %s connections not served "
		    "in time", s->services[p->slot].name);
		log_peer_net(p->peer, net, sizeof(net));
		log_limited(LOG_LEVEL_WARN, kind, net, "serve: %s: %s closed: "
		    "waited %d s for one of %d TLS handshakes in progress "
		    "(--max-handshakes)", s->services[p->slot].name, p->peer,
		    s->cfg.handshake_wait_s, s->cfg.max_handshakes);
		drop_parked(p);
	}
	arm_expiry(loop);
}

/* Slots are free: the oldest parked connections begin their handshakes. */
static void
on_unpark(evutil_socket_t fd, short what, void *arg)
{
	struct loop *loop = arg;
	struct handshake_gate *g = &loop->gate;
	struct parked *p;

	(void)fd;
	(void)what;
	while (g->head != NULL && g->handshakes < loop->server->cfg.max_handshakes) {
		p = g->head;
		unlink_parked(p);
		handshake_start(loop, p->slot, p->fd, p->peer);
		free(p);
	}
	arm_expiry(loop);
}

int
handshake_gate_init(struct loop *loop)
{
	struct handshake_gate *g = &loop->gate;

	memset(g, 0, sizeof(*g));
	g->unpark = event_new(loop->base, -1, 0, on_unpark, loop);
	g->expire = evtimer_new(loop->base, on_expire, loop);
	return g->unpark != NULL && g->expire != NULL ? 0 : -1;
}

void
handshake_gate_free(struct loop *loop)
{
	struct handshake_gate *g = &loop->gate;

	while (g->head != NULL)
		drop_parked(g->head);
	if (g->unpark != NULL)
		event_free(g->unpark);
	if (g->expire != NULL)
		event_free(g->expire);
	g->unpark = g->expire = NULL;
}

void
handshake_gate_enter(struct loop *loop, int slot, int fd,
    const char *peer)
{
	struct handshake_gate *g = &loop->gate;
	struct parked *p;

	/* Those who came first go first: none overtakes a parked one. */
	if (g->head == NULL && g->handshakes < loop->server->cfg.max_handshakes) {
		handshake_start(loop, slot, fd, peer);
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		evutil_closesocket(fd);
		server_connection_closed(loop->server, peer);
		return;
	}
	p->loop = loop;
	p->fd = fd;
	p->slot = slot;
	p->since_ms = clock_monotonic_ms();
	snprintf(p->peer, sizeof(p->peer), "%s", peer);
	p->prev = g->tail;
	if (g->tail != NULL)
		g->tail->next = p;
	else
		g->head = p;
	g->tail = p;
	g->parked++;
	server_quiet_add(loop, &p->quiet, p->peer, evict);
	if (g->head == p)
		arm_expiry(loop);
}

void
server_handshake_done(struct loop *loop)
{
	struct handshake_gate *g = &loop->gate;

	g->handshakes--;
	/* Not from here: the caller may be a session in the middle of
	 * freeing itself; the loop's next turn starts the next one. */
	if (g->head != NULL)
		event_active(g->unpark, 0, 0);
}
