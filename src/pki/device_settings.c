/* device_settings.c - `device set`'s settings (see device_settings.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "device_rules.h"
#include "device_settings.h"
#include "device_view.h"
#include "store.h"
#include "store_device.h"
#include "x509.h"

void
device_settings_init(struct device_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->operation = s->auth_mode = s->key_order = -1;
	s->security_mode = s->encrypted_config = -1;
}

void
device_settings_clear(struct device_settings *s)
{
	OPENSSL_cleanse(s, sizeof(*s));
}

static int
option_enum(struct device_settings *s, const char *option, const char *v,
    struct ucerr *err)
{
	if (strcmp(option, "operation") == 0) {
		if ((s->operation = cert_operation_parse(v)) == -1)
			return ucerr_set(err, "--operation must be install, "
			    "delete, troubleshoot or none, not '%s'", v);
	} else if (strcmp(option, "auth") == 0) {
		if ((s->auth_mode = capf_auth_mode_parse(v)) == -1)
			return ucerr_set(err, "--auth must be null, string, lsc "
			    "or mic, not '%s'", v);
	} else if (strcmp(option, "key-order") == 0) {
		if ((s->key_order = key_order_parse(v)) == -1)
			return ucerr_set(err, "--key-order must be rsa, ec or "
			    "ec-then-rsa, not '%s'", v);
	} else if (strcmp(option, "security-mode") == 0) {
		if ((s->security_mode = security_mode_parse(v)) == -1)
			return ucerr_set(err, "--security-mode must be "
			    "non-secure, authenticated or encrypted, not '%s'", v);
	} else if (strcmp(option, "encrypted-config") == 0) {
		if (strcmp(v, "on") == 0)
			s->encrypted_config = 1;
		else if (strcmp(v, "off") == 0)
			s->encrypted_config = 0;
		else
			return ucerr_set(err, "--encrypted-config must be on or "
			    "off, not '%s'", v);
	} else {
		return 1;
	}
	return 0;
}

int
device_settings_option(struct device_settings *s, const char *option,
    const char *v, struct ucerr *err)
{
	struct key_spec spec;
	int rc;

	if ((rc = option_enum(s, option, v, err)) != 1)
		return rc;
	if (strcmp(option, "key") == 0) {
		if (key_spec_parse(v, &spec, err) == -1)
			return -1;
		s->weak_key = !spec.is_ec && spec.bits < 1024;
		snprintf(s->key_type, sizeof(s->key_type), "%s", v);
	} else if (strcmp(option, "auth-string") == 0 ||
	    strcmp(option, "auth-string-file") == 0) {
		/* Not echoed: it is a secret even when malformed. */
		if (!auth_string_valid(v))
			return ucerr_set(err, "%s must be 4 to 10 digits",
			    option[11] == '\0' ? "--auth-string" :
			    "the authentication string");
		snprintf(s->auth_string, sizeof(s->auth_string), "%s", v);
	} else if (strcmp(option, "generate-string") == 0) {
		s->generate_string = 1;
	} else if (strcmp(option, "by") == 0) {
		if ((s->deadline = clock_parse_local(v)) == -1)
			return ucerr_set(err, "--by must be \"YYYY-MM-DD HH:MM\", "
			    "not '%s'", v);
	} else if (strcmp(option, "model") == 0) {
		snprintf(s->model, sizeof(s->model), "%s", v);
		s->set_model = 1;
	} else {
		return ucerr_set(err, "device set: unknown setting '%s'", option);
	}
	return 0;
}

int
device_settings_check(const struct device_settings *s, struct ucerr *err)
{
	if (s->generate_string && s->auth_string[0] != '\0')
		return ucerr_set(err, "give an authentication string or "
		    "--generate-string, not both");
	return 0;
}

int
device_settings_apply(struct store *st, const char *name,
    struct device_settings *s, struct ucerr *err)
{
	struct device d;
	struct ucerr why;
	int found, rc = -1;

