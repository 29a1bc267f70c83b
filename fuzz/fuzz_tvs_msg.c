/* fuzz_tvs_msg.c - TVS messages through the server's decoder. */
#include <stddef.h>
#include <stdint.h>

#include "tvs_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tvs_msg m;
	struct ucerr err;
	size_t need;

	(void)tvs_msg_need(data, size, &need, &err);
	if (tvs_msg_decode(data, size, &m, &err) == 0)
		(void)tvs_device_name_valid(m.device_name);
	return 0;
}
