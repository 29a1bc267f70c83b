/*
 * store_device.h - devices, every LSC ever issued, and each device's
 * history, in the store (see store.h for the conventions).
 */
#ifndef UCPKI_STORE_DEVICE_H
#define UCPKI_STORE_DEVICE_H

#include <openssl/x509.h>

#include "device.h"
#include "store.h"

struct device_filter {
	int		 status;		/* 0: any */
	int		 lsc;			/* -1 any, 0 none, 1 installed */
	const char	*model;			/* NULL: any */
	const char	*issuer_sha256;		/* LSC issued by this CA */
	int64_t		 expiring_before;	/* LSC not_after before; 0: any */
	int		 pending;		/* 1: a certificate operation is set */
};

void	device_filter_init(struct device_filter *f);

int	store_device_get(struct store *st, const char *name, struct device *d,
	    struct ucerr *err);
/* Fails with "already exists" when the name is taken. */
int	store_device_add(struct store *st, const struct device *d,
	    struct ucerr *err);
/* Saves the settings, status and failure count (not the certificates). */
int	store_device_update(struct store *st, const struct device *d,
	    struct ucerr *err);
int	store_device_remove(struct store *st, const char *name,
	    struct ucerr *err);
typedef int (*device_cb)(void *ctx, const struct device *d);
int	store_device_each(struct store *st, const struct device_filter *f,
	    device_cb cb, void *ctx, struct ucerr *err);
int	store_device_count(struct store *st, const struct device_filter *f,
	    int64_t *count, struct ucerr *err);
int	store_device_set_status(struct store *st, const char *name, int status,
	    struct ucerr *err);

/*
 * The issued LSC, durably, in one transaction: the device's current LSC
 * and status, a row in the lsc table (kept forever), and a history line.
 * The operation stays pending until the phone confirms
 * (store_device_finish_install).  Joins the caller's transaction if one
 * is open.
 */
struct lsc_facts {
	char	 serial[64];
	char	 issuer[512];
	int64_t	 not_before, not_after;
};

/* What the lsc table records of a certificate. */
void	lsc_facts_get(X509 *cert, struct lsc_facts *facts);
/* facts NULL: taken from der (the server passes them: parsing is slow). */
int	store_device_record_lsc(struct store *st, const char *name,
	    const uint8_t *der, size_t len, const struct lsc_facts *facts,
	    const char *issuer_sha256, int status, const char *peer,
	    struct ucerr *err);
/* The phone stored its LSC: the install is over (operation none). */
int	store_device_finish_install(struct store *st, const char *name,
	    struct ucerr *err);
/* After a delete the phone confirmed. */
int	store_device_clear_lsc(struct store *st, const char *name, int status,
	    const char *peer, struct ucerr *err);
/* Troubleshoot returned an LSC on record for the device: it is current. */
int	store_device_set_lsc(struct store *st, const char *name,
	    const uint8_t *der, size_t len, const char *issuer_sha256,
	    struct ucerr *err);
/* Troubleshoot: what the phone returned, kept as evidence only. */
int	store_device_record_fetch(struct store *st, const char *name,
	    const uint8_t *der, size_t len, struct ucerr *err);
int	store_device_record_mic(struct store *st, const char *name,
	    const uint8_t *der, size_t len, struct ucerr *err);
/*
 * Reserves one authentication-string attempt before the string is
 * compared: 1 when the count was below max (*count the new count), 0
 * when the device is locked out (or unknown).  The count is what
 * auth_failures holds; setting the operation again clears it.
 */
int	store_device_auth_reserve(struct store *st, const char *name, int max,
	    int *count, struct ucerr *err);
/* Gives back a reservation whose string was right (or never compared). */
int	store_device_auth_release(struct store *st, const char *name,
	    struct ucerr *err);

struct device_event {
	int64_t		 at;
	int		 operation;
	int		 status;
	char		 peer[64];
	char		 detail[256];
};

int	store_device_history_add(struct store *st, const char *name,
	    int operation, int status, const char *peer, const char *detail,
	    struct ucerr *err);
typedef int (*device_event_cb)(void *ctx, const struct device_event *e);
/* Newest first, at most limit (0: all). */
int	store_device_history_each(struct store *st, const char *name, int limit,
	    device_event_cb cb, void *ctx, struct ucerr *err);

struct lsc_row {
	int64_t		 id;
	char		 device[64];
	char		 serial[64];
	char		 issuer[512];
	char		 issuer_sha256[65];
	int64_t		 not_before, not_after, issued_at;
	int		 current;		/* still the device's LSC */
	int64_t		 revoked_at;		/* 0: not revoked */
	int		 revoke_reason;		/* CRL reason code (crl.h) */
};

/* The LSC on record with this serial and exactly these bytes (1), or 0. */
int	store_lsc_find(struct store *st, const uint8_t *der, size_t len,
	    const char *serial, struct lsc_row *row, struct ucerr *err);
/* Has a CA with this SHA-256 issued an LSC on record? (1 yes, 0 no) */
int	store_lsc_issuer_known(struct store *st, const char *issuer_sha256,
	    struct ucerr *err);

typedef int (*lsc_cb)(void *ctx, const struct lsc_row *row);
/* Every LSC ever issued (device NULL) or one device's. */
int	store_lsc_each(struct store *st, const char *device, lsc_cb cb,
	    void *ctx, struct ucerr *err);

/*
 * Revocation (store_revoked.c): lsc.revoked_at and lsc.revoke_reason are
 * the one record of it, what CAPF refuses and what its CRL lists.  The
 * lsc table keeps every LSC ever issued, so a device's LSCs can be
 * revoked after it is gone.  One already revoked stays as it was.
 */
enum revoke_which {
	REVOKE_ALL,			/* every LSC selected */
	REVOKE_CURRENT,			/* the device's current LSC */
	REVOKE_SUPERSEDED,		/* the device's LSCs but the current */
};

/*
 * device and serial (lower-case hex, as the lsc table holds it) narrow
 * the selection; at least one is given.  *matched: LSCs selected;
 * *revoked: of those, newly revoked; *other_ca: of those, issued by a CA
 * other than issuer_sha256 (NULL: not counted).
 */
int	store_revoke(struct store *st, enum revoke_which which,
	    const char *device, const char *serial, int reason, int64_t at,
	    const char *issuer_sha256, int *matched, int *revoked,
	    int *other_ca, struct ucerr *err);
/* Revoked LSCs of one issuer (by SHA-256, or by name where the record has
 * none), oldest revocation first. */
int	store_revoked_each(struct store *st, const char *issuer_sha256,
	    const char *issuer, lsc_cb cb, void *ctx, struct ucerr *err);

#endif
