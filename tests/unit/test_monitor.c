/*
 * test_monitor.c - the certificate monitor: which alarms a node's own
 * identities raise as they near the end of their validity, that an alarm
 * is raised once per notification period, that checking alone records
 * nothing (the service writes through its writer), and that an e-mail
 * not delivered leaves the alarms to be raised again.
 */
#include "test.h"
#include "monitor.h"

#define DAY	86400L

/* The identities' notAfter (they are all made together by init). */
static time_t
callmanager_not_after(struct test_home *h)
{
	struct ucerr err;
	X509 *cert;
	time_t t;

	assert_int_equal(identity_load(h->st, "CallManager", &cert, NULL, &err),
	    0);
	t = asn1_time_to_unix(X509_get0_notAfter(cert));
	X509_free(cert);
	return t;
}

static int
count(const struct monitor_report *r, const char *alarm, int repeated)
{
	int i, n = 0;

	for (i = 0; i < r->n_alarms; i++)
		if (strcmp(r->alarms[i].alarm, alarm) == 0 &&
		    r->alarms[i].repeated == repeated)
			n++;
	return n;
}

static void
a_fresh_node_only_asks_for_the_itlrecovery_backup(void **state)
{
	struct test_home *h = *state;
	struct monitor_report r;
	struct ucerr err;

	assert_int_equal(monitor_check(h->st, clock_now(), &r, &err), 0);
	assert_true(r.checked >= 6);
	assert_int_equal(count(&r, "ITLRecoveryCertBackup", 0), 1);
	assert_int_equal(r.n_alarms, 1);
	assert_false(r.mail_tried);
	monitor_report_free(&r);
}

static void
identities_near_their_end_raise_the_seeds_alarms(void **state)
{
	struct test_home *h = *state;
	time_t end = callmanager_not_after(h);
	struct monitor_report r;
	struct ucerr err;

	/* 20 days left: less than a month. */
	assert_int_equal(monitor_check(h->st, end - 20 * DAY, &r, &err), 0);
	assert_true(count(&r, "CertValidLessThanMonth", 0) >= 6);
	monitor_report_free(&r);
	/* 5 days left: within 7 days. */
	assert_int_equal(monitor_check(h->st, end - 5 * DAY, &r, &err), 0);
	assert_true(count(&r, "CertValidfor7days", 0) >= 6);
	assert_int_equal(count(&r, "CertValidLessThanMonth", 0), 0);
	monitor_report_free(&r);
	/* Hours left. */
	assert_int_equal(monitor_check(h->st, end - 3600, &r, &err), 0);
	assert_true(count(&r, "CertValidLessthanADay", 0) >= 6);
	monitor_report_free(&r);
}

static void
checking_alone_records_nothing(void **state)
{
	struct test_home *h = *state;
	time_t now = callmanager_not_after(h) - 20 * DAY;
	struct monitor_report r;
	struct ucerr err;
	int first;

	assert_int_equal(monitor_check(h->st, now, &r, &err), 0);
	first = count(&r, "CertValidLessThanMonth", 0);
	monitor_report_free(&r);
	assert_int_equal(monitor_check(h->st, now + 60, &r, &err), 0);
	assert_int_equal(count(&r, "CertValidLessThanMonth", 0), first);
	assert_int_equal(count(&r, "CertValidLessThanMonth", 1), 0);
	monitor_report_free(&r);
}

static void
an_alarm_is_raised_once_per_period(void **state)
{
	struct test_home *h = *state;
	time_t now = callmanager_not_after(h) - 20 * DAY;
	struct monitor_report r;
	struct ucerr err;
	int n;

	assert_int_equal(monitor_run(h->st, now, &r, &err), 0);
	n = count(&r, "CertValidLessThanMonth", 0);
	assert_true(n >= 6);
	monitor_report_free(&r);
	/* An hour later, inside the default 24 h period: repeated. */
	assert_int_equal(monitor_run(h->st, now + 3600, &r, &err), 0);
	assert_int_equal(count(&r, "CertValidLessThanMonth", 0), 0);
	assert_int_equal(count(&r, "CertValidLessThanMonth", 1), n);
	monitor_report_free(&r);
	/* A day and a bit later: raised again. */
	assert_int_equal(monitor_run(h->st, now + DAY + 60, &r, &err), 0);
	assert_int_equal(count(&r, "CertValidLessThanMonth", 0), n);
	monitor_report_free(&r);
}

static void
marking_inside_the_callers_transaction(void **state)
{
	struct test_home *h = *state;
	time_t now = callmanager_not_after(h) - 20 * DAY;
	struct monitor_report r, again;
	struct ucerr err;

	assert_int_equal(monitor_check(h->st, now, &r, &err), 0);
	/* Rolled back: nothing recorded, raised again. */
	assert_int_equal(store_begin(h->st, &err), 0);
	assert_int_equal(monitor_mark_notified(h->st, &r, &err), 0);
	store_rollback(h->st);
	assert_int_equal(monitor_check(h->st, now + 60, &again, &err), 0);
	assert_int_equal(count(&again, "CertValidLessThanMonth", 1), 0);
	monitor_report_free(&again);
	/* Committed: recorded, repeated next time. */
	assert_int_equal(store_begin(h->st, &err), 0);
	assert_int_equal(monitor_mark_notified(h->st, &r, &err), 0);
	assert_int_equal(store_commit(h->st, &err), 0);
	assert_int_equal(monitor_check(h->st, now + 60, &again, &err), 0);
	assert_int_equal(count(&again, "CertValidLessThanMonth", 0), 0);
	assert_true(count(&again, "CertValidLessThanMonth", 1) >= 6);
	monitor_report_free(&again);
	monitor_report_free(&r);
}

static void
undelivered_mail_leaves_the_alarms_to_be_raised_again(void **state)
{
	struct test_home *h = *state;
	time_t now = callmanager_not_after(h) - 20 * DAY;
	struct monitor_report r;
	struct ucerr err;

	/* Nothing listens on port 1 of loopback: the e-mail fails at once. */
	assert_int_equal(store_meta_set(h->st, "monitor.email",
	    "pki@example.test", &err), 0);
	assert_int_equal(store_meta_set(h->st, "monitor.smtp",
	    "smtp://127.0.0.1:1", &err), 0);
	assert_int_equal(monitor_run(h->st, now, &r, &err), 0);
	assert_true(r.mail_tried);
	assert_false(r.mail_delivered);
	assert_true(r.mail_error[0] != '\0');
	monitor_report_free(&r);
	assert_int_equal(monitor_run(h->st, now + 60, &r, &err), 0);
	assert_int_equal(count(&r, "CertValidLessThanMonth", 1), 0);
	assert_true(count(&r, "CertValidLessThanMonth", 0) >= 6);
	monitor_report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    a_fresh_node_only_asks_for_the_itlrecovery_backup,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(
		    identities_near_their_end_raise_the_seeds_alarms,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(checking_alone_records_nothing,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(an_alarm_is_raised_once_per_period,
		    test_setup_node, test_teardown_home),
		cmocka_unit_test_setup_teardown(
		    marking_inside_the_callers_transaction, test_setup_node,
		    test_teardown_home),
		cmocka_unit_test_setup_teardown(
		    undelivered_mail_leaves_the_alarms_to_be_raised_again,
		    test_setup_node, test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
