/*
 * server_conf.h - the serve settings by name.  ucpki.conf and serve's
 * command line set them through one table, so both accept and refuse
 * exactly the same values; the command line is applied after the file.
 *
 * ucpki.conf is "key = value" lines (src/base/kvfile.h): the keys are
 * serve's long option names, flags take yes or no.  Unknown keys, bad
 * values and keys given twice are refused with the file and line.
 */
#ifndef UCPKI_SERVER_CONF_H
#define UCPKI_SERVER_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct server_config;

/* value is "yes"/"no" (also true/false, on/off, 1/0) for flags.  The
 * message does not name the key: callers put it in front. */
int	server_config_set(struct server_config *cfg, const char *key,
	    const char *value, struct ucerr *err);
int	server_config_parse(struct server_config *cfg, const char *name,
	    const uint8_t *data, size_t len, struct ucerr *err);
int	server_config_load(struct server_config *cfg, const char *path,
	    struct ucerr *err);
/* One setting given on serve's command line: the option's long name and
 * its value ("yes" for a flag). */
struct server_config_arg {
	const char	*key;
	const char	*value;
};

/*
 * The settings serve runs with, each layer over the one before: the
 * built-in defaults, the settings file, then the command line's n_args
 * settings in args.  The file is path; NULL: the installed default
 * (/etc/ucpki/ucpki.conf) when this binary is installed and the file is
 * there, none otherwise.  *source names what was read ("built-in
 * defaults" or the file).  A bad setting on the command line is
 * "serve: --KEY: reason"; in the file "FILE:LINE: KEY: reason".
 */
int	server_config_resolve(struct server_config *cfg, const char *path,
	    const struct server_config_arg *args, size_t n_args,
	    const char **source, struct ucerr *err);
/* The i-th key (NULL past the last), for docs and --check-config. */
const char *server_config_key(int i);
/* Is there a setting of that name? */
int	server_config_known(const char *key);
/* Is the key a flag (yes/no)? */
int	server_config_key_is_flag(const char *key);
/* The current value of key as the file would spell it (-1: unknown key). */
int	server_config_get(const struct server_config *cfg, const char *key,
	    char *out, size_t outlen);

#endif