	if ((found = store_device_get(st, name, &d, err)) != 1)
		return found == 0 ? ucerr_set(err, "%s: no such device", name) :
		    -1;
	if (s->set_model)
		snprintf(d.model, sizeof(d.model), "%s", s->model);
	if (s->auth_mode >= 0)
		d.auth_mode = s->auth_mode;
	if (device_key_settings(&d, s->key_type[0] ? s->key_type : NULL,
	    s->key_order, err) == -1)
		goto out;
	if (s->security_mode >= 0)
		d.security_mode = s->security_mode;
	if (s->encrypted_config >= 0)
		d.encrypted_config = s->encrypted_config;
	if (s->auth_string[0] != '\0')
		snprintf(d.auth_string, sizeof(d.auth_string), "%s",
		    s->auth_string);
	if (s->generate_string) {
		if (auth_string_generate(d.auth_string, sizeof(d.auth_string),
		    8) == -1) {
			ucerr_set(err, "cannot generate a string");
			goto out;
		}
		snprintf(s->generated, sizeof(s->generated), "%s",
		    d.auth_string);
	}
	if (device_schedule(&d, s->operation, s->deadline, &why) == -1) {
		ucerr_set(err, "%s: give --auth-string-file FILE, --auth-string "
		    "DIGITS or --generate-string", why.msg);
		goto out;
	}
	if (store_device_update(st, &d, err) == -1)
		goto out;
	if (s->operation > 0)
		store_device_history_add(st, name, s->operation,
		    CERT_STATUS_SCHEDULE, "", "operation set by administrator",
		    NULL);
	rc = 0;
out:
	OPENSSL_cleanse(d.auth_string, sizeof(d.auth_string));
	device_free(&d);
	return rc;
}

struct name_list {
	char	(*names)[64];
	size_t	 n, cap;
};

static int
collect_name(void *arg, const struct device *d)
{
	struct name_list *l = arg;
	char (*grown)[64];

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		if ((grown = reallocarray(l->names, l->cap, 64)) == NULL)
			return -1;
		l->names = grown;
	}
	snprintf(l->names[l->n++], 64, "%s", d->name);
	return 0;
}

int
device_settings_apply_all(struct store *st, const struct device_filter *f,
    struct device_settings *s, void (*each)(void *, const char *, size_t,
    size_t, const struct device_settings *), void *arg, size_t *n,
    struct ucerr *err)
{
	struct name_list names = { NULL, 0, 0 };
	size_t i;
	int rc = -1;

	*n = 0;
	/* The names first: applying changes what the filter selects. */
	if (store_device_each(st, f, collect_name, &names, err) != 0) {
		if (err->msg[0] == '\0')
			ucerr_set(err, "device set: out of memory");
		goto out;
	}
	for (i = 0; i < names.n; i++) {
		if (device_settings_apply(st, names.names[i], s, err) == -1)
			goto out;
		if (each != NULL)
			each(arg, names.names[i], i, names.n, s);
	}
	*n = names.n;
	rc = 0;
out:
	free(names.names);
	return rc;
}

int
device_selection_option(struct device_filter *f, const char *option,
    const char *value, struct ucerr *err)
{
	if (strcmp(option, "all") == 0)
		return 0;
	/* The same words as Find Phones', read by the same function. */
	if (strcmp(option, "model") == 0 || strcmp(option, "status") == 0)
		return device_filter_option(f, option, value, err);
	if (strcmp(option, "issuer") == 0) {
		if (strlen(value) != 64 || strspn(value, "0123456789abcdef") != 64)
			return ucerr_set(err, "--issuer: a CA's SHA-256 (64 "
			    "lower-case hex digits), not '%s'", value);
		f->issuer_sha256 = value;
		return 0;
	}
	return ucerr_set(err, "device set: unknown selection '%s' (all, status, "
	    "model, issuer)", option);
}
