/*
 * fuzz_tlv.c - the signed-file readers: ITL/CTL records, .sgn and
 * .enc.sgn headers, through the same entry points `ucpki itl show`,
 * `sgn verify` and `cnf decrypt` use.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "itl.h"
#include "sgn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigfile_header hdr;
	struct itl_file itl;
	struct ucerr err;
	const uint8_t *body;
	size_t body_len;
	FILE *devnull;

	if (itl_parse(data, size, &itl, &err) == 0) {
		(void)itl_verify(&itl, &err);
		if ((devnull = fopen("/dev/null", "w")) != NULL) {
			itl_show(devnull, &itl, "fuzz");
			fclose(devnull);
		}
		itl_free(&itl);
	}
	(void)sgn_parse(data, size, &hdr, &body, &body_len, &err);
	return 0;
}
