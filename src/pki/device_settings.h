/*
 * device_settings.h - `device set`'s settings, once for every front end:
 * the CLI gives its options, the API the members of its JSON body, both
 * by the option's name, and both get the same checks and messages before
 * anything is written.
 */
#ifndef UCPKI_DEVICE_SETTINGS_H
#define UCPKI_DEVICE_SETTINGS_H

#include <time.h>

#include "device.h"
#include "err.h"

struct store;

struct device_settings {
	int		 operation, auth_mode, key_order;	/* -1: unchanged */
	int		 security_mode, encrypted_config;	/* -1: unchanged */
	char		 auth_string[DEVICE_AUTH_STRING_MAX + 1];	/* "": unchanged */
	char		 key_type[16];				/* "": unchanged */
	char		 model[32];
	int		 set_model;
	int		 generate_string;
	time_t		 deadline;				/* 0: default */
	int		 weak_key;	/* the key is below 1024 bits (say so) */
	/* A generated string, for the caller to show (device_settings_apply). */
	char		 generated[DEVICE_AUTH_STRING_MAX + 1];
};

void	device_settings_init(struct device_settings *s);
/*
 * One setting by device set's option name: operation, auth, auth-string
 * (a secret: never echoed; auth-string-file for one read from a file), key, key-order, by, model, security-mode,
 * encrypted-config, generate-string ("yes").
 */
int	device_settings_option(struct device_settings *s, const char *option,
	    const char *value, struct ucerr *err);
/* What cannot be given together (call after the last option). */
int	device_settings_check(const struct device_settings *s,
	    struct ucerr *err);
/*
 * Applies s to the device called name and records the new operation in
 * its history; with generate_string, s->generated gets the string.  In
 * the caller's transaction.  "NAME: no such device" when there is none.
 */
int	device_settings_apply(struct store *st, const char *name,
	    struct device_settings *s, struct ucerr *err);
/*
 * Bulk set: s applied to every device f selects, all or nothing, in the
 * caller's transaction; each(arg, name, s) after each one (a generated
 * string is in s->generated then; each may be NULL).  *n: how many.
 */
struct device_filter;
int	device_settings_apply_all(struct store *st,
	    const struct device_filter *f, struct device_settings *s,
	    void (*each)(void *arg, const char *name, size_t i, size_t n,
	    const struct device_settings *s), void *arg, size_t *n,
	    struct ucerr *err);
/*
 * A bulk selection by device set's option name: all, status, model,
 * issuer (a CA's SHA-256); the filter keeps pointers to the values.
 */
int	device_selection_option(struct device_filter *f, const char *option,
	    const char *value, struct ucerr *err);
void	device_settings_clear(struct device_settings *s);

#endif
