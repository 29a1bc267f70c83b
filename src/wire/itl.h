/*
 * itl.h - ITL and CTL files (.tlv): records of (role, certificate), parsed
 * from untrusted bytes, built from certificates, verified and shown in
 * CUCM's `show itl` layout.
 */
#ifndef UCPKI_ITL_H
#define UCPKI_ITL_H

#include <stdio.h>

#include <openssl/x509.h>

#include "json.h"
#include "sigfile.h"

enum itl_role {
	ROLE_SAST = 0, ROLE_CCM = 1, ROLE_CCM_TFTP = 2, ROLE_TFTP = 3,
	ROLE_CAPF = 4, ROLE_APP_SERVER = 7, ROLE_TVS = 21,
};

/* Record tags. */
enum {
	REC_LENGTH = 1, REC_DNS_NAME = 2, REC_SUBJECT_NAME = 3, REC_ROLE = 4,
	REC_ISSUER_NAME = 5, REC_SERIAL_NUMBER = 6, REC_PUBLIC_KEY = 7,
	REC_SIGNATURE = 8, REC_CERTIFICATE = 9, REC_IP_ADDRESS = 10,
	REC_CERTIFICATE_HASH = 11, REC_HASH_ALGORITHM = 12,
};

const char	*role_name(int role);		/* "CCM+TFTP" */
const char	*role_function(int role);	/* show itl's FUNCTION text */
/* "CCM+TFTP,TVS": the roles' names joined by commas (truncated to fit). */
const char	*role_names_join(const uint8_t *list, size_t n, char *out,
		    size_t outlen);
/* sast|ccm|ccm-tftp|tftp|capf|app-server|tvs; -1 if unknown. */
int		 role_parse(const char *name);

struct itl_record {
	size_t		 offset;		/* of RECORD_LENGTH in the file */
	uint16_t	 length;
	char		 dns_name[256];
	char		 subject[SIGFILE_NAME_MAX];
	char		 issuer[SIGFILE_NAME_MAX];
	int		 role;			/* -1 when absent */
	const uint8_t	*serial;
	size_t		 serial_len;
	size_t		 public_key_len;
	size_t		 signature_len;
	const uint8_t	*cert;			/* DER or NULL */
	size_t		 cert_len;
	const uint8_t	*cert_hash;		/* SHA-1 or NULL */
	size_t		 cert_hash_len;
	int		 hash_alg;		/* -1 when absent */
};

struct itl_file {
	uint8_t			*data;		/* owned copy of the file */
	size_t			 len;
	struct sigfile_header	 hdr;
	struct itl_record	*records;
	size_t			 n_records;
};

int	itl_parse(const uint8_t *data, size_t len, struct itl_file *itl,
	    struct ucerr *err);
int	itl_load_file(const char *path, struct itl_file *itl, struct ucerr *err);
void	itl_free(struct itl_file *itl);

/* The record's certificate (caller frees) or NULL when it has only a hash. */
X509	*itl_record_cert(const struct itl_record *rec);
/* The record whose serial and issuer are the header's; -1 when none. */
int	itl_signer_index(const struct itl_file *itl);
/* Finds the signer and checks the signature. */
int	itl_verify(const struct itl_file *itl, struct ucerr *err);
/* Does the ITL hold this certificate (by DER or SHA-1 hash) with one of
 * the roles in the mask (1 << role)?  Returns the record index or -1. */
int	itl_find_cert(const struct itl_file *itl, X509 *cert,
	    unsigned long role_mask);
#define ROLE_BIT(r) (1UL << (r))

struct itl_entry {
	X509	*cert;
	int	 role;
};

/*
 * Builds a signed .tlv from entries.  Signer version 1.0 (p->signer_version
 * 10) cannot carry EC certificates: refused, naming the record.
 */
int	itl_build(const struct itl_entry *entries, size_t n,
	    const struct sigfile_params *p, uint8_t **out, size_t *out_len,
	    struct ucerr *err);

/* The signer version a file of these records needs: 1.1 (11) when one is
 * EC (1.0 cannot carry EC keys), else 1.0 (10). */
int	itl_signer_version_auto(const struct itl_entry *entries, size_t n);

/* Phones refuse ITL and CTL files larger than this (protocols.md). */
#define ITL_PHONE_MAX_BYTES	65536

/* Refuses a built file of len bytes (n records) that phones would refuse. */
int	itl_phone_size_check(size_t len, size_t n, struct ucerr *err);

/* CUCM `show itl` text, ending with the verification verdict. */
void	itl_show(FILE *fp, const struct itl_file *itl, const char *label);
void	itl_show_json(struct json *j, const struct itl_file *itl);

#endif
