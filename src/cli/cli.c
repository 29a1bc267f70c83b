/* cli.c - command lookup, option parsing and generated help. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "fileio.h"
#include "identity.h"
#include "json.h"
#include "paths.h"
#include "sigfile.h"
#include "store.h"
#include "version.h"
#include "text.h"

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

/* Is the command in the group named by the first n words of argv? */
static int
in_group(const char *words, int n, char **argv)
{
	const char *w = words;
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		len = strcspn(w, " ");
		if (strlen(argv[i]) != len || strncmp(argv[i], w, len) != 0)
			return 0;
		w += len;
		if (*w == ' ')
			w++;
		else if (i + 1 < n)
			return 0;
	}
	return 1;
}

/* Lists every command (n == 0) or the commands of the group argv[0..n). */
static int
print_group_help(FILE *fp, int n, char **argv)
{
	const struct command *c;
	int shown = 0;

	if (n == 0)
		fprintf(fp, "usage: ucpki [--home DIR] COMMAND [ARGS] [--help]\n");
	else
		fprintf(fp, "usage: ucpki [--home DIR] %s%s%s COMMAND [ARGS] "
		    "[--help]\n", argv[0], n > 1 ? " " : "", n > 1 ? argv[1] : "");
	fprintf(fp, "\ncommands:\n");
	for (c = commands; c->words != NULL; c++) {
		if (!in_group(c->words, n, argv))
			continue;
		fprintf(fp, "  %-22s %s\n", c->words, c->summary);
		shown++;
	}
	fprintf(fp, "\nucpki help COMMAND (or COMMAND --help) describes one "
	    "command.\nA FILE that is read may be - (standard input); --out - "
	    "is standard output.\nThe home directory is --home DIR, else "
	    "$UCPKI_HOME, else %s.\n", paths_default_home());
	return shown;
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

/*
 * Names, models and every other argument end up in the store, in files
 * and in other people's terminals: a control character is refused here,
 * once for every command.
 */
static int
arg_clean(struct cli *cli, const struct command *cmd, const char *opt,
    const char *value)
{
	char shown[256];

	if (text_find_control(value) == -1)
		return 0;
	text_escape(value, shown, sizeof(shown));
	if (opt != NULL)
		return ucerr_set(&cli->err, "%s: --%s '%s': control characters "
		    "are not allowed", cmd->words, opt, shown);
	return ucerr_set(&cli->err, "%s: '%s': control characters are not "
	    "allowed", cmd->words, shown);
}

int
args_parse(struct cli *cli, const struct command *cmd, int argc, char **argv,
    struct args *a)
{
	const char *arg, *eq;
	size_t len;
	int i, idx, only_positional = 0;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	if (argc > 0 && (a->items = calloc((size_t)argc,
	    sizeof(*a->items))) == NULL)
		return ucerr_set(&cli->err, "%s: out of memory", cmd->words);
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
			if (arg_clean(cli, cmd, NULL, arg) == -1)
				return -1;
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
		if (arg_clean(cli, cmd, cmd->opts[idx].name,
		    a->values[idx]) == -1)
			return -1;
		if (cmd->opts[idx].kind != OPT_MULTI && a->n_items > 0 &&
		    args_count(a, cmd->opts[idx].name) > 0)
			return ucerr_set(&cli->err, "%s: --%s given twice",
			    cmd->words, cmd->opts[idx].name);
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

void
args_free(struct args *a)
{
	free(a->items);
	a->items = NULL;
	a->n_items = 0;
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

/* A MAC written any common way becomes SEP<MAC>, and the user is told. */
static void
device_arg(struct args *a)
{
	if (device_name_normalise(a->positional[0], a->device_name,
	    sizeof(a->device_name)) != 1)
		return;
	fprintf(stderr, "device: %s read as %s\n", a->positional[0],
	    a->device_name);
	a->positional[0] = a->device_name;
}

/* The command whose words start argv, the longest such; NULL if none. */
static const struct command *
find_command(int argc, char **argv)
{
	const struct command *c, *best = NULL;

	for (c = commands; c->words != NULL; c++)
		if (words_match(c->words, argc, argv) &&
		    (best == NULL || word_count(c->words) > word_count(best->words)))
			best = c;
	return best;
}

/* How many leading words of argv name a group of commands ("cert"). */
static int
group_words(int argc, char **argv)
{
	const struct command *c;
	int n;

	for (n = argc; n > 0; n--)
		for (c = commands; c->words != NULL; c++)
			if (word_count(c->words) > n && in_group(c->words, n, argv))
				return n;
	return 0;
}

/* The first n words of argv joined by spaces, for messages. */
static const char *
join_words(int n, char **argv, char *out, size_t outlen)
{
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < n && used < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
		    i ? " " : "", argv[i]);
	return out;
}

/* `ucpki help [COMMAND...]`: the same as COMMAND --help. */
static int
help(struct cli *cli, int argc, char **argv)
{
	const struct command *c = find_command(argc, argv);
	char words[256];
	int n;

	if (argc == 0) {
		print_group_help(stdout, 0, argv);
		return 0;
	}
	if (c != NULL && word_count(c->words) == argc) {
		cli_print_help(stdout, c);
		return 0;
	}
	if ((n = group_words(argc, argv)) == argc) {
		print_group_help(stdout, n, argv);
		return 0;
	}
	ucerr_set(&cli->err, "help: no command '%s' (see ucpki --help)",
	    join_words(argc, argv, words, sizeof(words)));
	return 2;
}

int
cli_dispatch(struct cli *cli, int argc, char **argv)
{
	const struct command *best;
	struct cli_audit au;
	struct args a;
	char words[256], group[256];
	int n, rc;

	if (argc == 0) {
		print_group_help(stderr, 0, argv);
		return 2;
	}
	if (strcmp(argv[0], "--version") == 0) {
		fprintf(cli->out, "ucpki %s\n", UCPKI_VERSION);
		return 0;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
	    strcmp(argv[0], "help") == 0)
		return help(cli, argc - 1, argv + 1);
	best = find_command(argc, argv);
	/* A group alone ("ucpki cert"), or with an unknown subcommand: its
	 * commands, which is what the user was looking for. */
	n = group_words(argc, argv);
	if (best == NULL || (n > word_count(best->words) && n == argc)) {
		if (n > 0 && wants_help(argc - n, argv + n)) {
			print_group_help(stdout, n, argv);
			return 0;
		}
		if (n > 0 && n == argc) {
			print_group_help(stderr, n, argv);
			return 2;
		}
		if (n > 0)
			ucerr_set(&cli->err, "unknown command '%s' (see ucpki "
			    "help %s)", join_words(n + 1, argv, words,
			    sizeof(words)), join_words(n, argv, group,
			    sizeof(group)));
		else
			ucerr_set(&cli->err, "unknown command '%s' (see ucpki "
			    "--help)", argv[0]);
		return 2;
	}
	n = word_count(best->words);
	if (wants_help(argc - n, argv + n)) {
		cli_print_help(stdout, best);
		return 0;
	}
	if (args_parse(cli, best, argc - n, argv + n, &a) == -1) {
		args_free(&a);
		return 2;
	}
	if ((best->flags & CMD_DEVICE_ARG) && a.n_positional > 0)
		device_arg(&a);
	if (cli->around != NULL)
		cli->around->before(cli, &a, &au);
	rc = best->run(cli, &a) == 0 ? cli->exit_code : 1;
	if (cli->around != NULL)
		cli->around->after(cli, &a, &au, rc);
	args_free(&a);
	return rc;
}

int
cli_home_path(struct cli *cli, char *out, size_t outlen, const char *name)
{
	return path_join(out, outlen, cli->home, name, &cli->err);
}

struct store *
cli_store(struct cli *cli)
{
	if (cli->store != NULL)
		return cli->store;
	if (!store_exists(cli->home)) {
		ucerr_set(&cli->err, "%s: not initialised (run: ucpki --home %s "
		    "init --node FQDN)", cli->home, cli->home);
		return NULL;
	}
	/* A read-only home still lists and shows; writes say "read-only". */
	cli->store = store_open(cli->home, STORE_READONLY_OK, &cli->err);
	return cli->store;
}

int
cli_sig_options(struct cli *cli, const struct args *a, uint8_t *hash_alg,
    int *signer_version)
{
	const char *v;

	*hash_alg = SIG_HASH_SHA1;
	if ((v = args_get(a, "digest")) != NULL &&
	    sig_hash_parse(v, hash_alg, &cli->err) == -1)
		return -1;
	*signer_version = 0;
	if ((v = args_get(a, "version")) != NULL &&
	    signer_version_parse(v, signer_version, &cli->err) == -1)
		return ucerr_set(&cli->err, "--version must be 1.0 or 1.1, "
		    "not '%s'", v);
	return 0;
}

int
cli_signer(struct cli *cli, const struct args *a, X509 **cert, EVP_PKEY **key)
{
	const char *file = args_get(a, "signer");

	if (file == NULL && cli_store(cli) == NULL)
		return ucerr_wrap(&cli->err, "no --signer given");
	return identity_signer_load(cli->store, file, cert, key, &cli->err);
}

int
cli_write_output(struct cli *cli, const char *path, const uint8_t *data,
    size_t len, const char *what)
{
	if (file_write_atomic(path, data, len, 0644, &cli->err) == -1)
		return -1;
	cli_note_written(cli, path, what, len);
	return 0;
}

void
cli_note_written(struct cli *cli, const char *path, const char *what,
    size_t len)
{
	/* With --out - the file is standard output: the note goes aside. */
	fprintf(path_is_stdio(path) ? stderr : cli->out, "%s: %s written "
	    "(%zu bytes)\n", path_is_stdio(path) ? "standard output" : path,
	    what, len);
}

int
cli_strip_suffix(struct cli *cli, const char *path, const char *suffix,
    char *out, size_t outlen)
{
	size_t len = strlen(path), slen = strlen(suffix);

	if (len <= slen || strcmp(path + len - slen, suffix) != 0 ||
	    len - slen >= outlen)
		return ucerr_set(&cli->err, "%s: name does not end with %s (give "
		    "--out)", path, suffix);
	memcpy(out, path, len - slen);
	out[len - slen] = '\0';
	return 0;
}

struct json *
cli_json_list(struct cli *cli, const struct args *a, struct json *j)
{
	if (!args_has(a, "json"))
		return NULL;
	json_init(j, cli->out);
	json_array_begin(j, NULL);
	return j;
}

void
cli_json_list_end(struct json *j)
{
	if (j == NULL)
		return;
	json_array_end(j);
	json_finish(j);
}
