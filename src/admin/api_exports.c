/*
 * api_exports.c - what a change did to the files other servers read
 * (export.h): the notes the CLI prints on standard error, as members of
 * the API's answer.
 */
#include "api.h"
#include "export.h"

void
api_exports_json(struct json *j, const struct export_refresh *x)
{
	json_object_begin(j, "exports");
	json_bool(j, "crl_signed", x->crl_signed);
	json_int(j, "changed", x->changed);
	json_int(j, "failed", x->failed);
	json_string(j, "failure", x->failed > 0 ? x->failure : NULL);
	json_string(j, "notes", x->notes);
	if (x->reload_run)
		json_int(j, "reload_status", x->reload_status);
	json_object_end(j);
}
