/* fuzz_config.c - ucpki.conf through the settings parser, and the same
 * bytes as a status file (both are key = value files, src/base/kvfile.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kvfile.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
every_line(void *ctx, const char *key, const char *value, struct ucerr *err)
{
	(void)ctx;
	(void)err;
	/* The parser promises NUL-terminated, bounded strings. */
	return strlen(key) <= KV_KEY_MAX && strlen(value) <= KV_LINE_MAX ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct server_config cfg;
	struct ucerr err;
	char value[128];
	const char *key;
	int i;

	server_config_defaults(&cfg);
	if (server_config_parse(&cfg, "fuzz.conf", data, size, &err) == 0)
		for (i = 0; (key = server_config_key(i)) != NULL; i++)
			(void)server_config_get(&cfg, key, value, sizeof(value));
	(void)kv_parse("fuzz.status", data, size, every_line, NULL, &err);
	return 0;
}
