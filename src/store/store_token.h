/*
 * store_token.h - the administration API's tokens (src/pki/admin_token.c
 * makes and checks them): a name, a role and the SHA-256 of the token.
 */
#ifndef UCPKI_STORE_TOKEN_H
#define UCPKI_STORE_TOKEN_H

#include <stdint.h>

#include "store.h"

struct token_row {
	char	 name[64];
	char	 role[16];	/* "admin", "read-only" */
	char	 sha256[65];	/* of the token, lower-case hex */
	int64_t	 created_at;
};

typedef int (*token_cb)(void *ctx, const struct token_row *row);

/* Refused (with the name) when the name is taken. */
int	store_token_add(struct store *st, const struct token_row *row,
	    struct ucerr *err);
/* 1 removed, 0 no such token, -1 error. */
int	store_token_remove(struct store *st, const char *name,
	    struct ucerr *err);
/* Every token, by name. */
int	store_token_each(struct store *st, token_cb cb, void *ctx,
	    struct ucerr *err);

#endif
