/*
 * fuzz_tftp_path.c - the TFTP service's name check: whatever it accepts
 * is relative and has no "..", hidden or empty component.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tftp_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[TFTP_PATH_MAX + 2];
	struct ucerr err;
	size_t i;

	if (size > TFTP_PATH_MAX + 1)
		size = TFTP_PATH_MAX + 1;
	memcpy(name, data, size);
	name[size] = '\0';
	if (tftp_name_check(name, &err) == -1)
		return 0;
	if (name[0] == '/' || name[0] == '.' || strstr(name, "/.") != NULL ||
	    strstr(name, "//") != NULL || name[strlen(name) - 1] == '/' ||
	    strchr(name, '\\') != NULL)
		__builtin_trap();
	for (i = 0; name[i]; i++)
		if ((unsigned char)name[i] < 0x20)
			__builtin_trap();
	return 0;
}
