/* tftpd.c - the TFTP service's thread: its start, reload and stop (see tftpd.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <libxml/parser.h>

#include "clock.h"
#include "fileio.h"
#include "log.h"
#include "store.h"
#include "tftpd_int.h"

void
tftpd_config_defaults(struct tftpd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen_addr = "0.0.0.0";
	c->http_port = 6970;
	c->tftp_port = 69;
	c->https_port = 6971;
	c->max_transfers = 2000;
	c->max_per_address = 20;
	c->max_connections = 4000;
	c->max_conn_per_address = 40;
	c->tftp_timeout_s = 2;
	c->tftp_retries = 5;
	c->http_timeout_s = 30;
}

static void *
tftpd_main(void *arg)
{
	struct tftpd *t = arg;

	event_base_dispatch(t->base);
	return NULL;
}

static int
dirs_resolve(struct tftpd *t, const char *home, char *root, size_t rootlen,
    char *config, size_t configlen, struct ucerr *err)
{
	if (t->cfg.root != NULL)
		snprintf(root, rootlen, "%s", t->cfg.root);
	else if (path_join(root, rootlen, home, "tftp", err) == -1 ||
	    dir_make(root, 0755, err) == -1)
		return -1;
	if (t->cfg.config_dir != NULL)
		snprintf(config, configlen, "%s", t->cfg.config_dir);
	else if (path_join(config, configlen, home, "config", err) == -1 ||
	    dir_make(config, 0750, err) == -1)
		return -1;
	return 0;
}

struct tftpd *
tftpd_start(const struct tftpd_config *c, const char *home,
    tftpd_record_fn record, void *record_arg, struct ucerr *err)
{
	struct tftp_files_config fc;
	char root[4096], config[4096];
	struct tftpd *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		ucerr_set(err, "out of memory");
		return NULL;
	}
	t->cfg = *c;
	t->udp_fd = -1;
	t->record = record;
	t->record_arg = record_arg;
	evthread_use_pthreads();
	/* libxml2 sets itself up once, before any thread parses. */
	xmlInitParser();
	if (dirs_resolve(t, home, root, sizeof(root), config, sizeof(config),
	    err) == -1 || (t->st = store_open(home, STORE_EVENT_LOOP,
	    err)) == NULL)
		goto fail;
	memset(&fc, 0, sizeof(fc));
	fc.root = root;
	fc.config_dir = config;
	fc.capf_port = c->capf_port;
	fc.tvs_port = c->tvs_port;
	if ((t->files = tftp_files_open(&fc, t->st, err)) == NULL)
		goto fail;
	if ((t->base = event_base_new()) == NULL) {
		ucerr_set(err, "tftp: cannot create an event loop");
		goto fail;
	}
	t->http.t = t->https.t = t;
	t->http.port = c->http_port;
	t->http.transport = "http";
	t->https.port = c->https_port;
	t->https.tls = 1;
	t->https.transport = "https";
	atomic_init(&t->tls_reload, 0);
	if (c->https_port > 0)
		tftpd_https_init(t);
	if ((c->http_port > 0 && tftpd_http_start(t, &t->http, err) == -1) ||
	    (c->https_port > 0 && tftpd_http_start(t, &t->https, err) == -1) ||
	    (c->tftp_port > 0 && tftpd_tftp_start(t, err) == -1))
		goto fail;
	if (pthread_create(&t->thread, NULL, tftpd_main, t) != 0) {
		ucerr_set(err, "tftp: cannot start a thread");
		goto fail;
	}
	t->thread_up = 1;
	snprintf(t->root, sizeof(t->root), "%s", root);
	snprintf(t->config, sizeof(t->config), "%s", config);
	return t;
fail:
	tftpd_stop(t);
	return NULL;
}

void
tftpd_log_listening(const struct tftpd *t)
{
	if (t == NULL)
		return;
	if (t->cfg.http_port > 0)
		log_info("serve: HTTP (TFTP files) listening on %s:%d",
		    t->cfg.listen_addr, t->cfg.http_port);
	if (t->cfg.https_port > 0)
		log_info("serve: HTTPS (configurations, CallManager-ECDSA) "
		    "listening on %s:%d", t->cfg.listen_addr,
		    t->cfg.https_port);
	if (t->cfg.tftp_port > 0)
		log_info("serve: TFTP listening on %s:%d (udp)",
		    t->cfg.listen_addr, t->cfg.tftp_port);
	log_info("serve: TFTP root %s, configuration folder %s", t->root,
	    t->config);
}

void
tftpd_reload(struct tftpd *t)
{
	if (t != NULL)
		atomic_store(&t->tls_reload, 1);
}

void
tftpd_stop(struct tftpd *t)
{
	if (t == NULL)
		return;
	if (t->thread_up) {
		event_base_loopexit(t->base, NULL);
		pthread_join(t->thread, NULL);
	}
	tftpd_http_stop(t, &t->http);
	tftpd_http_stop(t, &t->https);
	tftpd_https_free(t);
	tftpd_tftp_stop(t);
	tftpd_addr_clear(t->addrs);
	tftpd_addr_clear(t->conn_addrs);
	if (t->base != NULL)
		event_base_free(t->base);
	tftp_files_close(t->files);
	store_close(t->st);
	free(t);
}
