/*
 * cmd_admin.c - `ucpki admin ...`: the web pages' accounts and the
 * administration API's tokens.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "admin_account.h"
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

/* --role and --read-only, for accounts and tokens alike. */
static int
role_option(struct cli *cli, const struct args *a, enum admin_role *out)
{
	const char *v = args_get(a, "role");
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
	*out = (enum admin_role)role;
	return 0;
}

int
cmd_admin_token_add(struct cli *cli, const struct args *a)
{
	char token[ADMIN_TOKEN_LEN + 1];
	struct store *st;
	enum admin_role role;

	if (role_option(cli, a, &role) == -1)
		return -1;
	if ((st = cli_store(cli)) == NULL ||
	    admin_token_add(st, a->positional[0], role, token,
	    &cli->err) == -1)
		return -1;
	/* The token alone on standard output, for scripts; the rest on
	 * standard error. */
	fprintf(cli->out, "%s\n", token);
	fprintf(stderr, "token %s (%s): shown this once; the store keeps only "
	    "its SHA-256\n", a->positional[0], admin_role_name(role));
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
	l.json = cli_json_list(cli, a, &j);
	rc = admin_token_each(st, list_one, &l, &cli->err);
	cli_json_list_end(l.json);
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

/* --- accounts ------------------------------------------------------------ */

#define PASSWORD_OPT { "password-file", OPT_VALUE, "FILE", \
	"the password's first line (- is standard input; default: typed " \
	"at a prompt without echo)" }

const struct opt admin_add_opts[] = {
	{ "role", OPT_VALUE, "ROLE", "admin|read-only (default admin)" },
	{ "read-only", OPT_FLAG, NULL, "the same as --role read-only" },
	PASSWORD_OPT,
	{ NULL, 0, NULL, NULL },
};

const struct opt admin_list_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt admin_remove_opts[] = {
	{ NULL, 0, NULL, NULL },
};

const struct opt admin_passwd_opts[] = {
	PASSWORD_OPT,
	{ NULL, 0, NULL, NULL },
};

/*
 * The password from --password-file, else standard input; typed twice
 * when standard input is a terminal (nobody sees a typing mistake).
 * Never in argv: a password option would be in ps and shell history.
 */
static int
read_password(struct cli *cli, const struct args *a, const char *name,
    char out[ADMIN_PASSWORD_MAX + 2])
{
	const char *file = args_get(a, "password-file");
	char again[ADMIN_PASSWORD_MAX + 2], label[128];
	int rc;

	snprintf(label, sizeof(label), "password for %s", name);
	if (cli_read_secret(cli, file != NULL ? file : "-", label, out,
	    ADMIN_PASSWORD_MAX + 2) == -1)
		return -1;
	if (file != NULL || !isatty(STDIN_FILENO))
		return 0;
	snprintf(label, sizeof(label), "password for %s again", name);
	rc = cli_read_secret(cli, "-", label, again, sizeof(again));
	if (rc == 0 && strcmp(out, again) != 0)
		rc = ucerr_set(&cli->err, "account %s: the two passwords "
		    "differ", name);
	OPENSSL_cleanse(again, sizeof(again));
	if (rc == -1)
		OPENSSL_cleanse(out, ADMIN_PASSWORD_MAX + 2);
	return rc;
}

int
cmd_admin_add(struct cli *cli, const struct args *a)
{
	const char *name = a->positional[0];
	char password[ADMIN_PASSWORD_MAX + 2];
	struct store *st;
	enum admin_role role;
	int rc;

	if (role_option(cli, a, &role) == -1)
		return -1;
	if (!admin_token_name_valid(name))
		return ucerr_set(&cli->err, "%s: not an account name (1 to 63 "
		    "letters, digits, '-', '_' or '.')", name);
	if ((st = cli_store(cli)) == NULL ||
	    read_password(cli, a, name, password) == -1)
		return -1;
	rc = admin_account_add(st, name, role, password, &cli->err);
	OPENSSL_cleanse(password, sizeof(password));
	if (rc == -1)
		return -1;
	fprintf(cli->out, "account %s (%s): added; its password is kept as an "
	    "argon2id hash\n", name, admin_role_name(role));
	return 0;
}

struct account_list {
	struct cli	*cli;
	struct json	*json;
	int64_t		 now;
};

static int
account_one(void *arg, const struct account_row *row)
{
	struct account_list *l = arg;
	char when[TIME_TEXT_MAX], until[TIME_TEXT_MAX];

	if (l->json != NULL) {
		admin_account_json(l->json, row, l->now);
		return 0;
	}
	time_format((time_t)row->password_at, when, sizeof(when));
	fprintf(l->cli->out, "%-24s %-10s password set %s", row->name,
	    row->role, when);
	if (row->locked_until > l->now) {
		time_format((time_t)row->locked_until, until, sizeof(until));
		fprintf(l->cli->out, "  locked until %s", until);
	}
	fputc('\n', l->cli->out);
	return 0;
}

int
cmd_admin_list(struct cli *cli, const struct args *a)
{
	struct account_list l = { cli, NULL, (int64_t)clock_now() };
	struct store *st;
	struct json j;
	int rc;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	l.json = cli_json_list(cli, a, &j);
	rc = admin_account_each(st, account_one, &l, &cli->err);
	cli_json_list_end(l.json);
	return rc;
}

int
cmd_admin_remove(struct cli *cli, const struct args *a)
{
	struct store *st;

	if ((st = cli_store(cli)) == NULL ||
	    admin_account_remove(st, a->positional[0], &cli->err) == -1)
		return -1;
	fprintf(cli->out, "account %s: removed (its sessions end at their next "
	    "request)\n", a->positional[0]);
	return 0;
}

int
cmd_admin_passwd(struct cli *cli, const struct args *a)
{
	const char *name = a->positional[0];
	char password[ADMIN_PASSWORD_MAX + 2];
	struct account_row row;
	struct store *st;
	int rc;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	/* No such account: said before anyone types a password. */
	if (admin_account_find(st, name, &row, &cli->err) == -1)
		return -1;
	OPENSSL_cleanse(&row, sizeof(row));
	if (read_password(cli, a, name, password) == -1)
		return -1;
	rc = admin_account_passwd(st, name, password, &cli->err);
	OPENSSL_cleanse(password, sizeof(password));
	if (rc == -1)
		return -1;
	fprintf(cli->out, "account %s: password changed; its sessions are "
	    "ended and a lockout is lifted\n", name);
	return 0;
}
