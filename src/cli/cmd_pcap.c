/*
 * cmd_pcap.c - `ucpki pcap FILE|-`: per TLS connection in a capture
 * (pcap or pcapng; - reads standard input), both
 * sides' certificates, whether the phone presented its LSC or its MIC,
 * and the alerts with the side that sent them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certinfo.h"
#include "commands.h"
#include "fileio.h"
#include "json.h"
#include "pcap.h"
#include "x509.h"

const struct opt pcap_opts[] = {
	{ "extract", OPT_VALUE, "DIR", "write every certificate seen as PEM into DIR" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

static void
extract(struct cli *cli, const char *dir, int conn, const char *side, int i,
    X509 *cert)
{
	char name[64], path[4096], *pem;
	size_t len;

	snprintf(name, sizeof(name), "conn%d-%s-%d.pem", conn, side, i);
	if (path_join(path, sizeof(path), dir, name, NULL) == -1 ||
	    cert_to_pem(cert, &pem, &len, NULL) == -1)
		return;
	if (file_write_atomic(path, pem, len, 0644, NULL) == 0)
		fprintf(cli->out, "    written to %s\n", path);
	free(pem);
}

static void
side_text(struct cli *cli, const struct tls_side *s, const char *label,
    int conn, const char *dir, int is_client)
{
	struct certinfo info;
	int i;

	for (i = 0; s->certs != NULL && i < sk_X509_num(s->certs); i++) {
		certinfo_get(sk_X509_value(s->certs, i), &info);
		fprintf(cli->out, "  %s certificate %d: %s (issuer %s, serial %s)%s%s\n",
		    label, i, info.subject, info.issuer, info.serial,
		    is_client && i == 0 ? ": the phone presented its " : "",
		    is_client && i == 0 ? pcap_cert_kind(
		    sk_X509_value(s->certs, 0)) : "");
		if (dir != NULL)
			extract(cli, dir, conn, label, i, sk_X509_value(s->certs, i));
	}
	for (i = 0; i < s->n_alerts; i++)
		fprintf(cli->out, "  alert from the %s (%s): %s %s (%u)\n", label,
		    s->addr, s->alert_level[i] == 2 ? "fatal" : "warning",
		    tls_alert_name(s->alert_desc[i]), s->alert_desc[i]);
	if (s->encrypted_alerts)
		fprintf(cli->out, "  %d encrypted alert(s) from the %s\n",
		    s->encrypted_alerts, label);
}

static void
side_json(struct json *j, const struct tls_side *s, const char *key,
    int is_client)
{
	struct certinfo info;
	int i;

	json_object_begin(j, key);
	json_string(j, "address", s->addr);
	json_array_begin(j, "certificates");
	for (i = 0; s->certs != NULL && i < sk_X509_num(s->certs); i++) {
		certinfo_get(sk_X509_value(s->certs, i), &info);
		json_object_begin(j, NULL);
		json_string(j, "subject", info.subject);
		json_string(j, "issuer", info.issuer);
		json_string(j, "serial", info.serial);
		json_object_end(j);
	}
	json_array_end(j);
	if (is_client)
		json_string(j, "presented", s->certs && sk_X509_num(s->certs) ?
		    pcap_cert_kind(sk_X509_value(s->certs, 0)) : NULL);
	json_array_begin(j, "alerts");
	for (i = 0; i < s->n_alerts; i++) {
		json_object_begin(j, NULL);
		json_string(j, "level", s->alert_level[i] == 2 ? "fatal" : "warning");
		json_string(j, "description", tls_alert_name(s->alert_desc[i]));
		json_int(j, "code", s->alert_desc[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

int
cmd_pcap(struct cli *cli, const struct args *a)
{
	const char *dir = args_get(a, "extract");
	struct pcap_result res;
	struct tls_conn *t;
	struct json j;
	const char *path = a->positional[0];
	FILE *fp;
	int i, fd;

	/* pcap_read closes what it is given: standard input goes as a copy. */
	if (strcmp(path, "-") == 0) {
		if ((fd = dup(STDIN_FILENO)) == -1 ||
		    (fp = fdopen(fd, "rb")) == NULL)
			return ucerr_set(&cli->err, "standard input: %s",
			    strerror(errno));
		path = "standard input";
	} else if ((fp = fopen(path, "rb")) == NULL) {
		return ucerr_set(&cli->err, "%s: %s", path, strerror(errno));
	}
	if (pcap_read(fp, &res, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "%s", path);
	if (dir != NULL && dir_make(dir, 0755, &cli->err) == -1) {
		pcap_result_free(&res);
		return -1;
	}
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_object_begin(&j, NULL);
		json_int(&j, "packets", res.packets);
		json_array_begin(&j, "connections");
		for (i = 0; i < res.n_conns; i++) {
			t = &res.conns[i];
			json_object_begin(&j, NULL);
			json_string(&j, "version", t->tls13 ? "TLSv1.3" :
			    tls_version_name(t->version));
			json_bool(&j, "encrypted_handshake", t->tls13);
			json_bool(&j, "client_certificate_requested",
			    t->cert_requested);
			side_json(&j, &t->client, "client", 1);
			side_json(&j, &t->server, "server", 0);
			json_string(&j, "note", t->error[0] ? t->error : NULL);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		fprintf(cli->out, "%s: %ld packets, %d TLS connection(s)\n",
		    path, res.packets, res.n_conns);
		for (i = 0; i < res.n_conns; i++) {
			t = &res.conns[i];
			fprintf(cli->out, "connection %d: %s -> %s, %s\n", i + 1,
			    t->client.addr, t->server.addr, t->tls13 ?
			    "TLSv1.3: handshake encrypted, certificates not visible" :
			    tls_version_name(t->version));
			side_text(cli, &t->server, "server", i + 1, dir, 0);
			if (pcap_client_cert_missing(t))
				fprintf(cli->out, "  the server asked for a client "
				    "certificate; none was sent\n");
			side_text(cli, &t->client, "client", i + 1, dir, 1);
			if (t->error[0])
				fprintf(cli->out, "  note: %s\n", t->error);
		}
	}
	pcap_result_free(&res);
	return 0;
}
