/*
 * server_memory.c - gives the heap's free pages back to the system every
 * few seconds while connections come and go.
 *
 * A TLS handshake allocates its buffers (the 16 KB handshake buffer, the
 * record buffers) and frees them when it ends; meanwhile the next
 * phone's small allocations (its session, its SSL object) land between
 * them, so glibc can return only the top of the heap and the freed
 * pages stay resident.  Measured with 1,000 phones waiting in key
 * generation: 44.8 MB of heap for 16.9 MB in use, 40 KB of RSS per
 * phone; after malloc_trim(0), 22 KB, and 10 KB for 2,000 phones
 * (bench/slow_phones.sh: kb_per_phone_waiting).  The peak of a storm of
 * handshakes is not trimmed: that memory is in use by the handshakes.
 * malloc_trim walks the free chunks of every arena and madvises away
 * their whole pages: about a millisecond on such a heap, so it runs
 * only when the connections changed since the last trim.
 */
#include <malloc.h>

#include "server.h"

/* Seconds between trims: each trim madvises pages away that a busy
 * server faults back in (0.9 madvise per enrollment at one a second in
 * bench/profile.sh), and a phone waits in key generation for longer. */
#define TRIM_EVERY_S	5

void
server_memory_tick(struct server *s)
{
	int connections = atomic_load(&s->connections);
	unsigned long done = atomic_load(&s->sessions_done);

	if (++s->trim_ticks < TRIM_EVERY_S)
		return;
	s->trim_ticks = 0;
	if (connections == s->trimmed_connections && done == s->trimmed_done)
		return;
	s->trimmed_connections = connections;
	s->trimmed_done = done;
	malloc_trim(0);
}
