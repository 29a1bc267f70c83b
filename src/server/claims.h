/*
 * claims.h - one operation per device at a time.  A CAPF session claims
 * its device before it reads it from the store and holds the claim until
 * the session is freed; a second session for the same device, on any
 * loop, is told to retry later.  So two phones (or one phone twice)
 * cannot both be issued an LSC for one scheduled install.
 */
#ifndef UCPKI_CLAIMS_H
#define UCPKI_CLAIMS_H

#include <pthread.h>
#include <stddef.h>

struct claim;

struct claim_set {
	pthread_mutex_t	  lock;
	struct claim	**buckets;
	size_t		  n_buckets;
};

int	claims_init(struct claim_set *c, size_t n_buckets);
void	claims_free(struct claim_set *c);
/* 1: claimed; 0: another session holds it; -1: out of memory. */
int	claims_take(struct claim_set *c, const char *name);
void	claims_drop(struct claim_set *c, const char *name);

#endif
