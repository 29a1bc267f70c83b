/*
 * test_tftp.c - the TFTP service's core: the packet parser and builders,
 * the name check and opening beneath the root (real files and symbolic
 * links in a temporary folder), and the configuration merge.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "test.h"
#include "phone_config.h"
#include "store.h"
#include "store_device.h"
#include "store_fetch.h"
#include "tftp_files.h"
#include "tftp_msg.h"
#include "tftp_path.h"

static void
rrq_with_options(void **state)
{
	static const uint8_t pkt[] = "\0\1SEP001122334455.cnf.xml.sgn\0OCTET\0"
	    "BLKSIZE\0" "1428\0tsize\0" "0\0timeout\0" "3\0unknown\0x";
	struct tftp_msg m;
	struct ucerr err;
	int code;

	(void)state;
	assert_int_equal(tftp_msg_parse(pkt, sizeof(pkt), &m, &code, &err), 0);
	assert_int_equal(m.opcode, TFTP_RRQ);
	assert_string_equal(m.filename, "SEP001122334455.cnf.xml.sgn");
	assert_int_equal(m.netascii, 0);
	assert_int_equal(m.blksize, 1428);
	assert_int_equal(m.tsize, 1);
	assert_int_equal(m.timeout_s, 3);
}

static void
option_values_out_of_range_are_ignored(void **state)
{
	static const uint8_t pkt[] = "\0\1f\0netascii\0blksize\0" "7\0timeout\0"
	    "256\0tsize\0-1";
	struct tftp_msg m;
	struct ucerr err;
	int code;

	(void)state;
	assert_int_equal(tftp_msg_parse(pkt, sizeof(pkt), &m, &code, &err), 0);
	assert_int_equal(m.netascii, 1);
	assert_int_equal(m.blksize, 0);
	assert_int_equal(m.timeout_s, 0);
	assert_int_equal(m.tsize, 0);
}

static void
malformed_packets_are_refused_with_a_code(void **state)
{
	static const struct { const char *pkt; size_t len; int code; } cases[] = {
		{ "", 0, TFTP_ERR_ILLEGAL },
		{ "\0", 1, TFTP_ERR_ILLEGAL },
		{ "\0\x09x\0octet\0", 10, TFTP_ERR_ILLEGAL },
		{ "\0\1abc", 5, TFTP_ERR_ILLEGAL },		/* no NUL */
		{ "\0\1abc\0", 6, TFTP_ERR_ILLEGAL },		/* no mode */
		{ "\0\1abc\0mail\0", 11, TFTP_ERR_ILLEGAL },
		{ "\0\1\0octet\0", 9, TFTP_ERR_ILLEGAL },	/* empty name */
		{ "\0\1a\0octet\0blksize\0", 18, TFTP_ERR_OPTIONS },
		{ "\0\4\0", 3, TFTP_ERR_ILLEGAL },		/* short ACK */
		{ "\0\5\0", 3, TFTP_ERR_ILLEGAL },
	};
	struct tftp_msg m;
	struct ucerr err;
	size_t i;
	int code;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		code = -1;
		assert_int_equal(tftp_msg_parse((const uint8_t *)cases[i].pkt,
		    cases[i].len, &m, &code, &err), -1);
		assert_int_equal(code, cases[i].code);
	}
}

static void
builders_round_trip(void **state)
{
	uint8_t pkt[600];
	struct tftp_msg m;
	struct ucerr err;
	size_t len;
	int code;

	(void)state;
	len = tftp_build_error(pkt, sizeof(pkt), TFTP_ERR_NOT_FOUND,
	    "File not found");
	assert_int_equal(len, 4 + 15);
	assert_int_equal(tftp_msg_parse(pkt, len, &m, &code, &err), 0);
	assert_int_equal(m.opcode, TFTP_ERROR);
	assert_int_equal(m.error_code, 1);
	assert_string_equal(m.error_msg, "File not found");
	len = tftp_build_oack(pkt, sizeof(pkt), 1024, 0, 9088);
	assert_memory_equal(pkt, "\0\6blksize\0" "1024\0tsize\0" "9088", len);
	len = tftp_build_request(pkt, sizeof(pkt), TFTP_WRQ, "x", "octet", 0, 0);
	assert_int_equal(tftp_msg_parse(pkt, len, &m, &code, &err), 0);
	assert_int_equal(m.opcode, TFTP_WRQ);
	assert_int_equal(tftp_build_error(pkt, 5, 0, "too long"), 0);
}

