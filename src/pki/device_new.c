/* device_new.c - a device entering the store (see device_new.h). */
#include <stdio.h>
#include <string.h>

#include "device_new.h"
#include "device_view.h"
#include "store_device.h"

void
device_new(struct device *d, const char *name, const char *model)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->model, sizeof(d->model), "%s", model ? model : "");
	snprintf(d->key_type, sizeof(d->key_type), "rsa2048");
	d->operation = CERT_OP_NONE;
	d->auth_mode = CAPF_AUTH_NULL_STRING;
	d->status = CERT_STATUS_NONE;
}

int
device_add(struct store *st, const char *name, const char *model,
    struct ucerr *err)
{
	struct device d;

	if (device_name_check(name, err) == -1)
		return -1;
	device_new(&d, name, model);
	return store_device_add(st, &d, err);
}

int
device_upsert(struct store *st, struct device *d, struct ucerr *err)
{
	struct device old;
	int found;

	if ((found = store_device_get(st, d->name, &old, err)) == -1)
		return -1;
	if (found == 0)
		return store_device_add(st, d, err) == -1 ? -1 : 0;
	d->security_mode = old.security_mode;
	d->encrypted_config = old.encrypted_config;
	device_free(&old);
	return store_device_update(st, d, err) == -1 ? -1 : 1;
}
