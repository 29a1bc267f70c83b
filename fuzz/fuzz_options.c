/*
 * fuzz_options.c - the configuration ucpki reads: a phone configuration
 * file (SEP<MAC>.cnf.xml, parsed by libxml2 to build the encrypted
 * configuration's stub), the values of configuration options (key types,
 * digests, deadlines, operations, modes, roles, statuses, levels, names,
 * servers)
 * and command lines against every command's option table, with each
 * option read as an integer as the commands do.  The first byte picks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "device.h"
#include "enccnf.h"
#include "hostport.h"
#include "itl.h"
#include "log.h"
#include "sigfile.h"
#include "tvs_msg.h"
#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static X509 *
device_cert(void)
{
	struct cert_template t;
	struct key_spec spec = { 1, 256 };
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;

	memset(&t, 0, sizeof(t));
	t.subject.cn = "SEP001122334455";
	t.profile = PROFILE_LSC;
	t.days = 30;
	if (key_generate(&spec, &key, NULL) == -1 ||
	    cert_build(&t, key, NULL, key, &cert, NULL) == -1)
		abort();
	EVP_PKEY_free(key);
	return cert;
}

/* A server's HOST:PORT: the host fits, and is NUL-terminated. */
static void
servers(const char *s)
{
	char host[16];
	int port;

	if (hostport_parse(s, 3804, host, sizeof(host), &port, NULL) == 0 &&
	    (strlen(host) >= sizeof(host) || port < 1 || port > 65535))
		abort();
}

static void
values(const char *s)
{
	struct key_spec spec;
	const EVP_MD *md;
	uint8_t alg;

	(void)key_spec_parse(s, &spec, NULL);
	(void)digest_parse(s, &md, NULL);
	(void)sig_hash_parse(s, &alg, NULL);
	(void)clock_parse_local(s);
	(void)cert_operation_parse(s);
	(void)capf_auth_mode_parse(s);
	(void)key_order_parse(s);
	(void)cert_status_parse(s);
	(void)role_parse(s);
	(void)log_level_parse(s);
	(void)device_name_valid(s);
	(void)auth_string_valid(s);
	(void)tvs_device_name_valid(s);
	servers(s);
}

/* NUL-separated words: the first picks the command by index. */
static void
command_line(char *text, size_t len)
{
	static struct cli cli;
	char *argv[64], *p = text, *end = text + len;
	struct args a;
	size_t n_commands = 0, i;
	int argc = 0;
	long v;

	while (commands[n_commands].words != NULL)
		n_commands++;
	while (p < end && argc < 64) {
		argv[argc++] = p;
		p += strlen(p) + 1;
	}
	if (argc == 0 || n_commands == 0)
		return;
	i = (size_t)(unsigned char)argv[0][0] % n_commands;
	if (args_parse(&cli, &commands[i], argc - 1, argv + 1, &a) == -1)
		return;
	for (i = 0; a.cmd->opts != NULL &&
	    a.cmd->opts[i].name != NULL; i++)
		if (a.cmd->opts[i].kind != OPT_FLAG)
			(void)args_int(&cli, &a, a.cmd->opts[i].name, 0, -1000000,
			    1000000, &v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static X509 *cert;
	uint8_t *stub;
	size_t stub_len;
	char *text;

	if (size < 1)
		return 0;
	if (cert == NULL)
		cert = device_cert();
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		if (enccnf_stub(data + 1, size - 1, cert, &stub, &stub_len,
		    NULL) == 0)
			free(stub);
		break;
	case 1:
		values(text);
		break;
	default:
		command_line(text, size - 1);
		break;
	}
	free(text);
	return 0;
}
