/* test_lazylib.c - a library opened when first needed: its functions
 * reached through the table, one clear line when it or a function is
 * missing, and the real libpq and libcurl the program no longer links. */
#include <string.h>

#include "test.h"
#include "curl_api.h"
#include "lazylib.h"
#include "pq_api.h"

static void
functions_are_found_and_called(void **state)
{
	static const char *const names[] = { "strlen", "strcmp" };
	static struct {
		size_t	(*strlen)(const char *);
		int	(*strcmp)(const char *, const char *);
	} libc;
	static struct lazylib l = LAZYLIB_INIT("libc.so.6", "libc6", names,
	    &libc);
	struct ucerr err;

	(void)state;
	assert_int_equal(lazylib_load(&l, &err), 0);
	assert_int_equal(libc.strlen("twelve chars"), 12);
	assert_int_equal(libc.strcmp("a", "a"), 0);
	/* Later calls answer the first one's result. */
	assert_int_equal(lazylib_load(&l, &err), 0);
}

static void
a_missing_library_is_named_with_its_package(void **state)
{
	static const char *const names[] = { "nothing" };
	static void *slot[1];
	static struct lazylib l = LAZYLIB_INIT("libucpki-absent.so.9",
	    "libucpki-absent9", names, slot);
	struct ucerr err;

	(void)state;
	assert_int_equal(lazylib_load(&l, &err), -1);
	assert_non_null(strstr(err.msg, "libucpki-absent.so.9: cannot be loaded"));
	assert_non_null(strstr(err.msg, "install libucpki-absent9"));
	assert_int_equal(lazylib_load(&l, &err), -1);
}

static void
a_missing_function_is_named(void **state)
{
	static const char *const names[] = { "strlen", "ucpki_no_such_function" };
	static void *slot[2];
	static struct lazylib l = LAZYLIB_INIT("libc.so.6", "libc6", names,
	    slot);
	struct ucerr err;

	(void)state;
	assert_int_equal(lazylib_load(&l, &err), -1);
	assert_string_equal(err.msg, "libc.so.6: has no ucpki_no_such_function: "
	    "install libc6's current version");
}

static void
libpq_and_libcurl_load(void **state)
{
	struct ucerr err;
	CURL *c;

	(void)state;
	assert_int_equal(pq_api_load(&err), 0);
	assert_int_equal(PQconnectdb != NULL, 1);
	assert_int_equal(curl_api_load(&err), 0);
	assert_non_null(c = curl_easy_init());
	curl_easy_cleanup(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(functions_are_found_and_called),
		cmocka_unit_test(a_missing_library_is_named_with_its_package),
		cmocka_unit_test(a_missing_function_is_named),
		cmocka_unit_test(libpq_and_libcurl_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
