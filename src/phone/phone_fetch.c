/* phone_fetch.c - a phone's boot fetches (see phone_fetch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "buf.h"
#include "curl_api.h"
#include "enccnf.h"
#include "fileio.h"
#include "itl.h"
#include "phone_config.h"
#include "phone_fetch.h"
#include "phone_trust.h"
#include "sgn.h"

#define FETCH_MAX	(16u * 1024 * 1024)
#define FETCH_TIMEOUT_S	30

/* Who may serve a phone's files over HTTPS: a TFTP role in its ITL. */
#define SERVER_ROLES	(ROLE_BIT(ROLE_TFTP) | ROLE_BIT(ROLE_CCM_TFTP))

/* One boot: the options and, over HTTPS, what the server is checked by. */
struct boot {
	const struct fetch_opts	*o;
	struct itl_file		 itl;		/* the ITL held at start */
	int			 refused;	/* the server not in it */
	char			 server[256];	/* its subject, for errors */
};

static const char *
transport(const struct fetch_opts *o)
{
	return o->https ? "HTTPS" : o->tftp ? "TFTP" : "HTTP";
}

/*
 * As a phone checks 6971: the server's own certificate must be a record
 * of its ITL with a TFTP role (CallManager-ECDSA, CCM+TFTP).  Chains,
 * names and CAs do not count; the ITL is the phone's whole trust.
 */
static int
check_server_cert(X509_STORE_CTX *x, void *arg)
{
	struct boot *b = arg;
	X509 *cert = X509_STORE_CTX_get0_cert(x);

	if (cert != NULL && itl_find_cert(&b->itl, cert, SERVER_ROLES) >= 0)
		return 1;
	b->refused = 1;
	if (cert != NULL)
		X509_NAME_oneline(X509_get_subject_name(cert), b->server,
		    sizeof(b->server));
	X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_UNTRUSTED);
	return 0;
}

static CURLcode
on_ssl_ctx(CURL *curl, void *ssl_ctx, void *arg)
{
	(void)curl;
	SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_cert_verify_callback(ssl_ctx, check_server_cert, arg);
	return CURLE_OK;
}

/* TLS 1.2 as phones speak it, the server checked by the ITL alone. */
static void
https_setup(CURL *curl, struct boot *b)
{
	/* curl's own checks (a CA bundle, the host name) are not a phone's:
	 * on_ssl_ctx puts the ITL's check in their place. */
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, b);
	curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	curl_easy_setopt(curl, CURLOPT_SSLVERSION,
	    (long)(CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2));
}

static size_t
on_data(char *data, size_t size, size_t n, void *arg)
{
	struct writer *w = arg;

	return writer_bytes(w, data, size * n) == 0 ? size * n : 0;
}

/* 1 with the file in *out, 0 when the server says it has none. */
static int
fetch(struct boot *b, const char *name, uint8_t **out, size_t *len,
    struct ucerr *err)
{
	const struct fetch_opts *o = b->o;
	struct writer w;
	char url[1024];
	long code = 0;
	CURLcode rc;
	CURL *curl;
	int v6 = strchr(o->host, ':') != NULL;

	*out = NULL;
	snprintf(url, sizeof(url), "%s://%s%s%s:%d/%s", o->https ? "https" :
	    o->tftp ? "tftp" : "http", v6 ? "[" : "", o->host, v6 ? "]" : "",
	    o->port, name);
	if (curl_api_load(err) == -1)
		return -1;
	if ((curl = curl_easy_init()) == NULL)
		return ucerr_set(err, "%s: cannot set up libcurl", url);
	writer_init(&w, FETCH_MAX);
	if (o->https)
		https_setup(curl, b);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &w);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(curl);
	if (rc == CURLE_TFTP_NOTFOUND || (rc == CURLE_OK && !o->tftp &&
	    code == 404)) {
		writer_free(&w);
		return 0;
	}
	if (rc != CURLE_OK || (!o->tftp && code != 200) || w.failed) {
		writer_free(&w);
		if (b->refused)
			return ucerr_set(err, "%s: refused: the server's "
			    "certificate (%s) is no TFTP record of the phone's "
			    "ITL", url, b->server);
		if (rc != CURLE_OK)
			return ucerr_set(err, "%s: %s", url,
			    curl_easy_strerror(rc));
		return ucerr_set(err, "%s: HTTP %ld", url, code);
	}
	*out = writer_take(&w, len);
	if (*out == NULL)
		*out = calloc(1, 1);
	return 1;
}

