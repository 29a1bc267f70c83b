/*
 * swarm.h - `ucpki phone swarm`: thousands of simulated phones from one
 * event loop, against any CAPF (or TVS) server that speaks the protocol.
 */
#ifndef UCPKI_SWARM_H
#define UCPKI_SWARM_H

#include <stdio.h>

#include "err.h"
#include "x509.h"

struct itl_file;

struct swarm_opts {
	const char	*host;
	int		 port;
	int		 tvs;			/* 1: TVS, 0: CAPF */
	long		 devices;		/* -n */
	int		 concurrency;		/* -c */
	int		 auth_mic;		/* present MICs (else null/string) */
	int		 softphone;		/* Jabber clients: version 2 */
	const char	*auth_string;		/* NULL: none */
	struct key_spec	 key;			/* what the pool holds */
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
	long		 by_outcome[8];		/* enum capf_client_outcome */
	long		 connect_failed;
	long		 server_mismatch;
	struct swarm_reason reasons[SWARM_REASONS];
	int		 n_reasons;
	long		 other_reasons;		/* beyond SWARM_REASONS */
	double		 wall_s;
	double		 cpu_user_s, cpu_sys_s;
	double		 p50_ms, p95_ms, p99_ms, max_ms;
};

int	swarm_run(const struct swarm_opts *o, struct swarm_result *r,
	    struct ucerr *err);
/* SEP (CSF for softphones) + the 12-digit zero-padded hex index
 * (1-based). */
void	swarm_device_name(long index, int softphone, char out[16]);

#endif
