/* lazylib.c - a shared library opened the first time it is needed (see lazylib.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lazylib.h"

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static void
load(struct lazylib *l)
{
	void *h;
	size_t i;

	if ((h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(l->why, sizeof(l->why), "%s: cannot be loaded (%s): "
		    "install %s", l->soname, dlerror(), l->package);
		return;
	}
	for (i = 0; i < l->n; i++) {
		if ((l->slots[i] = dlsym(h, l->names[i])) == NULL) {
			snprintf(l->why, sizeof(l->why), "%s: has no %s: "
			    "install %s's current version", l->soname,
			    l->names[i], l->package);
			dlclose(h);
			return;
		}
	}
	/* Never closed: its functions stay in use until the process ends. */
	l->loaded = 1;
}

int
lazylib_load(struct lazylib *l, struct ucerr *err)
{
	int loaded;

	pthread_mutex_lock(&load_lock);
	if (!l->tried) {
		l->tried = 1;
		load(l);
	}
	loaded = l->loaded;
	pthread_mutex_unlock(&load_lock);
	if (!loaded)
		return ucerr_set(err, "%s", l->why);
	return 0;
}
