/* fuzz_tftp_msg.c - TFTP datagrams through the server's parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tftp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_msg m;
	struct ucerr err;
	uint8_t reply[TFTP_PACKET_MAX];
	int code;

	if (tftp_msg_parse(data, size, &m, &code, &err) == -1) {
		(void)tftp_build_error(reply, sizeof(reply), (uint16_t)code,
		    err.msg);
		return 0;
	}
	if (m.opcode == TFTP_RRQ || m.opcode == TFTP_WRQ) {
		if (strlen(m.filename) == 0 || m.filename[TFTP_NAME_MAX] != '\0')
			__builtin_trap();
		(void)tftp_build_oack(reply, sizeof(reply), m.blksize,
		    m.timeout_s, m.tsize ? 1 : -1);
	}
	return 0;
}
