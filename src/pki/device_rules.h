/*
 * device_rules.h - the rules of a device's CAPF operation, once for every
 * front end (`device set`, `device import`, later the API).
 */
#ifndef UCPKI_DEVICE_RULES_H
#define UCPKI_DEVICE_RULES_H

#include <time.h>

#include "device.h"
#include "err.h"

/* Operation Completes By when none is given: the seeds' one hour ahead. */
#define DEVICE_DEFAULT_DEADLINE_S	3600

/*
 * Schedules operation (enum cert_operation; -1 keeps the current one) on
 * d, which already carries its new auth mode and string.  A new operation
 * starts a new attempt: status Operation Pending (None for none), the
 * lockout cleared, the deadline given or one hour ahead.  Without a new
 * operation a given deadline (non-zero) still moves.  An operation by
 * authentication string needs the string.
 */
int	device_schedule(struct device *d, int operation, time_t deadline,
	    struct ucerr *err);

/*
 * The monitor's renewal of a current LSC: an install by the existing
 * certificate (precedence to LSC) to be done by deadline.  A softphone
 * keeps its mode: protocol version 2 carries no certificate, so it
 * renews the way it enrolled.
 */
int	device_schedule_renewal(struct device *d, time_t deadline,
	    struct ucerr *err);

/*
 * One LSC per softphone, as CUCM issues them: a softphone (CSF, BOT,
 * TCT, TAB) that holds an LSC and has no operation pending is refused a
 * second one (END_SESSION reason 7) until an administrator sets the
 * install again (device set NAME --operation install), or the monitor
 * schedules its renewal.  1 when refused.
 */
int	device_softphone_refused(const struct device *d);
#define DEVICE_SOFTPHONE_RULE	"one LSC per softphone: a second request " \
	"is refused (END_SESSION reason 7) until an administrator sets " \
	"--operation install again"

#endif
