/* jobs.c - worker pool and group-committing writer (see jobs.h). */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "jobs.h"
#include "log.h"
#include "store.h"

/* At most this many writes share one transaction (and one fsync). */
#define WRITER_BATCH_MAX	512

void
jobq_init(struct jobq *q)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->ready, NULL);
}

void
jobq_push(struct jobq *q, struct job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	q->length++;
	pthread_cond_signal(&q->ready);
	pthread_mutex_unlock(&q->lock);
}

/* Waits for jobs; takes up to max of them.  NULL once stopping and empty. */
static struct job *
jobq_take(struct jobq *q, size_t max)
{
	struct job *first, *last;
	size_t n = 1;

	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->stopping)
		pthread_cond_wait(&q->ready, &q->lock);
	first = q->head;
	if (first != NULL) {
		for (last = first; last->next != NULL && n < max; n++)
			last = last->next;
		q->head = last->next;
		if (q->head == NULL)
			q->tail = NULL;
		last->next = NULL;
		q->length -= n;
	}
	pthread_mutex_unlock(&q->lock);
	return first;
}

static void
jobq_stop(struct jobq *q)
{
	pthread_mutex_lock(&q->lock);
	q->stopping = 1;
	pthread_cond_broadcast(&q->ready);
	pthread_mutex_unlock(&q->lock);
}

static void
job_finish(struct job *job)
{
	if (job->done != NULL)
		event_active(job->done, EV_READ, 0);
	else if (job->free_fn != NULL)
		job->free_fn(job);
}

static void *
worker_main(void *arg)
{
	struct workers *w = arg;
	struct job *job;

	while ((job = jobq_take(&w->q, 1)) != NULL) {
		job->work(job);
		if (job->apply != NULL && job->rc == 0)
			jobq_push(w->writer_q, job);
		else
			job_finish(job);
	}
	return NULL;
}

int
workers_start(struct workers *w, int n, struct jobq *writer_q,
    struct ucerr *err)
{
	int i;

	jobq_init(&w->q);
	w->writer_q = writer_q;
	w->n = 0;
	if ((w->threads = calloc((size_t)n, sizeof(pthread_t))) == NULL)
		return ucerr_set(err, "workers: out of memory");
	for (i = 0; i < n; i++) {
		if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0)
			return ucerr_set(err, "workers: cannot start a thread");
		w->n++;
	}
	return 0;
}

void
workers_stop(struct workers *w)
{
	int i;

	jobq_stop(&w->q);
	for (i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	free(w->threads);
	w->threads = NULL;
}

/*
 * Each job gets a savepoint so that one failing write does not undo the
 * others in its batch; the batch commits once, then every waiting
 * session is told: a reply that depends on a write leaves after COMMIT.
 */
static void
writer_batch(struct writer_thread *w, struct job *jobs, struct job *end)
{
	struct ucerr err;
	struct job *job, *next;
	int began;

	began = store_begin(w->st, &err) == 0;
	if (!began)
		log_error("writer: %s", err.msg);
	for (job = jobs; job != end; job = job->next) {
		if (!began) {
			job->rc = ucerr_set(&job->err, "store unavailable");
			continue;
		}
		store_savepoint(w->st, "job", NULL);
		job->rc = job->apply(job, w->st, &job->err);
		if (job->rc == 0)
			store_release(w->st, "job", NULL);
		else
			store_rollback_to(w->st, "job", NULL);
		w->jobs++;
	}
	if (began && store_commit(w->st, &err) == -1) {
		log_error("writer: commit failed: %s", err.msg);
		store_rollback(w->st);
		for (job = jobs; job != end; job = job->next)
			job->rc = ucerr_set(&job->err, "commit failed");
	}
	w->batches++;
	for (job = jobs; job != end; job = next) {
		next = job->next;
		job_finish(job);
	}
}

/* The jobs taken, in order: runs of ordinary jobs in one transaction
 * each, a job with its own transaction alone. */
static void
writer_take(struct writer_thread *w, struct job *jobs)
{
	struct job *end, *next;

	while (jobs != NULL) {
		if (jobs->own_transaction) {
			next = jobs->next;
			jobs->rc = jobs->apply(jobs, w->st, &jobs->err);
			w->jobs++;
			job_finish(jobs);
			jobs = next;
			continue;
		}
		for (end = jobs; end != NULL && !end->own_transaction; )
			end = end->next;
		writer_batch(w, jobs, end);
		jobs = end;
	}
}

static void *
writer_main(void *arg)
{
	struct writer_thread *w = arg;
	struct job *jobs;

	while ((jobs = jobq_take(&w->q, WRITER_BATCH_MAX)) != NULL)
		writer_take(w, jobs);
	return NULL;
}

int
writer_start(struct writer_thread *w, const char *home, struct ucerr *err)
{
	jobq_init(&w->q);
	w->batches = w->jobs = 0;
	if ((w->st = store_open(home, 0, err)) == NULL)
		return -1;
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		store_close(w->st);
		return ucerr_set(err, "writer: cannot start a thread");
	}
	return 0;
}

void
writer_stop(struct writer_thread *w)
{
	jobq_stop(&w->q);
	pthread_join(w->thread, NULL);
	store_close(w->st);
	w->st = NULL;
}
