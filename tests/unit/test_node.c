/*
 * test_node.c - a new node: its name and country checked, its home built
 * with every identity and the first ITL, and an initialised home never
 * overwritten.
 */
#include "test.h"
#include "node.h"

static void
host_names(void **state)
{
	(void)state;
	assert_true(node_name_valid("cucm.example.test"));
	assert_true(node_name_valid("CUCM-1"));
	assert_false(node_name_valid(""));
	assert_false(node_name_valid("../x"));
	assert_false(node_name_valid("-cucm"));
	assert_false(node_name_valid(".cucm"));
	assert_false(node_name_valid("cucm example"));
}

static void
params_checked(void **state)
{
	struct node_params np;
	struct ucerr err;

	(void)state;
	memset(&np, 0, sizeof(np));
	assert_int_equal(node_params_check(&np, &err), -1);
	np.node = "../x";
	assert_int_equal(node_params_check(&np, &err), -1);
	assert_non_null(strstr(err.msg, "is not a host name"));
	np.node = "cucm.example.test";
	np.country = "NZL";
	assert_int_equal(node_params_check(&np, &err), -1);
	assert_non_null(strstr(err.msg, "two-letter"));
	np.country = "NZ";
	assert_int_equal(node_params_check(&np, &err), 0);
}

static void
init_builds_the_home_once(void **state)
{
	char home[] = "/tmp/ucpki-node.XXXXXX", path[4096], cmd[128];
	const struct purpose_info *p;
	struct node_params np;
	struct node_info info;
	struct ucerr err;
	struct store *st;
	X509 *cert;

	(void)state;
	assert_non_null(mkdtemp(home));
	memset(&np, 0, sizeof(np));
	np.node = "cucm.example.test";
	np.org = "Example";
	np.country = "NZ";
	if (node_init(home, &np, &err) == -1)
		fail_msg("%s", err.msg);
	snprintf(path, sizeof(path), "%s/tftp/ITLFile.tlv", home);
	assert_true(path_exists(path));
	assert_non_null(st = store_open(home, 0, &err));
	assert_int_equal(node_info_load(st, &info, &err), 0);
	assert_string_equal(info.node, "cucm.example.test");
	assert_string_equal(info.org, "Example");
	assert_string_equal(info.ou, "");
	assert_string_equal(info.country, "NZ");
	for (p = purposes; p->name != NULL; p++) {
		assert_int_equal(identity_load(st, p->name, &cert, NULL, &err), 0);
		X509_free(cert);
	}
	store_close(st);
	/* A second init leaves the first alone. */
	np.node = "other.example.test";
	assert_int_equal(node_init(home, &np, &err), -1);
	assert_non_null(strstr(err.msg, "already initialised"));
	/* A bad name changes nothing either. */
	np.node = "bad name";
	assert_int_equal(node_init(home, &np, &err), -1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
	assert_int_equal(system(cmd), 0);
}

static void
failed_init_leaves_no_home(void **state)
{
	char home[] = "/tmp/ucpki-node.XXXXXX", path[4096];
	struct node_params np;
	struct ucerr err;

	(void)state;
	assert_non_null(mkdtemp(home));
	assert_int_equal(rmdir(home), 0);
	memset(&np, 0, sizeof(np));
	np.node = "bad name";
	assert_int_equal(node_init(home, &np, &err), -1);
	snprintf(path, sizeof(path), "%s", home);
	assert_false(path_exists(path));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_names),
		cmocka_unit_test(params_checked),
		cmocka_unit_test(init_builds_the_home_once),
		cmocka_unit_test(failed_init_leaves_no_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
