/* device_cert.c - a device's certificate for encryption (see device_cert.h). */
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "device_cert.h"
#include "fileio.h"
#include "store_device.h"
#include "x509.h"

int
device_encryption_cert(struct store *st, const char *name, X509 **cert,
    enum device_cert_kind *kind, struct ucerr *err)
{
	struct device d;
	int found, rc = -1;

	*cert = NULL;
	if ((found = store_device_get(st, name, &d, err)) == -1)
		return -1;
	if (!found)
		return ucerr_set(err, "%s: no such device in the store", name);
	if (d.lsc_der != NULL) {
		*kind = DEVICE_CERT_LSC;
		rc = cert_from_der(d.lsc_der, d.lsc_len, cert, err);
	} else if (d.mic_der != NULL) {
		*kind = DEVICE_CERT_MIC;
		rc = cert_from_der(d.mic_der, d.mic_len, cert, err);
	} else {
		ucerr_set(err, "%s: the store knows no LSC or MIC of this device "
		    "(enroll it with CAPF first)", name);
	}
	if (rc == -1 && *cert == NULL && (d.lsc_der || d.mic_der))
		ucerr_wrap(err, "%s: the stored %s", name, d.lsc_der ? "LSC" :
		    "MIC");
	device_free(&d);
	return rc;
}

int
device_config_cert(struct store *st, const char *config_file, char *name,
    size_t namelen, X509 **cert, enum device_cert_kind *kind,
    struct ucerr *err)
{
	const char *base = path_base(config_file);

	*cert = NULL;
	if ((size_t)snprintf(name, namelen, "%.*s", (int)strcspn(base, "."),
	    base) >= namelen)
		return ucerr_set(err, "%s: not a device's configuration file "
		    "(SEP<MAC>.cnf.xml)", config_file);
	return device_encryption_cert(st, name, cert, kind, err);
}
