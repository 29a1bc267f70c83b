/*
 * export.h - what other servers read from ucpki, in the forms they take
 * as they are: an identity's certificate, chain, key or PKCS#12; trust
 * stores as a PEM bundle or as a directory in OpenSSL's hashed layout
 * (<hash>.0 for certificates, <hash>.r0 for CRLs, as `openssl rehash`
 * names them: FreeRADIUS's ca_path with check_crl).
 *
 * Exports can be kept current: each is a row of the store, rewritten by
 * exports_refresh() after every identity, trust, CRL or revocation change
 * (and by the monitor, which re-signs CAPF's CRL).  A file is replaced
 * atomically and only when its content changes; after any change the
 * reload command (`config --reload-command`) runs once, so a SIP or
 * RADIUS server picks up the new files.  An identity kept current lives
 * at a path that never changes: <home>/export/<purpose>.pem (certificate
 * and chain) and <purpose>.key (mode 0600).
 */
#ifndef UCPKI_EXPORT_H
#define UCPKI_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

struct store;
struct export_row;

enum identity_part {
	EXPORT_CERT,		/* the certificate (PEM) */
	EXPORT_CHAIN,		/* it and its issuers from the trust stores */
	EXPORT_KEY,		/* the private key (PEM PKCS#8, unencrypted) */
	EXPORT_PKCS12,		/* key, certificate and issuers (DER) */
};

#define EXPORT_PASSWORD_MAX	1024

/*
 * An identity taken out by hand (`cert export`), recorded: the monitor's
 * ITLRecoveryCertBackup alarm stands until ITLRecovery has been, since a
 * lost ITLRecovery key strands every phone (ITL recovery needs it).
 */
int	identity_export_record(struct store *st, const char *purpose,
	    struct ucerr *err);
/* 1 when purpose was ever exported by hand, 0 not, -1 error. */
int	identity_was_exported(struct store *st, const char *purpose,
	    struct ucerr *err);

/* password: PKCS#12 only; NULL for an unencrypted one. */
int	identity_export(struct store *st, const char *purpose,
	    enum identity_part part, const char *password, uint8_t **out,
	    size_t *len, struct ucerr *err);
/* The first line of a file, without its line end. */
int	export_password_read(const char *path, char *out, size_t outlen,
	    struct ucerr *err);

/* Every certificate of the stores (space separated), once each. */
int	trust_bundle(struct store *st, const char *stores, char **out,
	    size_t *len, int *count, struct ucerr *err);

struct export_counts {
	int	certs, crls;	/* what the export holds */
	int	changed;	/* files written or removed */
};

/* Writes one export as its row says (relative paths: under the home). */
int	export_write(struct store *st, const struct export_row *row,
	    struct export_counts *c, struct ucerr *err);
/* Writes the export and, unless once, records it to be kept current
 * (rewritten by exports_refresh after every change that touches it). */
int	export_add(struct store *st, const struct export_row *row, int once,
	    struct export_counts *c, struct ucerr *err);
/* The command run after an export kept current changed ("": none). */
int	export_reload_command_set(struct store *st, const char *command,
	    struct ucerr *err);
/* 1 with the command in out, 0 when there is none. */
int	export_reload_command_get(struct store *st, char *out, size_t outlen,
	    struct ucerr *err);
/* Stops keeping the export at path current (an error when it is not). */
int	export_forget(struct store *st, const char *path, struct ucerr *err);
/* The row for an identity kept at <home>/export/<purpose>.pem/.key. */
void	export_identity_row(const char *purpose, struct export_row *row);
/* A row's absolute path (relative ones are under the home). */
int	export_path(struct store *st, const struct export_row *row, char *out,
	    size_t outlen, struct ucerr *err);

struct export_refresh {
	int	crl_signed;	/* CAPF's CRL was re-signed */
	int	changed;	/* exports whose files changed */
	int	failed;		/* exports that could not be written */
	char	failure[512];	/* the first of those */
	int	reload_run;	/* the reload command ran ... */
	int	reload_status;	/* ... and exited so (128 + signal) */
	char	notes[2048];	/* a line per change, for the front end */
};

/*
 * Re-signs CAPF's CRL when due, rewrites every export kept current, and
 * runs the reload command when one changed.  Fails only when the CRL
 * cannot be published; an export that cannot be written is counted in
 * r->failed (r may be NULL: nobody reads it).  The core calls it after every change an export holds (an
 * identity, a trust store, a CRL, a revocation); the monitor calls it
 * for the CRL's period.
 */
int	exports_refresh(struct store *st, time_t now, struct export_refresh *r,
	    struct ucerr *err);

#endif
