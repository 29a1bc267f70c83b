/*
 * phone_state.h - a simulated phone's files under <home>/phones/<NAME>/:
 * mic.pem (MIC + key), sudi.pem (SUDI + key), lsc.pem (LSC + key, when
 * installed), ITLFile.tlv (the trusted ITL, when installed), model.
 * The stand-in manufacturing and SUDI CAs live in <home>/phones/mfg/.
 */
#ifndef UCPKI_PHONE_STATE_H
#define UCPKI_PHONE_STATE_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"

struct phone {
	char		 name[64];
	char		 model[32];
	char		 dir[4096];
	X509		*mic;
	EVP_PKEY	*mic_key;
	X509		*sudi;		/* may be NULL */
	EVP_PKEY	*sudi_key;
	X509		*lsc;		/* NULL when none is installed */
	EVP_PKEY	*lsc_key;
};

/* Creates the stand-in CAs when missing; either output may be NULL. */
int	mfg_init(const char *home, int *created, struct ucerr *err);
int	mfg_ca_load(const char *home, X509 **ca, EVP_PKEY **key,
	    struct ucerr *err);
int	mfg_sudi_ca_load(const char *home, X509 **ca, EVP_PKEY **key,
	    struct ucerr *err);
int	mfg_ca_path(const char *home, char *out, size_t outlen,
	    struct ucerr *err);
/* <home>/phones/mfg/mfg-ca.crl: the stand-in CA's (empty) CRL. */
int	mfg_crl_path(const char *home, char *out, size_t outlen,
	    struct ucerr *err);

/* A MIC (CN=CP-<model>-<name>) and SUDI issued by the stand-in CAs. */
int	mfg_issue(const char *home, const char *name, const char *model,
	    EVP_PKEY *mic_key, X509 **mic, X509 **sudi, EVP_PKEY **sudi_key,
	    struct ucerr *err);

/* Gives a phone a MIC: made here, or imported (cert + key in mic_pem). */
int	phone_make(const char *home, const char *name, const char *model,
	    const char *mic_pem, struct ucerr *err);
/*
 * A softphone (CSF, BOT, TCT, TAB) has no MIC and needs no phone make:
 * it loads with none, and its folder is made when it stores an LSC.
 */
int	phone_load(const char *home, const char *name, struct phone *ph,
	    struct ucerr *err);
void	phone_free(struct phone *ph);
int	phone_store_lsc(struct phone *ph, X509 *lsc, EVP_PKEY *key,
	    struct ucerr *err);
int	phone_delete_lsc(struct phone *ph, struct ucerr *err);
/* <dir>/ITLFile.tlv */
int	phone_itl_path(const struct phone *ph, char *out, size_t outlen,
	    struct ucerr *err);

#endif
