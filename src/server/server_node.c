/*
 * server_node.c - this node's place in the cluster inside `ucpki serve`:
 * the heartbeat (where its services listen, every CLUSTER_HEARTBEAT_S
 * through the writer, never per request) and the CAPF switch (CAPF runs
 * where the CAPF key is: the publisher).
 *
 * One server per process: the heartbeat's timer is this file's.
 */
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "cluster.h"
#include "log.h"
#include "publish.h"
#include "server.h"
#include "services.h"
#include "store.h"

struct heartbeat_job {
	struct job	 job;	/* first: the writer sees a struct job */
	char		 services[256];
};

static struct event *heartbeat_timer;

static int
heartbeat_apply(struct job *job, struct store *st, struct ucerr *err)
{
	struct heartbeat_job *h = (struct heartbeat_job *)job;

	return cluster_heartbeat(st, h->services, err);
}

static void
heartbeat_free(struct job *job)
{
	if (job->rc != 0)
		log_warn("node: heartbeat not recorded: %s", job->err.msg);
	free(job);
}

static void
on_heartbeat(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	struct heartbeat_job *h;

	(void)fd;
	(void)what;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return;
	/* What phones and the other nodes need to reach this node. */
	snprintf(h->services, sizeof(h->services), "capf=%d tvs=%d tftp=%d "
	    "http=%d https=%d", s->cfg.capf_port, server_service_on(s, "TVS") ?
	    s->cfg.tvs_port : 0, s->cfg.tftp.tftp_port, s->cfg.tftp.http_port,
	    s->cfg.tftp.https_port);
	h->job.apply = heartbeat_apply;
	h->job.free_fn = heartbeat_free;
	jobq_push(&s->writer.q, &h->job);
}

int
server_node_capf_check(struct server_config *cfg, struct ucerr *err)
{
	char publisher[256];
	struct store *st;
	int rc;

	if (cfg->capf_port <= 0)
		return 0;
	if ((st = store_open(cfg->home, STORE_READONLY_OK, err)) == NULL)
		return -1;
	if ((rc = store_node_is_publisher(st, err)) == 0) {
		store_node_publisher(st, publisher, sizeof(publisher), NULL);
		/* A subscriber has no CAPF key to sign with: phones are told
		 * the publisher's CAPF by their configuration files. */
		log_info("capf: not started: CAPF runs on the publisher %s",
		    publisher);
		cfg->capf_port = 0;
	}
	store_close(st);
	return rc == -1 ? -1 : 0;
}

static int
node_port(const struct server_config *cfg)
{
	/* On with any service: a node that serves nothing beats for
	 * nothing (and serve says there is no service to run). */
	return cfg->capf_port > 0 || cfg->tvs_port > 0 ||
	    cfg->tftp.tftp_port > 0 || cfg->tftp.http_port > 0 ||
	    cfg->tftp.https_port > 0 || cfg->admin_port > 0;
}

/* A node that joined or left, or changed an identity: this node's ITL
 * names every node's CallManager and TVS. */
static int
node_refresh(struct server *s, struct store *st)
{
	struct ucerr err;

	(void)s;
	switch (tftp_publish_if_changed(st, &err)) {
	case -1:
		log_once(LOG_LEVEL_ERROR, "node-refresh", "node: ITL not "
		    "republished: %s", err.msg);
		return -1;
	case 1:
		log_info("node: the cluster changed: ITLFile.tlv republished");
		break;
	case 2:
		log_info("node: the publisher built a new CTL: CTLFile.tlv "
		    "written");
		break;
	}
	return 0;
}

static int
node_start(struct server *s, struct ucerr *err)
{
	struct timeval every = { CLUSTER_HEARTBEAT_S, 0 };

	if ((heartbeat_timer = event_new(s->loops[0].base, -1, EV_PERSIST,
	    on_heartbeat, s)) == NULL || event_add(heartbeat_timer,
	    &every) == -1)
		return ucerr_set(err, "serve: cannot start the heartbeat");
	on_heartbeat(-1, 0, s);
	/* The cluster may have changed while this node was not serving. */
	node_refresh(s, s->loops[0].store);
	return 0;
}

static void
node_stop(struct server *s)
{
	(void)s;
	if (heartbeat_timer != NULL)
		event_free(heartbeat_timer);
	heartbeat_timer = NULL;
}

const struct service_def node_service = {
	.name = "node",
	.port = node_port,
	.start = node_start,
	.refresh = node_refresh,
	.stop = node_stop,
};
