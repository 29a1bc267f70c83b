/* cmd_store.c - `ucpki store migrate`: the core is store_migrate.c. */
#include <stdio.h>
#include <time.h>

#include "commands.h"
#include "json.h"
#include "server_status.h"
#include "store_migrate.h"

const struct opt store_migrate_opts[] = {
	{ "to", OPT_VALUE, "ADDRESS", "the PostgreSQL database (postgresql://HOST[:PORT]/DB; empty; no password in it)" },
	{ "dry-run", OPT_FLAG, NULL, "copy and verify, then roll back: the home stays on SQLite" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

static void
print_json(struct cli *cli, const char *to, const struct store_migration *m)
{
	struct json j;
	size_t i;

	json_init(&j, cli->out);
	json_object_begin(&j, NULL);
	json_string(&j, "to", to);
	json_bool(&j, "dry_run", m->dry_run);
	json_bool(&j, "verified", 1);
	json_int(&j, "generation", m->generation);
	if (m->backup[0] != '\0')
		json_string(&j, "sqlite_backup", m->backup);
	json_array_begin(&j, "tables");
	for (i = 0; i < m->n_tables; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "name", m->tables[i].name);
		json_int(&j, "rows", m->tables[i].rows);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "fingerprints");
	for (i = 0; i < m->n_ders; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "column", m->ders[i].where);
		json_string(&j, "key", m->ders[i].key);
		json_string(&j, "sha256", m->ders[i].sha256);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void
print_text(struct cli *cli, const char *to, const struct store_migration *m)
{
	size_t i;

	for (i = 0; i < m->n_tables; i++)
		fprintf(cli->out, "%-16s %lld rows\n", m->tables[i].name,
		    (long long)m->tables[i].rows);
	for (i = 0; i < m->n_ders; i++)
		fprintf(cli->out, "%-24s %-40s %s\n", m->ders[i].where,
		    m->ders[i].key, m->ders[i].sha256);
	fprintf(cli->out, "verified: %zu tables by their row counts, %zu DER "
	    "values (certificates, CSRs, CRLs) by their SHA-256\n",
	    m->n_tables, m->n_ders);
	if (m->dry_run)
		fprintf(cli->out, "dry run: rolled back; the home still uses "
		    "its SQLite file\n");
	else
		fprintf(cli->out, "committed to %s; the home now uses it (the "
		    "keys stay in the home); the SQLite file is kept as %s\n",
		    to, m->backup);
}

int
cmd_store_migrate(struct cli *cli, const struct args *a)
{
	struct store_migration m;
	struct serve_status status;
	const char *to = args_get(a, "to");

	if (to == NULL || *to == '\0')
		return ucerr_set(&cli->err, "store migrate: --to ADDRESS is "
		    "required");
	/* What a running serve wrote after the copy would be lost. */
	if (server_status_read(cli->home, time(NULL), &status, NULL) == 1 &&
	    status.up)
		return ucerr_set(&cli->err, "store migrate: serve is running on "
		    "%s (pid %ld); stop it first", cli->home, status.pid);
	if (store_migrate(cli->home, to, args_has(a, "dry-run"), &m,
	    &cli->err) == -1) {
		store_migration_free(&m);
		return -1;
	}
	if (args_has(a, "json"))
		print_json(cli, to, &m);
	else
		print_text(cli, to, &m);
	store_migration_free(&m);
	return 0;
}
