/*
 * api_routes.c - the REST API as rows: the router (api_match) and the
 * OpenAPI 3 document (api_openapi) are both made from this table, so the
 * description cannot leave a route out.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "json.h"

static const struct api_param p_purpose[] = {
	{ "purpose", "path", "tomcat, ipsec, CallManager, CAPF, TVS or ITLRecovery" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_generate[] = {
	{ "purpose", "path", "tomcat, ipsec, CallManager, CAPF, TVS or ITLRecovery" },
	{ "yes", "body", "true: replace the certificate" },
	{ "cn", "body", "the subject's CN (default: the node's name)" },
	{ "key", "body", "rsa2048, rsa4096, ec256, ..." },
	{ "hash", "body", "sha256, sha384, sha512" },
	{ "days", "body", "validity in days (1 to 36500)" },
	{ "san", "body", "subject alternative names, comma separated" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_confirm[] = {
	{ "purpose", "path", "tomcat, ipsec, CallManager, CAPF, TVS or ITLRecovery" },
	{ "yes", "body", "true: do it" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_csr[] = {
	{ "purpose", "path", "tomcat, ipsec, CallManager, CAPF, TVS or ITLRecovery" },
	{ "cn", "body", "the subject's CN (default: the current one)" },
	{ "key", "body", "rsa2048, rsa4096, ec256, ..." },
	{ "hash", "body", "sha256, sha384, sha512" },
	{ "san", "body", "subject alternative names, comma separated" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_store[] = {
	{ "store", "path", "a trust store, e.g. CallManager-trust" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_trust[] = {
	{ "store", "path", "a trust store, e.g. CallManager-trust" },
	{ "name", "path", "the certificate's name in the store" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_trust_add[] = {
	{ "store", "path", "a trust store, e.g. CallManager-trust" },
	{ "name", "query", "the entry's name (default: the certificate's CN)" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_trust_delete[] = {
	{ "store", "path", "a trust store, e.g. CallManager-trust" },
	{ "name", "path", "the certificate's name in the store" },
	{ "force", "query", "yes: delete even a CA that signs a current "
	    "identity or LSCs" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_devices[] = {
	{ "status", "query", "only this status (number or text)" },
	{ "lsc", "query", "installed|none" },
	{ "model", "query", "only this model" },
	{ "expiring", "query", "only LSCs that expire within DAYS" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_device[] = {
	{ "name", "path", "SEP + 12 hex digits, or a client name" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_device_set[] = {
	{ "name", "path", "SEP + 12 hex digits, or a client name" },
	{ "operation", "body", "install|delete|troubleshoot|none" },
	{ "auth", "body", "null|string|lsc|mic" },
	{ "auth-string", "body", "the authentication string (4-10 digits)" },
	{ "key", "body", "rsa1024|rsa2048|rsa3072|rsa4096|ec256|ec384|ec521" },
	{ "key-order", "body", "rsa|ec|ec-then-rsa" },
	{ "by", "body", "Operation Completes By, \"YYYY-MM-DD HH:MM\"" },
	{ "model", "body", "the device's model" },
	{ "security-mode", "body", "non-secure|authenticated|encrypted" },
	{ "encrypted-config", "body", "on|off" },
	{ NULL, NULL, NULL },
};

static const struct api_param p_device_add[] = {
	{ "name", "body", "SEP + 12 hex digits (or a MAC), or a client name" },
	{ "model", "body", "the device's model, e.g. 8845" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_device_bulk[] = {
	{ "all", "body", "every device (any value)" },
	{ "status", "body", "the devices with this status (number or text)" },
	{ "model", "body", "the devices of this model" },
	{ "issuer", "body", "the devices whose LSC this CA (SHA-256) issued" },
	{ "operation", "body", "install|delete|troubleshoot|none" },
	{ "auth", "body", "null|string|lsc|mic" },
	{ "auth-string", "body", "the authentication string (4-10 digits)" },
	{ "key", "body", "rsa1024|rsa2048|rsa3072|rsa4096|ec256|ec384|ec521" },
	{ "key-order", "body", "rsa|ec|ec-then-rsa" },
	{ "by", "body", "Operation Completes By, \"YYYY-MM-DD HH:MM\"" },
	{ "security-mode", "body", "non-secure|authenticated|encrypted" },
	{ "encrypted-config", "body", "on|off" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_capf_config[] = {
	{ "lsc-days", "body", "validity of issued LSCs in days (1 to 36500)" },
	{ "renew-at", "body", "2/3, 0.75, 75% or off" },
	{ "renew-within", "body", "a renewal's Operation Completes By: 24h, 7d" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_monitor_config[] = {
	{ "start-days", "body", "days before expiry when notifications start" },
	{ "frequency", "body", "how often an alarm repeats: 24h, 7d, seconds" },
	{ "email", "body", "addresses, comma separated" },
	{ "smtp", "body", "smtp://host:port" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_itl_build[] = {
	{ "digest", "body", "sha1 (default) or sha512" },
	{ "version", "body", "signer version 1.0 or 1.1" },
	{ "sign-with", "body", "tftp (default) or itlrecovery" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_itl_reset[] = {
	{ "digest", "body", "sha1 (default) or sha512" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_itl_remotekey[] = {
	{ "digest", "query", "sha1 (default) or sha512" },
	{ "key", "body", "the ITLRecovery private key kept elsewhere (PEM); "
	    "never kept or logged" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_tvs_add[] = {
	{ "role", "query", "ccm|tftp|ccm-tftp|capf|app-server|tvs|sast (repeatable)" },
	{ "ttl", "query", "how long phones may cache the answer (seconds)" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_tvs_remove[] = {
	{ "hash", "path", "the start of the certificate's SHA-256" },
	{ NULL, NULL, NULL },
};
static const struct api_param p_audit[] = {
	{ "since", "query", "a period back (7d, 24h) or \"YYYY-MM-DD HH:MM\"" },
	{ "limit", "query", "at most this many rows (default 100)" },
	{ NULL, NULL, NULL },
};

const struct api_route api_routes[] = {
	{ "GET", "/api/v1/identities", 0, "the node's own certificates",
	    "cert list own --json", NULL, api_identity_list },
	{ "GET", "/api/v1/identities/{purpose}", 0, "one of the node's certificates",
	    "cert show PURPOSE --json", p_purpose, api_identity_show },
	{ "GET", "/api/v1/identities/{purpose}/pem", 0, "download as PEM",
	    "cert show PURPOSE --pem", p_purpose, api_identity_pem },
	{ "GET", "/api/v1/identities/{purpose}/der", 0, "download as DER",
	    "cert export PURPOSE (DER)", p_purpose, api_identity_der },
	{ "POST", "/api/v1/identities/{purpose}/generate", 1, "Generate "
	    "Self-signed: replaces the certificate (\"yes\": \"true\" "
	    "confirms; key, hash, days, cn, san as the CLI's options)",
	    "cert generate PURPOSE [--cn CN] [--key TYPE] [--hash H] [--days N] "
	    "[--san LIST] --yes", p_generate, api_identity_generate,
	    AUDIT_IDENTITY },
	{ "GET", "/api/v1/identities/{purpose}/regenerate", 0, "the impact "
	    "of regenerating, with this store's numbers, and whether the guard "
	    "allows it now", "cert regenerate PURPOSE", p_purpose,
	    api_identity_plan },
	{ "POST", "/api/v1/identities/{purpose}/regenerate", 1, "regenerate "
	    "(\"yes\": \"true\" confirms, after reading the impact)",
	    "cert regenerate PURPOSE --yes", p_confirm, api_identity_regenerate,
	    AUDIT_IDENTITY },
	{ "POST", "/api/v1/identities/{purpose}/csr", 1, "Generate CSR: a "
	    "new key waits in the home for the signed certificate; the answer "
	    "is the CSR (PEM)", "cert csr PURPOSE [--cn CN] [--san LIST] "
	    "[--key TYPE] [--hash H]", p_csr, api_identity_csr, AUDIT_IDENTITY },
	{ "POST", "/api/v1/identities/{purpose}/upload", 1, "Upload "
	    "Certificate/Certificate chain for the pending CSR (the body: PEM, "
	    "DER or DER PKCS#7)", "cert upload PURPOSE FILE", p_purpose,
	    api_identity_upload, AUDIT_IDENTITY, "application/x-pem-file" },
	{ "GET", "/api/v1/trust", 0, "every trust store's certificates",
	    "cert list trust --json", NULL, api_trust_list },
	{ "GET", "/api/v1/trust/{store}", 0, "one trust store's certificates",
	    "cert list trust STORE --json", p_store, api_trust_list },
	{ "GET", "/api/v1/trust/{store}/{name}", 0, "one trust certificate",
	    "trust show STORE NAME --json", p_trust, api_trust_show },
	{ "POST", "/api/v1/trust/{store}", 1, "add CA or peer certificates "
	    "(the body: PEM, DER or DER PKCS#7); a certificate already there "
	    "is skipped", "trust add STORE FILE [--name NAME]", p_trust_add,
	    api_trust_add, AUDIT_NONE, "application/x-pem-file" },
	{ "DELETE", "/api/v1/trust/{store}/{name}", 1, "delete a trust "
	    "certificate, unless it signs a current identity or LSCs "
	    "(?force=yes deletes anyway)", "trust delete STORE NAME [--force]",
	    p_trust_delete, api_trust_delete, AUDIT_TRUST },
	{ "GET", "/api/v1/trust-bundle/{store}", 0, "a trust store as a PEM "
	    "bundle (for Kamailio, FreeRADIUS, Asterisk)",
	    "trust export STORE --out -", p_store, api_trust_export },
	{ "GET", "/api/v1/devices", 0, "Find and List Phones (by LSC status)",
	    "device list --json", p_devices, api_device_list },
	{ "POST", "/api/v1/devices", 1, "add a phone or client (a JSON "
	    "object: name, model)", "device add NAME [--model M]",
	    p_device_add, api_device_add, AUDIT_DEVICE },
	{ "POST", "/api/v1/devices/import", 1, "add or update many devices "
	    "from CSV (Content-Type: text/csv): name,model,operation,auth,"
	    "string,key,deadline; all or nothing", "device import FILE.csv",
	    NULL, api_device_import, AUDIT_NONE, "text/csv" },
	{ "POST", "/api/v1/devices/bulk", 1, "bulk set: device set's "
	    "settings on every device a selection (all, status, model, "
	    "issuer) picks, all or nothing",
	    "device set --all|--status S|--model M|--issuer CA ...",
	    p_device_bulk, api_device_bulk_set },
	{ "GET", "/api/v1/devices/{name}", 0, "a phone's CAPF Information",
	    "device show NAME --json", p_device, api_device_show },
	{ "POST", "/api/v1/devices/{name}", 1, "set a phone's CAPF operation "
	    "and authentication (a JSON object of device set's options)",
	    "device set NAME", p_device_set, api_device_set, AUDIT_DEVICE },
	{ "GET", "/api/v1/devices/{name}/fetches", 0, "the files the device "
	    "last fetched from the TFTP service, newest first",
	    "device show NAME --json (last_itl, last_config)", p_device,
	    api_device_fetches },
	{ "DELETE", "/api/v1/devices/{name}", 1, "remove a device (the "
	    "LSCs it was issued stay on record, revoked)", "device remove NAME",
	    p_device, api_device_remove, AUDIT_DEVICE },
	{ "GET", "/api/v1/capf/report", 0, "the CAPF report",
	    "capf report --json", NULL, api_capf_report },
	{ "GET", "/api/v1/capf/config", 0, "the CAPF settings",
	    "capf config --json", NULL, api_capf_config },
	{ "POST", "/api/v1/capf/config", 1, "change the CAPF settings (a JSON "
	    "object of the CLI's options)", "capf config [--lsc-days N] "
	    "[--renew-at FRACTION|off] [--renew-within PERIOD]", p_capf_config,
	    api_capf_config_set },
	{ "GET", "/api/v1/monitor/alarms", 0, "the monitor's alarms as they "
	    "stand (nothing e-mailed or recorded)", "monitor --once --json",
	    NULL, api_monitor_alarms },
	{ "GET", "/api/v1/monitor/config", 0, "when notifications start and "
	    "how often they repeat", "monitor config --json", NULL,
	    api_monitor_config },
	{ "POST", "/api/v1/monitor/config", 1, "change the notification "
	    "settings (a JSON object of the CLI's options)", "monitor config "
	    "[--start-days N] [--frequency P] [--email A] [--smtp URL]",
	    p_monitor_config, api_monitor_config_set },
	{ "GET", "/api/v1/crls", 0, "the CRLs the monitor checks trust "
	    "certificates against", "crl list --json", NULL, api_crl_list },
	{ "GET", "/api/v1/itl", 0, "the published ITLFile.tlv as show itl "
	    "shows it", "itl show tftp/ITLFile.tlv --json", NULL, api_itl_show },
	{ "POST", "/api/v1/itl/build", 1, "build the cluster's ITL from the "
	    "store into the TFTP root", "itl build [--digest sha1|sha512] "
	    "[--version 1.0|1.1] [--sign-with tftp|itlrecovery]", p_itl_build,
	    api_itl_build },
	{ "POST", "/api/v1/itl/reset", 1, "ITL recovery: publish the ITL "
	    "signed by ITLRecovery (the home's key)", "itl reset localkey "
	    "[--digest sha1|sha512]", p_itl_reset, api_itl_reset },
	{ "POST", "/api/v1/itl/reset/remotekey", 1, "ITL recovery with an "
	    "ITLRecovery key kept elsewhere (the body)", "itl reset remotekey "
	    "KEYFILE [--digest sha1|sha512]", p_itl_remotekey,
	    api_itl_reset_remotekey, AUDIT_NONE, "application/x-pem-file" },
	{ "GET", "/api/v1/tvs", 0, "every certificate TVS vouches for",
	    "tvs list --json", NULL, api_tvs_list },
	{ "POST", "/api/v1/tvs", 1, "have TVS vouch for a certificate (the "
	    "body: PEM or DER)", "tvs add CERT --role ROLE [--ttl SECONDS]",
	    p_tvs_add, api_tvs_add, AUDIT_NONE, "application/x-pem-file" },
	{ "DELETE", "/api/v1/tvs/{hash}", 1, "stop vouching for a "
	    "certificate (by the start of its SHA-256)", "tvs remove "
	    "HASH-PREFIX", p_tvs_remove, api_tvs_remove },
	{ "GET", "/api/v1/audit", 0, "the audit trail, newest first",
	    "audit --json", p_audit, api_audit_list },
	{ "GET", "/api/v1/openapi.json", 0, "this API's OpenAPI 3 description",
	    NULL, NULL, api_openapi_doc },
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL, AUDIT_NONE },
};

const char *
api_query(const struct api_req *r, const char *key)
{
	int i;

	for (i = 0; i < r->n_query; i++)
		if (strcmp(r->query_keys[i], key) == 0)
			return r->query_values[i];
	return NULL;
}

/* Does path (split into segs) fit the pattern?  Fills params. */
static int
fits(const char *pattern, char **segs, int n, const char *params[])
{
	char pat[256], *save = NULL, *p;
	int i = 0, k = 0;

	snprintf(pat, sizeof(pat), "%s", pattern);
	for (p = strtok_r(pat, "/", &save); p != NULL;
	    p = strtok_r(NULL, "/", &save), i++) {
		if (i == n)
			return 0;
		if (p[0] == '{') {
			if (k < API_MAX_PARAMS)
				params[k++] = segs[i];
		} else if (strcmp(p, segs[i]) != 0)
			return 0;
	}
	return i == n;
}

