/*
 * import_ucm.h - moving in from the usecallmanagernz Python tools
 * (capfd/capfctl, tvsd/tvsctl): `ucpki import usecallmanager`.
 *
 * What comes across, in one store transaction (all or nothing):
 *  - the CAPF certificate and key capfd served and signed with (the
 *    PEM file given to its --capf): it becomes the node's CAPF identity
 *    and is trusted in CAPF-trust and CallManager-trust, as a
 *    regenerated CAPF is, and the CAPF it replaces stays trusted, so the
 *    LSCs either issued keep authenticating;
 *  - every device with its scheduled operation, authentication mode,
 *    password (the authentication string), key size or curve, and the
 *    certificate capfd recorded: one issued by a CA in CAPF-trust to the
 *    device it names becomes an LSC on record, anything else (what a
 *    fetch returned) evidence only;
 *  - every TVS certificate with its roles and TTL.
 * A dry run does the same work and rolls it back.
 */
#ifndef UCPKI_IMPORT_UCM_H
#define UCPKI_IMPORT_UCM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store_ucm.h"

struct store;

/* A pending operation's Operation Completes By: the Python CAPF had
 * none, so phones get a month, not the usual hour, to come back. */
#define UCM_IMPORT_DEADLINE_S	(30 * 86400)

struct ucm_import_opts {
	const char	*capf_db;	/* capf.sqlite3 or NULL */
	const char	*tvs_db;	/* tvs.sqlite3 or NULL */
	const char	*capf_cert;	/* capf.pem: certificate and key, or NULL */
	int		 dry_run;
};

enum ucm_lsc_state {
	UCM_LSC_NONE,		/* no certificate in the row */
	UCM_LSC_RECORDED,	/* now an LSC on record */
	UCM_LSC_KNOWN,		/* already on record (imported before) */
	UCM_LSC_EVIDENCE,	/* kept as what the phone returned, no more */
};

struct ucm_device_item {
	size_t		 row;
	char		 name[64];
	char		 written_as[72];	/* the row's name when it differed */
	int		 existed;		/* updated an existing device */
	int		 operation;		/* enum cert_operation */
	int		 auth_mode;		/* enum capf_auth_mode */
	char		 key_type[16];
	int		 lsc;			/* enum ucm_lsc_state */
	char		 lsc_serial[64];
	int64_t		 lsc_not_after;
	char		 note[200];		/* why evidence only */
};

struct ucm_tvs_item {
	size_t		 row;
	char		 sha256[65];
	char		 subject[256];		/* the certificate's CN */
	char		 roles[96];		/* "CCM+TFTP,TVS" */
	uint32_t	 ttl;
	int		 duplicate;		/* already an entry: kept as it is */
	int		 identity;		/* a node identity's certificate */
};

struct ucm_capf_item {
	int		 present;
	int		 already;		/* it already was the CAPF */
	char		 sha256[65];
	char		 subject[256];
	char		 key[16];		/* "rsa2048" */
	char		 replaced_sha256[65];	/* the CAPF it replaces */
};

struct ucm_import_result {
	const struct ucm_schema	*capf_schema;	/* NULL: no --capf */
	const struct ucm_schema	*tvs_schema;
	struct ucm_capf_item	 capf;
	struct ucm_device_item	*devices;
	size_t			 n_devices;
	struct ucm_tvs_item	*tvs;
	size_t			 n_tvs;
	size_t			 lsc_recorded, lsc_evidence;
};

int	ucm_import(struct store *st, const struct ucm_import_opts *o,
	    struct ucm_import_result *res, struct ucerr *err);
void	ucm_import_result_free(struct ucm_import_result *res);

#endif
