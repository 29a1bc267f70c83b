/*
 * cli_secret.c - authentication strings read where ps cannot see them:
 * from a file, from standard input, or typed at a prompt without echo.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "fileio.h"

/* Longer than any secret ucpki takes (an out buffer refuses the rest). */
#define SECRET_LINE_MAX 1024

/* The first line of data, without its line end, into out. */
static int
first_line(struct cli *cli, const char *what, const char *data, size_t len,
    char *out, size_t outlen)
{
	size_t n = 0;

	while (n < len && data[n] != '\n' && data[n] != '\r')
		n++;
	if (n == 0 || n >= outlen)
		return ucerr_set(&cli->err, "%s: %s", what, n == 0 ?
		    "no authentication string" : "the line is too long");
	memcpy(out, data, n);
	out[n] = '\0';
	return 0;
}

/* A line of standard input into line (cleansed by the caller); a line
 * longer than the buffer is refused, never cut to fit. */
static int
stdin_line(struct cli *cli, char *line, size_t size, char *out,
    size_t outlen)
{
	size_t n;

	if (fgets(line, (int)size, stdin) == NULL)
		return ucerr_set(&cli->err, "standard input: no authentication "
		    "string");
	n = strlen(line);
	if (n == size - 1 && line[n - 1] != '\n' && !feof(stdin))
		return ucerr_set(&cli->err, "standard input: the line is too "
		    "long");
	return first_line(cli, "standard input", line, n, out, outlen);
}

/* Typed at the terminal, echo off (restored even on failure). */
static int
prompt(struct cli *cli, const char *label, char *out, size_t outlen)
{
	struct termios old, quiet;
	char line[SECRET_LINE_MAX];
	int rc;

	if (tcgetattr(STDIN_FILENO, &old) == -1)
		return ucerr_set(&cli->err, "standard input: %s", strerror(errno));
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	/* Echo off before the prompt: nothing typed after it is shown. */
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == -1)
		return ucerr_set(&cli->err, "standard input: %s", strerror(errno));
	fprintf(stderr, "%s: ", label);
	fflush(stderr);
	rc = stdin_line(cli, line, sizeof(line), out, outlen);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	OPENSSL_cleanse(line, sizeof(line));
	return rc;
}

int
cli_read_secret(struct cli *cli, const char *source, const char *label,
    char *out, size_t outlen)
{
	uint8_t *data = NULL;
	char line[SECRET_LINE_MAX];
	size_t len = 0;
	int rc;

	if (strcmp(source, "-") != 0) {
		if (file_read(source, 4096, &data, &len, &cli->err) == -1)
			return -1;
		rc = first_line(cli, source, (const char *)data, len, out,
		    outlen);
		OPENSSL_cleanse(data, len);
		free(data);
		return rc;
	}
	if (isatty(STDIN_FILENO))
		return prompt(cli, label, out, outlen);
	rc = stdin_line(cli, line, sizeof(line), out, outlen);
	OPENSSL_cleanse(line, sizeof(line));
	return rc;
}
