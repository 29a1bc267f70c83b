/* fuzz_tvs_client.c - the phone's side of TVS (`tvs query`, `phone
 * register`, `phone verify-config --tvs`): a server's answer, framed by
 * its header as the client reads it, into status, roles and TTL. */
#include <stddef.h>
#include <stdint.h>

#include "itl.h"
#include "tvs_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tvs_answer a;
	size_t need;

	if (size < TVS_HEADER_LEN ||
	    tvs_msg_need(data, TVS_HEADER_LEN, &need, NULL) == -1 || need > size)
		return 0;
	if (tvs_answer_decode(data, need, &a, NULL) == 0) {
		(void)tvs_answer_has_role(&a, ROLE_BIT(ROLE_TVS));
		(void)tvs_answer_has_role(&a, ~0UL);
	}
	return 0;
}
