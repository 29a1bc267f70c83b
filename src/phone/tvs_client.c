/* tvs_client.c - a phone's TVS client (see tvs_client.h). */
#include <string.h>

#include <openssl/rand.h>

#include "itl.h"
#include "tvs_client.h"

int
tvs_client_open(struct tvs_client *c, const char *host, int port,
    const struct itl_file *itl, int timeout_ms, struct ucerr *err)
{
	struct tls_client_opts o;
	X509 *server;
	int found;

	memset(c, 0, sizeof(*c));
	memset(&o, 0, sizeof(o));
	o.host = host;
	o.port = port;
	o.timeout_ms = timeout_ms ? timeout_ms : 10000;
	o.tls1_2_only = 1;	/* as phones do */
	if (tls_client_connect(&c->tls, &o, err) == -1) {
		tls_client_close(&c->tls);
		return -1;
	}
	if (RAND_bytes((unsigned char *)&c->session_id, 4) != 1)
		c->session_id = 1;
	if (itl == NULL)
		return 0;
	server = SSL_get1_peer_certificate(c->tls.ssl);
	found = server != NULL ? itl_find_cert(itl, server, ROLE_BIT(ROLE_TVS)) :
	    -1;
	X509_free(server);
	if (found == -1) {
		tls_client_close(&c->tls);
		return ucerr_set(err, "%s:%d: the TVS server's certificate is not "
		    "the ITL's TVS record", host, port);
	}
	return 0;
}

int
tvs_client_verify(struct tvs_client *c, const char *device_name, X509 *cert,
    struct tvs_answer *answer, struct ucerr *err)
{
	uint8_t buf[TVS_MESSAGE_MAX], *der = NULL;
	struct writer w;
	size_t need;
	int der_len, rc = -1;

	memset(answer, 0, sizeof(*answer));
	if ((der_len = i2d_X509(cert, &der)) <= 0)
		return ucerr_set(err, "TVS: cannot encode the certificate");
	tvs_msg_begin(&w, TVS_VERIFY_REQUEST, c->session_id);
	tvs_put_device_name(&w, device_name);
	writer_tlv(&w, TVS_EL_CERTIFICATE, der, (size_t)der_len);
	OPENSSL_free(der);
	if (tvs_msg_end(&w) == -1 ||
	    tls_client_write(&c->tls, w.data, w.len, err) == -1)
		goto out;
	if (tls_client_read(&c->tls, buf, TVS_HEADER_LEN, err) == -1 ||
	    tvs_msg_need(buf, TVS_HEADER_LEN, &need, err) == -1 ||
	    tls_client_read(&c->tls, buf + TVS_HEADER_LEN, need - TVS_HEADER_LEN,
	    err) == -1 || tvs_answer_decode(buf, need, answer, err) == -1)
		goto out;
	rc = 0;
out:
	writer_free(&w);
	return rc;
}

int
tvs_answer_decode(const uint8_t *msg, size_t len, struct tvs_answer *answer,
    struct ucerr *err)
{
	struct tvs_msg m;

	memset(answer, 0, sizeof(*answer));
	if (tvs_msg_decode(msg, len, &m, err) == -1)
		return -1;
	if (m.command != TVS_VERIFY_RESPONSE || !m.has_status)
		return ucerr_set(err, "TVS: expected VERIFY_RESPONSE with STATUS");
	if (m.n_roles > sizeof(answer->roles))
		return ucerr_set(err, "TVS: %zu roles", m.n_roles);
	answer->valid = m.status == TVS_STATUS_VALID;
	memcpy(answer->roles, m.roles, m.n_roles);
	answer->n_roles = m.n_roles;
	answer->ttl = m.ttl;
	return 0;
}

void
tvs_client_close(struct tvs_client *c)
{
	tls_client_close(&c->tls);
}

int
tvs_answer_has_role(const struct tvs_answer *a, unsigned long mask)
{
	size_t i;

	if (!a->valid)
		return 0;
	for (i = 0; i < a->n_roles; i++)
		if (a->roles[i] < 64 && (mask & (1UL << a->roles[i])))
			return 1;
	return 0;
}
