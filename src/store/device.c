/* device.c - statuses, names and settings of devices (see device.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "device.h"
#include "x509.h"

/* The seeds' Certificate Operation Status table, number for number. */
static const struct {
	const char *text, *symbol;
} statuses[] = {
	[1] = { "None", "CERT_STATUS_NONE" },
	[2] = { "Operation Pending", "CERT_STATUS_SCHEDULE" },
	[3] = { "Upgrade Success", "CERT_STATUS_UPGRADE_SUCCESS" },
	[4] = { "Delete Success", "CERT_STATUS_DELETE_SUCCESS" },
	[5] = { "Troubleshoot Success", "CERT_STATUS_TROUBLESHOOT_SUCCESS" },
	[6] = { "Upgrade Failed", "CERT_STATUS_UPGRADE_FAIL" },
	[7] = { "Delete Failed", "CERT_STATUS_DELETE_FAIL" },
	[8] = { "Troubleshoot Failed", "CERT_STATUS_TROUBLESHOOT_FAIL" },
	[9] = { "Upgrade Failed: Invalid LSC", "CERT_STATUS_UPGRADE_FAIL_INVALID_LSC" },
	[10] = { "Upgrade Failed: Invalid Authentication String", "CERT_STATUS_UPGRADE_FAIL_INVALID_AUTH_STR" },
	[11] = { "Upgrade Failed: Invalid MIC", "CERT_STATUS_UPGRADE_FAIL_INVALID_MIC" },
	[12] = { "Upgrade Failed: Invalid Credentials", "CERT_STATUS_UPGRADE_FAIL_INVALID_CREDENTIALS" },
	[13] = { "Upgrade Failed: Phone Communication Failure", "CERT_STATUS_UPGRADE_FAIL_PHONE_COMM_ERROR" },
	[14] = { "Upgrade Failed: Key Generation Failed/Timeout", "CERT_STATUS_UPGRADE_FAIL_OP_TIMED_OUT" },
	[15] = { "Upgrade Failed: CA Communication Failure", "CERT_STATUS_UPGRADE_FAIL_CA_COMM_ERROR" },
	[16] = { "Upgrade Failed: CA Rejected Connection", "CERT_STATUS_UPGRADE_FAIL_CA_REJECT" },
	[17] = { "Upgrade Failed: User Initiated Request Late/Timeout", "CERT_STATUS_UPGRADE_FAIL_LATE_REQUEST" },
	[18] = { "Delete Failed: Invalid LSC", "CERT_STATUS_DELETE_FAIL_INVALID_LSC" },
	[19] = { "Delete Failed: Invalid Authentication String", "CERT_STATUS_DELETE_FAIL_INVALID_AUTH_STR" },
	[20] = { "Delete Failed: Invalid MIC", "CERT_STATUS_DELETE_FAIL_INVALID_MIC" },
	[21] = { "Delete Failed: Invalid Credentials", "CERT_STATUS_DELETE_FAIL_INVALID_CREDENTIALS" },
	[22] = { "Delete Failed: Phone Communication Failure", "CERT_STATUS_DELETE_FAIL_PHONE_COMM_ERROR" },
	[23] = { "Delete Failed: Key Generation Failed/Timeout", "CERT_STATUS_DELETE_FAIL_OP_TIMED_OUT" },
	[24] = { "Delete Failed: CA Communication Failure", "CERT_STATUS_DELETE_FAIL_CA_COMM_ERROR" },
	[25] = { "Delete Failed: CA Rejected Connection", "CERT_STATUS_DELETE_FAIL_CA_REJECT" },
	[26] = { "Delete Failed: User Initiated Request Late/Timeout", "CERT_STATUS_DELETE_FAIL_LATE_REQUEST" },
	[27] = { "Troubleshoot Failed: Invalid LSC", "CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_LSC" },
	[28] = { "Troubleshoot Failed: Invalid Authentication String", "CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_AUTH_STR" },
	[29] = { "Troubleshoot Failed: Invalid MIC", "CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_MIC" },
	[30] = { "Troubleshoot Failed: Invalid Credentials", "CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_CREDENTIALS" },
	[31] = { "Troubleshoot Failed: Phone Communication Failure", "CERT_STATUS_TROUBLESHOOT_FAIL_PHONE_COMM_ERROR" },
	[32] = { "Troubleshoot Failed: Key Generation Failed/Timeout", "CERT_STATUS_TROUBLESHOOT_FAIL_OP_TIMED_OUT" },
	[33] = { "Troubleshoot Failed: User Initiated Request Late/Timeout", "CERT_STATUS_TROUBLESHOOT_FAIL_LATE_REQUEST" },
};

