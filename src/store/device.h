/*
 * device.h - phones and clients, their CAPF settings, their Certificate
 * Operation Status, their LSC and the MIC they last presented.
 *
 * Status numbers and texts are the seeds' table (1 None ... 33
 * Troubleshoot Failed: User Initiated Request Late/Timeout), exactly.
 */
#ifndef UCPKI_DEVICE_H
#define UCPKI_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

enum cert_status {
	CERT_STATUS_NONE = 1,
	CERT_STATUS_SCHEDULE = 2,			/* Operation Pending */
	CERT_STATUS_UPGRADE_SUCCESS = 3,
	CERT_STATUS_DELETE_SUCCESS = 4,
	CERT_STATUS_TROUBLESHOOT_SUCCESS = 5,
	CERT_STATUS_UPGRADE_FAIL = 6,
	CERT_STATUS_DELETE_FAIL = 7,
	CERT_STATUS_TROUBLESHOOT_FAIL = 8,
	CERT_STATUS_UPGRADE_FAIL_INVALID_LSC = 9,
	CERT_STATUS_UPGRADE_FAIL_INVALID_AUTH_STR = 10,
	CERT_STATUS_UPGRADE_FAIL_INVALID_MIC = 11,
	CERT_STATUS_UPGRADE_FAIL_INVALID_CREDENTIALS = 12,
	CERT_STATUS_UPGRADE_FAIL_PHONE_COMM_ERROR = 13,
	CERT_STATUS_UPGRADE_FAIL_OP_TIMED_OUT = 14,
	CERT_STATUS_UPGRADE_FAIL_CA_COMM_ERROR = 15,
	CERT_STATUS_UPGRADE_FAIL_CA_REJECT = 16,
	CERT_STATUS_UPGRADE_FAIL_LATE_REQUEST = 17,
	CERT_STATUS_DELETE_FAIL_INVALID_LSC = 18,
	CERT_STATUS_DELETE_FAIL_INVALID_AUTH_STR = 19,
	CERT_STATUS_DELETE_FAIL_INVALID_MIC = 20,
	CERT_STATUS_DELETE_FAIL_INVALID_CREDENTIALS = 21,
	CERT_STATUS_DELETE_FAIL_PHONE_COMM_ERROR = 22,
	CERT_STATUS_DELETE_FAIL_OP_TIMED_OUT = 23,
	CERT_STATUS_DELETE_FAIL_CA_COMM_ERROR = 24,
	CERT_STATUS_DELETE_FAIL_CA_REJECT = 25,
	CERT_STATUS_DELETE_FAIL_LATE_REQUEST = 26,
	CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_LSC = 27,
	CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_AUTH_STR = 28,
	CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_MIC = 29,
	CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_CREDENTIALS = 30,
	CERT_STATUS_TROUBLESHOOT_FAIL_PHONE_COMM_ERROR = 31,
	CERT_STATUS_TROUBLESHOOT_FAIL_OP_TIMED_OUT = 32,
	CERT_STATUS_TROUBLESHOOT_FAIL_LATE_REQUEST = 33,
};

/* "Upgrade Failed: Invalid Authentication String"; NULL if out of range. */
const char	*cert_status_text(int status);
/* "CERT_STATUS_UPGRADE_FAIL_INVALID_AUTH_STR" */
const char	*cert_status_symbol(int status);
/* Accepts a number, the text (case-insensitive) or the symbol; -1 if none. */
int		 cert_status_parse(const char *s);

enum cert_operation {
	CERT_OP_NONE = 0,
	CERT_OP_INSTALL = 1,		/* Install/Upgrade */
	CERT_OP_DELETE = 2,
	CERT_OP_TROUBLESHOOT = 3,
};

enum capf_auth_mode {
	CAPF_AUTH_NULL_STRING = 0,	/* By Null String */
	CAPF_AUTH_STRING = 1,		/* By Authentication String */
	CAPF_AUTH_LSC = 2,		/* By Existing Certificate (Precedence to LSC) */
	CAPF_AUTH_MIC = 3,		/* By Existing Certificate (Precedence to MIC) */
};

enum key_order {
	KEY_ORDER_RSA = 0,		/* RSA Only */
	KEY_ORDER_EC = 1,		/* EC Only */
	KEY_ORDER_EC_THEN_RSA = 2,	/* EC Preferred, RSA Backup */
};

/* deviceSecurityMode as the configuration file numbers it. */
enum device_security_mode {
	DEVICE_SECURITY_NON_SECURE = 1,
	DEVICE_SECURITY_AUTHENTICATED = 2,	/* TLS, NULL cipher */
	DEVICE_SECURITY_ENCRYPTED = 3,		/* TLS and SRTP */
};

