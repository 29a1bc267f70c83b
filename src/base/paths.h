/*
 * paths.h - where ucpki keeps its home and reads its configuration.
 *
 * "Installed" means: this process runs the binary at the path it was
 * built to be installed to (UCPKI_BINDIR/ucpki, set by CMake).  The
 * decision is made from the binary's location rather than a separate
 * install build so that `cmake --install` copies exactly the binary the
 * tests ran.  A binary run from a build tree, or from a DESTDIR staging
 * tree, behaves as in a checkout.
 *
 *              installed                  checkout
 *   home       /var/lib/ucpki             ./var
 *   config     /etc/ucpki/ucpki.conf      none (serve --config FILE)
 *
 * --home and $UCPKI_HOME still come first, as before.
 */
#ifndef UCPKI_PATHS_H
#define UCPKI_PATHS_H

#include <stddef.h>

/* Is exe (a resolved path) the installed binary in bindir? */
int		 paths_is_installed(const char *exe, const char *bindir);
/* The same question for this process (/proc/self/exe). */
int		 paths_installed(void);
const char	*paths_default_home(void);
/* NULL in a checkout. */
const char	*paths_default_config(void);
const char	*paths_version(void);

#endif
