/*
 * store_fetch.h - what each device last fetched from the TFTP service.
 *
 * A phone asks for CTLFile.tlv and ITLFile.tlv before it names itself
 * with SEP<MAC>.cnf.xml: fetches whose name does not say the device wait
 * in fetch_pending (one row per address and file) until a named fetch
 * from the same address within FETCH_CLAIM_WINDOW_S claims them.
 */
#ifndef UCPKI_STORE_FETCH_H
#define UCPKI_STORE_FETCH_H

#include <stdint.h>

#include "store.h"

#define FETCH_CLAIM_WINDOW_S	120

struct fetch_event {
	char	 device[64];	/* "" when the file name does not say */
	char	 file[256];
	char	 kind[8];	/* "itl", "ctl", "config", "other" */
	char	 sha256[65];	/* "" for files served from disk unhashed */
	int64_t	 at;
	char	 addr[48];
	char	 peer[64];	/* addr:port */
	char	 transport[8];	/* "http", "tftp" */
};

int	store_fetch_record(struct store *st, const struct fetch_event *e,
	    struct ucerr *err);
/* The device's latest fetch of that kind: 1 found, 0 none, -1 error. */
int	store_fetch_last(struct store *st, const char *device, const char *kind,
	    struct fetch_event *out, struct ucerr *err);
/* Every file the device fetched last (one row per file), newest first. */
typedef int (*fetch_cb)(void *ctx, const struct fetch_event *e);
int	store_fetch_each(struct store *st, const char *device, fetch_cb cb,
	    void *ctx, struct ucerr *err);
/* Devices that have not fetched a file of that kind with this SHA-256. */
int	store_fetch_count_missing(struct store *st, const char *kind,
	    const char *sha256, int64_t *count, struct ucerr *err);

#endif
