/* capf_config.c - CAPF's settings (see capf_config.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capf_config.h"
#include "clock.h"
#include "json.h"
#include "lsc.h"
#include "renew.h"
#include "store.h"

int
capf_config_set(struct store *st, const char *option, const char *value,
    struct ucerr *err)
{
	char text[32], *end;
	long v;

	if (strcmp(option, "renew-at") == 0)
		return renew_config_save(st, value, 0, err);
	if (strcmp(option, "renew-within") == 0) {
		if (clock_parse_period(value, &v) == -1)
			return ucerr_set(err, "--renew-within: say 24h, 7d or "
			    "seconds, not '%s'", value);
		return renew_config_save(st, NULL, v, err);
	}
	if (strcmp(option, "lsc-days") == 0) {
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || v < 1 ||
		    v > 36500)
			return ucerr_set(err, "capf config: --lsc-days must be a "
			    "number from 1 to 36500, not '%s'", value);
		snprintf(text, sizeof(text), "%ld", v);
		return store_meta_set(st, "capf.lsc_days", text, err);
	}
	return ucerr_set(err, "capf config: unknown setting '%s' (lsc-days, "
	    "renew-at, renew-within)", option);
}

int
capf_config_get(struct store *st, struct capf_config *c, struct ucerr *err)
{
	struct renew_config renew;

	memset(c, 0, sizeof(*c));
	if (lsc_days(st, &c->lsc_days, err) == -1 ||
	    renew_config_load(st, &renew, err) == -1)
		return -1;
	renew_fraction_text(&renew, c->renew_at, sizeof(c->renew_at));
	c->renew_within_s = renew.within_s;
	return 0;
}

void
capf_config_json(struct json *j, const struct capf_config *c)
{
	json_object_begin(j, NULL);
	json_int(j, "lsc_days", c->lsc_days);
	json_string(j, "renew_at", c->renew_at);
	json_int(j, "renew_within_s", c->renew_within_s);
	json_object_end(j);
}
