/*
 * transfers.c - what the TFTP service's transports share (tftpd_int.h):
 * the transfer and per-address limits, rate-limited lines about peers,
 * and the hand-off of a finished fetch to the recorder.  Below http.c,
 * https.c and tftp.c; tftpd.c starts them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "tftpd_int.h"

struct addr_slot {
	struct addr_slot	*next;
	char			 addr[48];
	int			 count;
};

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
