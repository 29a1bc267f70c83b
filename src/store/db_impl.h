/*
 * db_impl.h - what db.c (the statement cache, the failure record) shares
 * with the engines under it (db_sqlite.c, db_pg.c).  Only db*.c include
 * this.
 */
#ifndef UCPKI_DB_IMPL_H
#define UCPKI_DB_IMPL_H

#include "db.h"

#define DB_BUCKETS	128

/* A bound parameter, as the caller gave it (its memory is the caller's
 * until db_finish); text or a blob with p NULL is a NULL of that type. */

struct db_param {
	enum db_type	 type;
	const void	*p;
	size_t		 len;
	int64_t		 v;
};

struct db_ops {
	const char	*begin_sql;	/* BEGIN as a writer takes it */
	void		(*close)(struct db *db);
	int		(*exec)(struct db *db, const char *sql);
	/* Schema SQL in SQLite's type words as the engine's (malloc'd), or
	 * NULL when it takes them as they are. */
	char		*(*schema_words)(const char *sql);
	int		(*in_transaction)(struct db *db);
	int64_t		(*changes)(struct db *db);
	int		(*user_version)(struct db *db, int *version);
	int		(*set_user_version)(struct db *db, int version);
	/* keep: the statement stays in the cache (prepare it to last). */
	int		(*prepare)(struct db_stmt *stmt, const char *sql,
			    int keep);
	void		(*finalize)(struct db_stmt *stmt);
	void		(*bind)(struct db_stmt *stmt, int i,
			    const struct db_param *p);
	int		(*step)(struct db_stmt *stmt);
	void		(*reset)(struct db_stmt *stmt);
	int		(*is_null)(struct db_stmt *stmt, int col);
	int64_t		(*int64)(struct db_stmt *stmt, int col);
	const char	*(*text)(struct db_stmt *stmt, int col);
	const uint8_t	*(*blob)(struct db_stmt *stmt, int col, size_t *len);
	/* Change notification (NULL: the engine has none, SQLite). */
	int		(*listen)(struct db *db, const char *channel);
	int		(*socket)(struct db *db, unsigned *epoch);
	int		(*notified)(struct db *db, int64_t *payload);
	/* The storage class of a column's value (SQLite; NULL: typed). */
	int		(*type)(struct db_stmt *stmt, int col);
};

struct db_stmt {
	struct db	*db;
	void		*h;		/* the engine's statement */
	char		*sql;		/* NULL: not kept, finalized at finish */
	int		 in_use;
	struct db_stmt	*next;		/* the bucket's chain */
};

struct db {
	const struct db_ops *ops;
	enum db_dialect	 dialect;
	void		*h;		/* the engine's connection */
	struct db_stmt	*buckets[DB_BUCKETS];
	int		 cached;
	enum db_class	 cls;
	int		 sys_errno;
	char		 msg[256];
};

/* A new connection for ops (NULL when out of memory). */
struct db	*db_new(const struct db_ops *ops, enum db_dialect dialect);
/* Records a failure; returns -1. */
int		 db_fail(struct db *db, enum db_class cls, int sys_errno,
		    const char *msg);
void		 db_ok(struct db *db);
/* Each kept statement, e.g. to forget what a lost connection prepared. */
void		 db_each_kept(struct db *db, void (*fn)(struct db_stmt *));

#endif
