/*
 * server_admin.c - the administration service inside `ucpki serve`
 * (src/admin): HTTPS on its own thread, never on the CAPF/TVS loops.
 * Its writes go through the single writer like every other write, and
 * the request waits for the commit (on the administration thread only).
 */
#include <pthread.h>
#include <stdlib.h>

#include "admin.h"
#include "server.h"
#include "services.h"

struct admin_job {
	struct job		 job;	/* first: the writer sees a struct job */
	admin_apply_fn		 apply;
	void			*arg;
	pthread_mutex_t		 lock;
	pthread_cond_t		 committed;
	int			 finished;
};

static int
job_apply(struct job *job, struct store *st, struct ucerr *err)
{
	struct admin_job *j = (struct admin_job *)job;

	return j->apply(st, j->arg, err);
}

/* The writer's last word on the job: after COMMIT (or its failure). */
static void
job_finished(struct job *job)
{
	struct admin_job *j = (struct admin_job *)job;

	pthread_mutex_lock(&j->lock);
	j->finished = 1;
	pthread_cond_signal(&j->committed);
	pthread_mutex_unlock(&j->lock);
}

static int
admin_push(struct server *s, admin_apply_fn apply, void *arg, int alone,
    struct ucerr *err)
{
	struct admin_job j = { 0 };

	j.apply = apply;
	j.arg = arg;
	j.job.own_transaction = alone;
	j.job.apply = job_apply;
	j.job.free_fn = job_finished;
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.committed, NULL);
	jobq_push(&s->writer.q, &j.job);
	pthread_mutex_lock(&j.lock);
	while (!j.finished)
		pthread_cond_wait(&j.committed, &j.lock);
	pthread_mutex_unlock(&j.lock);
	pthread_mutex_destroy(&j.lock);
	pthread_cond_destroy(&j.committed);
	if (j.job.rc != 0)
		*err = j.job.err;
	return j.job.rc;
}

static int
admin_write(void *ctx, admin_apply_fn apply, void *arg, struct ucerr *err)
{
	return admin_push(ctx, apply, arg, 0, err);
}

static int
admin_write_alone(void *ctx, admin_apply_fn apply, void *arg,
    struct ucerr *err)
{
	return admin_push(ctx, apply, arg, 1, err);
}

/* Binds before privileges go (--admin-port 443 is allowed). */
static int
admin_bind(struct server *s, struct ucerr *err)
{
	struct admin_config c = {
		.home = s->cfg.home,
		.listen_addr = s->cfg.admin_listen,
		.port = s->cfg.admin_port,
		.write = admin_write,
		.write_alone = admin_write_alone,
		.write_ctx = s,
	};

	return (s->admin = admin_open(&c, err)) == NULL ? -1 : 0;
}

static int
admin_begin(struct server *s, struct ucerr *err)
{
	return admin_start(s->admin, err);
}

static void
admin_end(struct server *s)
{
	admin_stop(s->admin);
	s->admin = NULL;
}

static int
admin_port(const struct server_config *cfg)
{
	return cfg->admin_port;
}

const struct service_def admin_service = {
	.name = "admin",
	.port = admin_port,
	.bind = admin_bind,
	.start = admin_begin,
	.stop = admin_end,
};
