/* pcap.c - TLS handshakes from captures (see pcap.h). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* <pcap/pcap.h>, not <pcap.h>: our own pcap.h sits on the include path. */
#include <pcap/pcap.h>

#include "buf.h"
#include "pcap.h"
#include "x509.h"

#define STREAM_MAX	(1024 * 1024)	/* bytes kept per direction */
#define HS_MAX		(256 * 1024)	/* handshake bytes per direction */

/* One direction of a TCP connection, reassembled in sequence order. */
struct stream {
	uint8_t		*data;
	size_t		 len;
	uint32_t	 next_seq;
	int		 started;
};

struct flow {
	char		 a[64], b[64];	/* a: the side that spoke first */
	struct stream	 ab, ba;
};

struct capture {
	uint32_t	 linktype;	/* libpcap's DLT_ value */
	struct flow	*flows;
	int		 n_flows;
};

const char *
tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0301: return "TLSv1";
	case 0x0302: return "TLSv1.1";
	case 0x0303: return "TLSv1.2";
	case 0x0304: return "TLSv1.3";
	case 0x0300: return "SSLv3";
	default: return "unknown";
	}
}

const char *
tls_alert_name(uint8_t d)
{
	switch (d) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version";
	case 80: return "internal_error";
	case 116: return "certificate_required";
	default: return "unknown";
	}
}

static struct flow *
find_flow(struct capture *c, const char *src, const char *dst, int create,
    int *forward)
{
	struct flow *grown;
	int i;

	for (i = 0; i < c->n_flows; i++) {
		if (!strcmp(c->flows[i].a, src) && !strcmp(c->flows[i].b, dst)) {
			*forward = 1;
			return &c->flows[i];
		}
		if (!strcmp(c->flows[i].a, dst) && !strcmp(c->flows[i].b, src)) {
			*forward = 0;
			return &c->flows[i];
		}
	}
	if (!create || c->n_flows >= PCAP_CONN_MAX)
		return NULL;
	if ((grown = realloc(c->flows, sizeof(*grown) * (size_t)(c->n_flows + 1))) == NULL)
		return NULL;
	c->flows = grown;
	memset(&c->flows[c->n_flows], 0, sizeof(struct flow));
	snprintf(c->flows[c->n_flows].a, 64, "%s", src);
	snprintf(c->flows[c->n_flows].b, 64, "%s", dst);
	*forward = 1;
	return &c->flows[c->n_flows++];
}

static void
stream_add(struct stream *s, uint32_t seq, int syn, const uint8_t *p,
    size_t n)
{
	uint8_t *grown;

	if (syn) {
		s->next_seq = seq + 1;
		s->started = 1;
		return;
	}
	if (!s->started) {
		s->next_seq = seq;
		s->started = 1;
	}
	/* In order only: retransmissions and gaps are skipped. */
	if (n == 0 || seq != s->next_seq || s->len + n > STREAM_MAX)
		return;
	if ((grown = realloc(s->data, s->len + n)) == NULL)
		return;
	s->data = grown;
	memcpy(s->data + s->len, p, n);
	s->len += n;
	s->next_seq += (uint32_t)n;
}

/* TCP over an IP payload; src/dst are "addr" without ports. */
static void
on_tcp(struct capture *c, struct reader *tcp, const char *src_ip,
    const char *dst_ip)
{
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t off, flags;
	char src[64], dst[64];
	struct flow *f;
	int forward;
	size_t hdr;

	if (reader_u16(tcp, &sport) == -1 || reader_u16(tcp, &dport) == -1 ||
	    reader_u32(tcp, &seq) == -1 || reader_u32(tcp, &ack) == -1 ||
	    reader_u8(tcp, &off) == -1 || reader_u8(tcp, &flags) == -1)
		return;
	hdr = (size_t)(off >> 4) * 4;
	if (hdr < 20 || reader_skip(tcp, hdr - 14) == -1)
		return;
	snprintf(src, sizeof(src), "%s:%u", src_ip, sport);
	snprintf(dst, sizeof(dst), "%s:%u", dst_ip, dport);
	if ((f = find_flow(c, src, dst, 1, &forward)) == NULL)
		return;
	stream_add(forward ? &f->ab : &f->ba, seq, flags & 0x02,
	    tcp->data + tcp->pos, reader_left(tcp));
}

