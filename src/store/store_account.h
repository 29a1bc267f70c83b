/*
 * store_account.h - the administration web pages' local accounts
 * (src/pki/admin_account.c makes and checks them): a name, a role, the
 * password's encoded argon2id hash, and the failed logins that lock it.
 */
#ifndef UCPKI_STORE_ACCOUNT_H
#define UCPKI_STORE_ACCOUNT_H

#include <stdint.h>

#include "store.h"

#define ACCOUNT_HASH_MAX	160	/* "$argon2id$v=19$m=...,t=..,p=.$salt$hash" */

struct account_row {
	char	 name[64];
	char	 role[16];		/* "admin", "read-only" */
	char	 hash[ACCOUNT_HASH_MAX];
	int	 failures;		/* failed logins since the last good one */
	int64_t	 locked_until;		/* 0, or when logins are taken again */
	int64_t	 created_at;
	int64_t	 password_at;		/* sessions older than this are over */
};

typedef int (*account_cb)(void *ctx, const struct account_row *row);

/* Refused (with the name) when the name is taken. */
int	store_account_add(struct store *st, const struct account_row *row,
	    struct ucerr *err);
/* 1 removed, 0 no such account, -1 error. */
int	store_account_remove(struct store *st, const char *name,
	    struct ucerr *err);
/* 1 found, 0 not. */
int	store_account_get(struct store *st, const char *name,
	    struct account_row *row, struct ucerr *err);
/* Writes role, hash, failures, locked_until and password_at of row->name:
 * 1 updated, 0 no such account. */
int	store_account_update(struct store *st, const struct account_row *row,
	    struct ucerr *err);
/* Every account, by name. */
int	store_account_each(struct store *st, account_cb cb, void *ctx,
	    struct ucerr *err);

#endif
