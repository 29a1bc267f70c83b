/* cli.c - command lookup, option parsing and generated help. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "paths.h"
#include "store.h"

/* Number of words in "cert list" style command names. */
static int
word_count(const char *words)
{
	int n = 1;

	for (; *words != '\0'; words++)
		if (*words == ' ')
			n++;
	return n;
}

/* Does argv start with the command's words? */
static int
words_match(const char *words, int argc, char **argv)
{
	int i, n = word_count(words);
	const char *w = words;
	size_t len;

	if (argc < n)
		return 0;
	for (i = 0; i < n; i++) {
		len = strcspn(w, " ");
		if (strlen(argv[i]) != len || strncmp(argv[i], w, len) != 0)
			return 0;
		w += len + (w[len] == ' ');
	}
	return 1;
}

static int
opt_count(const struct opt *opts)
{
	int n = 0;

	while (opts != NULL && opts[n].name != NULL)
		n++;
	return n;
}

void
cli_print_help(FILE *fp, const struct command *cmd)
{
	const struct opt *o;
	char left[64];

	fprintf(fp, "usage: ucpki %s%s%s\n\n%s\n", cmd->words,
	    cmd->usage[0] ? " " : "", cmd->usage, cmd->summary);
	if (opt_count(cmd->opts) > 0)
		fprintf(fp, "\noptions:\n");
	for (o = cmd->opts; o != NULL && o->name != NULL; o++) {
		snprintf(left, sizeof(left), "--%s%s%s", o->name,
		    o->kind != OPT_FLAG ? " " : "",
		    o->kind != OPT_FLAG ? o->value_name : "");
		fprintf(fp, "  %-26s %s\n", left, o->help);
	}
	fprintf(fp, "  %-26s %s\n", "--help", "show this help");
}

/* Lists the commands whose first words are the given prefix. */
static void
print_group_help(FILE *fp, int argc, char **argv)
{
	const struct command *c;

	fprintf(fp, "usage: ucpki [--home DIR] COMMAND [ARGS] [--help]\n\n"
	    "commands:\n");
	for (c = commands; c->words != NULL; c++) {
		if (argc > 0 && !words_match(c->words, argc, argv) &&
		    strncmp(c->words, argv[0], strlen(argv[0])) != 0)
			continue;
		fprintf(fp, "  %-22s %s\n", c->words, c->summary);
	}
	fprintf(fp, "\nThe home directory is --home DIR, else $UCPKI_HOME, "
	    "else %s.\n", paths_default_home());
}

static int
find_opt(const struct command *cmd, const char *name, size_t len)
{
	int i, n = opt_count(cmd->opts);

	for (i = 0; i < n; i++)
		if (strlen(cmd->opts[i].name) == len &&
		    strncmp(cmd->opts[i].name, name, len) == 0)
			return i;
	return -1;
}

