/*
 * pq_api.h - libpq, opened when the first PostgreSQL connection is made
 * (see lazylib.h for why).  db_pg.c includes this instead of
 * <libpq-fe.h> and calls libpq by its own names, which this header
 * turns into the loaded table's entries.  A function db_pg.c starts to
 * use goes into PQ_API_FUNCTIONS (the link fails until it does: the
 * program is not linked with libpq).
 */
#ifndef UCPKI_PQ_API_H
#define UCPKI_PQ_API_H

#include <libpq-fe.h>

#include "err.h"

#define PQ_API_FUNCTIONS(X) \
	X(PQclear) X(PQcmdTuples) X(PQconnectdb) X(PQconninfoFree) \
	X(PQconninfoParse) X(PQconsumeInput) X(PQdb) X(PQerrorMessage) \
	X(PQexec) X(PQexecParams) X(PQexecPrepared) X(PQfinish) \
	X(PQfreemem) X(PQgetisnull) X(PQgetvalue) X(PQhost) X(PQnotifies) \
	X(PQntuples) X(PQport) X(PQprepare) X(PQresetPoll) X(PQresetStart) \
	X(PQresultErrorField) X(PQresultStatus) X(PQsetNoticeProcessor) \
	X(PQsocket) X(PQstatus) X(PQtransactionStatus) X(PQunescapeBytea)

struct pq_api {
#define PQ_API_SLOT(f) __typeof__(f) *f;
	PQ_API_FUNCTIONS(PQ_API_SLOT)
#undef PQ_API_SLOT
};

extern struct pq_api pq_api;

/* Before the first libpq call: -1 with err when libpq5 is missing. */
int	pq_api_load(struct ucerr *err);

#ifndef PQ_API_IMPL
#define PQclear			(pq_api.PQclear)
#define PQcmdTuples		(pq_api.PQcmdTuples)
#define PQconnectdb		(pq_api.PQconnectdb)
#define PQconninfoFree		(pq_api.PQconninfoFree)
#define PQconninfoParse		(pq_api.PQconninfoParse)
#define PQconsumeInput		(pq_api.PQconsumeInput)
#define PQdb			(pq_api.PQdb)
#define PQerrorMessage		(pq_api.PQerrorMessage)
#define PQexec			(pq_api.PQexec)
#define PQexecParams		(pq_api.PQexecParams)
#define PQexecPrepared		(pq_api.PQexecPrepared)
#define PQfinish		(pq_api.PQfinish)
#define PQfreemem		(pq_api.PQfreemem)
#define PQgetisnull		(pq_api.PQgetisnull)
#define PQgetvalue		(pq_api.PQgetvalue)
#define PQhost			(pq_api.PQhost)
#define PQnotifies		(pq_api.PQnotifies)
#define PQntuples		(pq_api.PQntuples)
#define PQport			(pq_api.PQport)
#define PQprepare		(pq_api.PQprepare)
#define PQresetPoll		(pq_api.PQresetPoll)
#define PQresetStart		(pq_api.PQresetStart)
#define PQresultErrorField	(pq_api.PQresultErrorField)
#define PQresultStatus		(pq_api.PQresultStatus)
#define PQsetNoticeProcessor	(pq_api.PQsetNoticeProcessor)
#define PQsocket		(pq_api.PQsocket)
#define PQstatus		(pq_api.PQstatus)
#define PQtransactionStatus	(pq_api.PQtransactionStatus)
#define PQunescapeBytea		(pq_api.PQunescapeBytea)
#endif

#endif
