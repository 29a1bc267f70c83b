/*
 * api_body.c - bodies that are files, not JSON objects: certificates
 * for trust add and upload (PEM, DER, DER PKCS#7 as the CLI reads them),
 * CSV for device import (read by the core's CSV reader), as the body
 * itself or as the part "file" of a multipart/form-data form.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <openssl/crypto.h>

#include "api.h"
#include "multipart.h"
#include "x509.h"

/* The form's part "file" in place of the body, with its own type. */
static int
form_file(struct api_req *r, char *data, size_t len, const char *type)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	const struct multipart_part *p;
	struct multipart *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return ucerr_set(&r->err, "out of memory"), 500;
	if (multipart_boundary(type, boundary, &r->err) == -1 ||
	    multipart_parse((const uint8_t *)data, len, boundary, m,
	    &r->err) == -1) {
		free(m);
		return 400;
	}
	if ((p = multipart_find(m, "file")) == NULL) {
		free(m);
		return ucerr_set(&r->err, "multipart: no part named file (curl "
		    "-F file=@FILE)"), 400;
	}
	/* The part lies within data: moved to its start, the rest wiped
	 * (the file may be a key), NUL-ended. */
	memmove(data, p->data, p->len);
	OPENSSL_cleanse(data + p->len, len - p->len);
	data[p->len] = '\0';
	r->raw_len = p->len;
	free(m);
	return 0;
}

int
api_raw_body(struct api_req *r, struct evbuffer *in, const char *type)
{
	size_t len = evbuffer_get_length(in);
	char *data;
	int status;

	if (len > API_RAW_MAX)
		return ucerr_set(&r->err, "the body is larger than %d KB",
		    API_RAW_MAX / 1024), 413;
	if ((data = malloc(len + 1)) == NULL)
		return ucerr_set(&r->err, "out of memory"), 500;
	evbuffer_copyout(in, data, len);
	data[len] = '\0';
	r->raw = data;
	r->raw_len = len;
	r->raw_type = type;
	/* A form's file keeps the form's type (api_raw_is): the type a
	 * client guessed for the file says nothing. */
	if (type != NULL && strncasecmp(type, "multipart/form-data", 19) == 0 &&
	    (status = form_file(r, data, len, type)) != 0)
		return status;
	return 0;
}

int
api_raw_is(const struct api_req *r, const char *type)
{
	return r->raw_type != NULL && (strncasecmp(r->raw_type, type,
	    strlen(type)) == 0 || strncasecmp(r->raw_type,
	    "multipart/form-data", 19) == 0);
}

int
api_body_certs(struct api_req *r, STACK_OF(X509) **certs)
{
	if (r->raw_len == 0)
		return ucerr_set(&r->err, "the body must hold the certificate "
		    "(PEM, DER or DER PKCS#7)");
	if (certs_parse((const uint8_t *)r->raw, r->raw_len, certs,
	    &r->err) == -1)
		return ucerr_wrap(&r->err, "body");
	return 0;
}

int
api_query_flag(const struct api_req *r, const char *key)
{
	const char *v = api_query(r, key);

	return v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0);
}
