/*
 * jobs.h - work handed off the event loops: a worker pool for private-key
 * operations (LSC signing), and the single database writer that commits
 * in groups.  When a job with a completion event finishes, the event is
 * made active in its loop, so the session continues on its own thread.
 */
#ifndef UCPKI_JOBS_H
#define UCPKI_JOBS_H

#include <pthread.h>

#include "err.h"

struct event;
struct store;

struct job {
	struct job	*next;
	/* Worker pool: runs on a worker thread. */
	void		(*work)(struct job *job);
	/* Writer: runs inside the writer's transaction; -1 rolls it back. */
	int		(*apply)(struct job *job, struct store *st,
			    struct ucerr *err);
	struct event	*done;		/* activated when finished; may be NULL */
	int		 rc;		/* apply's result */
	struct ucerr	 err;
	void		 (*free_fn)(struct job *job);	/* fire-and-forget jobs */
	/* apply begins and commits itself (a core function that does, and
	 * writes files after its commit): the writer runs it alone, between
	 * batches, outside any transaction of its own. */
	int		 own_transaction;
};

struct jobq {
	pthread_mutex_t	 lock;
	pthread_cond_t	 ready;
	struct job	*head, *tail;
	int		 stopping;
	size_t		 length;
};

struct workers {
	struct jobq	 q;
	pthread_t	*threads;
	int		 n;
	struct jobq	*writer_q;	/* where finished work goes next */
};

struct writer_thread {
	struct jobq	 q;
	pthread_t	 thread;
	struct store	*st;
	unsigned long	 batches, jobs;	/* for the logs and benchmarks */
};

void	jobq_init(struct jobq *q);
void	jobq_push(struct jobq *q, struct job *job);

/* n worker threads; finished jobs with an apply go to writer_q. */
int	workers_start(struct workers *w, int n, struct jobq *writer_q,
	    struct ucerr *err);
void	workers_stop(struct workers *w);
int	writer_start(struct writer_thread *w, const char *home,
	    struct ucerr *err);
void	writer_stop(struct writer_thread *w);

#endif