static void
say(const struct fetch_opts *o, const struct phone *ph, const char *name,
    size_t len)
{
	if (o->console != NULL)
		fprintf(o->console, "%s: %s: %zu bytes over %s\n", ph->name,
		    name, len, transport(o));
}

/* ITLSEP<MAC>.tlv, else ITLFile.tlv; installed as the phone would. */
static int
fetch_itl(struct phone *ph, struct boot *b, int *have, struct ucerr *err)
{
	const struct fetch_opts *o = b->o;
	const char *names[2];
	char per_phone[80], path[4096];
	uint8_t *data = NULL;
	size_t len;
	int i, found = 0;

	snprintf(per_phone, sizeof(per_phone), "ITL%s.tlv", ph->name);
	names[0] = per_phone;
	names[1] = "ITLFile.tlv";
	*have = 0;
	for (i = 0; i < 2 && found == 0; i++) {
		if ((found = fetch(b, names[i], &data, &len, err)) == -1)
			return -1;
		if (found == 0 && o->console != NULL)
			fprintf(o->console, "%s: %s: not found (accepted)\n",
			    ph->name, names[i]);
	}
	if (found == 0)
		return 0;
	say(o, ph, names[i - 1], len);
	if (path_join(path, sizeof(path), ph->dir, "fetched.tlv", err) == -1 ||
	    file_write_atomic(path, data, len, 0644, err) == -1) {
		free(data);
		return -1;
	}
	free(data);
	if (phone_itl_install(ph, path, o->console, err) == -1)
		return -1;
	*have = 1;
	return 0;
}

/* Decrypts the .enc.sgn the stub points to, signed by the ITL's TFTP. */
static int
fetch_encrypted(struct phone *ph, struct boot *b, uint8_t **xml,
    size_t *xml_len, struct ucerr *err)
{
	const struct fetch_opts *o = b->o;
	struct itl_file itl;
	char name[128], itl_path[4096];
	uint8_t *data = NULL;
	size_t len;
	X509 *signer = NULL;
	EVP_PKEY *key = ph->lsc_key != NULL ? ph->lsc_key : ph->mic_key;
	int found, record = -1, rc = -1;

	memset(&itl, 0, sizeof(itl));
	snprintf(name, sizeof(name), "%s.cnf.xml.enc.sgn", ph->name);
	if ((found = fetch(b, name, &data, &len, err)) != 1)
		return found == 0 ? ucerr_set(err, "%s: not found, but the "
		    "stub says encrConfig", name) : -1;
	say(o, ph, name, len);
	if (phone_itl_path(ph, itl_path, sizeof(itl_path), err) == -1 ||
	    itl_load_file(itl_path, &itl, err) == -1)
		goto out;
	if (sgn_verify_itl(data, len, &itl, &record, err) == -1) {
		ucerr_wrap(err, "%s: rejected", name);
		goto out;
	}
	signer = itl_record_cert(&itl.records[record]);
	if (enccnf_decrypt(data, len, key, signer, xml, xml_len, err) == -1) {
		ucerr_wrap(err, "%s: cannot decrypt with the phone's %s key",
		    name, ph->lsc_key != NULL ? "LSC" : "MIC");
		goto out;
	}
	if (o->console != NULL)
		fprintf(o->console, "%s: %s decrypted with the %s key\n",
		    ph->name, name, ph->lsc_key != NULL ? "LSC" : "MIC");
	rc = 0;
out:
	X509_free(signer);
	itl_free(&itl);
	free(data);
	return rc;
}

