/*
 * device_new.h - a device entering the store, once for every way in
 * (`device add`, `device import`, `import usecallmanager`, `phone swarm
 * --provision`, later the API): the defaults a new device has, and the
 * rule that a device written again keeps its security profile.
 */
#ifndef UCPKI_DEVICE_NEW_H
#define UCPKI_DEVICE_NEW_H

#include "device.h"
#include "err.h"

struct store;

/* A new device as CUCM registers one: no operation, status None, By
 * Null String, an RSA 2048 key; model NULL or "" when unknown. */
void	device_new(struct device *d, const char *name, const char *model);
/* `device add`: the name checked, the defaults, the row added
 * ("NAME: ... already exists" when taken). */
int	device_add(struct store *st, const char *name, const char *model,
	    struct ucerr *err);
/*
 * Adds d, or updates the device already there with d's settings; the
 * existing device keeps its security profile (security mode, encrypted
 * configuration), which bulk sources do not carry.  1 when it existed.
 */
int	device_upsert(struct store *st, struct device *d, struct ucerr *err);

#endif
