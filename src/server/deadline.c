/* deadline.c - absolute session deadlines (see deadline.h). */
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "clock.h"
#include "deadline.h"

int
deadline_init(struct deadline *d, struct event_base *base, int message_s,
    void (*cb)(int, short, void *), void *arg)
{
	memset(d, 0, sizeof(*d));
	d->message_s = message_s;
	d->ev = evtimer_new(base, cb, arg);
	return d->ev != NULL ? 0 : -1;
}

void
deadline_free(struct deadline *d)
{
	if (d->ev != NULL)
		event_free(d->ev);
	d->ev = NULL;
}

/* Arms the timer to fire at the absolute (monotonic) time end. */
static void
arm(struct deadline *d, int64_t end)
{
	int64_t left = end - clock_monotonic_ms();
	struct timeval tv = { 0, 0 };

	if (left > 0) {
		tv.tv_sec = (time_t)(left / 1000);
		tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	}
	evtimer_add(d->ev, &tv);
}

void
deadline_phase(struct deadline *d, int seconds)
{
	d->phase_end = clock_monotonic_ms() + (int64_t)seconds * 1000;
	d->active = 1;
	d->in_message = 0;
	arm(d, d->phase_end);
}

void
deadline_stop(struct deadline *d)
{
	d->active = 0;
	d->in_message = 0;
	evtimer_del(d->ev);
}

void
deadline_message_begun(struct deadline *d)
{
	if (!d->active || d->in_message)
		return;
	d->in_message = 1;
	arm(d, clock_monotonic_ms() + (int64_t)d->message_s * 1000);
}

void
deadline_message_done(struct deadline *d)
{
	if (!d->active || !d->in_message)
		return;
	d->in_message = 0;
	arm(d, d->phase_end);
}
