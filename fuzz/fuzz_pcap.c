/*
 * fuzz_pcap.c - captures the way `ucpki pcap` reads them: libpcap over a
 * FILE* (fmemopen), pcap or pcapng framing, then our IP/TCP reassembly,
 * TLS records and handshakes.
 */
#include <stddef.h>
#include <stdint.h>

#include "pcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcap_result res;
	struct ucerr err;

	if (pcap_parse(data, size, &res, &err) == 0)
		pcap_result_free(&res);
	return 0;
}
