/* sgn.c - signed configuration files (see sgn.h). */
#include <string.h>

#include "sgn.h"

int
sgn_sign(const uint8_t *data, size_t len, const struct sigfile_params *p,
    uint8_t **out, size_t *out_len, struct ucerr *err)
{
	struct sigfile_params q = *p;

	/* A .sgn header is version 1.0 and carries no signer version. */
	q.version_major = 1;
	q.version_minor = 0;
	q.signer_version = 0;
	return sigfile_build(&q, data, len, out, out_len, err);
}

int
sgn_parse(const uint8_t *data, size_t len, struct sigfile_header *hdr,
    const uint8_t **body, size_t *body_len, struct ucerr *err)
{
	if (sigfile_header_parse(data, len, hdr, err) == -1)
		return -1;
	*body = data + hdr->header_length;
	*body_len = len - hdr->header_length;
	return 0;
}

int
sgn_verify_cert(const uint8_t *data, size_t len, X509 *signer,
    struct ucerr *err)
{
	struct sigfile_header hdr;

	if (sigfile_header_parse(data, len, &hdr, err) == -1)
		return -1;
	if (!sigfile_signer_matches(&hdr, signer))
		return ucerr_set(err, "signer: the file names another signer "
		    "(%s)", hdr.signer_name);
	return sigfile_verify(data, len, &hdr, signer, err);
}

int
sgn_verify_itl(const uint8_t *data, size_t len, const struct itl_file *itl,
    int *record, struct ucerr *err)
{
	const struct itl_record *rec;
	struct sigfile_header hdr;
	X509 *cert;
	size_t i;
	int rc;

	if (sigfile_header_parse(data, len, &hdr, err) == -1)
		return -1;
	for (i = 0; i < itl->n_records; i++) {
		rec = &itl->records[i];
		if (rec->role != ROLE_TFTP && rec->role != ROLE_CCM_TFTP)
			continue;
		if ((cert = itl_record_cert(rec)) == NULL)
			continue;
		if (!sigfile_signer_matches(&hdr, cert)) {
			X509_free(cert);
			continue;
		}
		rc = sigfile_verify(data, len, &hdr, cert, err);
		X509_free(cert);
		if (rc == 0 && record != NULL)
			*record = (int)i;
		return rc;
	}
	return ucerr_set(err, "signer %s is not a TFTP or CCM+TFTP record of "
	    "the ITL", hdr.signer_name);
}
