/*
 * cli_audit.c - the CLI's changes in the audit trail (src/pki/audit.c):
 * every command the table marks as changing, as the local user, from
 * "local", with the positional arguments as its object (secrets are never
 * positional: they come from files or standard input).
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli_audit.h"
#include "store.h"

/*
 * The store, if the home has one, without touching the command's error
 * (init runs on a home that has none yet).
 */
static struct store *
audit_store(struct cli *cli)
{
	struct ucerr saved = cli->err;
	struct store *st = cli_store(cli);

	cli->err = saved;
	return st;
}

/* A command marked CMD_BARE_SHOWS given nothing but --json shows. */
static int
only_shows(const struct args *a)
{
	const struct opt *o;
	int i;

	if (!(a->cmd->flags & CMD_BARE_SHOWS) || a->n_positional > 0)
		return 0;
	for (i = 0, o = a->cmd->opts; o != NULL && o->name != NULL; i++, o++)
		if (a->present[i] && strcmp(o->name, "json") != 0)
			return 0;
	return 1;
}

static void
fingerprint(struct cli *cli, const struct args *a, char out[65])
{
	int f = a->cmd->flags;
	enum audit_kind kind = (f & CMD_OBJ_IDENTITY) ? AUDIT_IDENTITY :
	    (f & CMD_OBJ_TRUST) ? AUDIT_TRUST : (f & CMD_OBJ_DEVICE) ?
	    AUDIT_DEVICE : AUDIT_NONE;

	out[0] = '\0';
	if (kind == AUDIT_NONE || a->n_positional == 0)
		return;
	audit_fingerprint(audit_store(cli), kind, a->positional[0],
	    a->n_positional > 1 ? a->positional[1] : NULL, out);
}

void
cli_audit_before(struct cli *cli, const struct args *a, struct cli_audit *au)
{
	memset(au, 0, sizeof(*au));
	if (!(a->cmd->flags & CMD_CHANGES) || only_shows(a))
		return;
	au->on = 1;
	fingerprint(cli, a, au->before);
}

void
cli_audit_after(struct cli *cli, const struct args *a, struct cli_audit *au,
    int rc)
{
	struct audit_entry e;
	struct store *st;
	struct ucerr err;
	char who[64], object[256];
	size_t len = 0;
	int i;

	if (!au->on || (st = audit_store(cli)) == NULL)
		return;
	object[0] = '\0';
	for (i = 0; i < a->n_positional && len < sizeof(object); i++)
		len += (size_t)snprintf(object + len, sizeof(object) - len,
		    "%s%s", i > 0 ? " " : "", a->positional[i]);
	audit_local_user(who);
	memset(&e, 0, sizeof(e));
	e.who = who;
	e.via = "cli";
	e.peer = "local";
	e.action = a->cmd->words;
	e.object = object;
	e.result = rc == 0 ? "ok" : cli->err.msg[0] != '\0' ? cli->err.msg :
	    "failed";
	memcpy(e.before, au->before, sizeof(e.before));
	fingerprint(cli, a, e.after);
	if (store_begin(st, &err) == -1 || audit_record(st, &e, &err) == -1 ||
	    store_commit(st, &err) == -1) {
		store_rollback(st);
		/* A command that failed on a read-only home fails its audit
		 * row too; only a change that went unrecorded is news. */
		if (rc == 0)
			fprintf(stderr, "ucpki: warning: audit: %s\n", err.msg);
	}
}

const struct cli_around cli_audit_around = { cli_audit_before, cli_audit_after };
