/*
 * tftp.c - the TFTP files over TFTP (UDP 69): read requests only (RFC
 * 1350) with blksize, tsize and timeout (RFC 2347-2349).  Each transfer
 * is a state machine on its own socket (its transfer ID), connected to
 * the client; the last packet is sent again on silence, a bounded number
 * of times.  Write requests and anything malformed get the protocol's
 * error from port 69 at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "tftp_msg.h"
#include "tftp_path.h"
#include "tftpd_int.h"

/* Blocks that fit an Ethernet frame: no IP fragments. */
#define TFTP_BLKSIZE_SERVE_MAX	1468
/* ACKs that do not move a transfer forward before it is dropped. */
#define TFTP_STALE_ACKS_MAX	64

enum xfer_state {
	XFER_OACK_SENT,		/* waiting for ACK 0 */
	XFER_DATA_SENT,		/* waiting for the ACK of a full block */
	XFER_LAST_SENT,		/* waiting for the ACK of the short block */
};

struct tftp_xfer {
	struct tftp_xfer	*prev, *next;
	struct tftpd		*t;
	enum xfer_state		 state;
	evutil_socket_t		 fd;
	struct event		*ev;
	struct tftp_served	 content;
	char			 name[TFTP_NAME_MAX + 1];
	char			 addr[48];
	int			 port;
	int			 blksize, timeout_s, netascii;
	uint64_t		 offset;	/* source bytes sent so far */
	int			 pending;	/* netascii: byte owed, or -1 */
	uint16_t		 block;		/* last block sent */
	int			 retries, stale_acks;
	uint8_t			*pkt;		/* last packet, for resending */
	size_t			 pkt_len;
};

static void
xfer_free(struct tftp_xfer *x)
{
	struct tftpd *t = x->t;

	if (x->prev)
		x->prev->next = x->next;
	else
		t->xfers = x->next;
	if (x->next)
		x->next->prev = x->prev;
	if (x->ev != NULL)
		event_free(x->ev);
	if (x->fd != -1)
		close(x->fd);
	tftp_served_release(&x->content);
	tftpd_release(t, x->addr);
	free(x->pkt);
	free(x);
}

static void
send_error_to(evutil_socket_t fd, const struct sockaddr_in *to, int code,
    const char *msg)
{
	uint8_t pkt[4 + sizeof(((struct ucerr *)0)->msg) + 1];
	size_t len = tftp_build_error(pkt, sizeof(pkt), (uint16_t)code, msg);

	if (len > 0)
		(void)sendto(fd, pkt, len, 0, (const struct sockaddr *)to,
		    to != NULL ? sizeof(*to) : 0);
}

/* Source bytes from offset: from memory or the file. */
static ssize_t
content_read(struct tftp_xfer *x, uint8_t *out, size_t n)
{
	const struct tftp_served *c = &x->content;
	uint64_t left = c->size > x->offset ? c->size - x->offset : 0;

	if (n > left)
		n = (size_t)left;
	if (c->blob != NULL) {
		memcpy(out, c->blob->data + x->offset, n);
		return (ssize_t)n;
	}
	return pread(c->fd, out, n, (off_t)x->offset);
}

/* netascii: LF becomes CR LF and CR becomes CR NUL (RFC 764). */
static size_t
netascii_fill(struct tftp_xfer *x, uint8_t *out, size_t n)
{
	const struct tftp_blob *b = x->content.blob;
	size_t len = 0;
	uint8_t c;

	while (len < n) {
		if (x->pending >= 0) {
			out[len++] = (uint8_t)x->pending;
			x->pending = -1;
			continue;
		}
		if (x->offset >= b->len)
			break;
		c = b->data[x->offset++];
		if (c == '\n' || c == '\r') {
			out[len++] = '\r';
			x->pending = c == '\n' ? '\n' : '\0';
		} else {
			out[len++] = c;
		}
	}
	return len;
}

static int
send_next_block(struct tftp_xfer *x)
{
	ssize_t n;

	x->block++;
	tftp_build_data_header(x->pkt, 4, x->block);
	if (x->netascii) {
		n = (ssize_t)netascii_fill(x, x->pkt + 4, (size_t)x->blksize);
	} else {
		if ((n = content_read(x, x->pkt + 4, (size_t)x->blksize)) < 0) {
			log_error("tftp: %s: %s", x->name, strerror(errno));
			return -1;
		}
		x->offset += (uint64_t)n;
	}
	x->pkt_len = 4 + (size_t)n;
	x->state = n < x->blksize ? XFER_LAST_SENT : XFER_DATA_SENT;
	x->retries = 0;
	(void)send(x->fd, x->pkt, x->pkt_len, 0);
	return 0;
}

