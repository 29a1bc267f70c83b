/*
 * swarm_provision.c - what a swarm needs before it starts: its options
 * checked together, and its devices in the store (see swarm.h).
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "device.h"
#include "device_new.h"
#include "device_rules.h"
#include "store.h"
#include "swarm.h"

/* A swarm's devices have a day to enroll: a large swarm takes hours. */
#define SWARM_DEADLINE_S	86400

int
swarm_opts_auth(struct swarm_opts *o, const char *auth, const char *key,
    struct ucerr *err)
{
	auth = auth ? auth : "null";
	key = key ? key : "rsa2048";
	if (strcmp(auth, "null") != 0 && strcmp(auth, "string") != 0 &&
	    strcmp(auth, "mic") != 0)
		return ucerr_set(err, "--auth must be null, string or mic");
	if (strcmp(key, "rsa2048") != 0 && strcmp(key, "ec256") != 0)
		return ucerr_set(err, "--key must be rsa2048 or ec256");
	if (key_spec_parse(key, &o->key, err) == -1)
		return -1;
	snprintf(o->key_type, sizeof(o->key_type), "%s", key);
	o->auth_mode = capf_auth_mode_parse(auth);
	o->auth_mic = o->auth_mode == CAPF_AUTH_MIC;
	o->auth_string = o->auth_mode == CAPF_AUTH_STRING ?
	    SWARM_AUTH_STRING : NULL;
	if (o->softphone && (o->auth_mic || o->tvs))
		return ucerr_set(err, "--softphone: CAPF only, with --auth "
		    "null or string (a softphone has no MIC)");
	return 0;
}

/* Device i as the swarm's phone i expects it. */
static int
provision_one(struct store *st, const struct swarm_opts *o, long i,
    struct ucerr *err)
{
	struct device d;
	char name[16];

	swarm_device_name(i, o->softphone, name);
	device_new(&d, name, o->softphone ? "CSF" : "8845");
	d.auth_mode = o->auth_mode;
	snprintf(d.auth_string, sizeof(d.auth_string), "%s",
	    o->auth_string ? o->auth_string : "");
	snprintf(d.key_type, sizeof(d.key_type), "%s", o->key_type);
	if (device_schedule(&d, CERT_OP_INSTALL, clock_now() +
	    SWARM_DEADLINE_S, err) == -1)
		return -1;
	return device_upsert(st, &d, err) == -1 ? -1 : 0;
}

int
swarm_provision(struct store *st, const struct swarm_opts *o,
    struct ucerr *err)
{
	long i;

	if (o->tvs)
		return ucerr_set(err, "--provision is for --capf");
	if (store_begin(st, err) == -1)
		return -1;
	for (i = 1; i <= o->devices; i++) {
		if (provision_one(st, o, i, err) == -1)
			goto fail;
		if (i % 10000 == 0 && o->progress != NULL)
			fprintf(o->progress, "swarm: provisioned %ld/%ld\n", i,
			    o->devices);
	}
	if (store_commit(st, err) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}
