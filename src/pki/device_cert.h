/*
 * device_cert.h - which of a device's certificates the cluster uses for
 * it: a phone decrypts its configuration file with the private key of
 * its LSC when it has one, else of its MIC, so the file is encrypted for
 * that certificate.
 */
#ifndef UCPKI_DEVICE_CERT_H
#define UCPKI_DEVICE_CERT_H

#include <openssl/x509.h>

#include "err.h"

struct store;

enum device_cert_kind { DEVICE_CERT_LSC, DEVICE_CERT_MIC };

/*
 * The device's certificate for encryption: its current LSC, else the
 * last MIC CAPF saw.  -1 (with the reason) for an unknown device or one
 * of which the store knows neither.
 */
int	device_encryption_cert(struct store *st, const char *name, X509 **cert,
	    enum device_cert_kind *kind, struct ucerr *err);

/*
 * The same for the device a configuration file is for: SEP<MAC>.cnf.xml
 * (any directory) is SEP<MAC>'s.  name gets the device's name.
 */
int	device_config_cert(struct store *st, const char *config_file,
	    char *name, size_t namelen, X509 **cert,
	    enum device_cert_kind *kind, struct ucerr *err);

#endif
