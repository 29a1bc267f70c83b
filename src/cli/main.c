/* main.c - global options, then the command table does the rest. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/ssl.h>

#include "cli.h"
#include "cli_audit.h"
#include "paths.h"
#include "store.h"
#include "text.h"

int
main(int argc, char **argv)
{
	struct cli cli;
	char shown[4 * sizeof(cli.err.msg)];
	int i = 1, rc;

	memset(&cli, 0, sizeof(cli));
	cli.out = stdout;
	cli.home = getenv("UCPKI_HOME");
	if (cli.home == NULL || cli.home[0] == '\0')
		cli.home = paths_default_home();
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("ucpki %s\n", paths_version());
		return 0;
	}
	while (i < argc && strncmp(argv[i], "--home", 6) == 0) {
		if (argv[i][6] == '=') {
			cli.home = argv[i] + 7;
			i++;
		} else if (argv[i][6] == '\0' && i + 1 < argc) {
			cli.home = argv[i + 1];
			i += 2;
		} else {
			fprintf(stderr, "ucpki: --home needs a directory\n");
			return 2;
		}
	}
	/* Whatever a library creates (SQLite's WAL, a recorded swarm) is
	 * private; files meant to be shared get their mode explicitly. */
	umask(077);
	OPENSSL_init_ssl(0, NULL);
	/* A full disk or a file size limit is an error to report, not a
	 * signal that kills us halfway through a write. */
	signal(SIGXFSZ, SIG_IGN);
	cli.around = &cli_audit_around;
	rc = cli_dispatch(&cli, argc - i, argv + i);
	/* Messages quote names, files and peers' data: one line, escaped. */
	if (rc != 0 && cli.err.msg[0] != '\0')
		fprintf(stderr, "ucpki: %s\n", text_escape(cli.err.msg, shown,
		    sizeof(shown)));
	if (cli.store != NULL)
		store_close(cli.store);
	if (fflush(stdout) != 0 && rc == 0) {
		perror("ucpki: stdout");
		rc = 1;
	}
	return rc;
}
