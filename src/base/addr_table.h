/*
 * addr_table.h - connections open now per source address, for the
 * per-address limit.  An entry exists only while its address has a
 * connection open, and the table shrinks as they close, so its memory is
 * bounded by the connections open now, not by every address ever seen.
 * Not locked: the server holds its lock around every call.
 */
#ifndef UCPKI_ADDR_TABLE_H
#define UCPKI_ADDR_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct addr_entry;

struct addr_table {
	struct addr_entry	**buckets;
	size_t			 n_buckets;
	size_t			 n;		/* addresses with a connection */
	uint64_t		 seed;		/* keeps chains short whatever
						 * addresses a peer picks */
};

int	addr_table_init(struct addr_table *t);
void	addr_table_free(struct addr_table *t);
/* One more connection from addr: 1 admitted, 0 addr already has max,
 * -1 out of memory. */
int	addr_table_add(struct addr_table *t, const char *addr, int max);
/* One connection from addr closed; the entry goes with its last. */
void	addr_table_remove(struct addr_table *t, const char *addr);
/* Connections open now from addr. */
int	addr_table_count(const struct addr_table *t, const char *addr);

#endif
