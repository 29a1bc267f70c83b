/*
 * test_device_import.c - devices from CSV: all or nothing, the first bad
 * line named, MAC spellings read as SEP names, an update keeps the
 * device's security profile, device set's scheduling rules.
 */
#include "test.h"
#include "device.h"
#include "device_import.h"
#include "store_device.h"

static int
import(struct test_home *h, const char *csv, struct device_import_report *r,
    struct ucerr *err)
{
	return device_import_csv(h->st, "t.csv", (const uint8_t *)csv,
	    strlen(csv), r, NULL, NULL, err);
}

static void
rows_are_imported_with_the_rules_of_device_set(void **state)
{
	struct test_home *h = *state;
	struct device_import_report r;
	struct device d;
	struct ucerr err;

	if (import(h, "name,model,operation,auth,string,key,deadline\n"
	    "SEP001122334455,8845,install,string,1234,ec256,\n"
	    "00:11:22:33:44:66,8865,,,,,\n", &r, &err) == -1)
		fail_msg("%s", err.msg);
	assert_int_equal(r.imported, 2);
	assert_int_equal(r.renamed, 1);
	assert_string_equal(r.renamed_to, "SEP001122334466");
	assert_int_equal(store_device_get(h->st, "SEP001122334455", &d, &err), 1);
	assert_int_equal(d.operation, CERT_OP_INSTALL);
	assert_int_equal(d.status, CERT_STATUS_SCHEDULE);
	assert_true(d.deadline > 0);	/* the default Operation Completes By */
	assert_string_equal(d.key_type, "ec256");
	device_free(&d);
	assert_int_equal(store_device_get(h->st, "SEP001122334466", &d, &err), 1);
	assert_int_equal(d.operation, CERT_OP_NONE);
	device_free(&d);
}

static void
one_bad_line_imports_nothing(void **state)
{
	struct test_home *h = *state;
	struct device_import_report r;
	struct device d;
	struct ucerr err;

	assert_int_equal(import(h, "SEP0000000000A1,8845\n"
	    "SEP0000000000A2,8845,install,string,12,,\n", &r, &err), -1);
	assert_non_null(strstr(err.msg, "t.csv:2: authentication string must "
	    "be 4 to 10 digits; nothing imported"));
	assert_int_equal(store_device_get(h->st, "SEP0000000000A1", &d, &err), 0);
	assert_int_equal(import(h, "not a device,8845\n", &r, &err), -1);
	assert_non_null(strstr(err.msg, "t.csv:1: 'not a device' is not a "
	    "device name"));
	assert_int_equal(device_import_csv(h->st, "t.csv",
	    (const uint8_t *)"SEP0000000000A1\0", 16, &r, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "not a text file"));
	assert_int_equal(import(h, "SEP0000000000A1,a,b,c,d,e,f,g\n", &r, &err),
	    -1);
	assert_non_null(strstr(err.msg, "8 columns, at most 7"));
}

static void
an_update_keeps_the_security_profile(void **state)
{
	struct test_home *h = *state;
	struct device_import_report r;
	struct device d;
	struct ucerr err;

	assert_int_equal(import(h, "SEP0000000000B1,8845\n", &r, &err), 0);
	assert_int_equal(store_device_get(h->st, "SEP0000000000B1", &d, &err), 1);
	d.security_mode = DEVICE_SECURITY_ENCRYPTED;
	d.encrypted_config = 1;
	assert_int_equal(store_device_update(h->st, &d, &err), 0);
	device_free(&d);
	assert_int_equal(import(h, "SEP0000000000B1,8865\n", &r, &err), 0);
	assert_int_equal(store_device_get(h->st, "SEP0000000000B1", &d, &err), 1);
	assert_string_equal(d.model, "8865");
	assert_int_equal(d.security_mode, DEVICE_SECURITY_ENCRYPTED);
	assert_int_equal(d.encrypted_config, 1);
	device_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    rows_are_imported_with_the_rules_of_device_set,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test_setup_teardown(one_bad_line_imports_nothing,
		    test_setup_home, test_teardown_home),
		cmocka_unit_test_setup_teardown(
		    an_update_keeps_the_security_profile, test_setup_home,
		    test_teardown_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
