/* cmd_admin.c - `ucpki admin token ...`: the administration API's tokens. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "admin_token.h"
#include "clock.h"
#include "commands.h"
#include "json.h"

const struct opt admin_token_add_opts[] = {
	{ "role", OPT_VALUE, "ROLE", "admin|read-only (default admin)" },
	{ "read-only", OPT_FLAG, NULL, "the same as --role read-only" },
	{ NULL, 0, NULL, NULL },
};

const struct opt admin_token_list_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt admin_token_remove_opts[] = {
	{ NULL, 0, NULL, NULL },
};

int
cmd_admin_token_add(struct cli *cli, const struct args *a)
{
	const char *v = args_get(a, "role");
	char token[ADMIN_TOKEN_LEN + 1];
	struct store *st;
	int role = ADMIN_ROLE_ADMIN;

	if (v != NULL && (role = admin_role_parse(v)) == -1)
		return ucerr_set(&cli->err, "--role must be admin or read-only, "
		    "not '%s'", v);
	if (args_has(a, "read-only")) {
		if (v != NULL && role != ADMIN_ROLE_READ_ONLY)
			return ucerr_set(&cli->err, "give --role admin or "
			    "--read-only, not both");
		role = ADMIN_ROLE_READ_ONLY;
	}
	if ((st = cli_store(cli)) == NULL ||
	    admin_token_add(st, a->positional[0], (enum admin_role)role, token,
	    &cli->err) == -1)
		return -1;
	/* The token alone on standard output, for scripts; the rest on
	 * standard error. */
	fprintf(cli->out, "%s\n", token);
	fprintf(stderr, "token %s (%s): shown this once; the store keeps only "
	    "its SHA-256\n", a->positional[0], admin_role_name((enum admin_role)role));
	OPENSSL_cleanse(token, sizeof(token));
	return 0;
}

struct token_list {
	struct cli	*cli;
	struct json	*json;
};

static int
list_one(void *arg, const struct token_row *row)
{
	struct token_list *l = arg;
	char when[TIME_TEXT_MAX];

	if (l->json != NULL) {
		admin_token_json(l->json, row);
		return 0;
	}
	time_format((time_t)row->created_at, when, sizeof(when));
	fprintf(l->cli->out, "%-24s %-10s created %s\n", row->name, row->role,
	    when);
	return 0;
}

int
cmd_admin_token_list(struct cli *cli, const struct args *a)
{
	struct token_list l = { cli, NULL };
	struct store *st;
	struct json j;
	int rc;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_array_begin(&j, NULL);
		l.json = &j;
	}
	rc = admin_token_each(st, list_one, &l, &cli->err);
	if (l.json != NULL) {
		json_array_end(&j);
		json_finish(&j);
	}
	return rc;
}

int
cmd_admin_token_remove(struct cli *cli, const struct args *a)
{
	struct store *st;

	if ((st = cli_store(cli)) == NULL ||
	    admin_token_remove(st, a->positional[0], &cli->err) == -1)
		return -1;
	fprintf(cli->out, "token %s: removed\n", a->positional[0]);
	return 0;
}