#define N_STATUSES 34

const char *
cert_status_text(int status)
{
	return status >= 1 && status < N_STATUSES ? statuses[status].text : NULL;
}

const char *
cert_status_symbol(int status)
{
	return status >= 1 && status < N_STATUSES ? statuses[status].symbol : NULL;
}

int
cert_status_parse(const char *s)
{
	char *end;
	long n;
	int i;

	n = strtol(s, &end, 10);
	if (end != s && *end == '\0')
		return n >= 1 && n < N_STATUSES ? (int)n : -1;
	for (i = 1; i < N_STATUSES; i++)
		if (strcasecmp(s, statuses[i].text) == 0 ||
		    strcasecmp(s, statuses[i].symbol) == 0)
			return i;
	return -1;
}

/*
 * The failure status for an operation: each operation has its own row
 * for each cause (Upgrade 9.., Delete 18.., Troubleshoot 27..).
 */
int
cert_status_failure(int operation, enum capf_failure cause)
{
	static const int upgrade[] = {
		[FAIL_GENERIC] = 6, [FAIL_INVALID_LSC] = 9,
		[FAIL_INVALID_AUTH_STR] = 10, [FAIL_INVALID_MIC] = 11,
		[FAIL_INVALID_CREDENTIALS] = 12, [FAIL_PHONE_COMM] = 13,
		[FAIL_KEY_GEN] = 14, [FAIL_CA_COMM] = 15, [FAIL_CA_REJECT] = 16,
		[FAIL_LATE] = 17,
	};
	static const int delete[] = {
		[FAIL_GENERIC] = 7, [FAIL_INVALID_LSC] = 18,
		[FAIL_INVALID_AUTH_STR] = 19, [FAIL_INVALID_MIC] = 20,
		[FAIL_INVALID_CREDENTIALS] = 21, [FAIL_PHONE_COMM] = 22,
		[FAIL_KEY_GEN] = 23, [FAIL_CA_COMM] = 24, [FAIL_CA_REJECT] = 25,
		[FAIL_LATE] = 26,
	};
	/* Troubleshoot has no CA rows: those become the generic failure. */
	static const int troubleshoot[] = {
		[FAIL_GENERIC] = 8, [FAIL_INVALID_LSC] = 27,
		[FAIL_INVALID_AUTH_STR] = 28, [FAIL_INVALID_MIC] = 29,
		[FAIL_INVALID_CREDENTIALS] = 30, [FAIL_PHONE_COMM] = 31,
		[FAIL_KEY_GEN] = 32, [FAIL_CA_COMM] = 8, [FAIL_CA_REJECT] = 8,
		[FAIL_LATE] = 33,
	};

	if ((int)cause < 0 || cause > FAIL_LATE)
		cause = FAIL_GENERIC;
	switch (operation) {
	case CERT_OP_DELETE: return delete[cause];
	case CERT_OP_TROUBLESHOOT: return troubleshoot[cause];
	default: return upgrade[cause];
	}
}

int
cert_status_success(int operation)
{
	switch (operation) {
	case CERT_OP_DELETE: return CERT_STATUS_DELETE_SUCCESS;
	case CERT_OP_TROUBLESHOOT: return CERT_STATUS_TROUBLESHOOT_SUCCESS;
	default: return CERT_STATUS_UPGRADE_SUCCESS;
	}
}

static const char *const operation_names[] = {
	"none", "install", "delete", "troubleshoot" };
static const char *const operation_texts[] = {
	"No Pending Operation", "Install/Upgrade", "Delete", "Troubleshoot" };
