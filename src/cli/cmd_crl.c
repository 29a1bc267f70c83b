/* cmd_crl.c - `ucpki crl add|list`. */
#include <stdio.h>
#include <stdlib.h>

#include "certmgr.h"
#include "commands.h"
#include "crl.h"
#include "export.h"
#include "fileio.h"
#include "json.h"
#include "store.h"
#include "x509.h"

const struct opt crl_add_opts[] = { { NULL, 0, NULL, NULL } };
const struct opt crl_list_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_crl_add(struct cli *cli, const struct args *a)
{
	struct export_refresh exports;
	char issuer[512];
	uint8_t *data;
	size_t len;
	struct store *st;
	int rc;

	if ((st = cli_store(cli)) == NULL ||
	    file_read(a->positional[0], FILE_READ_MAX, &data, &len,
	    &cli->err) == -1)
		return -1;
	rc = certmgr_crl_add(st, data, len, issuer, sizeof(issuer), &exports,
	    &cli->err);
	free(data);
	if (rc == 0) {
		fprintf(cli->out, "CRL from %s added\n", issuer);
		cli_exports_report(cli, &exports);
	}
	return rc;
}

int
cmd_crl_list(struct cli *cli, const struct args *a)
{
	STACK_OF(X509_CRL) *crls;
	struct crl_info info;
	char next[TIME_TEXT_MAX];
	struct store *st;
	struct json j;
	int i;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		if (crl_list_json(&j, st, &cli->err) == -1)
			return -1;
		json_finish(&j);
		return 0;
	}
	if (crl_all(st, &crls, &cli->err) == -1)
		return -1;
	for (i = 0; i < sk_X509_CRL_num(crls); i++) {
		crl_info_get(sk_X509_CRL_value(crls, i), &info);
		time_format(info.next_update, next, sizeof(next));
		fprintf(cli->out, "%s: %d revoked, next update %s\n",
		    info.issuer, info.revoked, info.next_update != 0 ? next :
		    "none");
	}
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return 0;
}
