/*
 * lazylib.h - a shared library opened the first time it is needed.
 *
 * libpq (a PostgreSQL store) and libcurl (alarm e-mail, the phone
 * simulator's HTTP fetches) bring GnuTLS, Kerberos, LDAP and p11-kit
 * with them, whose start-up code touches ~4 MB in every process that
 * links them: an idle serve on its SQLite default paid that for
 * libraries it never calls.  So the two are opened by name when first
 * used, and their functions reached through a table (pq_api.h,
 * curl_api.h); the program links neither.
 */
#ifndef UCPKI_LAZYLIB_H
#define UCPKI_LAZYLIB_H

#include <stddef.h>

#include "err.h"

struct lazylib {
	const char	*soname;	/* "libpq.so.5" */
	const char	*package;	/* the Debian package that ships it */
	const char *const *names;	/* the functions, in slot order */
	size_t		 n;
	void		**slots;	/* n function pointers, filled in */
	int		 tried, loaded;
	char		 why[256];	/* when it could not be */
};

#define LAZYLIB_INIT(soname, package, names, slots) \
	{ (soname), (package), (names), sizeof(names) / sizeof((names)[0]), \
	  (void **)(slots), 0, 0, "" }

/* Opens the library and fills every slot, once per process; later calls
 * answer the first one's result.  -1 with err ("libpq.so.5: cannot be
 * loaded (...): install libpq5") when it or a function is missing. */
int	lazylib_load(struct lazylib *l, struct ucerr *err);

#endif