const struct api_route *
api_match(const char *method, const char *path, char *buf, size_t buflen,
    const char *params[API_MAX_PARAMS], int *status)
{
	char *segs[16], *p;
	int n = 0, i, path_known = 0;

	*status = 404;
	if (strlen(path) >= buflen || path[0] != '/')
		return NULL;
	memcpy(buf, path, strlen(path) + 1);
	/* Segments between single slashes; "//", "/." and "/.." name
	 * nothing, and a trailing slash is not the same path. */
	for (p = buf + 1;; ) {
		char *slash = strchr(p, '/');

		if (*p == '\0' || n == 16 || strcmp(p, ".") == 0 ||
		    strcmp(p, "..") == 0 || (slash != NULL && (slash == p ||
		    (slash - p == 1 && p[0] == '.') ||
		    (slash - p == 2 && p[0] == '.' && p[1] == '.'))))
			return NULL;
		segs[n++] = p;
		if (slash == NULL)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	for (i = 0; api_routes[i].method != NULL; i++) {
		if (!fits(api_routes[i].path, segs, n, params))
			continue;
		path_known = 1;
		if (strcmp(api_routes[i].method, method) == 0)
			return &api_routes[i];
	}
	if (path_known)
		*status = 405;
	return NULL;
}

static void
param_json(struct json *j, const struct api_param *p)
{
	json_object_begin(j, NULL);
	json_string(j, "name", p->name);
	json_string(j, "in", p->in);
	json_bool(j, "required", strcmp(p->in, "path") == 0);
	json_string(j, "description", p->description);
	json_object_begin(j, "schema");
	json_string(j, "type", "string");
	json_object_end(j);
	json_object_end(j);
}

static void
body_json(struct json *j, const struct api_param *params)
{
	const struct api_param *p;

	json_object_begin(j, "requestBody");
	json_bool(j, "required", 1);
	json_object_begin(j, "content");
	json_object_begin(j, "application/json");
	json_object_begin(j, "schema");
	json_string(j, "type", "object");
	json_bool(j, "additionalProperties", 0);
	json_object_begin(j, "properties");
	for (p = params; p->name != NULL; p++) {
		if (strcmp(p->in, "body") != 0)
			continue;
		json_object_begin(j, p->name);
		json_string(j, "type", "string");
		json_string(j, "description", p->description);
		json_object_end(j);
	}
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
}

/* A body that is a file: its media type, as a string, or a form's part
 * "file" (api_body.c). */
static void
raw_body_json(struct json *j, const char *type)
{
	json_object_begin(j, "requestBody");
	json_bool(j, "required", 1);
	json_object_begin(j, "content");
	json_object_begin(j, type);
	json_object_begin(j, "schema");
	json_string(j, "type", "string");
	json_object_end(j);
	json_object_end(j);
	json_object_begin(j, "multipart/form-data");
	json_object_begin(j, "schema");
	json_string(j, "type", "object");
	json_object_begin(j, "properties");
	json_object_begin(j, "file");
	json_string(j, "type", "string");
	json_string(j, "format", "binary");
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
}

static void
responses_json(struct json *j, const struct api_route *r)
{
	static const struct { const char *code, *text; } errors[] = {
		{ "400", "the request is malformed (the CLI's message)" },
		{ "401", "no token, or not a valid one" },
		{ "403", "a read-only token on a route that changes the system" },
		{ "404", "no such object (the CLI's message)" },
		{ "409", "refused: a guard, a duplicate, or the change failed "
		    "(the CLI's message)" },
		{ "413", "the body is larger than 8 KB (a JSON object) or 64 KB "
		    "(a file)" },
		{ "429", "too many failed authentications from this address" },
	};
	size_t i;

	json_object_begin(j, "responses");
	json_object_begin(j, "200");
	json_string(j, "description", r->cli != NULL ? r->cli : r->summary);
	json_object_end(j);
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		if ((strcmp(errors[i].code, "403") == 0 ||
		    strcmp(errors[i].code, "409") == 0) && !r->writes)
			continue;
		if (strcmp(errors[i].code, "413") == 0 &&
		    strcmp(r->method, "POST") != 0)
			continue;
		json_object_begin(j, errors[i].code);
		json_string(j, "description", errors[i].text);
		json_object_end(j);
	}
	json_object_end(j);
}