static void
on_ip(struct capture *c, struct reader *ip)
{
	struct reader payload;
	uint8_t vihl, proto, b;
	uint16_t total, plen;
	const uint8_t *sa, *da;
	char src[48], dst[48];

	if (reader_left(ip) < 1)
		return;
	vihl = ip->data[ip->pos];
	if ((vihl >> 4) == 4) {
		if (reader_u8(ip, &vihl) == -1 || reader_skip(ip, 1) == -1 ||
		    reader_u16(ip, &total) == -1 || reader_skip(ip, 5) == -1 ||
		    reader_u8(ip, &proto) == -1 || reader_skip(ip, 2) == -1 ||
		    reader_bytes(ip, 4, &sa) == -1 || reader_bytes(ip, 4, &da) == -1 ||
		    (vihl & 15) < 5 || reader_skip(ip, (size_t)(vihl & 15) * 4 - 20) == -1)
			return;
		if (proto != 6 || total < (vihl & 15) * 4 ||
		    reader_sub(ip, total - (size_t)(vihl & 15) * 4 <= reader_left(ip) ?
		    total - (size_t)(vihl & 15) * 4 : reader_left(ip), &payload) == -1)
			return;
		inet_ntop(AF_INET, sa, src, sizeof(src));
		inet_ntop(AF_INET, da, dst, sizeof(dst));
	} else if ((vihl >> 4) == 6) {
		if (reader_skip(ip, 4) == -1 || reader_u16(ip, &plen) == -1 ||
		    reader_u8(ip, &proto) == -1 || reader_u8(ip, &b) == -1 ||
		    reader_bytes(ip, 16, &sa) == -1 || reader_bytes(ip, 16, &da) == -1)
			return;
		if (proto != 6 || reader_sub(ip, plen <= reader_left(ip) ? plen :
		    reader_left(ip), &payload) == -1)
			return;
		inet_ntop(AF_INET6, sa, src, sizeof(src));
		inet_ntop(AF_INET6, da, dst, sizeof(dst));
	} else {
		return;
	}
	on_tcp(c, &payload, src, dst);
}

static void
on_frame(struct capture *c, struct reader *frame)
{
	uint16_t ethertype = 0;
	uint32_t family;

	switch (c->linktype) {
	case 1:		/* Ethernet */
		if (reader_skip(frame, 12) == -1 || reader_u16(frame, &ethertype) == -1)
			return;
		if (ethertype == 0x8100 && (reader_skip(frame, 2) == -1 ||
		    reader_u16(frame, &ethertype) == -1))
			return;
		break;
	case 113:	/* Linux cooked */
		if (reader_skip(frame, 14) == -1 || reader_u16(frame, &ethertype) == -1)
			return;
		break;
	case 276:	/* Linux cooked v2 */
		if (reader_u16(frame, &ethertype) == -1 || reader_skip(frame, 18) == -1)
			return;
		break;
	case 0:		/* BSD loopback: family in host order */
		if (reader_u32_le(frame, &family) == -1)
			return;
		ethertype = family == 2 ? 0x0800 : 0x86dd;
		break;
	case 101:	/* raw IP */
	case 12:
		ethertype = 0x0800;
		break;
	default:
		return;
	}
	if (ethertype == 0x0800 || ethertype == 0x86dd)
		on_ip(c, frame);
}

static void
side_alert(struct tls_side *s, struct reader *rec)
{
	uint8_t level, desc;

	if (s->changed_cipher || reader_left(rec) != 2) {
		s->encrypted_alerts++;
		return;
	}
	reader_u8(rec, &level);
	reader_u8(rec, &desc);
	if (s->n_alerts < PCAP_ALERTS_MAX) {
		s->alert_level[s->n_alerts] = level;
		s->alert_desc[s->n_alerts] = desc;
		s->n_alerts++;
	}
}