/* Returns 1 when the transfer is over (and freed). */
static int
on_ack(struct tftp_xfer *x, uint16_t block)
{
	switch (x->state) {
	case XFER_OACK_SENT:
		if (block != 0)
			break;
		x->stale_acks = 0;
		return send_next_block(x) == -1 ? (xfer_free(x), 1) : 0;
	case XFER_DATA_SENT:
		if (block != x->block)
			break;
		x->stale_acks = 0;
		return send_next_block(x) == -1 ? (xfer_free(x), 1) : 0;
	case XFER_LAST_SENT:
		if (block != x->block)
			break;
		tftpd_record(x->t, &x->content, x->name, x->addr, x->port,
		    "tftp");
		xfer_free(x);
		return 1;
	}
	/* A duplicate ACK is not answered (RFC 1123 4.2.3.1: no Sorcerer's
	 * Apprentice); too many of them end the transfer. */
	if (++x->stale_acks > TFTP_STALE_ACKS_MAX) {
		xfer_free(x);
		return 1;
	}
	return 0;
}

static void
on_xfer_event(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_xfer *x = arg;
	struct ucerr err;
	struct tftp_msg m;
	uint8_t pkt[TFTP_PACKET_MAX];
	ssize_t n;
	int code;

	if (what & EV_TIMEOUT) {
		if (++x->retries > x->t->cfg.tftp_retries) {
			log_info("tftp: %s to %s:%d: no ACK after %d tries; "
			    "dropped", x->name, x->addr, x->port, x->retries);
			send_error_to(x->fd, NULL, TFTP_ERR_UNDEFINED,
			    "Transfer timed out");
			xfer_free(x);
			return;
		}
		(void)send(x->fd, x->pkt, x->pkt_len, 0);
		return;
	}
	if ((n = recv(fd, pkt, sizeof(pkt), 0)) < 0)
		return;
	if (tftp_msg_parse(pkt, (size_t)n, &m, &code, &err) == -1) {
		send_error_to(x->fd, NULL, code, "Illegal TFTP operation");
		xfer_free(x);
		return;
	}
	switch (m.opcode) {
	case TFTP_ACK:
		on_ack(x, m.block);
		return;
	case TFTP_ERROR:
		/* The client gave up (or refused our options). */
		log_debug("tftp: %s to %s:%d: client error %u %s", x->name,
		    x->addr, x->port, m.error_code, m.error_msg);
		xfer_free(x);
		return;
	default:
		send_error_to(x->fd, NULL, TFTP_ERR_ILLEGAL,
		    "Illegal TFTP operation");
		xfer_free(x);
		return;
	}
}

/* Options the server agrees to; 1 when an OACK must go first. */
static int
negotiate(struct tftp_xfer *x, const struct tftp_msg *m, int64_t *tsize)
{
	int oack = 0;

	x->blksize = TFTP_BLKSIZE_DEFAULT;
	x->timeout_s = x->t->cfg.tftp_timeout_s;
	*tsize = -1;
	if (m->blksize > 0) {
		x->blksize = m->blksize < TFTP_BLKSIZE_SERVE_MAX ? m->blksize :
		    TFTP_BLKSIZE_SERVE_MAX;
		oack = 1;
	}
	if (m->timeout_s > 0) {
		x->timeout_s = m->timeout_s;
		oack = 1;
	}
	/* netascii's size is not known before it is converted. */
	if (m->tsize && !x->netascii) {
		*tsize = (int64_t)x->content.size;
		oack = 1;
	}
	return oack;
}

