/* device_rules.c - scheduling a device's CAPF operation (see device_rules.h). */
#include "clock.h"
#include "device_rules.h"

int
device_schedule(struct device *d, int operation, time_t deadline,
    struct ucerr *err)
{
	if (operation >= 0) {
		d->operation = operation;
		/* A new operation starts a new attempt: lockout cleared. */
		d->auth_failures = 0;
		d->status = operation == CERT_OP_NONE ? CERT_STATUS_NONE :
		    CERT_STATUS_SCHEDULE;
		d->deadline = deadline ? deadline :
		    clock_now() + DEVICE_DEFAULT_DEADLINE_S;
	} else if (deadline) {
		d->deadline = deadline;
	}
	if (d->operation != CERT_OP_NONE && d->auth_mode == CAPF_AUTH_STRING &&
	    d->auth_string[0] == '\0')
		return ucerr_set(err, "%s: By Authentication String needs an "
		    "authentication string", d->name);
	return 0;
}

int
device_schedule_renewal(struct device *d, time_t deadline, struct ucerr *err)
{
	if (!device_is_softphone(d->name))
		d->auth_mode = CAPF_AUTH_LSC;
	return device_schedule(d, CERT_OP_INSTALL, deadline, err);
}

int
device_softphone_refused(const struct device *d)
{
	return device_is_softphone(d->name) && d->lsc_der != NULL &&
	    d->operation == CERT_OP_NONE;
}
