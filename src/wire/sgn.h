/*
 * sgn.h - signed configuration files (.sgn): the original bytes behind a
 * signed header (version 1.0).  A phone accepts one when the signer is a
 * TFTP (or CCM+TFTP) record of its ITL.
 */
#ifndef UCPKI_SGN_H
#define UCPKI_SGN_H

#include "itl.h"
#include "sigfile.h"

/* p gives the signer, key, hash and filename; the header's versions are
 * the format's (1.0, no signer version). */
int	sgn_sign(const uint8_t *data, size_t len, const struct sigfile_params *p,
	    uint8_t **out, size_t *out_len, struct ucerr *err);
/* Header and the original bytes (pointing into data). */
int	sgn_parse(const uint8_t *data, size_t len, struct sigfile_header *hdr,
	    const uint8_t **body, size_t *body_len, struct ucerr *err);
int	sgn_verify_cert(const uint8_t *data, size_t len, X509 *signer,
	    struct ucerr *err);
/* As a phone: the signer must be a TFTP or CCM+TFTP record of the ITL.
 * *record gets the record index (may be NULL). */
int	sgn_verify_itl(const uint8_t *data, size_t len,
	    const struct itl_file *itl, int *record, struct ucerr *err);

#endif
