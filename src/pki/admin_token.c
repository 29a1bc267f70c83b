/* admin_token.c - the administration API's tokens (see admin_token.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "admin_token.h"
#include "clock.h"
#include "x509.h"

static const char *const role_names[] = { "admin", "read-only" };

const char *
admin_role_name(enum admin_role role)
{
	return role == ADMIN_ROLE_READ_ONLY ? role_names[1] : role_names[0];
}

int
admin_role_parse(const char *s)
{
	if (strcmp(s, role_names[0]) == 0)
		return ADMIN_ROLE_ADMIN;
	if (strcmp(s, role_names[1]) == 0)
		return ADMIN_ROLE_READ_ONLY;
	return -1;
}

int
admin_token_name_valid(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

int
admin_token_add(struct store *st, const char *name, enum admin_role role,
    char out[ADMIN_TOKEN_LEN + 1], struct ucerr *err)
{
	static const char hex[] = "0123456789abcdef";
	struct token_row row;
	unsigned char rnd[32];
	size_t i;
	int rc;

	if (!admin_token_name_valid(name))
		return ucerr_set(err, "%s: not a token name (1 to 63 letters, "
		    "digits, '-', '_' or '.')", name);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return ucerr_ssl(err, "token %s: no random bytes", name);
	memcpy(out, ADMIN_TOKEN_PREFIX, 6);
	for (i = 0; i < sizeof(rnd); i++) {
		out[6 + 2 * i] = hex[rnd[i] >> 4];
		out[6 + 2 * i + 1] = hex[rnd[i] & 15];
	}
	out[ADMIN_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(rnd, sizeof(rnd));
	memset(&row, 0, sizeof(row));
	snprintf(row.name, sizeof(row.name), "%s", name);
	snprintf(row.role, sizeof(row.role), "%s", admin_role_name(role));
	sha256_hex(out, ADMIN_TOKEN_LEN, row.sha256);
	row.created_at = (int64_t)clock_now();
	if ((rc = store_token_add(st, &row, err)) == -1)
		OPENSSL_cleanse(out, ADMIN_TOKEN_LEN + 1);
	return rc;
}

int
admin_token_remove(struct store *st, const char *name, struct ucerr *err)
{
	int found;

	if ((found = store_token_remove(st, name, err)) == -1)
		return -1;
	return found ? 0 : ucerr_set(err, "token %s: no such token", name);
}

int
admin_token_each(struct store *st, token_cb cb, void *ctx, struct ucerr *err)
{
	return store_token_each(st, cb, ctx, err);
}

void
admin_token_json(struct json *j, const struct token_row *row)
{
	json_object_begin(j, NULL);
	json_string(j, "name", row->name);
	json_string(j, "role", row->role);
	json_time(j, "created", (time_t)row->created_at);
	json_object_end(j);
}

struct check_ctx {
	char		 sha256[65];
	int		 found;
	struct token_row match;
};

/* Every row is compared, matched or not: the time taken does not say
 * which row (or how much of a hash) matched. */
static int
compare_one(void *arg, const struct token_row *row)
{
	struct check_ctx *c = arg;
	int same;

	same = strlen(row->sha256) == 64 &&
	    CRYPTO_memcmp(row->sha256, c->sha256, 64) == 0;
	if (same && !c->found) {
		c->found = 1;
		c->match = *row;
	}
	return 0;
}

int
admin_token_check(struct store *st, const char *presented, char name[64],
    enum admin_role *role, struct ucerr *err)
{
	struct check_ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	/* A malformed token is hashed all the same and matches nothing. */
	sha256_hex(presented, strlen(presented), c.sha256);
	if (store_token_each(st, compare_one, &c, err) == -1)
		return -1;
	rc = c.found && strlen(presented) == ADMIN_TOKEN_LEN &&
	    strncmp(presented, ADMIN_TOKEN_PREFIX, 6) == 0;
	if (rc) {
		snprintf(name, 64, "%s", c.match.name);
		/* A role this version does not know may only look. */
		*role = admin_role_parse(c.match.role) == ADMIN_ROLE_ADMIN ?
		    ADMIN_ROLE_ADMIN : ADMIN_ROLE_READ_ONLY;
	}
	OPENSSL_cleanse(&c, sizeof(c));
	return rc;
}