/* Why an operation failed; the status number depends on the operation. */
enum capf_failure {
	FAIL_GENERIC, FAIL_INVALID_LSC, FAIL_INVALID_AUTH_STR, FAIL_INVALID_MIC,
	FAIL_INVALID_CREDENTIALS, FAIL_PHONE_COMM, FAIL_KEY_GEN, FAIL_CA_COMM,
	FAIL_CA_REJECT, FAIL_LATE,
};

int		 cert_status_failure(int operation, enum capf_failure cause);
int		 cert_status_success(int operation);

const char	*cert_operation_name(int op);	/* "install" ... */
const char	*cert_operation_text(int op);	/* "Install/Upgrade" ... */
int		 cert_operation_parse(const char *s);
const char	*capf_auth_mode_name(int mode);	/* "null" "string" "lsc" "mic" */
const char	*capf_auth_mode_text(int mode);	/* "By Null String" ... */
int		 capf_auth_mode_parse(const char *s);
const char	*key_order_name(int order);	/* "rsa" "ec" "ec-then-rsa" */
const char	*key_order_text(int order);	/* "RSA Only" ... */
int		 key_order_parse(const char *s);
const char	*security_mode_name(int mode);	/* "non-secure" ... */
int		 security_mode_parse(const char *s);	/* 1..3 or -1 */
/* 4 to 10 digits. */
int		 auth_string_valid(const char *s);
/*
 * A new authentication string of `digits` digits (4..10) from the OS
 * random source (RAND_bytes), each digit uniform: bytes of 250 and above
 * are drawn again rather than folded in with a bias.  The one generator.
 */
int		 auth_string_generate(char *out, size_t outlen, int digits);

/* SEP + 12 upper-case hex, or CSF/BOT/TCT/TAB + user id ([A-Za-z0-9._-], 1..60). */
int	device_name_valid(const char *name);
/* A Jabber client (CSF, BOT, TCT, TAB): speaks CAPF version 2. */
int	device_is_softphone(const char *name);
/*
 * A phone's name as users write it: sep001122aabbcc, 00:11:22:AA:BB:CC,
 * 00-11-22-aa-bb-cc, 0011.22aa.bbcc or 001122aabbcc all become
 * SEP001122AABBCC.  Returns 1 when out differs from in, 0 when in is
 * copied unchanged (already canonical, or not a MAC: left to
 * device_name_valid).
 */
int	device_name_normalise(const char *in, char *out, size_t outlen);

#define DEVICE_AUTH_STRING_MAX	10

struct device {
	char		 name[64];
	char		 model[32];
	int		 operation;		/* enum cert_operation */
	int		 auth_mode;		/* enum capf_auth_mode */
	char		 auth_string[DEVICE_AUTH_STRING_MAX + 1];	/* secret */
	char		 key_type[16];		/* "rsa2048", "ec256" ... */
	int		 key_order;		/* enum key_order */
	int64_t		 deadline;		/* Operation Completes By (unix) */
	int		 status;		/* enum cert_status */
	int		 auth_failures;		/* lockout after 5 */
	uint8_t		*lsc_der;		/* current LSC or NULL */
	size_t		 lsc_len;
	char		 lsc_issuer_sha256[65];	/* the CA that issued it, if ours */
	int64_t		 lsc_not_after;
	uint8_t		*mic_der;		/* last MIC seen or NULL */
	size_t		 mic_len;
	/* What the last troubleshoot returned, kept as evidence whether or
	 * not it became the LSC on record. */
	uint8_t		*fetched_der;
	size_t		 fetched_len;
	int64_t		 updated_at;
	int		 security_mode;		/* enum device_security_mode */
	int		 encrypted_config;	/* TFTP encrypts its configuration */
};

void	device_free(struct device *d);

struct key_spec;
/*
 * The keys CAPF asks the phone for: Key Order decides the family, the
 * key type the size within its family (the other family takes RSA 2048
 * or EC P-256).  *fallback is the key after the first for EC Preferred,
 * RSA Backup; returns 1 when there is one.
 */
int	device_key_plan(const struct device *d, struct key_spec *first,
	    struct key_spec *fallback);
/* The Key Order that plan follows (what to show). */
int	device_key_order(const struct device *d);
/*
 * Sets the key type (NULL: unchanged) and Key Order (-1: unchanged) so
 * the two never disagree: a key of the other family turns RSA Only into
 * EC Only and back; a one-family order given alone takes its family's
 * default size; both given and contradicting is refused.
 */
int	device_key_settings(struct device *d, const char *key_type,
	    int key_order, struct ucerr *err);

#endif
