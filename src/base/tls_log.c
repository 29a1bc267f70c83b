/*
 * tls_log.c - one (rate-limited) log line per failed TLS handshake, for
 * every TLS listener (CAPF, TVS, the administration service): the
 * address, the TLS version the peer offered, the alert (see tls_log.h).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/tls1.h>

#include "log.h"
#include "tls_log.h"

/*
 * What a failed handshake's log line needs, kept on the SSL as one
 * number (no allocation per connection): the highest TLS version the
 * ClientHello offered (bits 0-15), the last alert (16-23), whether there
 * was one (24) and whether the peer sent it (25).
 */
static int tls_note_index = -1;
static pthread_once_t tls_note_once = PTHREAD_ONCE_INIT;

static void
tls_note_init(void)
{
	tls_note_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

#define NOTE_ALERT	(1u << 24)
#define NOTE_RECEIVED	(1u << 25)

static unsigned
tls_note(const SSL *ssl)
{
	return (unsigned)(uintptr_t)SSL_get_ex_data(ssl, tls_note_index);
}

static void
tls_note_set(SSL *ssl, unsigned note)
{
	SSL_set_ex_data(ssl, tls_note_index, (void *)(uintptr_t)note);
}

/* GREASE values (RFC 8701) are not versions. */
static int
is_grease(unsigned v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static int
on_client_hello(SSL *ssl, int *alert, void *arg)
{
	const unsigned char *ext;
	size_t len, i;
	unsigned best = SSL_client_hello_get0_legacy_version(ssl), v;

	(void)alert;
	(void)arg;
	/* TLS 1.3 clients offer their versions in an extension. */
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_supported_versions, &ext,
	    &len) == 1 && len >= 1)
		for (i = 1; i + 1 < len && i < 1u + ext[0]; i += 2) {
			v = (unsigned)ext[i] << 8 | ext[i + 1];
			if (!is_grease(v) && v > best)
				best = v;
		}
	tls_note_set(ssl, (tls_note(ssl) & ~0xffffu) | (best & 0xffff));
	return SSL_CLIENT_HELLO_SUCCESS;
}

static void
on_tls_info(const SSL *ssl, int where, int ret)
{
	unsigned note;

	if (!(where & SSL_CB_ALERT))
		return;
	/* Keep the first fatal alert; a close_notify after it says less. */
	note = tls_note(ssl);
	if ((note & NOTE_ALERT) && (ret >> 8) != SSL3_AL_FATAL)
		return;
	note = (note & 0xffff) | ((unsigned)(ret & 0xff) << 16) | NOTE_ALERT |
	    ((where & SSL_CB_READ) ? NOTE_RECEIVED : 0);
	tls_note_set((SSL *)ssl, note);
}

static void
offered_version_text(unsigned v, char *out, size_t outlen)
{
	if (v == SSL3_VERSION)
		snprintf(out, outlen, "SSL 3.0");
	else if (v >= TLS1_VERSION && v <= TLS1_3_VERSION)
		snprintf(out, outlen, "TLS 1.%u", v - TLS1_VERSION);
	else
		snprintf(out, outlen, "version 0x%04x", v);
}

void
tls_handshake_failed(const char *service, struct bufferevent *bev,
    const char *peer, int timed_out, int seconds)
{
	unsigned long e = bufferevent_get_openssl_error(bev);

	while (bufferevent_get_openssl_error(bev) != 0)
		;	/* the latest error says why; drop the rest */
	tls_ssl_failed(service, bufferevent_openssl_get_ssl(bev), e, peer,
	    timed_out, seconds);
}

void
tls_ssl_failed(const char *service, const SSL *ssl, unsigned long e,
    const char *peer, int timed_out, int seconds)
{
	unsigned note = ssl != NULL ? tls_note(ssl) : 0;
	char kind[64], net[48], offered[48] = "no ClientHello", alert[80] = "",
	    reason[160] = "";

	if (note & 0xffff) {
		memcpy(offered, "offered ", 9);
		offered_version_text(note & 0xffff, offered + 8, sizeof(offered) - 8);
	}
	if (note & NOTE_ALERT)
		snprintf(alert, sizeof(alert), ", %s alert %s",
		    (note & NOTE_RECEIVED) ? "received" : "sent",
		    SSL_alert_desc_string_long((int)((note >> 16) & 0xff)));
	/* A reset or an end of file is the network's word, not TLS's. */
	if (e != 0 && (ERR_GET_LIB(e) == ERR_LIB_SYS ||
	    ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING))
		e = 0;
	if (e != 0 && ERR_reason_error_string(e) != NULL)
		snprintf(reason, sizeof(reason), " (%s)",
		    ERR_reason_error_string(e));
	if (!timed_out && !(note & 0xffff) && e == 0 && !(note & NOTE_RECEIVED)) {
		/* A port check or scan: nothing was said, nothing failed. */
		log_debug("%s: %s closed before a TLS handshake", service, peer);
		return;
	}
	snprintf(kind, sizeof(kind), "%s: TLS handshakes failed", service);
	log_peer_net(peer, net, sizeof(net));
	if (timed_out)
		log_limited(LOG_LEVEL_WARN, kind, net, "%s: TLS handshake with %s "
		    "timed out after %d s: %s", service, peer, seconds, offered);
	else
		log_limited(LOG_LEVEL_WARN, kind, net, "%s: TLS handshake with %s "
		    "failed: %s%s%s", service, peer, offered, alert, reason);
}

int
tls_ctx_note_handshakes(SSL_CTX *ctx)
{
	pthread_once(&tls_note_once, tls_note_init);
	if (tls_note_index == -1)
		return -1;
	SSL_CTX_set_client_hello_cb(ctx, on_client_hello, NULL);
	SSL_CTX_set_info_callback(ctx, on_tls_info);
	return 0;
}
