/*
 * server_conf.c - the serve settings by name (see server_conf.h): one row
 * per setting with its type and range.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "kvfile.h"
#include "log.h"
#include "paths.h"
#include "server.h"

enum conf_type { CONF_INT, CONF_FLAG, CONF_IPV4, CONF_USER, CONF_LEVEL,
	CONF_PATH };

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;		/* in struct server_config */
	long		 min, max;	/* CONF_INT; max is the size for CONF_PATH */
};

#define AT(field)	offsetof(struct server_config, field)

/* Every serve option but --config and --check-config; a unit test holds
 * this table and serve's option list together. */
static const struct conf_key keys[] = {
	{ "listen", CONF_IPV4, AT(listen_addr), 0, 0 },
	{ "capf-port", CONF_INT, AT(capf_port), 0, 65535 },
	{ "tvs-port", CONF_INT, AT(tvs_port), 0, 65535 },
	{ "tls1", CONF_FLAG, AT(tls1), 0, 0 },
	{ "loops", CONF_INT, AT(loops), 0, 256 },
	{ "workers", CONF_INT, AT(workers), 0, 256 },
	{ "handshake-timeout", CONF_INT, AT(handshake_timeout_s), 1, 3600 },
	{ "max-handshakes", CONF_INT, AT(max_handshakes), 1, 1000000 },
	{ "handshake-wait", CONF_INT, AT(handshake_wait_s), 1, 3600 },
	{ "idle-timeout", CONF_INT, AT(idle_timeout_s), 1, 3600 },
	{ "message-timeout", CONF_INT, AT(message_timeout_s), 1, 3600 },
	{ "keygen-timeout", CONF_INT, AT(keygen_timeout_s), 1, 86400 },
	{ "max-connections", CONF_INT, AT(max_connections), 0, 1000000 },	/* 0: from the descriptor limit */
	{ "max-per-address", CONF_INT, AT(max_per_address), 1, 1000000 },
	{ "monitor-interval", CONF_INT, AT(monitor_interval_s), 0, 86400 * 7 },
	{ "store-poll", CONF_INT, AT(store_poll_s), 1, 86400 },
	{ "allow-rsa512", CONF_FLAG, AT(allow_rsa512), 0, 0 },
	{ "log-level", CONF_LEVEL, AT(log_level), 0, 0 },
	{ "syslog", CONF_FLAG, AT(syslog), 0, 0 },
	{ "log-limit", CONF_INT, AT(log_limit), 0, 1000000 },
	{ "user", CONF_USER, AT(user), 0, 0 },
	{ "http-port", CONF_INT, AT(tftp.http_port), 0, 65535 },
	{ "tftp-port", CONF_INT, AT(tftp.tftp_port), 0, 65535 },
	{ "https-port", CONF_INT, AT(tftp.https_port), 0, 65535 },
	{ "config-dir", CONF_PATH, AT(config_dir), 0,
	    sizeof(((struct server_config *)0)->config_dir) },
	{ "max-transfers", CONF_INT, AT(tftp.max_transfers), 1, 1000000 },
	{ "max-transfers-per-address", CONF_INT, AT(tftp.max_per_address), 1,
	    1000000 },
	{ "max-http-connections", CONF_INT, AT(tftp.max_connections), 1,
	    1000000 },
	{ "max-http-connections-per-address", CONF_INT,
	    AT(tftp.max_conn_per_address), 1, 1000000 },
	{ "tftp-timeout", CONF_INT, AT(tftp.tftp_timeout_s), 1, 255 },
	{ "tftp-retries", CONF_INT, AT(tftp.tftp_retries), 0, 100 },
	{ "admin-port", CONF_INT, AT(admin_port), 0, 65535 },
	{ "admin-listen", CONF_IPV4, AT(admin_listen), 0, 0 },
};

#define N_KEYS	((int)(sizeof(keys) / sizeof(keys[0])))

