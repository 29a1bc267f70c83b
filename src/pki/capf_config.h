/*
 * capf_config.h - CAPF's settings, once for every front end (`capf
 * config`, the API): the LSCs' validity and the monitor's renewals.
 */
#ifndef UCPKI_CAPF_CONFIG_H
#define UCPKI_CAPF_CONFIG_H

#include "err.h"

struct json;
struct store;

/* One setting by the CLI's option name: lsc-days (1 to 36500),
 * renew-at (2/3, 0.75, 75% or off), renew-within (24h, 7d, seconds). */
int	capf_config_set(struct store *st, const char *option,
	    const char *value, struct ucerr *err);

struct capf_config {
	long	 lsc_days;
	char	 renew_at[32];
	long	 renew_within_s;
};

int	capf_config_get(struct store *st, struct capf_config *c,
	    struct ucerr *err);
/* As `capf config --json` shows it. */
void	capf_config_json(struct json *j, const struct capf_config *c);

#endif
