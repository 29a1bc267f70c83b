/*
 * test_device_schedule.c - device_schedule(), the one scheduling rule that
 * `device set` and `device import` share.
 */
#include "test.h"
#include "device_rules.h"

static void
new_operation_starts_a_new_attempt(void **state)
{
	struct device d;
	struct ucerr err;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.auth_failures = 5;
	d.status = CERT_STATUS_UPGRADE_FAIL;
	assert_int_equal(device_schedule(&d, CERT_OP_INSTALL, 0, &err), 0);
	assert_int_equal(d.operation, CERT_OP_INSTALL);
	assert_int_equal(d.status, CERT_STATUS_SCHEDULE);
	assert_int_equal(d.auth_failures, 0);
	assert_true(d.deadline >= clock_now() + DEVICE_DEFAULT_DEADLINE_S - 5);
	assert_int_equal(device_schedule(&d, CERT_OP_NONE, 1000, &err), 0);
	assert_int_equal(d.status, CERT_STATUS_NONE);
	assert_int_equal(d.deadline, 1000);
	/* no new operation: only a given deadline moves */
	assert_int_equal(device_schedule(&d, -1, 0, &err), 0);
	assert_int_equal(d.deadline, 1000);
	assert_int_equal(device_schedule(&d, -1, 2000, &err), 0);
	assert_int_equal(d.deadline, 2000);
	assert_int_equal(d.status, CERT_STATUS_NONE);
}

static void
string_authentication_needs_a_string(void **state)
{
	struct device d;
	struct ucerr err;

	(void)state;
	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "SEP001122334455");
	d.auth_mode = CAPF_AUTH_STRING;
	assert_int_equal(device_schedule(&d, CERT_OP_INSTALL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "SEP001122334455: By Authentication "
	    "String needs"));
	/* no operation: nothing to authenticate */
	assert_int_equal(device_schedule(&d, CERT_OP_NONE, 0, &err), 0);
	snprintf(d.auth_string, sizeof(d.auth_string), "1234");
	assert_int_equal(device_schedule(&d, CERT_OP_INSTALL, 0, &err), 0);
}

static void
renewals_and_softphones(void **state)
{
	struct device d;
	struct ucerr err;
	uint8_t lsc = 0x30;

	(void)state;
	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "SEP001122334455");
	d.auth_mode = CAPF_AUTH_NULL_STRING;
	d.status = CERT_STATUS_UPGRADE_SUCCESS;
	assert_int_equal(device_schedule_renewal(&d, 5000, &err), 0);
	assert_int_equal(d.operation, CERT_OP_INSTALL);
	assert_int_equal(d.auth_mode, CAPF_AUTH_LSC);
	assert_int_equal(d.status, CERT_STATUS_SCHEDULE);
	assert_int_equal(d.deadline, 5000);
	/* A softphone renews as it enrolled: v2 carries no certificate. */
	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "CSFJDOE");
	d.auth_mode = CAPF_AUTH_NULL_STRING;
	assert_int_equal(device_schedule_renewal(&d, 5000, &err), 0);
	assert_int_equal(d.auth_mode, CAPF_AUTH_NULL_STRING);
	/* One LSC per softphone, until an install is set again. */
	assert_int_equal(device_softphone_refused(&d), 0);
	d.lsc_der = &lsc;
	d.lsc_len = 1;
	assert_int_equal(device_softphone_refused(&d), 0);
	d.operation = CERT_OP_NONE;
	assert_int_equal(device_softphone_refused(&d), 1);
	snprintf(d.name, sizeof(d.name), "SEP001122334455");
	assert_int_equal(device_softphone_refused(&d), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_operation_starts_a_new_attempt),
		cmocka_unit_test(string_authentication_needs_a_string),
		cmocka_unit_test(renewals_and_softphones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
