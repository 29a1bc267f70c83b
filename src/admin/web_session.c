/*
 * web_session.c - the pages' sessions, in the administration thread's
 * memory only (a restart logs everyone out).  A session id is 256 bits
 * from the OS, given to the browser once in its cookie; the table keeps
 * only its SHA-256, so a memory dump holds no cookie.  Each session has
 * its own CSRF token for its forms.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "buf.h"
#include "web_int.h"

struct web_sessions {
	struct web_session	 s[WEB_SESSIONS];
};

struct web_sessions *
web_sessions_new(void)
{
	return calloc(1, sizeof(struct web_sessions));
}

void
web_sessions_free(struct web_sessions *ss)
{
	if (ss == NULL)
		return;
	OPENSSL_cleanse(ss, sizeof(*ss));
	free(ss);
}

static int
random_hex(char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[32];
	size_t i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	for (i = 0; i < sizeof(rnd); i++) {
		out[2 * i] = hex[rnd[i] >> 4];
		out[2 * i + 1] = hex[rnd[i] & 15];
	}
	out[64] = '\0';
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return 0;
}

static void
hash_id(const char *id, unsigned char out[32])
{
	unsigned int len = 32;

	if (EVP_Digest(id, strlen(id), out, &len, EVP_sha256(), NULL) != 1)
		memset(out, 0, 32);
}

static int
live(const struct web_session *s, int64_t now)
{
	return s->used && now - s->last_seen < WEB_SESSION_IDLE_S &&
	    now - s->created < WEB_SESSION_MAX_S;
}

struct web_session *
web_session_start(struct web_sessions *ss, const char *account,
    enum admin_role role, int64_t now, char out[65])
{
	struct web_session *s = NULL;
	int i;

	/* A free or expired slot, else the one idle longest. */
	for (i = 0; i < WEB_SESSIONS; i++) {
		if (!live(&ss->s[i], now)) {
			s = &ss->s[i];
			break;
		}
		if (s == NULL || ss->s[i].last_seen < s->last_seen)
			s = &ss->s[i];
	}
	memset(s, 0, sizeof(*s));
	if (random_hex(out) == -1 || random_hex(s->csrf) == -1) {
		OPENSSL_cleanse(out, 65);
		return NULL;
	}
	hash_id(out, s->id_sha256);
	snprintf(s->account, sizeof(s->account), "%s", account);
	s->role = role;
	s->created = s->last_seen = now;
	s->used = 1;
	return s;
}

struct web_session *
web_session_find(struct web_sessions *ss, const char *cookie, int64_t now)
{
	struct web_session *found = NULL;
	unsigned char h[32];
	int i;

	if (cookie == NULL || strlen(cookie) != 64)
		return NULL;
	hash_id(cookie, h);
	/* Every slot compared: the time taken says nothing of which. */
	for (i = 0; i < WEB_SESSIONS; i++)
		if (ss->s[i].used &&
		    CRYPTO_memcmp(ss->s[i].id_sha256, h, 32) == 0)
			found = &ss->s[i];
	if (found == NULL)
		return NULL;
	if (!live(found, now)) {
		web_session_end(found);
		return NULL;
	}
	found->last_seen = now;
	return found;
}

void
web_session_end(struct web_session *s)
{
	OPENSSL_cleanse(s, sizeof(*s));
}

int
web_csrf_ok(const struct web_session *s, const char *token)
{
	return token != NULL && strlen(token) == 64 &&
	    CRYPTO_memcmp(s->csrf, token, 64) == 0;
}

/* "a=1; b=2": cookie pairs split by ';', spaces around them skipped. */
int
web_cookie_value(const char *header, const char *name, char *out,
    size_t outlen)
{
	struct reader rd, look;
	size_t nlen = strlen(name), n;
	const uint8_t *pair;
	uint8_t c;

	if (header == NULL)
		return 0;
	reader_init(&rd, header, strlen(header));
	while (reader_left(&rd) > 0) {
		while (reader_peek_u8(&rd, &c) == 0 && (c == ' ' || c == ';'))
			reader_skip(&rd, 1);
		/* One pair: up to the next ';' or the end. */
		look = rd;
		for (n = 0; reader_u8(&look, &c) == 0 && c != ';'; n++)
			;
		if (n == 0 || reader_bytes(&rd, n, &pair) == -1)
			break;
		if (n <= nlen || memcmp(pair, name, nlen) != 0 ||
		    pair[nlen] != '=')
			continue;
		n -= nlen + 1;
		while (n > 0 && pair[nlen + n] == ' ')
			n--;
		if (n >= outlen)
			return 0;
		memcpy(out, pair + nlen + 1, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}
