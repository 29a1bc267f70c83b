/* addr_table.c - per-address connection counts (see addr_table.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "addr_table.h"

#define MIN_BUCKETS	64

struct addr_entry {
	struct addr_entry	*next;
	int			 count;
	char			 addr[48];
};

static size_t
bucket_of(const struct addr_table *t, const char *addr, size_t n_buckets)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ t->seed;
	const char *p;

	/* FNV-1a, seeded; n_buckets is a power of two. */
	for (p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	h ^= h >> 29;
	return (size_t)(h & (n_buckets - 1));
}

int
addr_table_init(struct addr_table *t)
{
	memset(t, 0, sizeof(*t));
	if (RAND_bytes((unsigned char *)&t->seed, sizeof(t->seed)) != 1)
		t->seed = (uint64_t)(uintptr_t)t;
	t->n_buckets = MIN_BUCKETS;
	t->buckets = calloc(t->n_buckets, sizeof(*t->buckets));
	return t->buckets != NULL ? 0 : -1;
}

void
addr_table_free(struct addr_table *t)
{
	struct addr_entry *e, *next;
	size_t i;

	for (i = 0; t->buckets != NULL && i < t->n_buckets; i++)
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* Re-hashes into n buckets; on failure the table stays as it was. */
static void
resize(struct addr_table *t, size_t n)
{
	struct addr_entry **b = calloc(n, sizeof(*b)), *e, *next;
	size_t i, k;

	if (b == NULL)
		return;
	for (i = 0; i < t->n_buckets; i++)
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			k = bucket_of(t, e->addr, n);
			e->next = b[k];
			b[k] = e;
		}
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = n;
}

static struct addr_entry **
find(const struct addr_table *t, const char *addr)
{
	struct addr_entry **pp = &t->buckets[bucket_of(t, addr, t->n_buckets)];

	while (*pp != NULL && strcmp((*pp)->addr, addr) != 0)
		pp = &(*pp)->next;
	return pp;
}

int
addr_table_add(struct addr_table *t, const char *addr, int max)
{
	struct addr_entry **pp = find(t, addr), *e = *pp;

	if (e != NULL) {
		if (e->count >= max)
			return 0;
		e->count++;
		return 1;
	}
	if (max < 1)
		return 0;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	snprintf(e->addr, sizeof(e->addr), "%s", addr);
	e->count = 1;
	*pp = e;
	if (++t->n > t->n_buckets)
		resize(t, t->n_buckets * 2);
	return 1;
}

void
addr_table_remove(struct addr_table *t, const char *addr)
{
	struct addr_entry **pp = find(t, addr), *e = *pp;

	if (e == NULL || --e->count > 0)
		return;
	*pp = e->next;
	free(e);
	t->n--;
	if (t->n_buckets > MIN_BUCKETS && t->n < t->n_buckets / 4)
		resize(t, t->n_buckets / 2);
}

int
addr_table_count(const struct addr_table *t, const char *addr)
{
	struct addr_entry *e = *find(t, addr);

	return e != NULL ? e->count : 0;
}
