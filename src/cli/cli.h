/*
 * cli.h - the command table, declarative options and the CLI context.
 *
 * Every command is one row (struct command): its words, its usage, its
 * options and its handler.  `--help` is generated from the row, so the
 * surface of the program is visible in src/cli/commands.c at a glance.
 */
#ifndef UCPKI_CLI_H
#define UCPKI_CLI_H

#include <stdio.h>

#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"

struct store;

#define ARGS_MAX_POSITIONAL	16
#define ARGS_MAX_OPTIONS	40

enum opt_kind {
	OPT_FLAG,	/* --json */
	OPT_VALUE,	/* --days N */
	OPT_MULTI,	/* --sast F --sast G: every value kept, in order */
};

struct opt {
	const char	*name;		/* long name without dashes */
	enum opt_kind	 kind;
	const char	*value_name;	/* "N", "FILE" (OPT_VALUE only) */
	const char	*help;
};

struct args {
	const struct command *cmd;
	const char	*positional[ARGS_MAX_POSITIONAL];
	int		 n_positional;
	const char	*values[ARGS_MAX_OPTIONS];	/* parallel to cmd->opts */
	int		 present[ARGS_MAX_OPTIONS];
	/* Every option in command-line order (for OPT_MULTI); as many as
	 * the command line holds (tlv build takes hundreds of records). */
	struct arg_item { int opt; const char *value; } *items;
	int		 n_items;
	/* A device name normalised from the first positional argument. */
	char		 device_name[64];
};

struct cli {
	const char	*home;		/* --home, $UCPKI_HOME or the default
					   (paths_default_home) */
	struct store	*store;		/* opened on first use */
	FILE		*out;
	struct ucerr	 err;		/* what failed, printed by main */
	int		 exit_code;	/* set by a handler that succeeded but
					   has more to say (status: 3) */
	const struct cli_around *around; /* may be NULL */
};

struct command {
	const char	*words;		/* "cert list" */
	const char	*usage;		/* "own|trust [STORE]" */
	const char	*summary;
	const struct opt *opts;		/* terminated by { NULL } ; may be NULL */
	int		 min_positional;
	int		 max_positional;
	int		(*run)(struct cli *, const struct args *);
	int		 flags;		/* CMD_DEVICE_ARG */
};

/* The first positional argument names a device: SEP0011..., a MAC in any
 * common spelling, or a client name; it reaches the handler normalised. */
#define CMD_DEVICE_ARG	0x1
/* The command changes the system: the dispatcher records it in the audit
 * trail (cli_audit.c), with the fingerprints of the object the first
 * positional arguments name: an identity, a trust certificate (STORE
 * NAME) or a device. */
#define CMD_CHANGES	0x2
#define CMD_OBJ_IDENTITY 0x4
#define CMD_OBJ_TRUST	0x8
#define CMD_OBJ_DEVICE	0x10
/* Given nothing but --json it only shows (capf config, config). */
#define CMD_BARE_SHOWS	0x20
#define CMD_AUDITED(kind) (CMD_CHANGES | (kind))

/* The audit trail of one command (cli_audit.c): before runs it, after
 * records how it went. */
struct cli_audit {
	int	 on;
	char	 before[65];
};
/* What runs around every command: main sets the audit trail's pair
 * (cli_audit.h); NULL runs none (the documentation generator). */
struct cli_around {
	void	(*before)(struct cli *cli, const struct args *a,
		    struct cli_audit *au);
	void	(*after)(struct cli *cli, const struct args *a,
		    struct cli_audit *au, int rc);
};

/* A list's --json: with it, j begins the answer's array and is returned;
 * without, NULL (the caller prints text).  cli_json_list_end ends it. */
struct json;
struct json *cli_json_list(struct cli *cli, const struct args *a,
	    struct json *j);
void	cli_json_list_end(struct json *j);

/* The table (src/cli/commands.c), terminated by a row with words NULL. */
extern const struct command commands[];

void		 args_free(struct args *a);
/* Options: NULL when absent; "" for a flag that is present. */
const char	*args_get(const struct args *a, const char *name);
int		 args_has(const struct args *a, const char *name);
/* How many times an option was given. */
int		 args_count(const struct args *a, const char *name);
/* Integer option with range check; def when absent. */
int		 args_int(struct cli *cli, const struct args *a, const char *name,
		    long def, long min, long max, long *out);

int	cli_dispatch(struct cli *cli, int argc, char **argv);
/* A command's arguments (after its words) against its option table. */
int	args_parse(struct cli *cli, const struct command *cmd, int argc,
	    char **argv, struct args *a);
void	cli_print_help(FILE *fp, const struct command *cmd);
/* Opens the store of an initialised home (fails with a clear message). */
struct store *cli_store(struct cli *cli);
/* Builds "<home>/<name>" into out. */
int	cli_home_path(struct cli *cli, char *out, size_t outlen, const char *name);
/*
 * Shared by the signed-file commands (itl, tlv, ctl, sgn, cnf): their
 * --digest and --version options, the signer, and the output.
 */
#define CLI_DIGEST_OPT { "digest", OPT_VALUE, "ALG", "sha1 (default) or sha512" }
#define CLI_VERSION_OPT { "version", OPT_VALUE, "V", "signer version 1.0 or 1.1 (default: 1.1 when a record is EC)" }
/* --digest (default SHA-1) and --version (0 when absent: automatic). */
int	cli_sig_options(struct cli *cli, const struct args *a, uint8_t *hash_alg,
	    int *signer_version);
/* --signer PEM, else the CallManager identity of the store. */
int	cli_signer(struct cli *cli, const struct args *a, X509 **cert,
	    EVP_PKEY **key);
/* Writes data atomically and says so ("PATH: WHAT written (N bytes)"). */
int	cli_write_output(struct cli *cli, const char *path, const uint8_t *data,
	    size_t len, const char *what);
/* The note of cli_write_output, for a file a core function wrote. */
void	cli_note_written(struct cli *cli, const char *path, const char *what,
	    size_t len);
/* The default output: path without suffix (fails, asking for --out). */
int	cli_strip_suffix(struct cli *cli, const char *path, const char *suffix,
	    char *out, size_t outlen);

/*
 * A secret (an authentication string) kept out of ps: the first line of
 * the file `source`, or with "-" of standard input -- typed at a prompt
 * without echo when standard input is a terminal (cli_secret.c).
 */
int	cli_read_secret(struct cli *cli, const char *source, const char *label,
	    char *out, size_t outlen);

#endif
