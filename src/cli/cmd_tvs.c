/* cmd_tvs.c - `ucpki tvs ...`: what TVS vouches for, and a TVS client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certinfo.h"
#include "commands.h"
#include "hostport.h"
#include "itl.h"
#include "json.h"
#include "store.h"
#include "tvs_client.h"
#include "tvs_index.h"
#include "x509.h"

const struct opt tvs_add_opts[] = {
	{ "role", OPT_MULTI, "ROLE", "ccm|tftp|ccm-tftp|capf|app-server|tvs|sast (repeatable)" },
	{ "ttl", OPT_VALUE, "SECONDS", "how long phones may cache the answer (default 86400)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt tvs_remove_opts[] = { { NULL, 0, NULL, NULL } };

const struct opt tvs_list_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt tvs_query_opts[] = {
	{ "server", OPT_VALUE, "HOST:PORT", "the TVS server (required)" },
	{ "device", OPT_VALUE, "NAME", "CP-<model>-SEP<MAC> (default CP-8845-SEP000000000001)" },
	{ "itl", OPT_VALUE, "FILE", "authenticate the server by this ITL's TVS record" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_tvs_add(struct cli *cli, const struct args *a)
{
	STACK_OF(X509) *certs;
	uint8_t roles[TVS_ROLES_MAX];
	size_t n = 0;
	long ttl;
	int i, role, rc;
	struct store *st;

	for (i = 0; i < a->n_items; i++) {
		if (strcmp(a->cmd->opts[a->items[i].opt].name, "role") != 0)
			continue;
		if ((role = role_parse(a->items[i].value)) == -1)
			return ucerr_set(&cli->err, "--role %s: not one of ccm, "
			    "tftp, ccm-tftp, capf, app-server, tvs, sast",
			    a->items[i].value);
		if (n < TVS_ROLES_MAX)
			roles[n++] = (uint8_t)role;
	}
	if (args_int(cli, a, "ttl", TVS_TTL_DEFAULT, 1, 0x7fffffff, &ttl) == -1 ||
	    (st = cli_store(cli)) == NULL ||
	    certs_load_file(a->positional[0], &certs, &cli->err) == -1)
		return -1;
	rc = tvs_entry_add(st, sk_X509_value(certs, 0), roles, n, (uint32_t)ttl,
	    &cli->err);
	if (rc == 0) {
		char sha[65];

		cert_sha256_hex(sk_X509_value(certs, 0), sha);
		fprintf(cli->out, "%s: TVS vouches for it\n", sha);
	}
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
cmd_tvs_remove(struct cli *cli, const struct args *a)
{
	char removed[65];
	struct store *st;

	if ((st = cli_store(cli)) == NULL ||
	    tvs_entry_remove(st, a->positional[0], removed, sizeof(removed),
	    &cli->err) == -1)
		return -1;
	fprintf(cli->out, "%s: removed from TVS\n", removed);
	return 0;
}

int
cmd_tvs_list(struct cli *cli, const struct args *a)
{
	struct tvs_index idx;
	struct json j;
	struct store *st;
	char sha[65], roles[128];
	size_t i, k;
	int json = args_has(a, "json");

	if ((st = cli_store(cli)) == NULL ||
	    tvs_index_build(st, &idx, &cli->err) == -1)
		return -1;
	if (json) {
		json_init(&j, cli->out);
		json_array_begin(&j, NULL);
	}
	for (i = 0; i < idx.n; i++) {
		for (k = 0; k < 32; k++)
			snprintf(sha + 2 * k, 3, "%02x", idx.entries[i].sha256[k]);
		role_names_join(idx.entries[i].roles, idx.entries[i].n_roles,
		    roles, sizeof(roles));
		if (json) {
			json_object_begin(&j, NULL);
			json_string(&j, "sha256", sha);
			json_string(&j, "name", idx.entries[i].label);
			json_string(&j, "roles", roles);
			json_int(&j, "ttl", idx.entries[i].ttl);
			json_object_end(&j);
		} else {
			fprintf(cli->out, "%.16s  %-20s %-12s ttl %u\n", sha,
			    idx.entries[i].label, roles, idx.entries[i].ttl);
		}
	}
	if (json) {
		json_array_end(&j);
		json_finish(&j);
	}
	tvs_index_free(&idx);
	return 0;
}

int
cmd_tvs_query(struct cli *cli, const struct args *a)
{
	const char *server = args_get(a, "server"), *device = args_get(a, "device");
	const char *itl_path = args_get(a, "itl");
	struct itl_file itl;
	struct tvs_client c;
	struct tvs_answer ans;
	STACK_OF(X509) *certs;
	struct json j;
	char host[256], roles[128];
	int port, rc = -1;

	if (server == NULL)
		return ucerr_set(&cli->err, "tvs query: --server HOST:PORT is "
		    "required");
	if (device == NULL)
		device = "CP-8845-SEP000000000001";
	if (!tvs_device_name_valid(device))
		return ucerr_set(&cli->err, "--device %s: not CP-<model>-SEP<MAC>",
		    device);
	if (hostport_parse(server, 0, host, sizeof(host), &port,
	    &cli->err) == -1 ||
	    certs_load_file(a->positional[0], &certs, &cli->err) == -1)
		return -1;
	memset(&itl, 0, sizeof(itl));
	if (itl_path != NULL && itl_load_file(itl_path, &itl, &cli->err) == -1)
		goto out;
	if (tvs_client_open(&c, host, port, itl_path ? &itl : NULL, 10000,
	    &cli->err) == -1)
		goto out;
	rc = tvs_client_verify(&c, device, sk_X509_value(certs, 0), &ans,
	    &cli->err);
	tvs_client_close(&c);
	if (rc == -1)
		goto out;
	role_names_join(ans.roles, ans.n_roles, roles, sizeof(roles));
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		json_string(&j, "status", ans.valid ? "valid" : "invalid");
		json_string(&j, "roles", roles);
		json_int(&j, "ttl", ans.ttl);
		json_object_end(&j);
		json_finish(&j);
	} else {
		fprintf(cli->out, "Status: %s\n", ans.valid ? "valid" : "invalid");
		if (ans.valid)
			fprintf(cli->out, "Roles: %s\nTTL: %u\n", roles, ans.ttl);
	}
out:
	itl_free(&itl);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}
