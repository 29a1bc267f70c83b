/* phone_state.c - a simulated phone's files (see phone_state.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "crl.h"
#include "device.h"
#include "fileio.h"
#include "phone_state.h"
#include "x509.h"

#define MFG_CA_CN	"ucpki Stand-in Manufacturing CA SHA2"
#define SUDI_CA_CN	"ucpki Stand-in ACT2 SUDI CA"

static int
phones_path(const char *home, const char *sub, const char *file, char *out,
    size_t outlen, struct ucerr *err)
{
	int n = file ? snprintf(out, outlen, "%s/phones/%s/%s", home, sub, file) :
	    snprintf(out, outlen, "%s/phones/%s", home, sub);

	if (n < 0 || (size_t)n >= outlen)
		return ucerr_set(err, "%s: path too long", home);
	return 0;
}

/* Certificate then key, in one PEM file, mode 0600. */
static int
write_pair(const char *path, X509 *cert, EVP_PKEY *key, struct ucerr *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int rc;

	if (fp == NULL)
		return ucerr_set(err, "%s: out of memory", path);
	PEM_write_X509(fp, cert);
	if (key != NULL)
		PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
	fclose(fp);
	rc = file_write_atomic(path, buf, len, 0600, err);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

static int
read_pair(const char *path, X509 **cert, EVP_PKEY **key, struct ucerr *err)
{
	STACK_OF(X509) *certs;

	*cert = NULL;
	if (key)
		*key = NULL;
	if (certs_load_file(path, &certs, err) == -1)
		return -1;
	*cert = X509_dup(sk_X509_value(certs, 0));
	sk_X509_pop_free(certs, X509_free);
	if (key != NULL && key_load_file(path, key, err) == -1) {
		X509_free(*cert);
		*cert = NULL;
		return -1;
	}
	return 0;
}

static int
make_ca(const char *path, const char *cn, struct ucerr *err)
{
	struct cert_template t;
	struct key_spec spec = { 0, 2048 };
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int rc = -1;

	memset(&t, 0, sizeof(t));
	t.subject.cn = cn;
	t.subject.o = "ucpki test";
	t.profile = PROFILE_CA;
	t.days = 36500;
	if (key_generate(&spec, &key, err) == 0 &&
	    cert_build(&t, key, NULL, key, &cert, err) == 0)
		rc = write_pair(path, cert, key, err);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

/* The stand-in manufacturer's CRL (it revokes nothing): servers that
 * check revocation (FreeRADIUS's check_crl) need one for every CA. */
static int
make_crl(const char *ca_path, const char *path, struct ucerr *err)
{
	X509_CRL *crl = NULL;
	X509 *ca = NULL;
	EVP_PKEY *key = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	time_t now = time(NULL);
	int rc = -1;

	if (read_pair(ca_path, &ca, &key, err) == -1)
		return -1;
	if (crl_sign(ca, key, NULL, 0, now, now + (time_t)3650 * 86400, 1, &crl,
	    err) == -1)
		goto out;
	if ((fp = open_memstream(&buf, &len)) == NULL) {
		ucerr_set(err, "%s: out of memory", path);
		goto out;
	}
	PEM_write_X509_CRL(fp, crl);
	fclose(fp);
	rc = file_write_atomic(path, buf, len, 0644, err);
out:
	free(buf);
	X509_CRL_free(crl);
	EVP_PKEY_free(key);
	X509_free(ca);
	return rc;
}

int
mfg_crl_path(const char *home, char *out, size_t outlen, struct ucerr *err)
{
	return phones_path(home, "mfg", "mfg-ca.crl", out, outlen, err);
}

int
mfg_init(const char *home, int *created, struct ucerr *err)
{
	char crl[4096];
	char dir[4096], path[4096];

	if (created)
		*created = 0;
	if (phones_path(home, "mfg", NULL, dir, sizeof(dir), err) == -1 ||
	    dir_make(dir, 0700, err) == -1)
		return -1;
	if (phones_path(home, "mfg", "mfg-ca.pem", path, sizeof(path), err) == -1)
		return -1;
	if (!path_exists(path)) {
		if (make_ca(path, MFG_CA_CN, err) == -1)
			return -1;
		if (created)
			*created = 1;
	}
	if (mfg_crl_path(home, crl, sizeof(crl), err) == -1 ||
	    (!path_exists(crl) && make_crl(path, crl, err) == -1))
		return -1;
	if (phones_path(home, "mfg", "sudi-ca.pem", path, sizeof(path), err) == -1)
		return -1;
	if (!path_exists(path) && make_ca(path, SUDI_CA_CN, err) == -1)
		return -1;
	return 0;
}

int
mfg_ca_path(const char *home, char *out, size_t outlen, struct ucerr *err)
{
	return phones_path(home, "mfg", "mfg-ca.pem", out, outlen, err);
}

int
mfg_ca_load(const char *home, X509 **ca, EVP_PKEY **key, struct ucerr *err)
{
	char path[4096];

	if (mfg_init(home, NULL, err) == -1 ||
	    phones_path(home, "mfg", "mfg-ca.pem", path, sizeof(path), err) == -1)
		return -1;
	return read_pair(path, ca, key, err);
}

int
mfg_sudi_ca_load(const char *home, X509 **ca, EVP_PKEY **key,
    struct ucerr *err)
{
	char path[4096];

	if (mfg_init(home, NULL, err) == -1 ||
	    phones_path(home, "mfg", "sudi-ca.pem", path, sizeof(path), err) == -1)
		return -1;
	return read_pair(path, ca, key, err);
}

int
mfg_issue(const char *home, const char *name, const char *model,
    EVP_PKEY *mic_key, X509 **mic, X509 **sudi, EVP_PKEY **sudi_key,
    struct ucerr *err)
{
	struct cert_template t;
	struct key_spec spec = { 0, 2048 };
	EVP_PKEY *ca_key = NULL, *sudi_ca_key = NULL;
	X509 *ca = NULL, *sudi_ca = NULL;
	char cn[128];
	int rc = -1;

	*mic = NULL;
	if (sudi)
		*sudi = NULL;
	if (sudi_key)
		*sudi_key = NULL;
	snprintf(cn, sizeof(cn), "CP-%s-%s", model, name);
	memset(&t, 0, sizeof(t));
	t.subject.cn = cn;
	t.subject.o = "ucpki test";
	t.profile = PROFILE_LSC;
	t.days = 36500;
	if (mfg_ca_load(home, &ca, &ca_key, err) == -1 ||
	    cert_build(&t, mic_key, ca, ca_key, mic, err) == -1)
		goto out;
	if (sudi != NULL) {
		if (mfg_sudi_ca_load(home, &sudi_ca, &sudi_ca_key, err) == -1 ||
		    key_generate(&spec, sudi_key, err) == -1 ||
		    cert_build(&t, *sudi_key, sudi_ca, sudi_ca_key, sudi, err) == -1)
			goto out;
	}
	rc = 0;
out:
	X509_free(ca);
	X509_free(sudi_ca);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(sudi_ca_key);
	return rc;
}

int
phone_make(const char *home, const char *name, const char *model,
    const char *mic_pem, struct ucerr *err)
{
	struct key_spec spec = { 0, 2048 };
	EVP_PKEY *key = NULL, *sudi_key = NULL;
	X509 *mic = NULL, *sudi = NULL;
	char dir[4096], path[4096];
	int rc = -1;

	if (!device_name_valid(name))
		return ucerr_set(err, "%s: not a device name", name);
	if (phones_path(home, name, NULL, dir, sizeof(dir), err) == -1 ||
	    dir_make(dir, 0700, err) == -1)
		return -1;
	if (mic_pem != NULL) {
		if (read_pair(mic_pem, &mic, &key, err) == -1)
			return ucerr_wrap(err, "--mic needs the MIC and its key");
		if (!cert_matches_key(mic, key)) {
			ucerr_set(err, "%s: the key does not match the MIC", mic_pem);
			goto out;
		}
	} else if (key_generate(&spec, &key, err) == -1 ||
	    mfg_issue(home, name, model, key, &mic, &sudi, &sudi_key, err) == -1) {
		goto out;
	}
	if (phones_path(home, name, "mic.pem", path, sizeof(path), err) == -1 ||
	    write_pair(path, mic, key, err) == -1)
		goto out;
	if (sudi != NULL &&
	    (phones_path(home, name, "sudi.pem", path, sizeof(path), err) == -1 ||
	    write_pair(path, sudi, sudi_key, err) == -1))
		goto out;
	if (phones_path(home, name, "model", path, sizeof(path), err) == -1 ||
	    file_write_atomic(path, model, strlen(model), 0644, err) == -1)
		goto out;
	rc = 0;
out:
	X509_free(mic);
	X509_free(sudi);
	EVP_PKEY_free(key);
	EVP_PKEY_free(sudi_key);
	return rc;
}

int
phone_load(const char *home, const char *name, struct phone *ph,
    struct ucerr *err)
{
	char path[4096];
	uint8_t *model;
	size_t len;

	memset(ph, 0, sizeof(*ph));
	if (!device_name_valid(name))
		return ucerr_set(err, "%s: not a device name", name);
	snprintf(ph->name, sizeof(ph->name), "%s", name);
	if (phones_path(home, name, NULL, ph->dir, sizeof(ph->dir), err) == -1)
		return -1;
	if (phones_path(home, name, "mic.pem", path, sizeof(path), err) == -1)
		return -1;
	if (!path_exists(path) && !device_is_softphone(name))
		return ucerr_set(err, "%s: no such phone (run ucpki phone make %s)",
		    name, name);
	if (path_exists(path) && read_pair(path, &ph->mic, &ph->mic_key,
	    err) == -1)
		goto fail;
	if (phones_path(home, name, "sudi.pem", path, sizeof(path), err) == -1 ||
	    (path_exists(path) &&
	    read_pair(path, &ph->sudi, &ph->sudi_key, err) == -1))
		goto fail;
	if (phones_path(home, name, "lsc.pem", path, sizeof(path), err) == -1 ||
	    (path_exists(path) &&
	    read_pair(path, &ph->lsc, &ph->lsc_key, err) == -1))
		goto fail;
	if (phones_path(home, name, "model", path, sizeof(path), err) == 0 &&
	    file_read(path, 64, &model, &len, NULL) == 0) {
		snprintf(ph->model, sizeof(ph->model), "%.*s", (int)len, model);
		free(model);
	}
	return 0;
fail:
	phone_free(ph);
	return -1;
}

void
phone_free(struct phone *ph)
{
	X509_free(ph->mic);
	X509_free(ph->sudi);
	X509_free(ph->lsc);
	EVP_PKEY_free(ph->mic_key);
	EVP_PKEY_free(ph->sudi_key);
	EVP_PKEY_free(ph->lsc_key);
	memset(ph, 0, sizeof(*ph));
}

int
phone_store_lsc(struct phone *ph, X509 *lsc, EVP_PKEY *key, struct ucerr *err)
{
	char path[4096];

	if (dir_make(ph->dir, 0700, err) == -1 ||
	    path_join(path, sizeof(path), ph->dir, "lsc.pem", err) == -1 ||
	    write_pair(path, lsc, key, err) == -1)
		return -1;
	X509_free(ph->lsc);
	EVP_PKEY_free(ph->lsc_key);
	X509_up_ref(lsc);
	EVP_PKEY_up_ref(key);
	ph->lsc = lsc;
	ph->lsc_key = key;
	return 0;
}

int
phone_delete_lsc(struct phone *ph, struct ucerr *err)
{
	char path[4096];

	if (path_join(path, sizeof(path), ph->dir, "lsc.pem", err) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return ucerr_set(err, "%s: %s", path, strerror(errno));
	X509_free(ph->lsc);
	EVP_PKEY_free(ph->lsc_key);
	ph->lsc = NULL;
	ph->lsc_key = NULL;
	return 0;
}

int
phone_itl_path(const struct phone *ph, char *out, size_t outlen,
    struct ucerr *err)
{
	return path_join(out, outlen, ph->dir, "ITLFile.tlv", err);
}
