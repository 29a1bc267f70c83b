/*
 * api_tftp.c - the trust lists and what phones fetched: the ITL as `itl
 * show --json` shows the published one, `itl build` and `itl reset
 * localkey|remotekey` into the TFTP root (through the writer, so no two
 * publishes cross), and a device's fetch records.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "device_view.h"
#include "fileio.h"
#include "itl.h"
#include "json.h"
#include "publish.h"
#include "sigfile.h"
#include "store_fetch.h"
#include "x509.h"

int
api_itl_show(struct api_req *r)
{
	struct itl_file itl;
	struct json j;
	char dir[4096], path[4200];

	if (tftp_dir(r->st, dir, sizeof(dir), &r->err) == -1)
		return 500;
	snprintf(path, sizeof(path), "%s/ITLFile.tlv", dir);
	if (itl_load_file(path, &itl, &r->err) == -1)
		return 404;
	json_init(&j, r->out);
	itl_show_json(&j, &itl);
	json_finish(&j);
	itl_free(&itl);
	return 200;
}

struct itl_write {
	struct trustlist_options o;
	int			 reset;
	EVP_PKEY		*key;		/* remotekey's */
	char			 path[4096];
	size_t			 len;
};

static int
itl_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct itl_write *w = arg;

	if (w->key != NULL)
		return itl_reset_key(st, w->o.hash_alg, w->key, "body",
		    w->path, sizeof(w->path), &w->len, err);
	if (w->reset)
		return itl_reset(st, w->o.hash_alg, NULL, w->path,
		    sizeof(w->path), &w->len, err);
	return itl_write(st, &w->o, NULL, w->path, sizeof(w->path), &w->len,
	    err);
}

/* The body's digest, version and (build) sign-with, as the CLI's. */
static int
itl_options(struct api_req *r, struct itl_write *w)
{
	const struct json_member *m;
	int i;

	w->o.hash_alg = SIG_HASH_SHA1;
	for (i = 0; i < r->body.n; i++) {
		m = &r->body.m[i];
		if (m->is_null)
			return ucerr_set(&r->err, "%s: needs a value", m->key);
		if (strcmp(m->key, "digest") == 0) {
			if (sig_hash_parse(m->value, &w->o.hash_alg,
			    &r->err) == -1)
				return -1;
		} else if (strcmp(m->key, "version") == 0 && !w->reset) {
			if (signer_version_parse(m->value, &w->o.signer_version,
			    &r->err) == -1)
				return ucerr_set(&r->err, "--version must be 1.0 "
				    "or 1.1, not '%s'", m->value);
		} else if (strcmp(m->key, "sign-with") == 0 && !w->reset)
			w->o.sign_with = m->value;
		else
			return ucerr_set(&r->err, "itl: unknown option '%s'",
			    m->key);
	}
	return 0;
}

static int
publish(struct api_req *r, struct itl_write *w)
{
	struct json j;

	if (r->write_alone(r->write_ctx, itl_apply, w, &r->err) == -1) {
		ucerr_wrap(&r->err, w->reset ? "itl reset" : "itl build");
		return 409;
	}
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_string(&j, "path", w->path);
	json_int(&j, "bytes", (int64_t)w->len);
	json_bool(&j, "signed_by_itlrecovery", w->reset);
	json_object_end(&j);
	json_finish(&j);
	return 200;
}

static int
itl_publish(struct api_req *r, int reset)
{
	struct itl_write w;

	memset(&w, 0, sizeof(w));
	w.reset = reset;
	if (itl_options(r, &w) == -1)
		return 400;
	return publish(r, &w);
}

/* `itl reset remotekey KEYFILE`: the key is the body (PEM), the digest
 * the query's; neither the key nor its text is kept or logged. */
int
api_itl_reset_remotekey(struct api_req *r)
{
	const char *digest = api_query(r, "digest");
	struct itl_write w;
	int status;

	memset(&w, 0, sizeof(w));
	w.reset = 1;
	w.o.hash_alg = SIG_HASH_SHA1;
	if (digest != NULL && sig_hash_parse(digest, &w.o.hash_alg,
	    &r->err) == -1)
		return 400;
	if (r->raw_len == 0)
		return ucerr_set(&r->err, "itl reset remotekey: the body must "
		    "hold the ITLRecovery private key (PEM)"), 400;
	if (key_parse_pem((const uint8_t *)r->raw, r->raw_len, &w.key,
	    &r->err) == -1)
		return ucerr_wrap(&r->err, "itl reset remotekey: body"), 400;
	status = publish(r, &w);
	EVP_PKEY_free(w.key);
	return status;
}

int
api_itl_build(struct api_req *r)
{
	return itl_publish(r, 0);
}

int
api_itl_reset(struct api_req *r)
{
	return itl_publish(r, 1);
}

static int
fetch_one(void *arg, const struct fetch_event *e)
{
	struct json *j = arg;

	json_object_begin(j, NULL);
	json_string(j, "file", e->file);
	json_string(j, "kind", e->kind);
	json_string(j, "sha256", e->sha256);
	json_time(j, "at", (time_t)e->at);
	json_string(j, "from", e->peer);
	json_string(j, "transport", e->transport);
	json_object_end(j);
	return 0;
}

int
api_device_fetches(struct api_req *r)
{
	struct device d;
	struct json j;
	char name[64];
	int found, rc;

	device_name_normalise(r->params[0], name, sizeof(name));
	if ((found = device_lookup(r->st, name, &d, &r->err)) != 1)
		return found == 0 ? 404 : 500;
	device_free(&d);
	json_init(&j, r->out);
	json_array_begin(&j, NULL);
	rc = store_fetch_each(r->st, name, fetch_one, &j, &r->err);
	json_array_end(&j);
	json_finish(&j);
	return rc == 0 ? 200 : 500;
}
