/* claims.c - devices with a CAPF session in progress (see claims.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"

struct claim {
	struct claim	*next;
	char		 name[64];
};

static size_t
bucket_of(const struct claim_set *c, const char *name)
{
	size_t h = 5381;

	for (; *name; name++)
		h = h * 33 + (unsigned char)*name;
	return h % c->n_buckets;
}

int
claims_init(struct claim_set *c, size_t n_buckets)
{
	c->n_buckets = n_buckets;
	if ((c->buckets = calloc(n_buckets, sizeof(*c->buckets))) == NULL)
		return -1;
	if ((c->ended = calloc(n_buckets, sizeof(*c->ended))) == NULL) {
		free(c->buckets);
		c->buckets = NULL;
		return -1;
	}
	pthread_mutex_init(&c->lock, NULL);
	return 0;
}

void
claims_free(struct claim_set *c)
{
	struct claim *cl, *next;
	size_t i;

	if (c->buckets == NULL)
		return;
	for (i = 0; i < c->n_buckets; i++)
		for (cl = c->buckets[i]; cl != NULL; cl = next) {
			next = cl->next;
			free(cl);
		}
	free(c->buckets);
	free(c->ended);
	c->buckets = NULL;
	c->ended = NULL;
	pthread_mutex_destroy(&c->lock);
}

unsigned long
claims_mark(struct claim_set *c, const char *name)
{
	size_t b = bucket_of(c, name);
	unsigned long mark;

	pthread_mutex_lock(&c->lock);
	mark = c->ended[b];
	pthread_mutex_unlock(&c->lock);
	return mark;
}

int
claims_take(struct claim_set *c, const char *name, unsigned long mark,
    int *stale)
{
	struct claim *cl;
	size_t b = bucket_of(c, name);
	int rc = 1;

	pthread_mutex_lock(&c->lock);
	*stale = c->ended[b] != mark;
	for (cl = c->buckets[b]; cl != NULL; cl = cl->next)
		if (strcmp(cl->name, name) == 0)
			break;
	if (cl != NULL) {
		rc = 0;
	} else if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		rc = -1;
	} else {
		snprintf(cl->name, sizeof(cl->name), "%s", name);
		cl->next = c->buckets[b];
		c->buckets[b] = cl;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void
claims_drop(struct claim_set *c, const char *name)
{
	struct claim **p, *cl;
	size_t b = bucket_of(c, name);

	pthread_mutex_lock(&c->lock);
	for (p = &c->buckets[b]; (cl = *p) != NULL; p = &cl->next)
		if (strcmp(cl->name, name) == 0) {
			*p = cl->next;
			free(cl);
			c->ended[b]++;
			break;
		}
	pthread_mutex_unlock(&c->lock);
}
