/* fuzz_sip_msg.c - SIP responses through the phone's parser. */
#include <stddef.h>
#include <stdint.h>

#include "sip_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_response r;
	struct ucerr err;
	size_t head = sip_head_length(data, size);

	if (head > 0)
		(void)sip_response_parse(data, head, &r, &err);
	(void)sip_response_parse(data, size, &r, &err);
	return 0;
}
