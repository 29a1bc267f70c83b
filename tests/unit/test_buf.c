/* test_buf.c - the bounds-checked reader and the writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "buf.h"

static void
reader_reads_big_and_little_endian(void **state)
{
	const uint8_t data[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
	struct reader r;
	uint8_t b;
	uint16_t s;
	uint32_t w;

	(void)state;
	reader_init(&r, data, sizeof(data));
	assert_int_equal(reader_u8(&r, &b), 0);
	assert_int_equal(b, 0x01);
	assert_int_equal(reader_u16(&r, &s), 0);
	assert_int_equal(s, 0x0203);
	assert_int_equal(reader_u32_le(&r, &w), 0);
	assert_int_equal(w, 0x07060504);
	assert_int_equal(reader_left(&r), 0);
	assert_int_equal(reader_u8(&r, &b), -1);
}

static void
reader_refuses_to_run_past_the_end(void **state)
{
	const uint8_t data[] = { 0xaa, 0xbb, 0xcc };
	const uint8_t *p;
	struct reader r, child;
	uint32_t w;

	(void)state;
	reader_init(&r, data, sizeof(data));
	assert_int_equal(reader_u32(&r, &w), -1);
	assert_int_equal(reader_offset(&r), 0);	/* cursor unchanged */
	assert_int_equal(reader_bytes(&r, SIZE_MAX, &p), -1);
	assert_int_equal(reader_sub(&r, 4, &child), -1);
	assert_int_equal(reader_skip(&r, 1), 0);
	assert_int_equal(reader_sub(&r, 2, &child), 0);
	assert_int_equal(reader_offset(&child), 1);	/* absolute offsets */
	assert_int_equal(reader_left(&r), 0);
}

static void
writer_grows_patches_and_respects_max(void **state)
{
	struct writer w;
	uint8_t *data;
	size_t len;
	int i;

	(void)state;
	writer_init(&w, 0);
	assert_int_equal(writer_u8(&w, 1), 0);
	assert_int_equal(writer_u16(&w, 0), 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(writer_u32(&w, (uint32_t)i), 0);
	assert_int_equal(writer_patch_u16(&w, 1, 0xbeef), 0);
	assert_int_equal(writer_patch_u16(&w, w.len - 1, 1), -1);
	data = writer_take(&w, &len);
	assert_int_equal(len, 3 + 4000);
	assert_int_equal(data[1], 0xbe);
	assert_int_equal(data[2], 0xef);
	free(data);

	writer_init(&w, 4);
	assert_int_equal(writer_u32(&w, 1), 0);
	assert_int_equal(writer_u8(&w, 1), -1);
	assert_int_equal(w.failed, 1);
	assert_int_equal(writer_u8(&w, 1), -1);	/* sticky */
	writer_free(&w);
}

static void
reader_finds_without_moving(void **state)
{
	const uint8_t data[] = "ab\r\ncd\r\n";
	struct reader r;
	size_t at;

	(void)state;
	reader_init(&r, data, sizeof(data) - 1);
	assert_int_equal(reader_find(&r, "\r\n", 2, &at), 0);
	assert_int_equal(at, 2);
	assert_int_equal(reader_left(&r), 8);
	assert_int_equal(reader_skip(&r, 4), 0);
	assert_int_equal(reader_find(&r, "\r\n", 2, &at), 0);
	assert_int_equal(at, 2);
	assert_int_equal(reader_find(&r, "x", 1, &at), -1);
	assert_int_equal(reader_find(&r, "", 0, &at), -1);
	assert_int_equal(reader_find(&r, "cd\r\n!", 5, &at), -1);
	assert_int_equal(reader_skip(&r, 4), 0);
	assert_int_equal(reader_find(&r, "\r", 1, &at), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader_reads_big_and_little_endian),
		cmocka_unit_test(reader_refuses_to_run_past_the_end),
		cmocka_unit_test(writer_grows_patches_and_respects_max),
		cmocka_unit_test(reader_finds_without_moving),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
