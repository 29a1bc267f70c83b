/*
 * fuzz_phone_state.c - the phone simulator's state files as `phone
 * capf/itl/register/...` read them: <home>/phones/<NAME>/mic.pem,
 * sudi.pem, lsc.pem (certificate + key), model and ITLFile.tlv, and the
 * stand-in CAs in <home>/phones/mfg/.  The input is those files joined
 * by SEPARATOR, in that order; an empty or missing part is a missing
 * file.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "itl.h"
#include "phone_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEPARATOR	"\n==ucpki==\n"
#define NAME		"SEP001122334455"

static const char *const files[] = {
	"phones/" NAME "/mic.pem", "phones/" NAME "/sudi.pem",
	"phones/" NAME "/lsc.pem", "phones/" NAME "/model",
	"phones/" NAME "/ITLFile.tlv", "phones/mfg/mfg-ca.pem",
	"phones/mfg/sudi-ca.pem",
};
#define N_FILES	(sizeof(files) / sizeof(files[0]))

static char home[64];

static void
put(const char *file, const uint8_t *data, size_t len, int present)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", home, file);
	if (!present) {
		unlink(path);
		return;
	}
	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	if (len > 0 && fwrite(data, 1, len, fp) != len)
		abort();
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *sep;
	struct itl_file itl;
	struct phone ph;
	X509 *ca;
	EVP_PKEY *key;
	char path[4096];
	size_t i, len;

	if (home[0] == '\0') {
		snprintf(home, sizeof(home), "/tmp/ucpki-fuzz-phone.XXXXXX");
		if (mkdtemp(home) == NULL)
			abort();
		snprintf(path, sizeof(path), "%s/phones", home);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/phones/" NAME, home);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/phones/mfg", home);
		mkdir(path, 0700);
	}
	for (i = 0; i < N_FILES; i++) {
		sep = p != NULL ? memmem(p, (size_t)(end - p), SEPARATOR,
		    strlen(SEPARATOR)) : NULL;
		len = p == NULL ? 0 : (size_t)((sep ? sep : end) - p);
		/* The CAs always exist: missing, they would be generated. */
		put(files[i], p, len, len > 0 || i >= 5);
		p = sep != NULL ? sep + strlen(SEPARATOR) : NULL;
	}
	if (phone_load(home, NAME, &ph, NULL) == 0) {
		if (phone_itl_path(&ph, path, sizeof(path), NULL) == 0 &&
		    itl_load_file(path, &itl, NULL) == 0)
			itl_free(&itl);
		phone_free(&ph);
	}
	if (mfg_ca_load(home, &ca, &key, NULL) == 0) {
		X509_free(ca);
		EVP_PKEY_free(key);
	}
	if (mfg_sudi_ca_load(home, &ca, &key, NULL) == 0) {
		X509_free(ca);
		EVP_PKEY_free(key);
	}
	return 0;
}