static void
names_outside_the_root_are_refused(void **state)
{
	static const char *const refused[] = { "", "/etc/passwd", "..",
	    "../x", "a/../../x", "a//b", "a/", ".hidden", "a/.b", "a\\b",
	    ("a\x01" "b"), "./ITLFile.tlv" };
	static const char *const served[] = { "ITLFile.tlv",
	    "Desktops/320x212/List.xml", "SEP001122334455.cnf.xml.sgn",
	    "a..b", "g3-tones.xml" };
	struct ucerr err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(tftp_name_check(refused[i], &err), -1);
	for (i = 0; i < sizeof(served) / sizeof(served[0]); i++)
		assert_int_equal(tftp_name_check(served[i], &err), 0);
}

static void
open_beneath_follows_no_links(void **state)
{
	char dir[64], path[128], cmd[1024];
	struct ucerr err;
	struct stat sb;
	int root, fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ucpki-tftp.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/root/sub && echo hi > "
	    "%s/root/sub/f && echo secret > %s/outside && ln -s ../outside "
	    "%s/root/link && ln -s %s %s/root/dirlink && mkfifo %s/root/fifo",
	    dir, dir, dir, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/root", dir);
	root = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(root >= 0);
	assert_int_equal(tftp_open_beneath(root, "sub/f", &fd, &sb, &err), 1);
	assert_int_equal(sb.st_size, 3);
	close(fd);
	assert_int_equal(tftp_open_beneath(root, "missing", &fd, &sb, &err), 0);
	assert_int_equal(tftp_open_beneath(root, "sub/missing/x", &fd, &sb,
	    &err), 0);
	assert_int_equal(tftp_open_beneath(root, "sub", &fd, &sb, &err), 0);
	assert_int_equal(tftp_open_beneath(root, "link", &fd, &sb, &err), -1);
	assert_non_null(strstr(err.msg, "symbolic link"));
	/* A link to a folder is no folder (ENOTDIR): absent, never followed. */
	assert_int_not_equal(tftp_open_beneath(root, "dirlink/outside", &fd, &sb,
	    &err), 1);
	assert_int_equal(tftp_open_beneath(root, "fifo", &fd, &sb, &err), -1);
	assert_int_equal(tftp_open_beneath(root, "../outside", &fd, &sb,
	    &err), -1);
	close(root);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
names_classified(void **state)
{
	char device[64];
	int kind;

	(void)state;
	tftp_name_classify("ITLFile.tlv", device, &kind);
	assert_int_equal(kind, TFTP_KIND_ITL);
	assert_string_equal(device, "");
	tftp_name_classify("ITLSEP001122334455.tlv", device, &kind);
	assert_int_equal(kind, TFTP_KIND_ITL);
	assert_string_equal(device, "SEP001122334455");
	tftp_name_classify("CTLSEP001122334455.tlv", device, &kind);
	assert_int_equal(kind, TFTP_KIND_CTL);
	tftp_name_classify("SEP001122334455.cnf.xml.enc.sgn", device, &kind);
	assert_int_equal(kind, TFTP_KIND_CONFIG);
	assert_string_equal(device, "SEP001122334455");
	tftp_name_classify("SEP001122334455.cnf.xml.bak", device, &kind);
	assert_int_equal(kind, TFTP_KIND_OTHER);
	assert_string_equal(device, "");
	tftp_name_classify("SEPzz1122334455.cnf.xml", device, &kind);
	assert_int_equal(kind, TFTP_KIND_OTHER);
}

static void
merge_fills_the_security_fields(void **state)
{
	static const char xml[] = "<?xml version=\"1.0\"?>\n<device>\n"
	    "<deviceSecurityMode>1</deviceSecurityMode><capfAuthMode>0"
	    "</capfAuthMode><capfAuthMode>2</capfAuthMode>"
	    "<transportLayerProtocol>3</transportLayerProtocol>"
	    "<userLocale>fr</userLocale></device>\n";
	struct phone_security sec;
	struct device d;
	struct ucerr err;
	uint8_t *out;
	size_t len;
	char text[64], *text_out;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.security_mode = DEVICE_SECURITY_AUTHENTICATED;
	d.operation = CERT_OP_INSTALL;
	d.auth_mode = CAPF_AUTH_MIC;
	phone_security_for(&d, NULL, "cucm.example.test", 3804, 2445, &sec);
	assert_int_equal(phone_config_merge((const uint8_t *)xml, sizeof(xml) - 1,
	    "SEP001122334455.cnf.xml", &sec, &out, &len, &err), 0);
	assert_int_equal(phone_config_field(out, len, "deviceSecurityMode", text,
	    sizeof(text), &err), 1);
	assert_string_equal(text, "2");
	assert_int_equal(phone_config_field(out, len, "capfAuthMode", text,
	    sizeof(text), &err), 1);
	assert_string_equal(text, "4");
	assert_int_equal(phone_config_field(out, len, "transportLayerProtocol",
	    text, sizeof(text), &err), 1);
	assert_string_equal(text, "3");
	assert_int_equal(phone_config_field(out, len, "userLocale", text,
	    sizeof(text), &err), 1);
	assert_string_equal(text, "fr");
	assert_int_equal(phone_config_field(out, len, "encrConfig", text,
	    sizeof(text), &err), 1);
	assert_string_equal(text, "false");
	/* The duplicate capfAuthMode is gone. */
	assert_non_null(text_out = strndup((char *)out, len));
	assert_non_null(strstr(text_out, "<capfAuthMode>4</capfAuthMode>"));
	assert_null(strstr(strstr(text_out, "<capfAuthMode>") + 1,
	    "<capfAuthMode>"));
	free(text_out);
	free(out);

	/* Non-secure turns the administrator's TLS into TCP. */
	phone_security_for(NULL, NULL, "cucm", 3804, 0, &sec);
	assert_int_equal(phone_config_merge((const uint8_t *)xml, sizeof(xml) - 1,
	    "x.cnf.xml", &sec, &out, &len, &err), 0);
	assert_int_equal(phone_config_field(out, len, "transportLayerProtocol",
	    text, sizeof(text), &err), 1);
	assert_string_equal(text, "1");
	assert_non_null(text_out = strndup((char *)out, len));
	assert_non_null(strstr(text_out, "<TVS><members/></TVS>"));
	free(text_out);
	free(out);
}

static void
invalid_xml_is_refused_with_file_and_line(void **state)
{
	static const char bad[] = "<device>\n<a>\n<b></a>\n</device>\n";
	static const char not_device[] = "<phone/>";
	struct phone_security sec;
	struct ucerr err;
	uint8_t *out;
	size_t len;

	(void)state;
	phone_security_for(NULL, NULL, "cucm", 3804, 2445, &sec);
	assert_int_equal(phone_config_merge((const uint8_t *)bad, sizeof(bad) - 1,
	    "SEP001122334455.cnf.xml", &sec, &out, &len, &err), -1);
	assert_non_null(strstr(err.msg, "SEP001122334455.cnf.xml:3: invalid XML"));
	assert_int_equal(phone_config_merge((const uint8_t *)not_device,
	    sizeof(not_device) - 1, "f.xml", &sec, &out, &len, &err), -1);
	assert_non_null(strstr(err.msg, "f.xml:1: root element is not <device>"));
}

static void
fetch_event_set(struct fetch_event *e, const char *device, const char *file,
    const char *kind, const char *sha, int64_t at, const char *addr)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->device, sizeof(e->device), "%s", device);
	snprintf(e->file, sizeof(e->file), "%s", file);
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	snprintf(e->sha256, sizeof(e->sha256), "%s", sha);
	e->at = at;
	snprintf(e->addr, sizeof(e->addr), "%s", addr);
	snprintf(e->peer, sizeof(e->peer), "%s:1000", addr);
	snprintf(e->transport, sizeof(e->transport), "tftp");
}

