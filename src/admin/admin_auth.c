/* admin_auth.c - failed authentications per address (see admin_auth.h). */
#include <stdio.h>
#include <string.h>

#include "admin_auth.h"

static struct auth_slot *
find(struct auth_limit *l, const char *addr)
{
	int i;

	for (i = 0; i < ADMIN_AUTH_SLOTS; i++)
		if (l->slots[i].failures > 0 &&
		    strcmp(l->slots[i].addr, addr) == 0)
			return &l->slots[i];
	return NULL;
}

int
auth_limit_wait(struct auth_limit *l, const char *addr, int64_t now)
{
	struct auth_slot *s = find(l, addr);

	if (s == NULL)
		return 0;
	if (now - s->since >= ADMIN_AUTH_WINDOW_S) {
		/* The window is over: the slot is free again. */
		memset(s, 0, sizeof(*s));
		return 0;
	}
	return s->failures >= ADMIN_AUTH_FAILURES ?
	    (int)(s->since + ADMIN_AUTH_WINDOW_S - now) : 0;
}

void
auth_limit_failed(struct auth_limit *l, const char *addr, int64_t now)
{
	struct auth_slot *s = find(l, addr), *oldest;
	int i;

	if (s != NULL && now - s->since >= ADMIN_AUTH_WINDOW_S)
		memset(s, 0, sizeof(*s));
	if (s == NULL || s->failures == 0) {
		/* A free slot, else the one whose window began first. */
		oldest = &l->slots[0];
		for (i = 0; i < ADMIN_AUTH_SLOTS; i++) {
			if (l->slots[i].failures == 0) {
				oldest = &l->slots[i];
				break;
			}
			if (l->slots[i].since < oldest->since)
				oldest = &l->slots[i];
		}
		s = oldest;
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->since = now;
		s->failures = 0;
	}
	s->failures++;
}
