/* fuzz_logdiag.c - log lines through `ucpki diagnose`: scanner and report. */
#include <stddef.h>
#include <stdint.h>

#include "logdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct log_report r;

	logdiag_report(data, size, &r);
	return 0;
}
