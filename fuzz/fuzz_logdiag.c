/* fuzz_logdiag.c - log lines through `ucpki diagnose`'s scanner. */
#include <stddef.h>
#include <stdint.h>

#include "logdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)logdiag_scan(data, size, NULL, NULL);
	return 0;
}
