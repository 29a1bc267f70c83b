/*
 * pcap.h - TLS handshakes from a capture: libpcap reads the file (pcap
 * or pcapng, as tshark and Wireshark write it) and hands over frames;
 * every byte inside a frame goes through struct reader: IPv4/IPv6 over
 * Ethernet, Linux cooked or loopback links, TCP reassembled in order, and
 * the plaintext part of TLS 1.0-1.2 handshakes: versions, certificates of
 * both sides, alerts and who sent them.  TLS 1.3 is reported as encrypted.
 */
#ifndef UCPKI_PCAP_H
#define UCPKI_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/x509.h>

#include "err.h"

#define PCAP_CONN_MAX		256
#define PCAP_CERTS_MAX		8
#define PCAP_ALERTS_MAX		4

struct tls_side {
	char		 addr[64];		/* "127.0.0.1:5061" */
	uint16_t	 version;		/* record version seen */
	STACK_OF(X509)	*certs;			/* from its Certificate message */
	int		 n_alerts;
	uint8_t		 alert_level[PCAP_ALERTS_MAX];
	uint8_t		 alert_desc[PCAP_ALERTS_MAX];
	int		 encrypted_alerts;
	int		 changed_cipher;
};

struct tls_conn {
	struct tls_side	 client, server;
	uint16_t	 version;		/* negotiated (ServerHello) */
	int		 tls13;			/* handshake encrypted */
	int		 saw_handshake;
	int		 cert_requested;
	char		 error[128];		/* why parsing stopped, if it did */
};

struct pcap_result {
	struct tls_conn	*conns;
	int		 n_conns;
	long		 packets;
};

/* Reads a pcap or pcapng capture from fp, and closes fp. */
int	pcap_read(FILE *fp, struct pcap_result *res, struct ucerr *err);
/* The same over bytes in memory (fmemopen): the fuzz target's way in. */
int	pcap_parse(const uint8_t *data, size_t len, struct pcap_result *res,
	    struct ucerr *err);
void	pcap_result_free(struct pcap_result *res);
const char *tls_version_name(uint16_t version);
/*
 * What a phone presented, by its issuer: "LSC" (issued by a CAPF, CN
 * CAPF-*), "MIC" (a manufacturing or SUDI CA, or a CP-* subject), else
 * "unknown (...)".
 */
const char *pcap_cert_kind(X509 *cert);
const char *tls_alert_name(uint8_t desc);
/*
 * The server asked for a client certificate and none was sent: the
 * phone has no LSC or MIC for that server (only visible before TLS 1.3,
 * whose handshake is encrypted).
 */
int	pcap_client_cert_missing(const struct tls_conn *t);

#endif
