/*
 * cmd_device.c - `ucpki device ...`: phones and clients and their CAPF
 * settings (the seeds' "CAPF Information" section of a phone's page).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "capf_msg.h"
#include "certinfo.h"
#include "clock.h"
#include "certmgr.h"
#include "commands.h"
#include "device.h"
#include "device_rules.h"
#include "device_new.h"
#include "device_settings.h"
#include "device_view.h"
#include "json.h"
#include "publish.h"
#include "revoke.h"
#include "store.h"
#include "store_device.h"
#include "text.h"
#include "x509.h"

/* Bulk changes show progress past this many devices. */
#define PROGRESS_EVERY		1000

const struct opt device_add_opts[] = {
	{ "model", OPT_VALUE, "MODEL", "phone model, e.g. 8845" },
	{ NULL, 0, NULL, NULL },
};

const struct opt device_set_opts[] = {
	{ "operation", OPT_VALUE, "OP", "install|delete|troubleshoot|none" },
	{ "auth", OPT_VALUE, "MODE", "null|string|lsc|mic (By Null String, By Authentication String, By Existing Certificate: Precedence to LSC / MIC)" },
	{ "auth-string", OPT_VALUE, "DIGITS", "the authentication string (4-10 digits); for scripts only: other users see it in ps" },
	{ "auth-string-file", OPT_VALUE, "FILE|-", "read the authentication string from FILE's first line, or from standard input (-: a prompt without echo on a terminal)" },
	{ "generate-string", OPT_FLAG, NULL, "generate an authentication string and print it" },
	{ "key", OPT_VALUE, "TYPE", "rsa1024|rsa2048|rsa3072|rsa4096|ec256|ec384|ec521" },
	{ "key-order", OPT_VALUE, "ORDER", "rsa|ec|ec-then-rsa" },
	{ "by", OPT_VALUE, "\"YYYY-MM-DD HH:MM\"", "Operation Completes By (default: one hour ahead)" },
	{ "model", OPT_VALUE, "MODEL", "set the model, or with no NAME: every device of this model" },
	{ "all", OPT_FLAG, NULL, "every device" },
	{ "status", OPT_VALUE, "S", "every device with this status (number or text)" },
	{ "issuer", OPT_VALUE, "CA", "every device whose LSC this CA issued (SHA-256 or PEM file)" },
	{ "security-mode", OPT_VALUE, "MODE", "non-secure|authenticated|encrypted (deviceSecurityMode of its configuration)" },
	{ "encrypted-config", OPT_VALUE, "on|off", "serve its configuration encrypted to its LSC (else MIC)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt device_show_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ "show-secrets", OPT_FLAG, NULL, "include the authentication string" },
	{ NULL, 0, NULL, NULL },
};

const struct opt device_revoke_opts[] = {
	{ "serial", OPT_VALUE, "HEX", "only the LSC with this serial (default: every LSC on record)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt device_list_opts[] = {
	{ "status", OPT_VALUE, "S", "only this status (number or text)" },
	{ "lsc", OPT_VALUE, "WHICH", "installed|none" },
	{ "model", OPT_VALUE, "MODEL", "only this model" },
	{ "expiring", OPT_VALUE, "DAYS", "only LSCs that expire within DAYS" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt device_remove_opts[] = {
	{ NULL, 0, NULL, NULL },
};

const struct opt device_import_opts[] = {
	{ NULL, 0, NULL, NULL },
};

static int
name_arg(struct cli *cli, const char *name)
{
	return device_name_check(name, &cli->err);
}

int
cmd_device_add(struct cli *cli, const struct args *a)
{
	struct store *st;

	if (name_arg(cli, a->positional[0]) == -1 || (st = cli_store(cli)) == NULL ||
	    device_add(st, a->positional[0], args_get(a, "model"),
	    &cli->err) == -1)
		return -1;
	fprintf(cli->out, "%s: added\n", a->positional[0]);
	return 0;
}

/* device set's options, in the order they are checked (the core checks
 * and applies them: device_settings.c). */
static const char *const set_options[] = { "security-mode",
	"encrypted-config", "operation", "auth", "key-order", "key", NULL };

static int
settings_parse(struct cli *cli, const struct args *a,
    struct device_settings *s)
{
	char buf[64];
	const char *v;
	int i, rc;

	device_settings_init(s);
	for (i = 0; set_options[i] != NULL; i++)
		if ((v = args_get(a, set_options[i])) != NULL &&
		    device_settings_option(s, set_options[i], v, &cli->err) == -1)
			return -1;
	if (s->weak_key)
		fprintf(stderr, "warning: %s is insecure; the server issues it only "
		    "when started with --allow-rsa512\n", s->key_type);
	v = args_get(a, "auth-string");
	if (v != NULL && args_has(a, "auth-string-file"))
		return ucerr_set(&cli->err, "give --auth-string or "
		    "--auth-string-file, not both");
	if (args_has(a, "auth-string-file")) {
		if (cli_read_secret(cli, args_get(a, "auth-string-file"),
		    "Authentication string", buf, sizeof(buf)) == -1)
			return -1;
		rc = device_settings_option(s, "auth-string-file", buf,
		    &cli->err);
		OPENSSL_cleanse(buf, sizeof(buf));
		if (rc == -1)
			return -1;
	} else if (v != NULL &&
	    device_settings_option(s, "auth-string", v, &cli->err) == -1)
		return -1;
	if (args_has(a, "generate-string"))
		device_settings_option(s, "generate-string", "yes", NULL);
	if (device_settings_check(s, &cli->err) == -1)
		return -1;
	if ((v = args_get(a, "by")) != NULL &&
	    device_settings_option(s, "by", v, &cli->err) == -1)
		return -1;
	return 0;
}

struct bulk_ctx {
	struct cli		*cli;
	struct store		*st;
	const struct device_settings *s;
	int64_t			 done, total;
	int			 failed;
};

/* Collects names first: the store is not changed while it is read. */
/* A generated string is shown once, beside its device. */
static void
show_generated(struct cli *cli, const char *name,
    const struct device_settings *s)
{
	if (s->generate_string)
		fprintf(cli->out, "%s: authentication string %s\n", name,
		    s->generated);
}

static void
bulk_each(void *arg, const char *name, size_t i, size_t n,
    const struct device_settings *s)
{
	show_generated(arg, name, s);
	if (n >= PROGRESS_EVERY && (i + 1) % PROGRESS_EVERY == 0)
		fprintf(stderr, "device set: %zu/%zu\r", i + 1, n);
}

/* --issuer: a SHA-256, or the CA's PEM file (read here: the CLI's). */
static int
issuer_arg(struct cli *cli, const char *v, char sha[65])
{
	STACK_OF(X509) *certs;

	if (strlen(v) == 64 && strspn(v, "0123456789abcdef") == 64) {
		memcpy(sha, v, 65);
		return 0;
	}
	if (certs_load_file(v, &certs, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "--issuer (a SHA-256 or a PEM file)");
	cert_sha256_hex(sk_X509_value(certs, 0), sha);
	sk_X509_pop_free(certs, X509_free);
	return 0;
}

static const char *const selections[] = { "all", "status", "model", NULL };

int
cmd_device_set(struct cli *cli, const struct args *a)
{
	struct device_filter f;
	struct device_settings s;
	struct store *st;
	char sha[65];
	const char *v;
	size_t n;
	int i, bulk, rc = -1;

	bulk = args_has(a, "all") || args_has(a, "status") ||
	    args_has(a, "issuer") || (a->n_positional == 0 && args_has(a, "model"));
	if (a->n_positional == 0 && !bulk)
		return ucerr_set(&cli->err, "device set: give a NAME or one of "
		    "--all, --status S, --model M, --issuer CA");
	if (a->n_positional == 1 && bulk)
		return ucerr_set(&cli->err, "device set: give a NAME or a bulk "
		    "selection, not both");
	if (a->n_positional == 1 && name_arg(cli, a->positional[0]) == -1)
		return -1;
	device_settings_init(&s);
	if (settings_parse(cli, a, &s) == -1 || (st = cli_store(cli)) == NULL)
		goto out;
	if (!bulk) {
		if ((v = args_get(a, "model")) != NULL)
			device_settings_option(&s, "model", v, NULL);
		if (device_settings_apply(st, a->positional[0], &s,
		    &cli->err) == -1)
			goto out;
		show_generated(cli, a->positional[0], &s);
		fprintf(cli->out, "%s: updated\n", a->positional[0]);
		rc = cli_device_deadline_warning(cli, &s.deadline);
		goto out;
	}
	device_filter_init(&f);
	for (i = 0; selections[i] != NULL; i++)
		if ((v = args_get(a, selections[i])) != NULL &&
		    device_selection_option(&f, selections[i], v,
		    &cli->err) == -1)
			goto out;
	if ((v = args_get(a, "issuer")) != NULL &&
	    (issuer_arg(cli, v, sha) == -1 ||
	    device_selection_option(&f, "issuer", sha, &cli->err) == -1))
		goto out;
	if (store_begin(st, &cli->err) == -1)
		goto out;
	if (device_settings_apply_all(st, &f, &s, bulk_each, cli, &n,
	    &cli->err) == -1 || store_commit(st, &cli->err) == -1) {
		store_rollback(st);
		goto out;
	}
	if (n >= PROGRESS_EVERY)
		fprintf(stderr, "\n");
	fprintf(cli->out, "%zu devices updated\n", n);
	rc = cli_device_deadline_warning(cli, &s.deadline);
out:
	device_settings_clear(&s);
	return rc;
}

/* Setting a deadline in the past is allowed (tests, retries) but said. */
int
cli_device_deadline_warning(struct cli *cli, const time_t *deadline)
{
	(void)cli;
	if (*deadline != 0 && *deadline < clock_now())
		fprintf(stderr, "warning: Operation Completes By is in the past; "
		    "the phone will get User Initiated Request Late/Timeout\n");
	return 0;
}

static void
print_cert_line(FILE *fp, const char *label, const uint8_t *der, size_t len)
{
	struct certinfo info;
	char nb[TIME_TEXT_MAX], na[TIME_TEXT_MAX], left[64];
	X509 *cert;

	if (der == NULL || cert_from_der(der, len, &cert, NULL) == -1) {
		fprintf(fp, "%-30s %s\n", label, "None");
		return;
	}
	certinfo_get(cert, &info);
	X509_free(cert);
	time_format(info.not_before, nb, sizeof(nb));
	time_format(info.not_after, na, sizeof(na));
	time_describe_expiry(info.not_after, clock_now(), left, sizeof(left));
	fprintf(fp, "%-30s %s\n", label, info.subject);
	fprintf(fp, "%-30s %s\n", "  Issuer:", info.issuer);
	fprintf(fp, "%-30s %s\n", "  Serial:", info.serial);
	fprintf(fp, "%-30s %s to %s (%s)\n", "  Valid:", nb, na, left);
}

struct history_ctx {
	FILE		*fp;
};

static int
print_event(void *arg, const struct device_event *e)
{
	struct history_ctx *h = arg;
	char when[TIME_TEXT_MAX], peer[4 * sizeof(e->peer)], detail[4 * sizeof(e->detail)];

	time_format((time_t)e->at, when, sizeof(when));
	{
		/* The detail may quote what a phone sent: escaped. */
		text_escape(e->peer, peer, sizeof(peer));
		text_escape(e->detail, detail, sizeof(detail));
		fprintf(h->fp, "  %s  %-12s %2d %-50s %s %s\n", when,
		    cert_operation_name(e->operation), e->status,
		    cert_status_text(e->status) ? cert_status_text(e->status) :
		    "?", peer, detail);
	}
	return 0;
}

static void
print_fetch(FILE *fp, struct store *st, const char *device, const char *kind,
    const char *label)
{
	struct tftp_last_fetch l;
	char when[32];

	tftp_last_fetch(st, device, kind, &l);
	if (!l.found) {
		fprintf(fp, "%-30s %s\n", label, "never (not through this "
		    "TFTP service)");
		return;
	}
	fprintf(fp, "%-30s %s%s\n", label, l.e.file, l.current == 1 ?
	    " (the current ITL)" : l.current == 0 ? " (NOT the current ITL)" :
	    "");
	fprintf(fp, "%-30s %s\n", "  SHA-256:", l.e.sha256[0] ? l.e.sha256 :
	    "-");
	time_format((time_t)l.e.at, when, sizeof(when));
	fprintf(fp, "%-30s %s from %s over %s\n", "  Fetched:", when,
	    l.e.peer, l.e.transport);
}

static void
device_show_json(struct cli *cli, struct store *st, const struct device *d,
    int show_secrets)
{
	struct json j;

	json_init(&j, cli->out);
	device_json_show(&j, st, d, show_secrets);
	json_finish(&j);
}

/* Key Order and the sizes it uses, as CUCM's CAPF Information shows them. */
static void
print_keys(FILE *fp, const struct device *d)
{
	struct key_spec first, fallback;
	int order = device_key_order(d), has_fallback;

	has_fallback = device_key_plan(d, &first, &fallback);
	fprintf(fp, "%-30s %s\n", "Key Order:", key_order_text(order));
	if (first.is_ec || (has_fallback && fallback.is_ec))
		fprintf(fp, "%-30s %d\n", "EC Key Size (Bits):",
		    first.is_ec ? first.bits : fallback.bits);
	if (!first.is_ec || (has_fallback && !fallback.is_ec))
		fprintf(fp, "%-30s %d\n", "RSA Key Size (Bits):",
		    !first.is_ec ? first.bits : fallback.bits);
}

int
cmd_device_show(struct cli *cli, const struct args *a)
{
	struct history_ctx h = { cli->out };
	struct device d;
	struct store *st;
	char when[TIME_TEXT_MAX], model[4 * sizeof(d.model)];
	int found;

	if (name_arg(cli, a->positional[0]) == -1 || (st = cli_store(cli)) == NULL)
		return -1;
	if ((found = store_device_get(st, a->positional[0], &d, &cli->err)) != 1)
		return found == 0 ? ucerr_set(&cli->err, "%s: no such device",
		    a->positional[0]) : -1;
	if (args_has(a, "json")) {
		device_show_json(cli, st, &d, args_has(a, "show-secrets"));
		device_free(&d);
		return 0;
	}
	time_format((time_t)d.deadline, when, sizeof(when));
	fprintf(cli->out, "%-30s %s\n", "Device Name:", d.name);
	/* Rows written before models were checked may hold anything. */
	fprintf(cli->out, "%-30s %s\n", "Model:", d.model[0] ?
	    text_escape(d.model, model, sizeof(model)) : "-");
	fprintf(cli->out, "%-30s %s\n", "Certificate Operation:",
	    cert_operation_text(d.operation));
	fprintf(cli->out, "%-30s %s\n", "Authentication Mode:",
	    capf_auth_mode_text(d.auth_mode));
	fprintf(cli->out, "%-30s %s\n", "Authentication String:",
	    !d.auth_string[0] ? "(not set)" : args_has(a, "show-secrets") ?
	    d.auth_string : "(set)");
	print_keys(cli->out, &d);
	fprintf(cli->out, "%-30s %s\n", "Operation Completes By:",
	    d.deadline ? when : "-");
	fprintf(cli->out, "%-30s %d %s\n", "Certificate Operation Status:",
	    d.status, cert_status_text(d.status));
	print_cert_line(cli->out, "LSC:", d.lsc_der, d.lsc_len);
	print_cert_line(cli->out, "MIC:", d.mic_der, d.mic_len);
	if (d.fetched_der != NULL)
		print_cert_line(cli->out, "Last Troubleshoot Returned:",
		    d.fetched_der, d.fetched_len);
	fprintf(cli->out, "%-30s %s\n", "Device Security Mode:",
	    security_mode_name(d.security_mode));
	fprintf(cli->out, "%-30s %s\n", "Encrypted Configuration:",
	    d.encrypted_config ? "on" : "off");
	if (device_is_softphone(d.name))
		fprintf(cli->out, "%-30s CAPF protocol version %d; %s%s\n",
		    "Softphone:", CAPF_VERSION_SOFTPHONE, DEVICE_SOFTPHONE_RULE,
		    device_softphone_refused(&d) ? " (an LSC is issued: a "
		    "request now is refused)" : "");
	print_fetch(cli->out, st, d.name, "itl", "Last ITL fetched:");
	print_fetch(cli->out, st, d.name, "config", "Last configuration fetched:");
	fprintf(cli->out, "History:\n");
	store_device_history_each(st, d.name, 20, print_event, &h, NULL);
	device_free(&d);
	return 0;
}

struct list_ctx {
	struct cli	*cli;
	struct json	*json;
	int64_t		 n;
};

static int
list_one(void *arg, const struct device *d)
{
	struct list_ctx *l = arg;
	char expiry[TIME_TEXT_MAX] = "-", model[4 * sizeof(d->model)];

	l->n++;
	if (d->lsc_der != NULL)
		time_format((time_t)d->lsc_not_after, expiry, sizeof(expiry));
	if (l->json == NULL) {
		fprintf(l->cli->out, "%-16s %-8s %2d %-50s LSC %s\n", d->name,
		    d->model[0] ? text_escape(d->model, model, sizeof(model)) :
		    "-", d->status,
		    cert_status_text(d->status), d->lsc_der ? expiry : "none");
		return 0;
	}
	device_json_item(l->json, d);
	return 0;
}

int
cmd_device_list(struct cli *cli, const struct args *a)
{
	struct device_filter f;
	struct list_ctx l = { cli, NULL, 0 };
	struct json j;
	static const char *const filters[] = { "status", "lsc", "model",
	    "expiring", NULL };
	struct store *st;
	const char *v;
	int i, rc;

	device_filter_init(&f);
	for (i = 0; filters[i] != NULL; i++)
		if ((v = args_get(a, filters[i])) != NULL &&
		    device_filter_option(&f, filters[i], v, &cli->err) == -1)
			return -1;
	if ((st = cli_store(cli)) == NULL)
		return -1;
	l.json = cli_json_list(cli, a, &j);
	rc = store_device_each(st, &f, list_one, &l, &cli->err);
	cli_json_list_end(l.json);
	return rc;
}

int
cmd_device_remove(struct cli *cli, const struct args *a)
{
	struct certmgr_revocation v;
	const struct revoke_result *r = &v.r;
	struct store *st;

	if (name_arg(cli, a->positional[0]) == -1 || (st = cli_store(cli)) == NULL)
		return -1;
	if (certmgr_device_remove(st, a->positional[0], &v, &cli->err) == -1)
		return -1;
	fprintf(cli->out, "%s: removed (its issued LSCs stay on record; %d "
	    "revoked)\n", a->positional[0], r->revoked);
	cli_revoke_report(cli, &v);
	return 0;
}

int
cmd_device_revoke(struct cli *cli, const struct args *a)
{
	const char *serial = args_get(a, "serial");
	struct certmgr_revocation v;
	const struct revoke_result *r = &v.r;
	struct store *st;

	if (name_arg(cli, a->positional[0]) == -1 || (st = cli_store(cli)) == NULL)
		return -1;
	if (certmgr_revoke(st, a->positional[0], serial, 0, &v, &cli->err) == -1)
		return -1;
	if (r->revoked == 0)
		return ucerr_set(&cli->err, "%s: no %s LSC on record to revoke",
		    a->positional[0], serial ? "such" : "unrevoked");
	fprintf(cli->out, "%s: %d LSC%s revoked: no longer accepted for "
	    "authentication\n", a->positional[0], r->revoked,
	    r->revoked == 1 ? "" : "s");
	cli_revoke_report(cli, &v);
	return 0;
}
