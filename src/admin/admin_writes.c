/* admin_writes.c - the changes the API and the pages share (see admin_writes.h). */
#include <openssl/pem.h>

#include "admin_writes.h"

int
csr_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct csr_write *w = arg;

	return certmgr_csr(st, w->p, &w->params, &w->pem, &w->len, err);
}

int
trust_delete_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct trust_delete_write *w = arg;

	return certmgr_trust_delete(st, w->store_name, w->name, w->force,
	    &w->holders, &w->exports, err);
}

void
admin_cert_download(FILE *out, X509 *cert, const char *purpose, int der,
    const char **content_type, char *filename, size_t filelen)
{
	unsigned char *buf = NULL;
	int len;

	if (der) {
		if ((len = i2d_X509(cert, &buf)) > 0)
			fwrite(buf, 1, (size_t)len, out);
		OPENSSL_free(buf);
		*content_type = "application/pkix-cert";
	} else {
		PEM_write_X509(out, cert);
		*content_type = "application/x-pem-file";
	}
	snprintf(filename, filelen, "%s.%s", purpose, der ? "der" : "pem");
}
