/*
 * phone_config.h - the security part of a phone's configuration file
 * (SEP<MAC>.cnf.xml), filled from the device record and merged into the
 * administrator's XML.  Field numbers as phones read them (protocols.md,
 * "What phones fetch").
 */
#ifndef UCPKI_PHONE_CONFIG_H
#define UCPKI_PHONE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "device.h"
#include "err.h"

#define PHONE_CONFIG_LIST_MAX	5	/* capfList and TVS members */

struct phone_endpoint {
	char	host[256];
	int	port;
};

struct phone_security {
	int			 security_mode;	/* enum device_security_mode */
	int			 transport;	/* 1 TCP, 2 UDP, 3 TLS; 0: keep */
	int			 capf_auth_mode; /* 0 no operation, 1..4 */
	struct phone_endpoint	 capf[PHONE_CONFIG_LIST_MAX];
	int			 n_capf;
	struct phone_endpoint	 tvs[PHONE_CONFIG_LIST_MAX];
	int			 n_tvs;
	char			 cert_hash[33];	/* MD5 hex of LSC/MIC, or "" */
	int			 encr_config;
};

/* capfAuthMode as phones number it: 1 string, 2 null, 3 LSC, 4 MIC. */
int	phone_capf_auth_mode(int auth_mode);

/*
 * The security fields for d (NULL: a device not in the store, as
 * non-secure) whose current certificate is cert (LSC else MIC, may be
 * NULL), with this cluster's CAPF and TVS (port 0: not listed).
 */
void	phone_security_for(const struct device *d, X509 *cert,
	    const char *node, int capf_port, int tvs_port,
	    struct phone_security *sec);

/*
 * Merges sec into the administrator's XML: each field replaces the
 * element of the same name under <device>, or is appended.  Invalid XML is
 * refused as "<file_name>:<line>: <reason>".  *out is malloc'd.
 */
int	phone_config_merge(const uint8_t *xml, size_t len, const char *file_name,
	    const struct phone_security *sec, uint8_t **out, size_t *out_len,
	    struct ucerr *err);

/* The text of the first <element> under <device>: 1, 0 when absent. */
int	phone_config_field(const uint8_t *xml, size_t len, const char *element,
	    char *out, size_t outlen, struct ucerr *err);

#endif
