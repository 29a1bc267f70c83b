/* monitor_config.c - the monitor's notification settings (monitor.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "monitor.h"
#include "store.h"

int
monitor_config_set(struct store *st, const char *option, const char *value,
    struct ucerr *err)
{
	char text[32], *end;
	long v;

	if (strcmp(option, "start-days") == 0) {
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || v < 1 ||
		    v > 3650)
			return ucerr_set(err, "monitor config: --start-days must "
			    "be a number from 1 to 3650, not '%s'", value);
		snprintf(text, sizeof(text), "%ld", v);
		return store_meta_set(st, "monitor.start_days", text, err);
	}
	if (strcmp(option, "frequency") == 0) {
		if (clock_parse_period(value, &v) == -1)
			return ucerr_set(err, "--frequency: say 24h, 7d or "
			    "seconds, not '%s'", value);
		snprintf(text, sizeof(text), "%ld", v);
		return store_meta_set(st, "monitor.frequency_s", text, err);
	}
	if (strcmp(option, "email") == 0)
		return store_meta_set(st, "monitor.email", value, err);
	if (strcmp(option, "smtp") == 0)
		return store_meta_set(st, "monitor.smtp", value, err);
	return ucerr_set(err, "monitor config: unknown setting '%s' "
	    "(start-days, frequency, email, smtp)", option);
}

int
monitor_config_json(struct json *j, struct store *st, struct ucerr *err)
{
	struct monitor_config cfg;
	char v[512];
	int has_email;

	if (monitor_config_load(st, &cfg, err) == -1)
		return -1;
	has_email = store_meta_get(st, "monitor.email", v, sizeof(v), NULL) == 1;
	json_object_begin(j, NULL);
	json_int(j, "start_days", cfg.start_days);
	json_int(j, "frequency_s", cfg.frequency_s);
	json_string(j, "email", has_email ? v : NULL);
	json_object_end(j);
	return 0;
}