static const char *const auth_names[] = { "null", "string", "lsc", "mic" };
static const char *const auth_texts[] = { "By Null String",
	"By Authentication String",
	"By Existing Certificate (Precedence to LSC)",
	"By Existing Certificate (Precedence to MIC)" };
static const char *const key_order_names[] = { "rsa", "ec", "ec-then-rsa" };
static const char *const key_order_texts[] = { "RSA Only", "EC Only",
	"EC Preferred, RSA Backup" };

#define LOOKUP(table, i) ((i) >= 0 && (size_t)(i) < \
	sizeof(table) / sizeof(table[0]) ? table[i] : "unknown")

const char *cert_operation_name(int op) { return LOOKUP(operation_names, op); }
const char *cert_operation_text(int op) { return LOOKUP(operation_texts, op); }
const char *capf_auth_mode_name(int m) { return LOOKUP(auth_names, m); }
const char *capf_auth_mode_text(int m) { return LOOKUP(auth_texts, m); }
const char *key_order_name(int k) { return LOOKUP(key_order_names, k); }
const char *key_order_text(int k) { return LOOKUP(key_order_texts, k); }

static const char *const security_names[] = { "?", "non-secure",
	"authenticated", "encrypted" };

const char *security_mode_name(int m) { return LOOKUP(security_names, m); }

static int
index_of(const char *const *table, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(table[i], s) == 0)
			return (int)i;
	return -1;
}

int
cert_operation_parse(const char *s)
{
	return index_of(operation_names, 4, s);
}

int
capf_auth_mode_parse(const char *s)
{
	int i = index_of(auth_names, 4, s);

	return i >= 0 ? i : index_of(auth_texts, 4, s);
}

int
key_order_parse(const char *s)
{
	return index_of(key_order_names, 3, s);
}

/* The families' defaults when the key type names the other family. */
static const struct key_spec rsa_default = { 0, 2048 }, ec_default = { 1, 256 };

int
device_key_plan(const struct device *d, struct key_spec *first,
    struct key_spec *fallback)
{
	struct key_spec spec = rsa_default;

	key_spec_parse(d->key_type, &spec, NULL);
	*fallback = spec;
	switch (d->key_order) {
	case KEY_ORDER_EC:
		*first = spec.is_ec ? spec : ec_default;
		return 0;
	case KEY_ORDER_EC_THEN_RSA:
		*first = spec.is_ec ? spec : ec_default;
		*fallback = spec.is_ec ? rsa_default : spec;
		return 1;
	default:
		/* RSA Only with an EC key type was always asked as EC. */
		*first = spec;
		return 0;
	}
}

int
device_key_order(const struct device *d)
{
	struct key_spec first, fallback;

	if (device_key_plan(d, &first, &fallback) == 1)
		return KEY_ORDER_EC_THEN_RSA;
	return first.is_ec ? KEY_ORDER_EC : KEY_ORDER_RSA;
}

int
device_key_settings(struct device *d, const char *key_type, int key_order,
    struct ucerr *err)
{
	struct key_spec spec;

	if (key_type != NULL &&
	    key_spec_parse(key_type, &spec, err) == -1)
		return -1;
	if (key_type != NULL && key_order >= 0 &&
	    key_order != KEY_ORDER_EC_THEN_RSA &&
	    spec.is_ec != (key_order == KEY_ORDER_EC))
		return ucerr_set(err, "%s: key %s does not fit Key Order %s",
		    d->name, key_type, key_order_text(key_order));
	if (key_type != NULL) {
		snprintf(d->key_type, sizeof(d->key_type), "%s", key_type);
		/* A key of the other family changes a one-family order. */
		if (key_order < 0 && d->key_order != KEY_ORDER_EC_THEN_RSA)
			d->key_order = spec.is_ec ? KEY_ORDER_EC : KEY_ORDER_RSA;
	}
	if (key_order >= 0) {
		d->key_order = key_order;
		spec = rsa_default;
		key_spec_parse(d->key_type, &spec, NULL);
		/* A one-family order takes that family's default size. */
		if (key_order != KEY_ORDER_EC_THEN_RSA &&
		    spec.is_ec != (key_order == KEY_ORDER_EC))
			key_spec_name(key_order == KEY_ORDER_EC ? &ec_default :
			    &rsa_default, d->key_type, sizeof(d->key_type));
	}
	return 0;
}