static void
operation_json(struct json *j, const struct api_route *r)
{
	const struct api_param *p;
	char method[8];
	size_t i;

	for (i = 0; r->method[i] != '\0' && i < sizeof(method) - 1; i++)
		method[i] = (char)(r->method[i] | 0x20);
	method[i] = '\0';
	json_object_begin(j, method);
	json_string(j, "summary", r->summary);
	if (r->cli != NULL)
		json_string(j, "x-ucpki-cli", r->cli);
	json_array_begin(j, "parameters");
	for (p = r->params; p != NULL && p->name != NULL; p++)
		if (strcmp(p->in, "body") != 0)
			param_json(j, p);
	json_array_end(j);
	if (r->raw_body != NULL)
		raw_body_json(j, r->raw_body);
	else if (r->params != NULL && strcmp(r->method, "POST") == 0)
		body_json(j, r->params);
	responses_json(j, r);
	json_object_end(j);
}

void
api_openapi(FILE *out)
{
	struct json j;
	int i, k;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_string(&j, "openapi", "3.0.3");
	json_object_begin(&j, "info");
	json_string(&j, "title", "ucpki administration API");
	json_string(&j, "version", "1");
	json_object_end(&j);
	json_object_begin(&j, "components");
	json_object_begin(&j, "securitySchemes");
	json_object_begin(&j, "bearer");
	json_string(&j, "type", "http");
	json_string(&j, "scheme", "bearer");
	json_object_end(&j);
	json_object_end(&j);
	json_object_end(&j);
	json_array_begin(&j, "security");
	json_object_begin(&j, NULL);
	json_array_begin(&j, "bearer");
	json_array_end(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_object_begin(&j, "paths");
	/* One entry per path, with every method of it. */
	for (i = 0; api_routes[i].method != NULL; i++) {
		for (k = 0; k < i; k++)
			if (strcmp(api_routes[k].path, api_routes[i].path) == 0)
				break;
		if (k < i)
			continue;
		json_object_begin(&j, api_routes[i].path);
		for (k = i; api_routes[k].method != NULL; k++)
			if (strcmp(api_routes[k].path, api_routes[i].path) == 0)
				operation_json(&j, &api_routes[k]);
		json_object_end(&j);
	}
	json_object_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

int
api_openapi_doc(struct api_req *r)
{
	api_openapi(r->out);
	return 200;
}
