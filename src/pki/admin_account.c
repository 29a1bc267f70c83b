/* admin_account.c - local administrator accounts (see admin_account.h). */
#include <stdio.h>
#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "admin_account.h"
#include "clock.h"
#include "text.h"

#define SALT_LEN	16
#define HASH_LEN	32

int
admin_password_usable(const char *password, struct ucerr *err)
{
	size_t n = strlen(password);

	if (n < ADMIN_PASSWORD_MIN || n > ADMIN_PASSWORD_MAX)
		return ucerr_set(err, "the password must be %d to %d "
		    "characters (this one has %zu)", ADMIN_PASSWORD_MIN,
		    ADMIN_PASSWORD_MAX, n);
	if (text_find_control(password) != -1)
		return ucerr_set(err, "the password has a control character");
	return 0;
}

static int
hash_password(const char *name, const char *password,
    char out[ACCOUNT_HASH_MAX], struct ucerr *err)
{
	unsigned char salt[SALT_LEN];
	int rc;

	if (admin_password_usable(password, err) == -1)
		return -1;
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return ucerr_ssl(err, "account %s: no random bytes", name);
	rc = argon2id_hash_encoded(ADMIN_ARGON2_T, ADMIN_ARGON2_M_KIB,
	    ADMIN_ARGON2_P, password, strlen(password), salt, sizeof(salt),
	    HASH_LEN, out, ACCOUNT_HASH_MAX);
	if (rc != ARGON2_OK)
		return ucerr_set(err, "account %s: argon2id: %s", name,
		    argon2_error_message(rc));
	return 0;
}

int
admin_account_add(struct store *st, const char *name, enum admin_role role,
    const char *password, struct ucerr *err)
{
	struct account_row row;
	int rc;

	/* The same names as tokens: they share the log's "who". */
	if (!admin_token_name_valid(name))
		return ucerr_set(err, "%s: not an account name (1 to 63 "
		    "letters, digits, '-', '_' or '.')", name);
	memset(&row, 0, sizeof(row));
	snprintf(row.name, sizeof(row.name), "%s", name);
	snprintf(row.role, sizeof(row.role), "%s", admin_role_name(role));
	if (hash_password(name, password, row.hash, err) == -1)
		return -1;
	row.created_at = row.password_at = (int64_t)clock_now();
	rc = store_account_add(st, &row, err);
	OPENSSL_cleanse(&row, sizeof(row));
	return rc;
}

int
admin_account_remove(struct store *st, const char *name, struct ucerr *err)
{
	int found;

	if ((found = store_account_remove(st, name, err)) == -1)
		return -1;
	return found ? 0 : ucerr_set(err, "account %s: no such account", name);
}

int
admin_account_find(struct store *st, const char *name, struct account_row *row,
    struct ucerr *err)
{
	int rc;

	if ((rc = store_account_get(st, name, row, err)) != 1)
		return rc == -1 ? -1 : ucerr_set(err, "account %s: no such "
		    "account", name);
	return 0;
}

int
admin_account_passwd(struct store *st, const char *name, const char *password,
    struct ucerr *err)
{
	struct account_row row;
	int rc;

	if (admin_account_find(st, name, &row, err) == -1)
		return -1;
	if (hash_password(name, password, row.hash, err) == -1) {
		OPENSSL_cleanse(&row, sizeof(row));
		return -1;
	}
	row.failures = 0;
	row.locked_until = 0;
	row.password_at = (int64_t)clock_now();
	rc = store_account_update(st, &row, err) == -1 ? -1 : 0;
	OPENSSL_cleanse(&row, sizeof(row));
	return rc;
}

int
admin_account_each(struct store *st, account_cb cb, void *ctx,
    struct ucerr *err)
{
	return store_account_each(st, cb, ctx, err);
}

void
admin_account_json(struct json *j, const struct account_row *row, int64_t now)
{
	json_object_begin(j, NULL);
	json_string(j, "name", row->name);
	json_string(j, "role", row->role);
	json_time(j, "created", (time_t)row->created_at);
	json_time(j, "password_changed", (time_t)row->password_at);
	json_int(j, "failed_logins", row->failures);
	if (row->locked_until > now)
		json_time(j, "locked_until", (time_t)row->locked_until);
	else
		json_null(j, "locked_until");
	json_object_end(j);
}

int
admin_account_check(struct store *st, const char *name, const char *password,
    int64_t now, struct admin_login *out, struct ucerr *err)
{
	static const unsigned char salt[SALT_LEN] = "ucpki-no-account";
	unsigned char sink[HASH_LEN];
	struct account_row row;
	int found, good = 0;

	memset(out, 0, sizeof(*out));
	out->result = ADMIN_LOGIN_BAD;
	if ((found = store_account_get(st, name, &row, err)) == -1)
		return -1;
	if (found && strncmp(row.hash, "$argon2id$", 10) == 0)
		good = argon2id_verify(row.hash, password,
		    strlen(password)) == ARGON2_OK;
	else
		/* No account: the same work, so timing names nobody. */
		(void)argon2id_hash_raw(ADMIN_ARGON2_T, ADMIN_ARGON2_M_KIB,
		    ADMIN_ARGON2_P, password, strlen(password), salt,
		    sizeof(salt), sink, sizeof(sink));
	/* Locked: refused even with the right password, and said so only
	 * then (a guesser learns nothing from it). */
	if (found && row.locked_until > now) {
		out->locked_until = row.locked_until;
		if (good)
			out->result = ADMIN_LOGIN_LOCKED;
	} else if (good) {
		out->result = ADMIN_LOGIN_OK;
		out->role = admin_role_parse(row.role) == ADMIN_ROLE_ADMIN ?
		    ADMIN_ROLE_ADMIN : ADMIN_ROLE_READ_ONLY;
	}
	OPENSSL_cleanse(&row, sizeof(row));
	OPENSSL_cleanse(sink, sizeof(sink));
	return 0;
}

int
admin_account_note(struct store *st, const char *name, int good, int64_t now,
    struct ucerr *err)
{
	struct account_row row;
	int rc;

	if ((rc = store_account_get(st, name, &row, err)) != 1)
		return rc;		/* no account: nothing to count */
	if (good) {
		row.failures = 0;
		row.locked_until = 0;
	} else if (row.locked_until <= now) {
		/* Failures while locked do not lengthen the lock: a guesser
		 * cannot keep the owner out for ever. */
		if (++row.failures >= ADMIN_LOCKOUT_FAILURES) {
			row.locked_until = now + ADMIN_LOCKOUT_S;
			row.failures = 0;
		}
	}
	rc = store_account_update(st, &row, err) == -1 ? -1 : 0;
	OPENSSL_cleanse(&row, sizeof(row));
	return rc;
}

int
admin_account_current(struct store *st, const char *name, int64_t since,
    enum admin_role *role, struct ucerr *err)
{
	struct account_row row;
	int rc;

	if ((rc = store_account_get(st, name, &row, err)) != 1)
		return rc;
	rc = row.password_at <= since;
	*role = admin_role_parse(row.role) == ADMIN_ROLE_ADMIN ?
	    ADMIN_ROLE_ADMIN : ADMIN_ROLE_READ_ONLY;
	OPENSSL_cleanse(&row, sizeof(row));
	return rc;
}
