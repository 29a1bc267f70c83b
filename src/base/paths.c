/* paths.c - installed or checkout defaults (see paths.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

/* Set by CMake from the install prefix; these defaults keep a bare
 * compile working. */
#ifndef UCPKI_BINDIR
#define UCPKI_BINDIR		"/usr/local/bin"
#endif
#ifndef UCPKI_STATEDIR
#define UCPKI_STATEDIR		"/var/lib/ucpki"
#endif
#ifndef UCPKI_CONFIG_FILE
#define UCPKI_CONFIG_FILE	"/etc/ucpki/ucpki.conf"
#endif
#ifndef UCPKI_VERSION
#define UCPKI_VERSION		"0.0.0"
#endif

int
paths_is_installed(const char *exe, const char *bindir)
{
	char want[PATH_MAX], bin[PATH_MAX];

	/* The installed binary's directory may be reached through a
	 * symbolic link (/bin -> /usr/bin); compare resolved paths. */
	if (realpath(bindir, bin) == NULL)
		return 0;
	if (strlen(bin) + sizeof("/ucpki") > sizeof(want))
		return 0;
	strcpy(want, bin);
	strcat(want, "/ucpki");
	return strcmp(exe, want) == 0;
}

int
paths_installed(void)
{
	static int known = -1;
	char exe[PATH_MAX];
	ssize_t n;

	if (known != -1)
		return known;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		known = 0;
		return known;
	}
	exe[n] = '\0';
	known = paths_is_installed(exe, UCPKI_BINDIR);
	return known;
}

const char *
paths_default_home(void)
{
	return paths_installed() ? UCPKI_STATEDIR : "./var";
}

const char *
paths_default_config(void)
{
	return paths_installed() ? UCPKI_CONFIG_FILE : NULL;
}

const char *
paths_version(void)
{
	return UCPKI_VERSION;
}
