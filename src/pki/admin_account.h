/*
 * admin_account.h - local administrator accounts for the web pages, once
 * for every front end (`ucpki admin add/list/remove/passwd`, the login
 * page).
 *
 * Passwords are hashed with argon2id (libargon2, RFC 9106) at
 * ADMIN_ARGON2_T passes over ADMIN_ARGON2_M_KIB KiB, a 16-byte salt from
 * the OS; the store keeps only the encoded hash.  ADMIN_LOCKOUT_FAILURES
 * failed logins in a row lock the account for ADMIN_LOCKOUT_S, good
 * password or not; a good login, or a new password, unlocks it.
 */
#ifndef UCPKI_ADMIN_ACCOUNT_H
#define UCPKI_ADMIN_ACCOUNT_H

#include <stdint.h>

#include "admin_token.h"
#include "err.h"
#include "json.h"
#include "store_account.h"

/* OWASP's argon2id minimum (19 MiB, 2 passes): about 50 ms a login here. */
#define ADMIN_ARGON2_T		2
#define ADMIN_ARGON2_M_KIB	19456
#define ADMIN_ARGON2_P		1
#define ADMIN_PASSWORD_MIN	12
#define ADMIN_PASSWORD_MAX	128
#define ADMIN_LOCKOUT_FAILURES	5
#define ADMIN_LOCKOUT_S		900

/* Refuses a password the rules do not take (too short, too long, control
 * characters); the error never quotes it. */
int	admin_password_usable(const char *password, struct ucerr *err);

int	admin_account_add(struct store *st, const char *name,
	    enum admin_role role, const char *password, struct ucerr *err);
int	admin_account_remove(struct store *st, const char *name,
	    struct ucerr *err);
/* The account's row, or -1 and "account NAME: no such account". */
int	admin_account_find(struct store *st, const char *name,
	    struct account_row *row, struct ucerr *err);
/* A new password: unlocks the account and ends its sessions. */
int	admin_account_passwd(struct store *st, const char *name,
	    const char *password, struct ucerr *err);
/* Every account as the list shows it (no hash). */
int	admin_account_each(struct store *st, account_cb cb, void *ctx,
	    struct ucerr *err);
void	admin_account_json(struct json *j, const struct account_row *row,
	    int64_t now);

enum admin_login_result {
	ADMIN_LOGIN_OK,
	ADMIN_LOGIN_BAD,		/* no such account, or wrong password */
	ADMIN_LOGIN_LOCKED,		/* too many failures: wait */
};

struct admin_login {
	enum admin_login_result	 result;
	enum admin_role		 role;
	int64_t			 locked_until;	/* ADMIN_LOGIN_LOCKED */
};

/*
 * Checks a login (reads only).  An unknown name costs the same hashing
 * as a known one, so the time taken does not say which names exist.
 */
int	admin_account_check(struct store *st, const char *name,
	    const char *password, int64_t now, struct admin_login *out,
	    struct ucerr *err);
/*
 * Records the check's outcome (a write: the writer runs it): a failure
 * counts towards the lockout, a success clears the count.
 */
int	admin_account_note(struct store *st, const char *name, int good,
	    int64_t now, struct ucerr *err);
/*
 * Is a session of name begun at since still good?  1 with *role (the
 * account's role now), 0 when the account is gone, or its password
 * changed since, -1 when the store fails.
 */
int	admin_account_current(struct store *st, const char *name,
	    int64_t since, enum admin_role *role, struct ucerr *err);

#endif
