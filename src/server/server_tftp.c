/*
 * server_tftp.c - the TFTP service inside `ucpki serve`: started with the
 * server's ports and settings, its fetch records written by the single
 * writer (one savepoint each, committed in groups like every other write).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "services.h"
#include "store_fetch.h"

/* Fetch records waiting for the writer; past this, new ones are dropped
 * (and said) rather than letting a flood of fetches grow memory. */
#define FETCH_QUEUE_MAX		8192

struct fetch_job {
	struct job		 job;	/* first: the writer sees a struct job */
	struct server		*server;
	struct fetch_event	 e;
};

static int
fetch_apply(struct job *job, struct store *st, struct ucerr *err)
{
	struct fetch_job *f = (struct fetch_job *)job;

	return store_fetch_record(st, &f->e, err);
}

static void
fetch_free(struct job *job)
{
	struct fetch_job *f = (struct fetch_job *)job;

	if (job->rc != 0)
		log_warn("tftp: fetch of %s by %s not recorded: %s", f->e.file,
		    f->e.peer, job->err.msg);
	atomic_fetch_sub(&f->server->fetch_queue, 1);
	free(f);
}

static void
record_fetch(void *arg, const struct fetch_event *e)
{
	struct server *s = arg;
	struct fetch_job *f;

	if (atomic_fetch_add(&s->fetch_queue, 1) >= FETCH_QUEUE_MAX ||
	    (f = calloc(1, sizeof(*f))) == NULL) {
		atomic_fetch_sub(&s->fetch_queue, 1);
		log_warn("tftp: fetch of %s by %s not recorded: %d records "
		    "waiting (limit)", e->file, e->peer, FETCH_QUEUE_MAX);
		return;
	}
	f->server = s;
	f->e = *e;
	f->job.apply = fetch_apply;
	f->job.free_fn = fetch_free;
	jobq_push(&s->writer.q, &f->job);
}

/* Binds port 69 and 6970 (the row's bind: before privileges go). */
static int
tftp_bind(struct server *s, struct ucerr *err)
{
	struct tftpd_config c = s->cfg.tftp;

	c.listen_addr = s->cfg.listen_addr;
	c.tls_ctx = server_tls_ctx;
	/* The configurations name this node's CAPF and TVS. */
	c.config_dir = s->cfg.config_dir[0] != '\0' ? s->cfg.config_dir : NULL;
	c.capf_port = s->cfg.capf_port;
	c.tvs_port = server_service_on(s, "TVS") ? s->cfg.tvs_port : 0;
	if ((s->tftpd = tftpd_start(&c, s->cfg.home, record_fetch, s,
	    err)) == NULL)
		return -1;
	return 0;
}

/* The 'listening' lines, after privileges drop: a refused start prints
 * only its one line. */
static int
tftp_start(struct server *s, struct ucerr *err)
{
	(void)err;
	tftpd_log_listening(s->tftpd);
	return 0;
}

/* SIGHUP: HTTPS takes CallManager-ECDSA afresh. */
static void
tftp_reload(struct server *s)
{
	tftpd_reload(s->tftpd);
}

static void
tftp_stop(struct server *s)
{
	tftpd_stop(s->tftpd);
	s->tftpd = NULL;
}

static int
tftp_port(const struct server_config *cfg)
{
	/* On when any of its transports is. */
	return cfg->tftp.http_port > 0 ? cfg->tftp.http_port :
	    cfg->tftp.https_port > 0 ? cfg->tftp.https_port :
	    cfg->tftp.tftp_port;
}

const struct service_def tftp_service = {
	.name = "TFTP",
	.port = tftp_port,
	.bind = tftp_bind,
	.start = tftp_start,
	.reload = tftp_reload,
	.stop = tftp_stop,
};
