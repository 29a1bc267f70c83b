/*
 * claims.h - one operation per device at a time.  A CAPF session claims
 * its device before it reads it from the store and holds the claim until
 * the session is freed; a second session for the same device, on any
 * loop, is told to retry later.  So two phones (or one phone twice)
 * cannot both be issued an LSC for one scheduled install.
 *
 * A session reads its device before it may claim it (only authenticated
 * sessions claim, and authenticating needs the device), so what it read
 * may be older than the last session that held the claim.  Each bucket
 * counts the claims dropped in it: a session takes a mark before its
 * read, and claims_take says whether a session for a device of that
 * bucket has ended since, the only case in which the device must be read
 * again (a drop comes after that session's reply-bearing writes were
 * committed).  With 4096 buckets that is rare even under a storm, so a
 * session reads its device once.
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
	unsigned long	 *ended;	/* claims dropped, per bucket */
};

int	claims_init(struct claim_set *c, size_t n_buckets);
void	claims_free(struct claim_set *c);
/* Taken before the device is read: what claims_take compares. */
unsigned long claims_mark(struct claim_set *c, const char *name);
/* 1: claimed; 0: another session holds it; -1: out of memory.  *stale:
 * a claim on a device of name's bucket was dropped since mark. */
int	claims_take(struct claim_set *c, const char *name, unsigned long mark,
	    int *stale);
void	claims_drop(struct claim_set *c, const char *name);

#endif
