/* pq_api.c - libpq, opened when first needed (see pq_api.h). */
#define PQ_API_IMPL
#include "lazylib.h"
#include "pq_api.h"

struct pq_api pq_api;

#define PQ_API_NAME(f) #f,
static const char *const names[] = { PQ_API_FUNCTIONS(PQ_API_NAME) };
#undef PQ_API_NAME

/* The table is filled as an array of pointers, one per name. */
_Static_assert(sizeof(struct pq_api) == sizeof(names) / sizeof(names[0]) *
    sizeof(void *), "one slot per name");

static struct lazylib libpq = LAZYLIB_INIT("libpq.so.5", "libpq5", names,
    &pq_api);

int
pq_api_load(struct ucerr *err)
{
	return lazylib_load(&libpq, err);
}
