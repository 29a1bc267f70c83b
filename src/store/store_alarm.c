/*
 * store_alarm.c - when the certificate monitor last raised each alarm, in
 * SQLite (see store.h): what keeps it from mailing the same alarm again
 * within the notification period.
 */
#include <stdio.h>

#include "store_sqlite.h"

int
store_alarm_last(struct store *st, const char *subject, const char *alarm,
    int64_t *raised_at, struct ucerr *err)
{
	struct db_stmt *stmt;
	int step;

	*raised_at = -1;
	if (store_prepare(st, "SELECT raised_at FROM monitor_alarm WHERE "
	    "subject = ? AND alarm = ?", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, subject);
	db_bind_text(stmt, 2, alarm);
	if ((step = db_step(stmt)) == DB_ROW)
		*raised_at = db_column_int64(stmt, 0);
	db_finish(stmt);
	if (step != DB_ROW && step != DB_DONE)
		return ucerr_set(err, "monitor: cannot read the alarms");
	return step == DB_ROW;
}

int
store_alarm_raised(struct store *st, const char *subject, const char *alarm,
    int64_t raised_at, struct ucerr *err)
{
	struct db_stmt *stmt;

	if (store_prepare(st, "INSERT INTO monitor_alarm (subject, alarm, "
	    "raised_at) VALUES (?, ?, ?) ON CONFLICT (subject, alarm) DO "
	    "UPDATE SET raised_at = excluded.raised_at", &stmt, err) == -1)
		return -1;
	db_bind_text(stmt, 1, subject);
	db_bind_text(stmt, 2, alarm);
	db_bind_int64(stmt, 3, raised_at);
	return store_step_done(st, stmt, "monitor", err);
}
