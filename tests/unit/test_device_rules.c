/* test_device_rules.c - device rules: names, the seeds' 33 statuses and how a
 * failure maps to one, settings parsed from their names and texts. */
#include "test.h"
#include "device.h"

static void
names(void **state)
{
	(void)state;
	assert_true(device_name_valid("SEP001122334455"));
	assert_true(device_name_valid("CSFJDOE"));
	assert_true(device_name_valid("BOTj.doe_2"));
	assert_false(device_name_valid("SEP00112233445"));	/* 11 hex */
	assert_false(device_name_valid("SEP00112233445G"));
	assert_false(device_name_valid("SEP00112233445a"));	/* lower case */
	assert_false(device_name_valid("CSF"));
	assert_false(device_name_valid("CSF../../etc"));
	assert_false(device_name_valid("CSF-x"));
	assert_false(device_name_valid("XYZ001122334455"));
	assert_false(device_name_valid(""));
}

static void
statuses_are_the_seeds_table(void **state)
{
	int i;

	(void)state;
	assert_string_equal(cert_status_text(3), "Upgrade Success");
	assert_string_equal(cert_status_text(10),
	    "Upgrade Failed: Invalid Authentication String");
	assert_null(cert_status_text(0));
	assert_null(cert_status_text(34));
	for (i = 1; i <= 33; i++) {
		assert_int_equal(cert_status_parse(cert_status_text(i)), i);
		assert_int_equal(cert_status_parse(cert_status_symbol(i)), i);
	}
	assert_int_equal(cert_status_parse("3"), 3);
	assert_int_equal(cert_status_parse("no such status"), -1);
}

static void
failures_map_per_operation(void **state)
{
	(void)state;
	assert_int_equal(cert_status_failure(CERT_OP_INSTALL,
	    FAIL_INVALID_AUTH_STR), CERT_STATUS_UPGRADE_FAIL_INVALID_AUTH_STR);
	assert_int_equal(cert_status_failure(CERT_OP_DELETE, FAIL_INVALID_LSC),
	    CERT_STATUS_DELETE_FAIL_INVALID_LSC);
	assert_int_equal(cert_status_failure(CERT_OP_TROUBLESHOOT,
	    FAIL_INVALID_MIC), CERT_STATUS_TROUBLESHOOT_FAIL_INVALID_MIC);
	assert_int_equal(cert_status_success(CERT_OP_INSTALL),
	    CERT_STATUS_UPGRADE_SUCCESS);
	assert_int_equal(cert_status_success(CERT_OP_DELETE),
	    CERT_STATUS_DELETE_SUCCESS);
}

static void
settings_parse_both_ways(void **state)
{
	int i;

	(void)state;
	for (i = CERT_OP_NONE; i <= CERT_OP_TROUBLESHOOT; i++)
		assert_int_equal(cert_operation_parse(cert_operation_name(i)), i);
	for (i = CAPF_AUTH_NULL_STRING; i <= CAPF_AUTH_MIC; i++)
		assert_int_equal(capf_auth_mode_parse(capf_auth_mode_name(i)), i);
	for (i = KEY_ORDER_RSA; i <= KEY_ORDER_EC_THEN_RSA; i++)
		assert_int_equal(key_order_parse(key_order_name(i)), i);
	assert_string_equal(capf_auth_mode_text(CAPF_AUTH_LSC),
	    "By Existing Certificate (Precedence to LSC)");
	assert_int_equal(capf_auth_mode_parse("sometimes"), -1);
}

static void
auth_strings(void **state)
{
	(void)state;
	assert_true(auth_string_valid("1234"));
	assert_true(auth_string_valid("1234567890"));
	assert_false(auth_string_valid("123"));
	assert_false(auth_string_valid("12345678901"));
	assert_false(auth_string_valid("12a4"));
	assert_false(auth_string_valid(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(statuses_are_the_seeds_table),
		cmocka_unit_test(failures_map_per_operation),
		cmocka_unit_test(settings_parse_both_ways),
		cmocka_unit_test(auth_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
