/*
 * cmd_import.c - `ucpki import usecallmanager`: the usecallmanagernz
 * Python tools' CAPF identity, devices and TVS certificates (the work is
 * in src/pki/import_ucm.c; this parses, calls and prints).
 */
#include <stdio.h>

#include "clock.h"
#include "commands.h"
#include "device.h"
#include "import_ucm.h"
#include "json.h"

const struct opt import_usecallmanager_opts[] = {
	{ "capf", OPT_VALUE, "FILE", "capfd's device database (capf.sqlite3)" },
	{ "tvs", OPT_VALUE, "FILE", "tvsd's certificate database (tvs.sqlite3)" },
	{ "capf-cert", OPT_VALUE, "FILE", "capfd's certificate and key (the PEM given to its --capf): becomes the CAPF identity" },
	{ "dry-run", OPT_FLAG, NULL, "say what would be imported, change nothing" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

static const char *
lsc_text(int state)
{
	switch (state) {
	case UCM_LSC_RECORDED: return "LSC on record";
	case UCM_LSC_KNOWN: return "LSC already on record";
	case UCM_LSC_EVIDENCE: return "certificate kept as evidence only";
	default: return "no certificate";
	}
}

static void
print_schema(struct cli *cli, const char *file, const char *tool,
    const struct ucm_schema *s)
{
	if (s != NULL)
		fprintf(cli->out, "%s: %s's table of %s (%s, %s)\n", file, tool,
		    s->commits, s->date, s->what);
}

static void
print_text(struct cli *cli, const struct ucm_import_opts *o,
    const struct ucm_import_result *r)
{
	const struct ucm_device_item *d;
	const struct ucm_tvs_item *t;
	char when[40];
	size_t i;

	print_schema(cli, o->capf_db, "capfctl", r->capf_schema);
	print_schema(cli, o->tvs_db, "tvsctl", r->tvs_schema);
	if (r->capf.present)
		fprintf(cli->out, "CAPF: %s (%.16s, %s): %s\n", r->capf.subject,
		    r->capf.sha256, r->capf.key, r->capf.already ? "already "
		    "the CAPF identity" : r->capf.replaced_sha256[0] ? "the "
		    "CAPF identity, trusted in CAPF-trust and CallManager-trust; "
		    "the CAPF it replaces stays trusted" : "the CAPF identity");
	for (i = 0; i < r->n_devices; i++) {
		d = &r->devices[i];
		fprintf(cli->out, "device %s%s%s%s: %s, %s, %s, %s", d->name,
		    d->written_as[0] ? " (written " : "", d->written_as,
		    d->written_as[0] ? ")" : "",
		    cert_operation_name(d->operation),
		    capf_auth_mode_name(d->auth_mode), d->key_type,
		    lsc_text(d->lsc));
		if (d->lsc != UCM_LSC_NONE)
			fprintf(cli->out, " (serial %s)", d->lsc_serial);
		if (d->note[0])
			fprintf(cli->out, ": %s", d->note);
		fprintf(cli->out, "%s\n", d->existed ? "; updated" : "");
	}
	for (i = 0; i < r->n_tvs; i++) {
		t = &r->tvs[i];
		fprintf(cli->out, "tvs %.16s %s: %s, ttl %u%s\n", t->sha256,
		    t->subject, t->roles, t->ttl, t->duplicate ?
		    " (already known to TVS: kept as it is)" : t->identity ?
		    " (a node identity: TVS answers with these)" : "");
	}
	time_format(clock_now() + UCM_IMPORT_DEADLINE_S, when, sizeof(when));
	fprintf(cli->out, "%s: %zu devices (%zu LSCs on record, %zu certificates "
	    "kept as evidence), %zu TVS certificates%s\n", o->dry_run ?
	    "dry run, nothing changed" : "imported", r->n_devices,
	    r->lsc_recorded, r->lsc_evidence, r->n_tvs, r->capf.present &&
	    !r->capf.already ? ", the CAPF identity" : "");
	for (i = 0; i < r->n_devices; i++)
		if (r->devices[i].operation != CERT_OP_NONE) {
			fprintf(cli->out, "pending operations complete by %s\n",
			    when);
			break;
		}
}

static void
json_schema(struct json *j, const char *key, const struct ucm_schema *s)
{
	if (s == NULL) {
		json_null(j, key);
		return;
	}
	json_object_begin(j, key);
	json_string(j, "commits", s->commits);
	json_string(j, "date", s->date);
	json_string(j, "change", s->what);
	json_object_end(j);
}

static void
print_json(struct cli *cli, const struct ucm_import_opts *o,
    const struct ucm_import_result *r)
{
	const struct ucm_device_item *d;
	const struct ucm_tvs_item *t;
	struct json j;
	size_t i;

	json_init(&j, cli->out);
	json_object_begin(&j, NULL);
	json_bool(&j, "dry_run", o->dry_run);
	json_schema(&j, "capf_schema", r->capf_schema);
	json_schema(&j, "tvs_schema", r->tvs_schema);
	if (r->capf.present) {
		json_object_begin(&j, "capf");
		json_string(&j, "subject", r->capf.subject);
		json_string(&j, "sha256", r->capf.sha256);
		json_string(&j, "key", r->capf.key);
		json_bool(&j, "already", r->capf.already);
		json_string(&j, "replaced_sha256", r->capf.replaced_sha256);
		json_object_end(&j);
	} else {
		json_null(&j, "capf");
	}
	json_array_begin(&j, "devices");
	for (i = 0; i < r->n_devices; i++) {
		d = &r->devices[i];
		json_object_begin(&j, NULL);
		json_int(&j, "row", (int64_t)d->row);
		json_string(&j, "name", d->name);
		json_string(&j, "operation", cert_operation_name(d->operation));
		json_string(&j, "auth", capf_auth_mode_name(d->auth_mode));
		json_string(&j, "key", d->key_type);
		json_string(&j, "certificate", d->lsc == UCM_LSC_NONE ? "none" :
		    d->lsc == UCM_LSC_EVIDENCE ? "evidence" : "lsc");
		json_string(&j, "serial", d->lsc_serial);
		if (d->lsc != UCM_LSC_NONE)
			json_time(&j, "not_after", (time_t)d->lsc_not_after);
		json_string(&j, "note", d->note);
		json_bool(&j, "updated", d->existed);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "tvs");
	for (i = 0; i < r->n_tvs; i++) {
		t = &r->tvs[i];
		json_object_begin(&j, NULL);
		json_int(&j, "row", (int64_t)t->row);
		json_string(&j, "sha256", t->sha256);
		json_string(&j, "name", t->subject);
		json_string(&j, "roles", t->roles);
		json_int(&j, "ttl", t->ttl);
		json_bool(&j, "already_known", t->duplicate);
		json_bool(&j, "node_identity", t->identity);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

int
cmd_import_usecallmanager(struct cli *cli, const struct args *a)
{
	struct ucm_import_result res;
	struct ucm_import_opts o;
	struct store *st;

	o.capf_db = args_get(a, "capf");
	o.tvs_db = args_get(a, "tvs");
	o.capf_cert = args_get(a, "capf-cert");
	o.dry_run = args_has(a, "dry-run");
	if ((st = cli_store(cli)) == NULL ||
	    ucm_import(st, &o, &res, &cli->err) == -1)
		return -1;
	if (args_has(a, "json"))
		print_json(cli, &o, &res);
	else
		print_text(cli, &o, &res);
	ucm_import_result_free(&res);
	return 0;
}
