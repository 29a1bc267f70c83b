/*
 * admin_auth.h - failed authentications per address, for the API's
 * rate limit: past ADMIN_AUTH_FAILURES within ADMIN_AUTH_WINDOW_S an
 * address is refused (429) until its window ends, good token or not.
 * Bounded: the table keeps the ADMIN_AUTH_SLOTS most recent addresses.
 */
#ifndef UCPKI_ADMIN_AUTH_H
#define UCPKI_ADMIN_AUTH_H

#include <stdint.h>

#define ADMIN_AUTH_FAILURES	10
#define ADMIN_AUTH_WINDOW_S	60
#define ADMIN_AUTH_SLOTS	256

struct auth_slot {
	char	 addr[48];
	int64_t	 since;		/* the window's start */
	int	 failures;
};

struct auth_limit {
	struct auth_slot slots[ADMIN_AUTH_SLOTS];
};

/* Seconds until addr may try again, 0 when it may now. */
int	auth_limit_wait(struct auth_limit *l, const char *addr, int64_t now);
/* Counts a failure of addr. */
void	auth_limit_failed(struct auth_limit *l, const char *addr, int64_t now);

#endif