static int
args_parse(struct cli *cli, const struct command *cmd, int argc, char **argv,
    struct args *a)
{
	const char *arg, *eq;
	size_t len;
	int i, idx, only_positional = 0;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	for (i = 0; i < argc; i++) {
		arg = argv[i];
		/* One-letter options may be written -n as well as --n. */
		if (!only_positional && arg[0] == '-' && arg[1] != '-' &&
		    arg[1] != '\0' && arg[2] == '\0' &&
		    find_opt(cmd, arg + 1, 1) != -1) {
			arg += 1;
			goto option;
		}
		if (only_positional || arg[0] != '-' || arg[1] != '-' ||
		    arg[2] == '\0') {
			if (!only_positional && strcmp(arg, "--") == 0) {
				only_positional = 1;
				continue;
			}
			if (a->n_positional >= ARGS_MAX_POSITIONAL)
				return ucerr_set(&cli->err, "%s: too many arguments",
				    cmd->words);
			a->positional[a->n_positional++] = arg;
			continue;
		}
		arg += 2;
option:
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		if ((idx = find_opt(cmd, arg, len)) == -1)
			return ucerr_set(&cli->err, "%s: unknown option --%.*s "
			    "(see ucpki %s --help)", cmd->words, (int)len, arg,
			    cmd->words);
		a->present[idx] = 1;
		if (cmd->opts[idx].kind == OPT_FLAG) {
			if (eq != NULL)
				return ucerr_set(&cli->err, "%s: --%s takes no value",
				    cmd->words, cmd->opts[idx].name);
			a->values[idx] = "";
		} else if (eq != NULL) {
			a->values[idx] = eq + 1;
		} else if (i + 1 < argc) {
			a->values[idx] = argv[++i];
		} else {
			return ucerr_set(&cli->err, "%s: --%s needs a value (%s)",
			    cmd->words, cmd->opts[idx].name,
			    cmd->opts[idx].value_name);
		}
		if (cmd->opts[idx].kind != OPT_MULTI && a->n_items > 0 &&
		    args_count(a, cmd->opts[idx].name) > 0)
			return ucerr_set(&cli->err, "%s: --%s given twice",
			    cmd->words, cmd->opts[idx].name);
		if (a->n_items >= ARGS_MAX_ITEMS)
			return ucerr_set(&cli->err, "%s: too many options",
			    cmd->words);
		a->items[a->n_items].opt = idx;
		a->items[a->n_items].value = a->values[idx];
		a->n_items++;
	}
	if (a->n_positional < cmd->min_positional ||
	    a->n_positional > cmd->max_positional)
		return ucerr_set(&cli->err, "usage: ucpki %s %s", cmd->words,
		    cmd->usage);
	return 0;
}

const char *
args_get(const struct args *a, const char *name)
{
	int idx = find_opt(a->cmd, name, strlen(name));

	return idx >= 0 && a->present[idx] ? a->values[idx] : NULL;
}

int
args_count(const struct args *a, const char *name)
{
	int i, n = 0, idx = find_opt(a->cmd, name, strlen(name));

	for (i = 0; i < a->n_items; i++)
		if (a->items[i].opt == idx)
			n++;
	return n;
}

int
args_has(const struct args *a, const char *name)
{
	return args_get(a, name) != NULL;
}

int
args_int(struct cli *cli, const struct args *a, const char *name, long def,
    long min, long max, long *out)
{
	const char *s = args_get(a, name);
	char *end;
	long v;

	if (s == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return ucerr_set(&cli->err, "%s: --%s must be a number from "
		    "%ld to %ld, not '%s'", a->cmd->words, name, min, max, s);
	*out = v;
	return 0;
}

static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int
cli_dispatch(struct cli *cli, int argc, char **argv)
{
	const struct command *c, *best = NULL;
	struct args a;
	int n;

	for (c = commands; c->words != NULL; c++)
		if (words_match(c->words, argc, argv) &&
		    (best == NULL || word_count(c->words) > word_count(best->words)))
			best = c;
	if (best == NULL) {
		if (argc == 0 || wants_help(argc, argv)) {
			print_group_help(argc == 0 ? stderr : stdout, argc, argv);
			return argc == 0 ? 2 : 0;
		}
		ucerr_set(&cli->err, "unknown command '%s' (see ucpki --help)",
		    argv[0]);
		return 2;
	}
	n = word_count(best->words);
	if (wants_help(argc - n, argv + n)) {
		cli_print_help(stdout, best);
		return 0;
	}
	if (args_parse(cli, best, argc - n, argv + n, &a) == -1)
		return 2;
	if (best->run(cli, &a) != 0)
		return 1;
	return cli->exit_code;
}

int
cli_home_path(struct cli *cli, char *out, size_t outlen, const char *name)
{
	return path_join(out, outlen, cli->home, name, &cli->err);
}

struct store *
cli_store(struct cli *cli)
{
	char path[4096];

	if (cli->store != NULL)
		return cli->store;
	if (cli_home_path(cli, path, sizeof(path), "ucpki.db") == -1)
		return NULL;
	if (!path_exists(path)) {
		ucerr_set(&cli->err, "%s: not initialised (run: ucpki --home %s "
		    "init --node FQDN)", cli->home, cli->home);
		return NULL;
	}
	cli->store = store_open(cli->home, 0, &cli->err);
	return cli->store;
}
