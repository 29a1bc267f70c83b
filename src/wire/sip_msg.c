/* sip_msg.c - SIP REGISTER and its response (see sip_msg.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "sip_msg.h"

int
sip_register_build(const struct sip_register *r, char *out, size_t outlen,
    size_t *len, struct ucerr *err)
{
	int n;

	/* A Cisco phone's REGISTER, reduced to what a registrar reads. */
	n = snprintf(out, outlen,
	    "REGISTER sip:%s:%d;transport=tls SIP/2.0\r\n"
	    "Via: SIP/2.0/TLS %s:%d;branch=z9hG4bK%s;rport\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:%s@%s>;tag=%s\r\n"
	    "To: <sip:%s@%s>\r\n"
	    "Call-ID: %s@%s\r\n"
	    "CSeq: 101 REGISTER\r\n"
	    "Contact: <sip:%s@%s:%d;transport=tls>;+sip.instance=\"<urn:uuid:"
	    "00000000-0000-0000-0000-%s>\"\r\n"
	    "User-Agent: %s\r\n"
	    "Expires: %u\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n",
	    r->domain, r->port,
	    r->local_host, r->local_port, r->branch,
	    r->user, r->domain, r->tag,
	    r->user, r->domain,
	    r->call_id, r->local_host,
	    r->user, r->local_host, r->local_port,
	    strlen(r->user) == 15 ? r->user + 3 : "000000000000",
	    r->user_agent, r->expires);
	if (n < 0 || (size_t)n >= outlen)
		return ucerr_set(err, "sip: REGISTER does not fit");
	*len = (size_t)n;
	return 0;
}

size_t
sip_head_length(const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i + 3 < len; i++)
		if (memcmp(data + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	return 0;
}

/* The next line without its CRLF; fails when no CRLF is left. */
static int
next_line(struct reader *r, const uint8_t **line, size_t *n)
{
	struct reader scan = *r;
	uint8_t c, prev = 0;
	size_t count = 0;

	while (reader_u8(&scan, &c) == 0) {
		if (prev == '\r' && c == '\n') {
			*n = count - 1;
			return reader_bytes(r, *n, line) == -1 ? -1 :
			    reader_skip(r, 2);
		}
		prev = c;
		count++;
	}
	return -1;
}

static int
printable(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 && s[i] != '\t')
			return 0;
	return 1;
}

/* Header name (case-insensitive, compact form too) with its value. */
static int
header_is(const uint8_t *line, size_t n, const char *name, const char *compact,
    const uint8_t **value, size_t *vlen)
{
	size_t colon, i;

	for (colon = 0; colon < n && line[colon] != ':'; colon++)
		;
	if (colon == n)
		return 0;
	i = colon;
	while (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
		i--;
	if (!((i == strlen(name) && strncasecmp((const char *)line, name, i) == 0) ||
	    (i == strlen(compact) && strncasecmp((const char *)line, compact,
	    i) == 0)))
		return 0;
	for (i = colon + 1; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	*value = line + i;
	*vlen = n - i;
	return 1;
}

int
sip_response_parse(const uint8_t *data, size_t len, struct sip_response *out,
    struct ucerr *err)
{
	struct reader r;
	const uint8_t *line, *v;
	size_t n, vlen, i, cl = 0;
	int seen_cl = 0;

	memset(out, 0, sizeof(out[0]));
	reader_init(&r, data, len);
	if (next_line(&r, &line, &n) == -1)
		return ucerr_set(err, "sip: response: no status line");
	/* SIP/2.0 SP 3DIGIT SP reason */
	if (n < 12 || memcmp(line, "SIP/2.0 ", 8) != 0 ||
	    line[8] < '1' || line[8] > '6' || line[9] < '0' || line[9] > '9' ||
	    line[10] < '0' || line[10] > '9' || line[11] != ' ' ||
	    !printable(line, n))
		return ucerr_set(err, "sip: response: bad status line at byte 0");
	out->code = (line[8] - '0') * 100 + (line[9] - '0') * 10 + (line[10] - '0');
	snprintf(out->status_line, sizeof(out->status_line), "%.*s",
	    (int)(n < sizeof(out->status_line) ? n : sizeof(out->status_line) - 1),
	    (const char *)line);
	while (reader_left(&r) > 0) {
		i = reader_offset(&r);
		if (next_line(&r, &line, &n) == -1)
			return ucerr_set(err, "sip: response: header at byte %zu "
			    "has no line end", i);
		if (n == 0)
			break;		/* the blank line ends the head */
		if (!printable(line, n))
			return ucerr_set(err, "sip: response: control character "
			    "in the header at byte %zu", i);
		if (header_is(line, n, "Content-Length", "l", &v, &vlen)) {
			if (vlen == 0 || vlen > 6)
				return ucerr_set(err, "sip: response: bad "
				    "Content-Length at byte %zu", i);
			for (cl = 0; vlen > 0; v++, vlen--) {
				if (*v < '0' || *v > '9')
					return ucerr_set(err, "sip: response: bad "
					    "Content-Length at byte %zu", i);
				cl = cl * 10 + (size_t)(*v - '0');
			}
			seen_cl = 1;
		} else if (header_is(line, n, "CSeq", "CSeq", &v, &vlen)) {
			while (vlen > 0 && *v >= '0' && *v <= '9') {
				v++;
				vlen--;
			}
			while (vlen > 0 && (*v == ' ' || *v == '\t')) {
				v++;
				vlen--;
			}
			snprintf(out->cseq_method, sizeof(out->cseq_method), "%.*s",
			    (int)(vlen < sizeof(out->cseq_method) ? vlen :
			    sizeof(out->cseq_method) - 1), (const char *)v);
		}
	}
	/* Over TLS (a stream) Content-Length is mandatory: RFC 3261 20.14. */
	if (!seen_cl)
		return ucerr_set(err, "sip: response: no Content-Length");
	if (cl > SIP_BODY_MAX)
		return ucerr_set(err, "sip: response: body of %zu bytes is too "
		    "large", cl);
	out->content_length = cl;
	return 0;
}
