/* itl_files.c - an ITL or CTL file from certificate files (see itl_files.h). */
#include <stdlib.h>
#include <string.h>

#include "itl.h"
#include "itl_files.h"
#include "x509.h"

int
itl_build_files(const struct itl_file_record *recs, size_t n,
    const struct itl_files_params *ip, uint8_t **out, size_t *out_len,
    struct ucerr *err)
{
	struct itl_entry *entries;
	struct sigfile_params p;
	size_t i, loaded = 0;
	int rc = -1;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	/* One record per file: the caller's list is the only bound. */
	if ((entries = calloc(n + 1, sizeof(*entries))) == NULL)
		return ucerr_set(err, "trust list: out of memory");
	for (i = 0; i < n; i++) {
		/* The first SAST signs, so its file must carry the key. */
		if (cert_key_load_file(recs[i].path, &entries[i].cert,
		    recs[i].role == ROLE_SAST && p.signer == NULL ? &p.key :
		    NULL, err) == -1)
			goto out;
		loaded++;
		entries[i].role = recs[i].role;
		if (recs[i].role == ROLE_SAST && p.signer == NULL)
			p.signer = entries[i].cert;
	}
	if (p.signer == NULL) {
		ucerr_set(err, "trust list: at least one SAST record (the "
		    "signer) is required");
		goto out;
	}
	p.version_major = 1;
	p.version_minor = 2;
	p.hash_alg = ip->hash_alg ? ip->hash_alg : SIG_HASH_SHA1;
	p.signer_version = ip->signer_version ? ip->signer_version :
	    itl_signer_version_auto(entries, n);
	p.filename = ip->filename;
	if (itl_build(entries, n, &p, out, out_len, err) == -1)
		goto out;
	rc = 0;
	if (!ip->no_size_limit &&
	    itl_phone_size_check(*out_len, n, err) == -1) {
		free(*out);
		*out = NULL;
		rc = ITL_FILES_TOO_LARGE;
	}
out:
	while (loaded > 0)
		X509_free(entries[--loaded].cert);
	free(entries);
	EVP_PKEY_free(p.key);
	return rc;
}