int
security_mode_parse(const char *s)
{
	int i = index_of(security_names, 4, s);

	return i >= 1 ? i : -1;
}

int
device_is_softphone(const char *name)
{
	return device_name_valid(name) && strncmp(name, "SEP", 3) != 0;
}

int
device_name_valid(const char *name)
{
	static const char *const client_prefixes[] = { "CSF", "BOT", "TCT",
	    "TAB" };
	size_t i, len = strlen(name);

	if (len == 15 && strncmp(name, "SEP", 3) == 0) {
		for (i = 3; i < 15; i++)
			if (!isdigit((unsigned char)name[i]) &&
			    !(name[i] >= 'A' && name[i] <= 'F'))
				return 0;
		return 1;
	}
	for (i = 0; i < 4; i++) {
		if (strncmp(name, client_prefixes[i], 3) != 0)
			continue;
		/* A user id: letters, digits, '.', '_', '-'; 1..60 long. */
		if (len < 4 || len > 63)
			return 0;
		for (i = 3; i < len; i++)
			if (!isalnum((unsigned char)name[i]) && name[i] != '.' &&
			    name[i] != '_' && name[i] != '-')
				return 0;
		return name[3] != '.' && name[3] != '-';
	}
	return 0;
}

/* Twelve hex digits out of s written as one of the MAC spellings. */
static int
mac_digits(const char *s, char hex[13])
{
	static const char *const layouts[] = {
		"HHHHHHHHHHHH", "HH:HH:HH:HH:HH:HH", "HH-HH-HH-HH-HH-HH",
		"HHHH.HHHH.HHHH",
	};
	size_t i, k, n;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (strlen(s) != strlen(layouts[i]))
			continue;
		for (k = n = 0; s[k] != '\0'; k++) {
			if (layouts[i][k] != 'H' ? s[k] != layouts[i][k] :
			    !isxdigit((unsigned char)s[k]))
				break;
			if (layouts[i][k] == 'H')
				hex[n++] = (char)toupper((unsigned char)s[k]);
		}
		if (s[k] == '\0') {
			hex[12] = '\0';
			return 0;
		}
	}
	return -1;
}

int
device_name_normalise(const char *in, char *out, size_t outlen)
{
	char hex[13];

	if (strncasecmp(in, "SEP", 3) == 0 && strlen(in) == 15 &&
	    mac_digits(in + 3, hex) == 0) {
		snprintf(out, outlen, "SEP%s", hex);
	} else if (mac_digits(in, hex) == 0) {
		snprintf(out, outlen, "SEP%s", hex);
	} else {
		snprintf(out, outlen, "%s", in);
		return 0;
	}
	return strcmp(in, out) != 0;
}

int
auth_string_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len < 4 || len > DEVICE_AUTH_STRING_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
auth_string_generate(char *out, size_t outlen, int digits)
{
	unsigned char rnd[32];
	size_t i, used = sizeof(rnd);
	int n = 0;

	if (digits < 4 || digits > DEVICE_AUTH_STRING_MAX ||
	    outlen < (size_t)digits + 1)
		return -1;
	while (n < digits) {
		if (used == sizeof(rnd)) {
			if (RAND_bytes(rnd, sizeof(rnd)) != 1)
				return -1;
			used = 0;
		}
		i = used++;
		/* 250 = 25 * 10: only below it is every digit equally likely. */
		if (rnd[i] < 250)
			out[n++] = (char)('0' + rnd[i] % 10);
	}
	out[n] = '\0';
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return 0;
}

void
device_free(struct device *d)
{
	free(d->lsc_der);
	free(d->mic_der);
	free(d->fetched_der);
	d->lsc_der = d->mic_der = d->fetched_der = NULL;
	d->lsc_len = d->mic_len = d->fetched_len = 0;
}
