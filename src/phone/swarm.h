/*
 * swarm.h - `ucpki phone swarm`: thousands of simulated phones from one
 * event loop, against any CAPF (or TVS) server that speaks the protocol.
 */
#ifndef UCPKI_SWARM_H
#define UCPKI_SWARM_H

#include <stdio.h>

#include "capf_client.h"
#include "err.h"
#include "x509.h"

struct itl_file;
struct store;

/* The authentication string every swarm phone keys in (--auth string). */
#define SWARM_AUTH_STRING	"24681357"

struct swarm_opts {
	const char	*host;
	int		 port;
	int		 tvs;			/* 1: TVS, 0: CAPF */
	long		 devices;		/* -n */
	int		 concurrency;		/* -c */
	int		 auth_mic;		/* present MICs (else null/string) */
	int		 softphone;		/* Jabber clients: version 2 */
	const char	*auth_string;		/* NULL: none */
	int		 auth_mode;		/* enum capf_auth_mode */
	struct key_spec	 key;			/* what the pool holds */
	char		 key_type[16];		/* its name: rsa2048, ec256 */
	int		 key_delay_ms;		/* a slow phone's key generation */
	int		 requests_per_session;	/* TVS */
	const struct itl_file *itl;		/* authenticate the server */
	const char	*home;			/* for the stand-in MIC CA */
	X509		*tvs_cert;		/* what TVS is asked about */
	int		 timeout_s;
	FILE		*progress;		/* NULL: quiet */
	FILE		*record;		/* serials of LSCs stored, or NULL */
};

#define SWARM_REASONS	16	/* distinct failure reasons kept */

/* Why phones failed, in the words of the first phone that failed so. */
struct swarm_reason {
	char		 what[128];
	long		 count;
};

struct swarm_result {
	long		 completed;
	long		 failed;
	long		 by_outcome[OUTCOME_COUNT];	/* enum capf_client_outcome */
	long		 connect_failed;
	long		 server_mismatch;
	struct swarm_reason reasons[SWARM_REASONS];
	int		 n_reasons;
	long		 other_reasons;		/* beyond SWARM_REASONS */
	double		 wall_s;
	double		 cpu_user_s, cpu_sys_s;
	double		 p50_ms, p95_ms, p99_ms, max_ms;
};

/*
 * --auth (null, string, mic; NULL: null) and --key (rsa2048, ec256;
 * NULL: rsa2048) into o, refusing what cannot go together: softphones
 * have no MIC and speak CAPF only.  Call once o->tvs and o->softphone
 * are set.
 */
int	swarm_opts_auth(struct swarm_opts *o, const char *auth,
	    const char *key, struct ucerr *err);
/*
 * Registers the swarm's devices in st for an install (device_schedule's
 * rule, a day to complete it) by o's auth mode and key type, all in one
 * transaction; devices already there are updated and keep their
 * security profile.  A line to o->progress every 10,000.  CAPF only.
 */
int	swarm_provision(struct store *st, const struct swarm_opts *o,
	    struct ucerr *err);
int	swarm_run(const struct swarm_opts *o, struct swarm_result *r,
	    struct ucerr *err);
/* SEP (CSF for softphones) + the 12-digit zero-padded hex index
 * (1-based). */
void	swarm_device_name(long index, int softphone, char out[16]);

#endif