static int
u24(struct reader *r, size_t *v)
{
	const uint8_t *p;

	GUARD(reader_bytes(r, 3, &p));
	*v = (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
	return 0;
}

static void
certificate_message(struct tls_side *s, struct reader *m, struct tls_conn *t)
{
	struct reader list, one;
	size_t total, n;
	X509 *cert;

	if (u24(m, &total) == -1 || reader_sub(m, total, &list) == -1) {
		snprintf(t->error, sizeof(t->error), "Certificate message "
		    "truncated");
		return;
	}
	if (s->certs == NULL)
		s->certs = sk_X509_new_null();
	while (reader_left(&list) > 0 && sk_X509_num(s->certs) < PCAP_CERTS_MAX) {
		if (u24(&list, &n) == -1 || reader_sub(&list, n, &one) == -1) {
			snprintf(t->error, sizeof(t->error), "certificate entry "
			    "truncated");
			return;
		}
		if (cert_from_der(one.data, n, &cert, NULL) == 0 &&
		    !sk_X509_push(s->certs, cert))
			X509_free(cert);
	}
}

/* supported_versions in a ServerHello says TLS 1.3. */
static void
server_hello(struct reader *m, struct tls_conn *t)
{
	struct reader exts, ext;
	uint16_t version, type, len, ext_total;
	uint8_t sid_len;

	if (reader_u16(m, &version) == -1 || reader_skip(m, 32) == -1 ||
	    reader_u8(m, &sid_len) == -1 || reader_skip(m, sid_len + 3u) == -1)
		return;
	t->version = version;
	if (reader_u16(m, &ext_total) == -1 || reader_sub(m, ext_total, &exts) == -1)
		return;
	while (reader_u16(&exts, &type) == 0 && reader_u16(&exts, &len) == 0 &&
	    reader_sub(&exts, len, &ext) == 0)
		if (type == 43 && reader_u16(&ext, &version) == 0) {
			t->version = version;
			t->tls13 = version == 0x0304;
		}
}

static void
handshake_messages(struct tls_side *s, struct reader *hs, struct tls_conn *t,
    int from_server)
{
	struct reader m;
	uint8_t type;
	size_t len;

	while (reader_left(hs) >= 4) {
		if (reader_u8(hs, &type) == -1 || u24(hs, &len) == -1 ||
		    reader_sub(hs, len, &m) == -1)
			return;		/* continues in a later record */
		t->saw_handshake = 1;
		if (type == 2 && from_server)
			server_hello(&m, t);
		else if (type == 11 && !t->tls13)
			certificate_message(s, &m, t);
		else if (type == 13 && from_server)
			t->cert_requested = 1;
	}
}

/* Walks one direction's TLS records. */
static void
tls_stream(struct stream *st, struct tls_side *s, struct tls_conn *t,
    int from_server)
{
	struct reader r, rec, hs;
	uint8_t type, *hsbuf = NULL;
	uint16_t version, len;
	size_t hslen = 0;

	reader_init(&r, st->data, st->len);
	while (reader_left(&r) >= 5) {
		if (reader_u8(&r, &type) == -1 || reader_u16(&r, &version) == -1 ||
		    reader_u16(&r, &len) == -1)
			break;
		if (type < 20 || type > 23 || (version >> 8) != 3) {
			if (!t->saw_handshake)
				snprintf(t->error, sizeof(t->error), "not TLS");
			break;
		}
		if (reader_sub(&r, len, &rec) == -1) {
			snprintf(t->error, sizeof(t->error), "TLS record truncated "
			    "(capture ends mid-record)");
			break;
		}
		if (s->version == 0)
			s->version = version;
		if (type == 20) {
			s->changed_cipher = 1;
		} else if (type == 21) {
			side_alert(s, &rec);
		} else if (type == 22 && !s->changed_cipher && !(t->tls13 &&
		    from_server && t->version)) {
			uint8_t *grown;

			if (hslen + len > HS_MAX ||
			    (grown = realloc(hsbuf, hslen + len)) == NULL)
				break;
			hsbuf = grown;
			memcpy(hsbuf + hslen, rec.data, len);
			hslen += len;
		}
	}
	if (hsbuf != NULL) {
		reader_init(&hs, hsbuf, hslen);
		handshake_messages(s, &hs, t, from_server);
	}
	free(hsbuf);
}

/* libpcap's own messages, made into ours: object first, what to do. */
static int
pcap_error(struct ucerr *err, long packet, const char *msg)
{
	if (strstr(msg, "truncated") != NULL)
		return ucerr_set(err, "capture: packet %ld: truncated capture "
		    "(%s)", packet, msg);
	if (strstr(msg, "unknown file format") != NULL ||
	    strstr(msg, "bad dump file format") != NULL)
		return ucerr_set(err, "capture: not a pcap or pcapng file (%s)",
		    msg);
	return ucerr_set(err, "capture: packet %ld: %s", packet, msg);
}

static void
capture_free(struct capture *c)
{
	int i;

	for (i = 0; i < c->n_flows; i++) {
		free(c->flows[i].ab.data);
		free(c->flows[i].ba.data);
	}
	free(c->flows);
}

/* The reassembled flows that carry a TLS handshake become connections. */
static int
collect(struct capture *c, struct pcap_result *res, struct ucerr *err)
{
	int i;

	res->conns = calloc((size_t)(c->n_flows ? c->n_flows : 1),
	    sizeof(*res->conns));
	if (res->conns == NULL)
		return ucerr_set(err, "capture: out of memory");
	for (i = 0; i < c->n_flows; i++) {
		struct tls_conn *t = &res->conns[res->n_conns];

		if (c->flows[i].ab.len == 0 && c->flows[i].ba.len == 0)
			continue;
		snprintf(t->client.addr, sizeof(t->client.addr), "%s", c->flows[i].a);
		snprintf(t->server.addr, sizeof(t->server.addr), "%s", c->flows[i].b);
		/* The server's side first: it says whether TLS 1.3 hides the rest. */
		tls_stream(&c->flows[i].ba, &t->server, t, 1);
		tls_stream(&c->flows[i].ab, &t->client, t, 0);
		if (t->saw_handshake)
			res->n_conns++;
		else {
			sk_X509_pop_free(t->client.certs, X509_free);
			sk_X509_pop_free(t->server.certs, X509_free);
			memset(t, 0, sizeof(*t));
		}
	}
	return 0;
}

int
pcap_read(FILE *fp, struct pcap_result *res, struct ucerr *err)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	struct capture c;
	struct reader frame;
	pcap_t *p;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	/* libpcap reads the file headers and frames it, pcap or pcapng;
	 * every byte inside a frame is ours to parse through the reader. */
	if ((p = pcap_fopen_offline(fp, errbuf)) == NULL) {
		fclose(fp);
		if (errbuf[0] == '\0' || strstr(errbuf, "truncated") != NULL)
			return ucerr_set(err, "capture: empty or shorter than a "
			    "header");
		return pcap_error(err, 0, errbuf);
	}
	c.linktype = (uint32_t)pcap_datalink(p);
	while ((rc = pcap_next_ex(p, &hdr, &bytes)) == 1) {
		res->packets++;
		reader_init(&frame, bytes, hdr->caplen);
		on_frame(&c, &frame);
	}
	if (rc == PCAP_ERROR) {
		pcap_error(err, res->packets + 1, pcap_geterr(p));
		goto fail;
	}
	pcap_close(p);
	p = NULL;
	if (collect(&c, res, err) == -1)
		goto fail;
	capture_free(&c);
	return 0;
fail:
	if (p != NULL)
		pcap_close(p);
	capture_free(&c);
	pcap_result_free(res);
	return -1;
}

