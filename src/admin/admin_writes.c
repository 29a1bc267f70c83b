/* admin_writes.c - the changes the API and the pages share (see admin_writes.h). */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "admin_writes.h"
#include "log.h"
#include "reset.h"

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

int
replace_generate_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct replace_write *w = arg;

	return certmgr_generate(st, w->p, &w->params, &w->o, err);
}

int
replace_upload_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct replace_write *w = arg;

	return certmgr_upload_certs(st, w->p, w->certs, &w->o, err);
}

int
trust_add_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct trust_add_write *w = arg;

	return trust_add_bundle(st, w->store_name, w->certs, w->name,
	    w->results, &w->exports, err) == -1 ? -1 : 0;
}

struct resets {
	struct admin_reset	*r;
	size_t			 n, max;
};

static void
reset_done(void *arg, const char *device, int exited, int code)
{
	struct resets *rs = arg;

	log_info("admin: reset %s: %s %d", device, exited ? "exit" : "signal",
	    code);
	if (rs->n == rs->max)
		return;
	snprintf(rs->r[rs->n].device, sizeof(rs->r[rs->n].device), "%s",
	    device);
	rs->r[rs->n].exited = exited;
	rs->r[rs->n++].code = code;
}

int
admin_reset_devices(struct store *st, const struct certmgr_outcome *o,
    struct admin_reset **out, size_t *n)
{
	struct resets rs;

	*out = NULL;
	*n = 0;
	if (o->n_reset == 0)
		return 0;
	if ((rs.r = calloc(o->n_reset, sizeof(*rs.r))) == NULL)
		return 0;
	rs.n = 0;
	rs.max = o->n_reset;
	if (devices_reset(st, o->reset, o->n_reset, reset_done, &rs) != 1) {
		free(rs.r);
		return 0;
	}
	*out = rs.r;
	*n = rs.n;
	return 1;
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