static int
fetch_config(struct phone *ph, struct boot *b, int have_itl,
    struct ucerr *err)
{
	const struct fetch_opts *o = b->o;
	struct sigfile_header hdr;
	const uint8_t *body;
	char name[128], path[4096], encr[16];
	uint8_t *data = NULL, *xml = NULL;
	size_t len, body_len, xml_len;
	int found, rc = -1;

	/* With an ITL the phone wants the signed file, and only that. */
	snprintf(name, sizeof(name), "%s.cnf.xml%s", ph->name,
	    have_itl ? ".sgn" : "");
	if ((found = fetch(b, name, &data, &len, err)) != 1)
		return found == 0 ? ucerr_set(err, "%s: not found", name) : -1;
	say(o, ph, name, len);
	if (path_join(path, sizeof(path), ph->dir, name, err) == -1 ||
	    file_write_atomic(path, data, len, 0644, err) == -1)
		goto out;
	/* On 6971 the server answers the signed name with the plain file:
	 * the TLS the ITL vouched for stands for the signature.  An
	 * encrypted configuration still comes as its signed stub. */
	if (o->https && sgn_parse(data, len, &hdr, &body, &body_len,
	    NULL) == -1) {
		body = data;
		body_len = len;
		if (o->console != NULL)
			fprintf(o->console, "%s: %s: the plain configuration, "
			    "vouched for by the server the ITL names\n",
			    ph->name, name);
	} else if (!have_itl) {
		body = data;
		body_len = len;
	} else if (phone_verify_config(ph, path, NULL, NULL, NULL, o->console,
	    err) == -1 || sgn_parse(data, len, &hdr, &body, &body_len,
	    err) == -1) {
		goto out;
	}
	if (phone_config_field(body, body_len, "encrConfig", encr,
	    sizeof(encr), err) == -1)
		goto out;
	if (have_itl && strcmp(encr, "true") == 0) {
		if (fetch_encrypted(ph, b, &xml, &xml_len, err) == -1)
			goto out;
		body = xml;
		body_len = xml_len;
	}
	snprintf(name, sizeof(name), "%s.cnf.xml", ph->name);
	if (path_join(path, sizeof(path), ph->dir, name, err) == -1 ||
	    file_write_atomic(path, body, body_len, 0644, err) == -1)
		goto out;
	if (o->console != NULL)
		fprintf(o->console, "%s: configuration stored in %s\n", ph->name,
		    path);
	rc = 0;
out:
	free(data);
	free(xml);
	return rc;
}

/* Over HTTPS the phone must already hold the ITL it checks the server
 * by: the server cannot vouch for itself. */
static int
https_trust(struct phone *ph, struct boot *b, struct ucerr *err)
{
	char path[4096];

	if (phone_itl_path(ph, path, sizeof(path), err) == -1)
		return -1;
	if (!path_exists(path))
		return ucerr_set(err, "%s: --https: the phone holds no ITL to "
		    "check the server by (fetch over HTTP first)", ph->name);
	if (itl_load_file(path, &b->itl, err) == -1)
		return -1;
	if (b->o->console != NULL)
		fprintf(b->o->console, "%s: HTTPS: the server must be a TFTP "
		    "record of %s\n", ph->name, path);
	return 0;
}

int
phone_fetch(struct phone *ph, const struct fetch_opts *o, struct ucerr *err)
{
	struct boot b;
	char installed[4096];
	int fetched, rc = -1;

	memset(&b, 0, sizeof(b));
	b.o = o;
	if ((o->https && https_trust(ph, &b, err) == -1) ||
	    fetch_itl(ph, &b, &fetched, err) == -1 ||
	    phone_itl_path(ph, installed, sizeof(installed), err) == -1)
		goto out;
	/* A phone that holds an ITL (fetched now or before) wants only
	 * signed configuration. */
	rc = fetch_config(ph, &b, path_exists(installed), err);
out:
	itl_free(&b.itl);
	return rc;
}