int
pcap_parse(const uint8_t *data, size_t len, struct pcap_result *res,
    struct ucerr *err)
{
	FILE *fp;

	memset(res, 0, sizeof(*res));
	if (len == 0)
		return ucerr_set(err, "capture: empty or shorter than a header");
	/* fmemopen does not write through an "r" stream: the cast is safe. */
	if ((fp = fmemopen((void *)(uintptr_t)data, len, "r")) == NULL)
		return ucerr_set(err, "capture: out of memory");
	return pcap_read(fp, res, err);
}

void
pcap_result_free(struct pcap_result *res)
{
	int i;

	for (i = 0; i < res->n_conns; i++) {
		sk_X509_pop_free(res->conns[i].client.certs, X509_free);
		sk_X509_pop_free(res->conns[i].server.certs, X509_free);
	}
	free(res->conns);
	memset(res, 0, sizeof(*res));
}

int
pcap_client_cert_missing(const struct tls_conn *t)
{
	return t->cert_requested && !t->tls13 && (t->client.certs == NULL ||
	    sk_X509_num(t->client.certs) == 0);
}

const char *
pcap_cert_kind(X509 *cert)
{
	char issuer[256] = "", subject[256] = "";

	X509_NAME_get_text_by_NID(X509_get_issuer_name(cert), NID_commonName,
	    issuer, sizeof(issuer));
	cert_common_name(cert, subject, sizeof(subject));
	if (strncmp(issuer, "CAPF-", 5) == 0)
		return "LSC";
	if (strstr(issuer, "Manufacturing") != NULL ||
	    strncmp(issuer, "CAP-RTP", 7) == 0 || strstr(issuer, "SUDI") != NULL ||
	    strncmp(subject, "CP-", 3) == 0)
		return "MIC";
	return "unknown (neither a CAPF nor a manufacturing CA issued it)";
}