static const struct conf_key *
find_key(const char *name)
{
	int i;

	for (i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

const char *
server_config_key(int i)
{
	return i >= 0 && i < N_KEYS ? keys[i].name : NULL;
}

int
server_config_known(const char *key)
{
	return find_key(key) != NULL;
}

int
server_config_key_is_flag(const char *key)
{
	const struct conf_key *k = find_key(key);

	return k != NULL && k->type == CONF_FLAG;
}

static int
parse_flag(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	int i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* A POSIX-portable user name: what adduser accepts by default. */
static int
valid_user(const char *v)
{
	size_t i, n = strlen(v);

	if (n == 0 || n > 32 || !((v[0] >= 'a' && v[0] <= 'z') || v[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		    v[i] == '_' || v[i] == '-' || v[i] == '.'))
			return 0;
	return 1;
}

int
server_config_set(struct server_config *cfg, const char *key,
    const char *value, struct ucerr *err)
{
	const struct conf_key *k = find_key(key);
	char *field, *end;
	struct in_addr in;
	long v;
	int f;

	if (k == NULL)
		return ucerr_set(err, "unknown setting (see ucpki serve --help)");
	field = (char *)cfg + k->off;
	switch (k->type) {
	case CONF_INT:
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || v < k->min ||
		    v > k->max)
			return ucerr_set(err, "must be a number from %ld to %ld, "
			    "not '%s'", k->min, k->max, value);
		*(int *)(void *)field = (int)v;
		return 0;
	case CONF_FLAG:
		if ((f = parse_flag(value)) == -1)
			return ucerr_set(err, "must be yes or no, not '%s'", value);
		*(int *)(void *)field = f;
		return 0;
	case CONF_IPV4:
		/* Every address field is as large as listen's. */
		if (strlen(value) >= sizeof(cfg->listen_addr) ||
		    inet_pton(AF_INET, value, &in) != 1)
			return ucerr_set(err, "'%s' is not an IPv4 address", value);
		snprintf(field, sizeof(cfg->listen_addr), "%s", value);
		return 0;
	case CONF_USER:
		/* Empty: no privilege drop (systemd's User= does it). */
		if (value[0] != '\0' && !valid_user(value))
			return ucerr_set(err, "'%s' is not a user name", value);
		snprintf(cfg->user, sizeof(cfg->user), "%s", value);
		return 0;
	case CONF_LEVEL:
		if ((f = log_level_parse(value)) == -1)
			return ucerr_set(err, "must be error, warn, info or debug, "
			    "not '%s'", value);
		cfg->log_level = f;
		return 0;
	case CONF_PATH:
		/* Empty: the default under the home. */
		if (strlen(value) >= (size_t)k->max)
			return ucerr_set(err, "must be a path of at most %ld "
			    "characters", k->max - 1);
		snprintf(field, (size_t)k->max, "%s", value);
		return 0;
	}
	return ucerr_set(err, "unknown setting");
}

int
server_config_get(const struct server_config *cfg, const char *key, char *out,
    size_t outlen)
{
	const struct conf_key *k = find_key(key);
	const char *field;

	if (k == NULL)
		return -1;
	field = (const char *)cfg + k->off;
	switch (k->type) {
	case CONF_INT:
		snprintf(out, outlen, "%d", *(const int *)(const void *)field);
		break;
	case CONF_FLAG:
		snprintf(out, outlen, "%s", *(const int *)(const void *)field ?
		    "yes" : "no");
		break;
	case CONF_IPV4:
	case CONF_USER:
	case CONF_PATH:
		snprintf(out, outlen, "%s", field);
		break;
	case CONF_LEVEL:
		snprintf(out, outlen, "%s", log_level_name(cfg->log_level));
		break;
	}
	return 0;
}

struct parse_ctx {
	struct server_config	*cfg;
	unsigned char		 seen[N_KEYS];
};

static int
on_line(void *arg, const char *key, const char *value, struct ucerr *err)
{
	struct parse_ctx *ctx = arg;
	const struct conf_key *k = find_key(key);

	if (k == NULL)
		return ucerr_set(err, "%s: unknown setting (the settings are "
		    "serve's long options; see ucpki serve --help)", key);
	if (ctx->seen[k - keys]++)
		return ucerr_set(err, "%s: set twice", key);
	if (server_config_set(ctx->cfg, key, value, err) == -1)
		return ucerr_wrap(err, "%s", key);
	return 0;
}

int
server_config_parse(struct server_config *cfg, const char *name,
    const uint8_t *data, size_t len, struct ucerr *err)
{
	struct parse_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	return kv_parse(name, data, len, on_line, &ctx, err);
}

int
server_config_load(struct server_config *cfg, const char *path,
    struct ucerr *err)
{
	struct parse_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	return kv_load(path, on_line, &ctx, err);
}

/* Installed without a file: the defaults.  A file that is there but
 * cannot be read is refused by the load. */
static const char *
config_path(const char *path)
{
	struct stat sb;

	if (path != NULL)
		return path;
	if ((path = paths_default_config()) != NULL && stat(path, &sb) == -1 &&
	    errno == ENOENT)
		return NULL;
	return path;
}

int
server_config_resolve(struct server_config *cfg, const char *path,
    const struct server_config_arg *args, size_t n_args, const char **source,
    struct ucerr *err)
{
	size_t i;

	server_config_defaults(cfg);
	*source = "built-in defaults";
	if ((path = config_path(path)) != NULL) {
		if (server_config_load(cfg, path, err) == -1)
			return -1;
		*source = path;
	}
	for (i = 0; i < n_args; i++)
		if (server_config_set(cfg, args[i].key, args[i].value,
		    err) == -1)
			return ucerr_wrap(err, "serve: --%s", args[i].key);
	return 0;
}
