/*
 * test_api.c - the REST API's table: every route is reached by the
 * router and described in the OpenAPI document; paths that name nothing
 * are refused; request bodies are one flat JSON object (json_read.c).
 */
#include "test.h"
#include "api.h"
#include "json_read.h"

/* A concrete path for a pattern: each {param} becomes "X". */
static void
concrete(const char *pattern, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *pattern != '\0' && n + 2 < outlen; pattern++) {
		if (*pattern == '{') {
			out[n++] = 'X';
			while (*pattern != '}' && *pattern != '\0')
				pattern++;
			continue;
		}
		out[n++] = *pattern;
	}
	out[n] = '\0';
}

static void
every_route_is_routed_and_described(void **state)
{
	char path[256], buf[256], key[300], *doc = NULL, lower[8];
	const char *params[API_MAX_PARAMS];
	const struct api_route *r;
	size_t len = 0, k;
	FILE *fp;
	int i, status, n = 0;

	(void)state;
	assert_non_null(fp = open_memstream(&doc, &len));
	api_openapi(fp);
	fclose(fp);
	for (i = 0; api_routes[i].method != NULL; i++, n++) {
		concrete(api_routes[i].path, path, sizeof(path));
		r = api_match(api_routes[i].method, path, buf, sizeof(buf),
		    params, &status);
		assert_ptr_equal(r, &api_routes[i]);
		/* The document has the path with this method under it. */
		snprintf(key, sizeof(key), "\"%s\":{", api_routes[i].path);
		assert_non_null(strstr(doc, key));
		for (k = 0; api_routes[i].method[k] != '\0'; k++)
			lower[k] = (char)(api_routes[i].method[k] | 0x20);
		lower[k] = '\0';
		/* (the summary as far as JSON writes it unescaped) */
		snprintf(key, sizeof(key), "\"%s\":{\"summary\":\"%.*s", lower,
		    (int)strcspn(api_routes[i].summary, "\"\\"),
		    api_routes[i].summary);
		assert_non_null(strstr(doc, key));
		/* Writes are the routes read-only tokens may not use. */
		assert_int_equal(api_routes[i].writes,
		    strcmp(api_routes[i].method, "GET") != 0);
	}
	assert_true(n >= 38);
	free(doc);
}

static void
paths_that_name_nothing(void **state)
{
	static const char *const bad[] = { "/api/v1/devices/", "/api/v1//devices",
		"/api/v1/devices/..", "/api/v1/./devices", "/api/v1/devices/X/Y",
		"/api/v2/devices", "/api", "/", "/api/v1/devices/../identities",
		NULL };
	const char *params[API_MAX_PARAMS];
	char buf[256];
	int i, status;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		assert_null(api_match("GET", bad[i], buf, sizeof(buf), params,
		    &status));
		assert_int_equal(status, 404);
	}
	assert_null(api_match("PATCH", "/api/v1/devices/SEP001122334455", buf,
	    sizeof(buf), params, &status));
	assert_int_equal(status, 405);
	assert_non_null(api_match("GET", "/api/v1/trust/CAPF-trust/a.b", buf,
	    sizeof(buf), params, &status));
	assert_string_equal(params[0], "CAPF-trust");
	assert_string_equal(params[1], "a.b");
}

static void
bodies_are_flat_objects(void **state)
{
	static const char *const bad[] = { "", "[]", "{", "{\"a\":}",
		"{\"a\":1,}", "{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":1}x",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u00\"}", "{\"a\":\"\\u0000\"}",
		"{\"a\":\"\\ud800\"}", "{\"a\":1,\"a\":2}", "{\"a\":\"\x01\"}",
		"{a:1}", "{\"a\":tru}", "{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}",
		"{\"a\":\"\xed\xa0\x80\"}", NULL };
	static const char good[] = " { \"operation\" : \"install\", "
	    "\"n\": -1.5e3, \"t\": true, \"z\": null, \"u\": \"\\u00e9\\n\" } ";
	struct json_flat f;
	struct ucerr err;
	int i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		assert_int_equal(json_flat_parse(bad[i], strlen(bad[i]), &f,
		    &err), -1);
		assert_non_null(strstr(err.msg, "JSON body: byte "));
	}
	assert_int_equal(json_flat_parse(good, strlen(good), &f, &err), 0);
	assert_int_equal(f.n, 5);
	assert_string_equal(f.m[0].key, "operation");
	assert_string_equal(f.m[0].value, "install");
	assert_string_equal(f.m[1].value, "-1.5e3");
	assert_string_equal(f.m[2].value, "true");
	assert_true(f.m[3].is_null);
	assert_string_equal(f.m[4].value, "\xc3\xa9\n");
	json_flat_free(&f);
	/* NUL bytes in the body are not JSON. */
	assert_int_equal(json_flat_parse("{\"a\":\"b\"}\0", 10, &f, &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_is_routed_and_described),
		cmocka_unit_test(paths_that_name_nothing),
		cmocka_unit_test(bodies_are_flat_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
