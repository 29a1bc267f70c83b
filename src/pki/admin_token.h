/*
 * admin_token.h - the administration API's tokens, once for every front
 * end (`ucpki admin token`, the API's Authorization check).
 *
 * A token is "ucpki_" and 64 hex digits: 256 bits from the OS.  It is
 * shown once, when made; the store keeps only its SHA-256, so a copy of
 * the database gives nobody a token.  Checking compares the presented
 * token's SHA-256 with every stored one in constant time.
 */
#ifndef UCPKI_ADMIN_TOKEN_H
#define UCPKI_ADMIN_TOKEN_H

#include <stddef.h>

#include "err.h"
#include "json.h"
#include "store_token.h"

#define ADMIN_TOKEN_PREFIX	"ucpki_"
#define ADMIN_TOKEN_LEN		(6 + 64)	/* without the NUL */

enum admin_role {
	ADMIN_ROLE_ADMIN,		/* may change anything */
	ADMIN_ROLE_READ_ONLY,		/* may look */
};

/* "admin", "read-only"; parse returns -1 for anything else. */
const char *admin_role_name(enum admin_role role);
int	admin_role_parse(const char *s);
/* A token name: 1 to 63 of letters, digits, '-', '_', '.'. */
int	admin_token_name_valid(const char *name);

/* Makes a token for name with role; out gets it (the only copy). */
int	admin_token_add(struct store *st, const char *name, enum admin_role role,
	    char out[ADMIN_TOKEN_LEN + 1], struct ucerr *err);
int	admin_token_remove(struct store *st, const char *name,
	    struct ucerr *err);
/* Every token as the list shows it (no hash). */
int	admin_token_each(struct store *st, token_cb cb, void *ctx,
	    struct ucerr *err);
void	admin_token_json(struct json *j, const struct token_row *row);

/*
 * The presented token's owner: 1 and *name and *role set, 0 when no
 * token matches (malformed ones included), -1 when the store fails.
 * The error never quotes the token.
 */
int	admin_token_check(struct store *st, const char *presented,
	    char name[64], enum admin_role *role, struct ucerr *err);

#endif