static int
xfer_socket(struct tftpd *t, const struct sockaddr_in *peer)
{
	struct sockaddr_in local;
	evutil_socket_t fd;

	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	inet_pton(AF_INET, t->cfg.listen_addr, &local.sin_addr);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	/* A new transfer ID (port); only the client's packets reach it. */
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) == -1 ||
	    connect(fd, (const struct sockaddr *)peer, sizeof(*peer)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
start_transfer(struct tftpd *t, const struct tftp_msg *m,
    const struct sockaddr_in *peer, const char *addr)
{
	struct tftp_xfer *x;
	struct ucerr err;
	struct timeval tv;
	int64_t tsize;
	int found, oack;

	if (!tftpd_admit(t, addr, "tftp")) {
		send_error_to(t->udp_fd, peer, TFTP_ERR_UNDEFINED,
		    "Too many transfers; try again later");
		return;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		tftpd_release(t, addr);
		return;
	}
	x->t = t;
	x->fd = -1;
	x->pending = -1;
	x->netascii = m->netascii;
	x->port = ntohs(peer->sin_port);
	snprintf(x->addr, sizeof(x->addr), "%s", addr);
	snprintf(x->name, sizeof(x->name), "%s", m->filename);
	if ((x->next = t->xfers) != NULL)
		x->next->prev = x;
	t->xfers = x;
	found = tftp_files_get(t->files, m->filename, &x->content, &err);
	if (found != 1) {
		if (found == 0) {
			send_error_to(t->udp_fd, peer, TFTP_ERR_NOT_FOUND,
			    "File not found");
		} else if (x->content.refused) {
			t->refused++;
			tftpd_log_peer(LOG_LEVEL_WARN, "tftp: requests refused",
			    addr, "tftp: from %s: %s", addr, err.msg);
			send_error_to(t->udp_fd, peer, TFTP_ERR_ACCESS,
			    "Access violation");
		} else {
			tftpd_log_peer(LOG_LEVEL_ERROR, "tftp: files not served",
			    addr, "tftp: from %s: %s", addr, err.msg);
			send_error_to(t->udp_fd, peer, TFTP_ERR_UNDEFINED,
			    "Cannot serve this file");
		}
		xfer_free(x);
		return;
	}
	if (x->netascii && x->content.blob == NULL) {
		send_error_to(t->udp_fd, peer, TFTP_ERR_UNDEFINED,
		    "Large files only in octet mode");
		xfer_free(x);
		return;
	}
	oack = negotiate(x, m, &tsize);
	if ((x->pkt = malloc(4 + (size_t)x->blksize)) == NULL ||
	    (x->fd = xfer_socket(t, peer)) == -1 ||
	    (x->ev = event_new(t->base, x->fd, EV_READ | EV_PERSIST,
	    on_xfer_event, x)) == NULL) {
		send_error_to(t->udp_fd, peer, TFTP_ERR_UNDEFINED,
		    "Server out of resources");
		xfer_free(x);
		return;
	}
	tv.tv_sec = x->timeout_s;
	tv.tv_usec = 0;
	event_add(x->ev, &tv);
	if (oack) {
		x->pkt_len = tftp_build_oack(x->pkt, 4 + (size_t)x->blksize,
		    m->blksize > 0 ? x->blksize : 0, m->timeout_s, tsize);
		if (x->pkt_len == 0) {
			/* Options too long for the block: go without them. */
			oack = 0;
		} else {
			x->state = XFER_OACK_SENT;
			(void)send(x->fd, x->pkt, x->pkt_len, 0);
		}
	}
	if (!oack && send_next_block(x) == -1)
		xfer_free(x);
}

static void
on_request(evutil_socket_t fd, short what, void *arg)
{
	struct tftpd *t = arg;
	struct sockaddr_in peer;
	socklen_t peer_len = sizeof(peer);
	struct ucerr err, name_err;
	struct tftp_msg m;
	uint8_t pkt[TFTP_PACKET_MAX];
	char addr[48];
	ssize_t n;
	int code;

	(void)what;
	n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&peer,
	    &peer_len);
	if (n < 0 || peer.sin_family != AF_INET)
		return;
	inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr));
	if (tftp_msg_parse(pkt, (size_t)n, &m, &code, &err) == -1) {
		log_debug("tftp: from %s: %s", addr, err.msg);
		send_error_to(fd, &peer, code, err.msg);
		return;
	}
	switch (m.opcode) {
	case TFTP_RRQ:
		if (tftp_name_check(m.filename, &name_err) == -1) {
			t->refused++;
			tftpd_log_peer(LOG_LEVEL_WARN, "tftp: requests refused",
			    addr, "tftp: from %s: '%s' refused: %s", addr,
			    m.filename, name_err.msg);
			send_error_to(fd, &peer, TFTP_ERR_ACCESS,
			    "Access violation");
			return;
		}
		start_transfer(t, &m, &peer, addr);
		return;
	case TFTP_WRQ:
		t->refused++;
		tftpd_log_peer(LOG_LEVEL_WARN, "tftp: requests refused", addr,
		    "tftp: from %s: write request for '%s' refused", addr,
		    m.filename);
		send_error_to(fd, &peer, TFTP_ERR_ACCESS,
		    "Access violation: read-only server");
		return;
	case TFTP_ERROR:
		return;		/* never answer an error with an error */
	default:
		send_error_to(fd, &peer, TFTP_ERR_ILLEGAL,
		    "Illegal TFTP operation");
		return;
	}
}

int
tftpd_tftp_start(struct tftpd *t, struct ucerr *err)
{
	struct sockaddr_in sin;
	int one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)t->cfg.tftp_port);
	if (inet_pton(AF_INET, t->cfg.listen_addr, &sin.sin_addr) != 1)
		return ucerr_set(err, "--listen %s: not an IPv4 address",
		    t->cfg.listen_addr);
	if ((t->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return ucerr_set(err, "TFTP: socket: %s", strerror(errno));
	/* Like the server's other ports (SO_REUSEPORT). */
	setsockopt(t->udp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(t->udp_fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (bind(t->udp_fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return ucerr_set(err, "TFTP: cannot listen on %s:%d (udp): %s%s",
		    t->cfg.listen_addr, t->cfg.tftp_port, strerror(errno),
		    errno == EACCES ? " (ports below 1024 need root; "
		    "--tftp-port 0 turns TFTP off)" : "");
	if ((t->udp_ev = event_new(t->base, t->udp_fd, EV_READ | EV_PERSIST,
	    on_request, t)) == NULL || event_add(t->udp_ev, NULL) == -1)
		return ucerr_set(err, "TFTP: cannot set up the event");
	return 0;
}

void
tftpd_tftp_stop(struct tftpd *t)
{
	while (t->xfers != NULL)
		xfer_free(t->xfers);
	if (t->udp_ev != NULL)
		event_free(t->udp_ev);
	t->udp_ev = NULL;
	if (t->udp_fd != -1)
		close(t->udp_fd);
	t->udp_fd = -1;
}
