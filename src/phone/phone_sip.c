/* phone_sip.c - REGISTER over the phone's TLS connection (see phone_sip.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/rand.h>

#include "phone_sip.h"
#include "sip_msg.h"

/* Provisional responses (100 Trying) the phone reads past at most. */
#define SIP_PROVISIONAL_MAX	8

static void
token(char *out, size_t bytes)
{
	unsigned char raw[16];
	size_t i;

	if (bytes > sizeof(raw))
		bytes = sizeof(raw);
	if (RAND_bytes(raw, (int)bytes) != 1)
		memset(raw, 0x5a, bytes);
	for (i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* One response: its head byte by byte (TLS records may hold more than
 * one message), then its body skipped. */
static int
read_response(struct tls_client *tls, struct sip_response *resp,
    struct ucerr *err)
{
	uint8_t head[SIP_HEAD_MAX], body[1024];
	size_t len = 0, left, n;

	while (sip_head_length(head, len) == 0) {
		if (len == sizeof(head))
			return ucerr_set(err, "sip: response head longer than %d "
			    "bytes", SIP_HEAD_MAX);
		if (tls_client_read(tls, head + len, 1, err) == -1)
			return ucerr_wrap(err, "sip: no response to REGISTER");
		len++;
	}
	if (sip_response_parse(head, len, resp, err) == -1)
		return -1;
	for (left = resp->content_length; left > 0; left -= n) {
		n = left < sizeof(body) ? left : sizeof(body);
		if (tls_client_read(tls, body, n, err) == -1)
			return ucerr_wrap(err, "sip: response body");
	}
	return 0;
}

int
phone_sip_register(const struct phone *ph, struct tls_client *tls,
    const char *host, int port, FILE *console, char *status, size_t statuslen,
    struct ucerr *err)
{
	struct sip_register reg;
	struct sip_response resp;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char msg[2048], local[INET6_ADDRSTRLEN] = "127.0.0.1", ua[64];
	char call_id[40], branch[40], tag[24];
	size_t len;
	int local_port = 0, i;

	if (getsockname(tls->fd, (struct sockaddr *)&ss, &sslen) == 0) {
		if (ss.ss_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
			    local, sizeof(local));
			local_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
			    local, sizeof(local));
			local_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		}
	}
	token(call_id, 16);
	token(branch, 8);
	token(tag, 8);
	snprintf(ua, sizeof(ua), "Cisco-CP%s/14.2.1", ph->model[0] ?
	    ph->model : "8845");
	memset(&reg, 0, sizeof(reg));
	reg.user = ph->name;
	reg.domain = host;
	reg.port = port;
	reg.local_host = local;
	reg.local_port = local_port;
	reg.user_agent = ua;
	reg.call_id = call_id;
	reg.branch = branch;
	reg.tag = tag;
	reg.expires = 3600;
	if (sip_register_build(&reg, msg, sizeof(msg), &len, err) == -1 ||
	    tls_client_write(tls, msg, len, err) == -1)
		return ucerr_wrap(err, "sip: REGISTER");
	if (console != NULL)
		fprintf(console, "%s: SIP REGISTER sent to %s:%d over TLS\n",
		    ph->name, host, port);
	for (i = 0; i <= SIP_PROVISIONAL_MAX; i++) {
		if (read_response(tls, &resp, err) == -1)
			return -1;
		if (resp.code >= 200)
			break;
	}
	snprintf(status, statuslen, "%s", resp.status_line);
	if (console != NULL)
		fprintf(console, "%s: SIP response: %s\n", ph->name,
		    resp.status_line);
	if (resp.code < 200)
		return ucerr_set(err, "sip: no final response after %d "
		    "provisional ones", SIP_PROVISIONAL_MAX + 1);
	if (strcmp(resp.cseq_method, "REGISTER") != 0)
		return ucerr_set(err, "sip: the response's CSeq names '%s', not "
		    "REGISTER", resp.cseq_method);
	if (resp.code >= 300)
		return ucerr_set(err, "sip: REGISTER refused: %s",
		    resp.status_line);
	return 0;
}
