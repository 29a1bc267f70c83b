/* cmd_phone.c - `ucpki phone ...`: the phone simulator. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "certinfo.h"
#include "clock.h"
#include "commands.h"
#include "hostport.h"
#include "json.h"
#include "phone_capf.h"
#include "phone_state.h"
#include "text.h"

const struct opt phone_mfg_init_opts[] = {
	{ NULL, 0, NULL, NULL },
};

const struct opt phone_make_opts[] = {
	{ "model", OPT_VALUE, "MODEL", "phone model (default 8845)" },
	{ "mic", OPT_VALUE, "PEM", "import this MIC (certificate and key)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt phone_show_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt phone_capf_opts[] = {
	{ "server", OPT_VALUE, "HOST:PORT", "the CAPF server (required)" },
	{ "auth-string", OPT_VALUE, "DIGITS", "the authentication string keyed in on the phone (other users see it in ps)" },
	{ "auth-string-file", OPT_VALUE, "FILE|-", "read it from FILE's first line, or standard input (-: a prompt without echo on a terminal)" },
	{ "itl", OPT_VALUE, "FILE", "authenticate the server with this ITL instead of the installed one" },
	{ "tls1", OPT_FLAG, NULL, "speak TLS 1.0 (a 7900-series phone)" },
	{ "mic", OPT_FLAG, NULL, "present the MIC even when an LSC is installed (capfAuthMode: precedence to MIC)" },
	{ "softphone", OPT_FLAG, NULL, "a Jabber client (CSF, BOT, TCT or TAB name; no phone make needed): speak CAPF protocol version 2, no certificate" },
	{ "timeout", OPT_VALUE, "S", "seconds per step (default 30)" },
	{ NULL, 0, NULL, NULL },
};

const struct opt phone_lsc_opts[] = {
	{ NULL, 0, NULL, NULL },
};

int
cmd_phone_mfg_init(struct cli *cli, const struct args *a)
{
	char path[4096];
	int created;

	(void)a;
	if (mfg_init(cli->home, &created, &cli->err) == -1 ||
	    mfg_ca_path(cli->home, path, sizeof(path), &cli->err) == -1)
		return -1;
	fprintf(cli->out, "%s: stand-in manufacturing CA %s\n", path,
	    created ? "created" : "already there");
	fprintf(cli->out, "To trust its MICs: ucpki trust add CAPF-trust %s\n",
	    path);
	fprintf(cli->out, "To trust its SUDIs: ucpki trust add CAPF-trust "
	    "%s/phones/mfg/sudi-ca.pem\n", cli->home);
	if (mfg_crl_path(cli->home, path, sizeof(path), &cli->err) == -1)
		return -1;
	fprintf(cli->out, "Its CRL, for servers that check revocation: ucpki "
	    "crl add %s\n", path);
	return 0;
}

int
cmd_phone_make(struct cli *cli, const struct args *a)
{
	const char *model = args_get(a, "model");

	if (phone_make(cli->home, a->positional[0], model ? model : "8845",
	    args_get(a, "mic"), &cli->err) == -1)
		return -1;
	fprintf(cli->out, "%s: phone made with its MIC\n", a->positional[0]);
	return 0;
}

static void
show_cert(struct cli *cli, struct json *j, const char *label, X509 *cert)
{
	struct certinfo info;
	char na[TIME_TEXT_MAX], left[64];

	if (cert == NULL) {
		if (j != NULL)
			json_null(j, label);
		else
			fprintf(cli->out, "%-6s none\n", label);
		return;
	}
	certinfo_get(cert, &info);
	if (j != NULL) {
		json_object_begin(j, label);
		certinfo_json_fields(j, &info);
		json_object_end(j);
		return;
	}
	time_format(info.not_after, na, sizeof(na));
	time_describe_expiry(info.not_after, clock_now(), left, sizeof(left));
	fprintf(cli->out, "%-6s %s (issuer %s, serial %s, until %s, %s)\n",
	    label, info.subject, info.issuer, info.serial, na, left);
}

int
cmd_phone_show(struct cli *cli, const struct args *a)
{
	struct phone ph;
	struct json j;
	char path[4096], model[4 * sizeof(ph.model)];
	int has_itl;

	if (phone_load(cli->home, a->positional[0], &ph, &cli->err) == -1)
		return -1;
	has_itl = phone_itl_path(&ph, path, sizeof(path), NULL) == 0 &&
	    access(path, F_OK) == 0;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		json_string(&j, "name", ph.name);
		json_string(&j, "model", ph.model);
		json_string(&j, "lsc_status", ph.lsc ? "Installed" : "Not Installed");
		show_cert(cli, &j, "mic", ph.mic);
		show_cert(cli, &j, "lsc", ph.lsc);
		json_bool(&j, "itl", has_itl);
		json_object_end(&j);
		json_finish(&j);
	} else {
		fprintf(cli->out, "%s (model %s)\n", ph.name,
		    text_escape(ph.model, model, sizeof(model)));
		fprintf(cli->out, "LSC: %s\n", ph.lsc ? "Installed" :
		    "Not Installed");
		show_cert(cli, NULL, "MIC:", ph.mic);
		show_cert(cli, NULL, "LSC:", ph.lsc);
		fprintf(cli->out, "ITL:   %s\n", has_itl ? path : "none");
	}
	phone_free(&ph);
	return 0;
}

int
cmd_phone_capf(struct cli *cli, const struct args *a)
{
	struct phone_capf_opts o;
	enum capf_client_outcome outcome;
	enum phone_lsc_status status;
	struct phone ph;
	const char *server = args_get(a, "server");
	char host[256], secret[64] = "";
	long timeout;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	if (server == NULL)
		return ucerr_set(&cli->err, "phone capf: --server HOST:PORT is "
		    "required");
	if (hostport_parse(server, 0, host, sizeof(host), &o.port,
	    &cli->err) == -1 ||
	    args_int(cli, a, "timeout", 30, 1, 3600, &timeout) == -1)
		return -1;
	o.auth_string = args_get(a, "auth-string");
	if (args_has(a, "auth-string-file")) {
		if (o.auth_string != NULL)
			return ucerr_set(&cli->err, "give --auth-string or "
			    "--auth-string-file, not both");
		if (cli_read_secret(cli, args_get(a, "auth-string-file"),
		    "Authentication string", secret, sizeof(secret)) == -1)
			return -1;
		o.auth_string = secret;
	}
	o.softphone = args_has(a, "softphone");
	o.host = host;
	o.itl_path = args_get(a, "itl");
	o.timeout_ms = (int)timeout * 1000;
	o.tls1 = args_has(a, "tls1");
	o.prefer_mic = args_has(a, "mic");
	o.console = cli->out;
	if (phone_capf_opts_check(a->positional[0], &o, &cli->err) == -1 ||
	    phone_load(cli->home, a->positional[0], &ph, &cli->err) == -1)
		goto out;
	/* A server that hangs up is a failure to report, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	rc = phone_capf_run(&ph, &o, &outcome, &status, &cli->err);
	fprintf(cli->out, "%s\n", phone_capf_message(rc, outcome, status));
	if (rc == 0 && outcome == OUTCOME_INSTALLED)
		show_cert(cli, NULL, "LSC:", ph.lsc);
	phone_free(&ph);
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	return rc;
}

int
cmd_phone_lsc(struct cli *cli, const struct args *a)
{
	struct phone ph;
	int rc;

	if (strcmp(a->positional[1], "delete") != 0)
		return ucerr_set(&cli->err, "phone lsc: only 'delete' is known, "
		    "not '%s'", a->positional[1]);
	if (phone_load(cli->home, a->positional[0], &ph, &cli->err) == -1)
		return -1;
	if (ph.lsc == NULL) {
		phone_free(&ph);
		return ucerr_set(&cli->err, "%s: no LSC installed",
		    a->positional[0]);
	}
	rc = phone_delete_lsc(&ph, &cli->err);
	if (rc == 0)
		fprintf(cli->out, "%s: LSC deleted; the phone will use its MIC\n",
		    a->positional[0]);
	phone_free(&ph);
	return rc;
}