/* A phone's ITL fetch is its own once it names itself from that address
 * within the window; not before, not from elsewhere. */
static void
fetches_are_tied_to_devices(void **state)
{
	char home[64], cmd[128];
	struct fetch_event e, last;
	struct device d;
	struct ucerr err;
	struct store *st;
	int64_t missing;

	(void)state;
	snprintf(home, sizeof(home), "/tmp/ucpki-fetch.XXXXXX");
	assert_non_null(mkdtemp(home));
	assert_non_null(st = store_open(home, 1, &err));
	test_device_init(&d, "SEP0000000000A1");
	test_device_add(st, &d);
	snprintf(d.name, sizeof(d.name), "SEP0000000000A2");
	test_device_add(st, &d);
	/* Too old to be claimed, then the boot sequence, then another
	 * address's ITL. */
	fetch_event_set(&e, "", "ITLFile.tlv", "itl", "old", 1000, "10.0.0.1");
	assert_int_equal(store_fetch_record(st, &e, &err), 0);
	fetch_event_set(&e, "", "ITLFile.tlv", "itl", "new", 2000, "10.0.0.1");
	assert_int_equal(store_fetch_record(st, &e, &err), 0);
	fetch_event_set(&e, "", "ITLFile.tlv", "itl", "new", 2001, "10.0.0.2");
	assert_int_equal(store_fetch_record(st, &e, &err), 0);
	assert_int_equal(store_fetch_last(st, "SEP0000000000A1", "itl", &last,
	    &err), 0);
	fetch_event_set(&e, "SEP0000000000A1", "SEP0000000000A1.cnf.xml.sgn",
	    "config", "c", 2002, "10.0.0.1");
	assert_int_equal(store_fetch_record(st, &e, &err), 0);
	assert_int_equal(store_fetch_last(st, "SEP0000000000A1", "itl", &last,
	    &err), 1);
	assert_string_equal(last.sha256, "new");
	assert_int_equal(last.at, 2000);
	assert_string_equal(last.peer, "10.0.0.1:1000");
	assert_int_equal(store_fetch_count_missing(st, "itl", "new", &missing,
	    &err), 0);
	assert_int_equal(missing, 1);
	/* A device not in the store leaves no record. */
	fetch_event_set(&e, "SEP0000000000FF", "SEP0000000000FF.cnf.xml",
	    "config", "c", 2003, "10.0.0.2");
	assert_int_equal(store_fetch_record(st, &e, &err), 0);
	assert_int_equal(store_fetch_last(st, "SEP0000000000FF", "config",
	    &last, &err), 0);
	/* Removing the device removes its records. */
	assert_int_equal(store_device_remove(st, "SEP0000000000A1", &err), 0);
	assert_int_equal(store_fetch_last(st, "SEP0000000000A1", "itl", &last,
	    &err), 0);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rrq_with_options),
		cmocka_unit_test(option_values_out_of_range_are_ignored),
		cmocka_unit_test(malformed_packets_are_refused_with_a_code),
		cmocka_unit_test(builders_round_trip),
		cmocka_unit_test(names_outside_the_root_are_refused),
		cmocka_unit_test(open_beneath_follows_no_links),
		cmocka_unit_test(names_classified),
		cmocka_unit_test(merge_fills_the_security_fields),
		cmocka_unit_test(invalid_xml_is_refused_with_file_and_line),
		cmocka_unit_test(fetches_are_tied_to_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
