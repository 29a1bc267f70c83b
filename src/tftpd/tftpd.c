/* tftpd.c - the TFTP service's thread, limits and records (see tftpd.h). */
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

struct addr_slot {
	struct addr_slot	*next;
	char			 addr[48];
	int			 count;
};

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

static size_t
addr_bucket(const char *addr)
{
	size_t h = 5381;

	for (; *addr; addr++)
		h = h * 33 + (unsigned char)*addr;
	return h % ADDR_BUCKETS;
}

void
tftpd_log_peer(enum log_level level, const char *kind, const char *addr,
    const char *fmt, ...)
{
	char net[48], line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_peer_net(addr, net, sizeof(net));
	log_limited(level, kind, net, "%s", line);
}

int
tftpd_addr_add(struct addr_slot **table, const char *addr, int limit)
{
	struct addr_slot **pp = &table[addr_bucket(addr)], *slot;

	for (slot = *pp; slot != NULL; slot = slot->next)
		if (strcmp(slot->addr, addr) == 0)
			break;
	if (slot == NULL) {
		if ((slot = calloc(1, sizeof(*slot))) == NULL)
			return -1;
		snprintf(slot->addr, sizeof(slot->addr), "%s", addr);
		slot->next = *pp;
		*pp = slot;
	}
	if (slot->count >= limit)
		return 0;
	slot->count++;
	return 1;
}

void
tftpd_addr_remove(struct addr_slot **table, const char *addr)
{
	struct addr_slot **pp = &table[addr_bucket(addr)], *slot;

	for (; (slot = *pp) != NULL; pp = &slot->next) {
		if (strcmp(slot->addr, addr) != 0)
			continue;
		/* The table holds only addresses with something in flight. */
		if (--slot->count <= 0) {
			*pp = slot->next;
			free(slot);
		}
		return;
	}
}

void
tftpd_addr_clear(struct addr_slot **table)
{
	size_t i;

	for (i = 0; i < ADDR_BUCKETS; i++)
		while (table[i] != NULL) {
			struct addr_slot *next = table[i]->next;

			free(table[i]);
			table[i] = next;
		}
}

int
tftpd_admit(struct tftpd *t, const char *addr, const char *transport)
{
	int rc;

	if (t->transfers >= t->cfg.max_transfers) {
		tftpd_log_peer(LOG_LEVEL_WARN, "tftp: transfers refused", addr,
		    "tftp: %s transfer to %s refused: %d at once (limit)",
		    transport, addr, t->cfg.max_transfers);
		return 0;
	}
	if ((rc = tftpd_addr_add(t->addrs, addr, t->cfg.max_per_address)) != 1) {
		if (rc == 0)
			tftpd_log_peer(LOG_LEVEL_WARN, "tftp: transfers refused",
			    addr, "tftp: %s transfer to %s refused: %d from "
			    "that address (limit)", transport, addr,
			    t->cfg.max_per_address);
		return 0;
	}
	t->transfers++;
	return 1;
}

void
tftpd_release(struct tftpd *t, const char *addr)
{
	t->transfers--;
	tftpd_addr_remove(t->addrs, addr);
}

void
tftpd_record(struct tftpd *t, const struct tftp_served *s, const char *name,
    const char *addr, int port, const char *transport)
{
	struct fetch_event e;

	t->served++;
	log_debug("tftp: %s %s to %s:%d (%llu bytes)", transport, name, addr,
	    port, (unsigned long long)s->size);
	if (t->record == NULL)
		return;
	memset(&e, 0, sizeof(e));
	snprintf(e.device, sizeof(e.device), "%s", s->device);
	snprintf(e.file, sizeof(e.file), "%s", name);
	snprintf(e.kind, sizeof(e.kind), "%s", tftp_kind_name(s->kind));
	if (s->blob != NULL)
		memcpy(e.sha256, s->blob->sha256, sizeof(e.sha256));
	e.at = (int64_t)clock_now();
	snprintf(e.addr, sizeof(e.addr), "%s", addr);
	snprintf(e.peer, sizeof(e.peer), "%s:%d", addr, port);
	snprintf(e.transport, sizeof(e.transport), "%s", transport);
	t->record(t->record_arg, &e);
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
	    err) == -1 || (t->st = store_open(home, 0, err)) == NULL)
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
