/*
 * api_body.c - bodies that are files, not JSON objects: certificates
 * for trust add and upload (PEM, DER, DER PKCS#7 as the CLI reads them),
 * CSV for device import (read by the core's CSV reader).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "api.h"
#include "x509.h"

int
api_raw_body(struct api_req *r, struct evbuffer *in, const char *type)
{
	size_t len = evbuffer_get_length(in);
	char *data;

	if (len > API_RAW_MAX)
		return ucerr_set(&r->err, "the body is larger than %d bytes",
		    API_RAW_MAX);
	if ((data = malloc(len + 1)) == NULL)
		return ucerr_set(&r->err, "out of memory");
	evbuffer_copyout(in, data, len);
	data[len] = '\0';
	r->raw = data;
	r->raw_len = len;
	r->raw_type = type;
	return 0;
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
