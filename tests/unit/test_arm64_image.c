// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 kernel images: the Image header and every rejection, Image.gz and
 * zboot decompression, and where the kernel lands. Images are synthetic:
 * a 64-byte header written byte by byte in little endian, then padding.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "arm64.h"
#include "errbuf.h"
#include "placement.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A header and a recognisable body, as booting.rst lays it out. */
static uint8_t *make_image(size_t len, uint64_t text_offset,
			   uint64_t image_size, uint64_t flags)
{
	uint8_t *b = calloc(1, len);

	assert_non_null(b);
	for (size_t i = ARM64_IMAGE_HEADER_SIZE; i < len; i++)
		b[i] = (uint8_t)(i * 7 + 3);
	put_le32(b + 0, 0x14000010);	/* b #64 */
	put_le64(b + 8, text_offset);
	put_le64(b + 16, image_size);
	put_le64(b + 24, flags);
	memcpy(b + 56, "ARM\x64", 4);
	return b;
}

static void gzip_buf(const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	z_stream zs = { 0 };
	size_t cap = compressBound(len) + 64;

	*out = malloc(cap);
	assert_non_null(*out);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = len;
	zs.next_out = *out;
	zs.avail_out = cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
}

#define ZBOOT_PE 0x40
#define ZBOOT_PAYLOAD 0x80

/* The zboot-header.S layout around @payload; machine 0xaa64 unless told. */
static uint8_t *make_zboot(const void *payload, size_t plen, const char *comp,
			   uint16_t machine, size_t *len)
{
	uint8_t *b;

	*len = ZBOOT_PAYLOAD + plen;
	b = calloc(1, *len);
	assert_non_null(b);
	memcpy(b, "MZ", 2);
	memcpy(b + 4, "zimg", 4);
	put_le32(b + 8, ZBOOT_PAYLOAD);
	put_le32(b + 12, (uint32_t)plen);
	strncpy((char *)b + 24, comp, 31);
	put_le32(b + 0x38, 0x818223cd);	/* LINUX_PE_MAGIC */
	put_le32(b + 0x3c, ZBOOT_PE);
	memcpy(b + ZBOOT_PE, "PE\0\0", 4);
	b[ZBOOT_PE + 4] = (uint8_t)machine;
	b[ZBOOT_PE + 5] = (uint8_t)(machine >> 8);
	memcpy(b + ZBOOT_PAYLOAD, payload, plen);
	return b;
}

/* ---- header ---- */

static void header_fields_read_as_little_endian(void **state)
{
	uint8_t *img = make_image(4096, 0x80000, 0x1234000,
				  (1 << 1) | ARM64_FLAG_PHYS_ANYWHERE);
	struct arm64_image_info info;
	struct errbuf e = { 0 };

	assert_int_equal(arm64_image_parse(img, 4096, &info, &e), 0);
	assert_int_equal(info.text_offset, 0x80000);
	assert_int_equal(info.image_size, 0x1234000);
	assert_int_equal(info.page_size, 4096);
	assert_true(info.phys_anywhere);
	free(img);
}

static void page_size_reported_for_every_encoding(void **state)
{
	static const unsigned int want[] = { 0, 4096, 16384, 65536 };
	struct arm64_image_info info;
	struct errbuf e = { 0 };

	for (uint64_t code = 0; code < 4; code++) {
		uint8_t *img = make_image(128, 0, 0x10000, code << 1);

		assert_int_equal(arm64_image_parse(img, 128, &info, &e), 0);
		assert_int_equal(info.page_size, want[code]);
		assert_false(info.phys_anywhere);
		free(img);
	}
}

static void header_layout_matches_booting_rst(void **state)
{
	assert_int_equal(sizeof(struct arm64_image_header), 64);
	assert_int_equal(offsetof(struct arm64_image_header, text_offset), 8);
	assert_int_equal(offsetof(struct arm64_image_header, image_size), 16);
	assert_int_equal(offsetof(struct arm64_image_header, flags), 24);
	assert_int_equal(offsetof(struct arm64_image_header, magic), 56);
	assert_int_equal(ARM64_IMAGE_MAGIC, arm64_le32("ARM\x64"));
}

static void short_image_rejected(void **state)
{
	uint8_t *img = make_image(64, 0, 0x10000, 0);
	struct arm64_image_info info;
	struct errbuf e = { 0 };

	assert_int_equal(arm64_image_parse(img, 63, &info, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "shorter than the 64-byte"));
	free(img);
}

static void missing_magic_rejected(void **state)
{
	uint8_t *img = make_image(128, 0, 0x10000, 0);
	struct arm64_image_info info;
	struct errbuf e = { 0 };

	memcpy(img + 56, "d\x4d\x52\x41", 4);	/* the magic byte-swapped */
	assert_int_equal(arm64_image_parse(img, 128, &info, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "magic"));
	free(img);
}

static void zero_image_size_rejected_as_pre_3_17(void **state)
{
	uint8_t *img = make_image(128, 0x80000, 0, 0);
	struct arm64_image_info info;
	struct errbuf e = { 0 };

	assert_int_equal(arm64_image_parse(img, 128, &info, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "v3.17"));
	free(img);
}

static void big_endian_kernel_rejected(void **state)
{
	uint8_t *img = make_image(128, 0, 0x10000, ARM64_FLAG_BE | (1 << 1));
	struct arm64_image_info info;
	struct errbuf e = { 0 };

	assert_int_equal(arm64_image_parse(img, 128, &info, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "big-endian"));
	free(img);
}

static void unaligned_text_offset_rejected(void **state)
{
	uint8_t *img = make_image(128, 0x80010, 0x10000, 0);
	struct arm64_image_info info;
	struct errbuf e = { 0 };

	assert_int_equal(arm64_image_parse(img, 128, &info, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "text_offset 0x80010"));
	free(img);
}

static void image_beyond_48_bits_rejected(void **state)
{
	uint8_t *img = make_image(128, 0x1000, ARM64_PHYS_LIMIT - 0x800, 0);
	uint8_t *wrap = make_image(128, 0xfffffffffffff000ULL, 0x2000, 0);
	struct arm64_image_info info;
	struct errbuf e = { 0 };

	assert_int_equal(arm64_image_parse(img, 128, &info, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "48-bit"));
	err_clear(&e);
	assert_int_equal(arm64_image_parse(wrap, 128, &info, &e), -ENOEXEC);
	free(img);
	free(wrap);
}

/* ---- gzip ---- */

static void gzip_inflates_to_the_original(void **state)
{
	uint8_t *img = make_image(300000, 0, 0x100000, 1 << 1), *gz;
	struct arm64_image_info info;
	struct errbuf e = { 0 };
	size_t gz_len, n;
	void *out;

	gzip_buf(img, 300000, &gz, &gz_len);
	assert_int_equal(arm64_gunzip(gz, gz_len, ARM64_MAX_IMAGE_SIZE, false,
				      &out, &n, &e), 0);
	assert_int_equal(n, 300000);
	assert_memory_equal(out, img, n);
	assert_int_equal(arm64_image_parse(out, n, &info, &e), 0);
	free(out);
	free(gz);
	free(img);
}

static void gzip_truncated_rejected(void **state)
{
	uint8_t *img = make_image(300000, 0, 0x100000, 0), *gz;
	struct errbuf e = { 0 };
	size_t gz_len, n;
	void *out = NULL;

	gzip_buf(img, 300000, &gz, &gz_len);
	assert_int_equal(arm64_gunzip(gz, gz_len / 2, ARM64_MAX_IMAGE_SIZE,
				      false, &out, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_null(out);
	/* Only the 8-byte trailer missing: still truncated, not accepted. */
	err_clear(&e);
	assert_int_equal(arm64_gunzip(gz, gz_len - 8, ARM64_MAX_IMAGE_SIZE,
				      false, &out, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "truncated"));
	free(gz);
	free(img);
}

static void gzip_corrupt_rejected(void **state)
{
	uint8_t *img = make_image(300000, 0, 0x100000, 0), *gz;
	struct errbuf e = { 0 };
	size_t gz_len, n;
	void *out = NULL;

	gzip_buf(img, 300000, &gz, &gz_len);
	gz[gz_len - 6] ^= 0xff;	/* inside the CRC-32 */
	assert_int_equal(arm64_gunzip(gz, gz_len, ARM64_MAX_IMAGE_SIZE, false,
				      &out, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "corrupt"));
	assert_null(out);
	free(gz);
	free(img);
}

static void gzip_larger_than_bound_rejected(void **state)
{
	uint8_t *img = make_image(300000, 0, 0x100000, 0), *gz;
	struct errbuf e = { 0 };
	size_t gz_len, n;
	void *out = NULL;

	gzip_buf(img, 300000, &gz, &gz_len);
	assert_int_equal(arm64_gunzip(gz, gz_len, 299999, false, &out, &n, &e),
			 -EFBIG);
	assert_non_null(strstr(e.msg, "more than 299999 bytes"));
	assert_null(out);
	/* Exactly at the bound is fine. */
	assert_int_equal(arm64_gunzip(gz, gz_len, 300000, false, &out, &n,
				      NULL), 0);
	assert_int_equal(n, 300000);
	free(out);
	free(gz);
	free(img);
}

static void gzip_lying_size_trailer_still_bounded(void **state)
{
	uint8_t *img = make_image(300000, 0, 0x100000, 0), *gz;
	struct errbuf e = { 0 };
	size_t gz_len, n;
	void *out = NULL;

	/* ISIZE claims 16 bytes: the buffer must grow, not overflow. */
	gzip_buf(img, 300000, &gz, &gz_len);
	put_le32(gz + gz_len - 4, 16);
	assert_int_equal(arm64_gunzip(gz, gz_len, ARM64_MAX_IMAGE_SIZE, false,
				      &out, &n, &e), -EINVAL);
	/* zlib checks ISIZE against what it produced: corrupt, not accepted. */
	assert_non_null(strstr(e.msg, "corrupt"));
	free(gz);
	free(img);
}

static void not_gzip_rejected(void **state)
{
	uint8_t *img = make_image(4096, 0, 0x10000, 0);
	uint8_t bz2[20] = { 0x1f, 0x8b, 0x07 };
	struct errbuf e = { 0 };
	size_t n;
	void *out;

	assert_int_equal(arm64_gunzip(img, 4096, MiB, false, &out, &n, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "not gzip"));
	err_clear(&e);
	assert_int_equal(arm64_gunzip(bz2, sizeof(bz2), MiB, false, &out, &n,
				      &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "not deflate"));
	free(img);
}

static void gzip_padding_accepted_garbage_rejected(void **state)
{
	uint8_t *img = make_image(5000, 0, 0x10000, 0), *gz, *padded;
	struct errbuf e = { 0 };
	size_t gz_len, n;
	void *out;

	gzip_buf(img, 5000, &gz, &gz_len);
	padded = calloc(1, gz_len + 512);
	memcpy(padded, gz, gz_len);
	assert_int_equal(arm64_gunzip(padded, gz_len + 512, MiB, false, &out,
				      &n, &e), 0);
	assert_int_equal(n, 5000);
	free(out);
	padded[gz_len + 100] = 1;
	assert_int_equal(arm64_gunzip(padded, gz_len + 512, MiB, false, &out,
				      &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "follow the end of the gzip stream"));
	free(padded);
	free(gz);
	free(img);
}

static void image_gz_probe_needs_arm64_header_inside(void **state)
{
	uint8_t *img = make_image(100000, 0, 0x100000, 0), *gz;
	uint8_t other[100000] = { 'x' };
	struct errbuf e = { 0 };
	size_t gz_len;

	gzip_buf(img, 100000, &gz, &gz_len);
	assert_int_equal(arm64_image_gz_probe(gz, gz_len, &e), 0);
	/* The probe reads the header only: a cut-off file still probes. */
	assert_int_equal(arm64_image_gz_probe(gz, gz_len / 2, &e), 0);
	free(gz);
	gzip_buf(other, sizeof(other), &gz, &gz_len);
	assert_int_equal(arm64_image_gz_probe(gz, gz_len, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "no arm64 Image"));
	free(gz);
	free(img);
}

/* ---- zboot ---- */

static void zboot_gzip_payload_extracted(void **state)
{
	uint8_t *img = make_image(200000, 0, 0x100000, 0), *gz, *zb;
	struct errbuf e = { 0 };
	size_t gz_len, zb_len, n;
	void *out;

	gzip_buf(img, 200000, &gz, &gz_len);
	zb = make_zboot(gz, gz_len, "gzip", 0xaa64, &zb_len);
	assert_int_equal(arm64_zboot_probe(zb, zb_len, &e), 0);
	/* A zboot file is not an Image and not gzip at offset 0. */
	assert_int_not_equal(arm64_image_probe(zb, zb_len, NULL), 0);
	assert_int_not_equal(arm64_gzip_probe(zb, zb_len, NULL), 0);
	assert_int_equal(arm64_zboot_extract(zb, zb_len, ARM64_MAX_IMAGE_SIZE,
					     &out, &n, &e), 0);
	assert_int_equal(n, 200000);
	assert_memory_equal(out, img, n);
	free(out);
	free(zb);
	free(gz);
	free(img);
}

static void zboot_zstd_rejected_naming_type(void **state)
{
	uint8_t payload[256] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct errbuf e = { 0 };
	size_t zb_len, n;
	void *out;
	uint8_t *zb = make_zboot(payload, sizeof(payload), "zstd", 0xaa64,
				 &zb_len);

	assert_int_equal(arm64_zboot_probe(zb, zb_len, &e), 0);
	assert_int_equal(arm64_zboot_extract(zb, zb_len, MiB, &out, &n, &e),
			 -EPROTONOSUPPORT);
	assert_non_null(strstr(e.msg, "'zstd'"));
	free(zb);
}

static void zboot_payload_outside_file_rejected(void **state)
{
	uint8_t payload[256] = { 0 };
	struct errbuf e = { 0 };
	const void *p;
	char comp[32];
	size_t zb_len, n;
	uint8_t *zb = make_zboot(payload, sizeof(payload), "gzip", 0xaa64,
				 &zb_len);

	put_le32(zb + 12, sizeof(payload) + 1);		/* one byte too long */
	assert_int_equal(arm64_zboot_parse(zb, zb_len, &p, &n, comp,
					   sizeof(comp), &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "does not lie inside"));
	put_le32(zb + 12, sizeof(payload));
	put_le32(zb + 8, 0xffffff80);			/* offset + size wraps 32 bits */
	err_clear(&e);
	assert_int_equal(arm64_zboot_parse(zb, zb_len, &p, &n, comp,
					   sizeof(comp), &e), -ENOEXEC);
	put_le32(zb + 8, 16);				/* inside the header */
	assert_int_equal(arm64_zboot_parse(zb, zb_len, &p, &n, comp,
					   sizeof(comp), NULL), -ENOEXEC);
	put_le32(zb + 8, ZBOOT_PAYLOAD);
	put_le32(zb + 12, 0);				/* empty */
	assert_int_equal(arm64_zboot_parse(zb, zb_len, &p, &n, comp,
					   sizeof(comp), NULL), -ENOEXEC);
	put_le32(zb + 12, sizeof(payload));
	assert_int_equal(arm64_zboot_parse(zb, zb_len, &p, &n, comp,
					   sizeof(comp), NULL), 0);
	assert_ptr_equal(p, zb + ZBOOT_PAYLOAD);
	assert_string_equal(comp, "gzip");
	free(zb);
}

static void zboot_bad_headers_rejected(void **state)
{
	uint8_t payload[64] = { 0 };
	struct errbuf e = { 0 };
	const void *p;
	char comp[32];
	size_t zb_len, n;
	uint8_t *zb = make_zboot(payload, sizeof(payload), "gzip", 0x5064,
				 &zb_len);

	/* A riscv64 zboot image. */
	assert_int_equal(arm64_zboot_probe(zb, zb_len, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "0x5064"));
	free(zb);

	zb = make_zboot(payload, sizeof(payload), "gzip", 0xaa64, &zb_len);
	put_le32(zb + 0x3c, (uint32_t)zb_len - 2);	/* PE header past the end */
	err_clear(&e);
	assert_int_equal(arm64_zboot_probe(zb, zb_len, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "no PE header"));
	put_le32(zb + 0x3c, ZBOOT_PE);
	memset(zb + 24, 'g', 32);			/* type without a NUL */
	err_clear(&e);
	assert_int_equal(arm64_zboot_parse(zb, zb_len, &p, &n, comp,
					   sizeof(comp), &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "compression type"));
	memcpy(zb + 4, "zimx", 4);
	assert_int_equal(arm64_zboot_probe(zb, zb_len, NULL), -ENOEXEC);
	assert_int_equal(arm64_zboot_probe(zb, 40, NULL), -ENOEXEC);
	free(zb);
}

/* ---- placement ---- */

static void plan_with(struct plan *p, uint64_t start, uint64_t end)
{
	struct mem_map m = { 0 };

	assert_int_equal(memmap_add(&m, start, end, MEM_RAM), 0);
	assert_int_equal(plan_init(p, &m), 0);
	memmap_free(&m);
}

static void kernel_at_2mib_base_plus_text_offset(void **state)
{
	struct arm64_image_info info = {
		.text_offset = 0x80000, .image_size = 0x1234000,
	};
	uint8_t img[4096] = { 0 };
	struct errbuf e = { 0 };
	struct plan p;
	uint64_t entry;

	/* RAM starts just past a 2 MiB boundary: the base must skip ahead. */
	plan_with(&p, 1 * GiB + 0x1000, 2 * GiB);
	assert_int_equal(arm64_place_kernel(&p, img, sizeof(img), &info,
					    &entry, &e), 0);
	assert_int_equal(entry, 1 * GiB + 2 * MiB + 0x80000);
	assert_int_equal(p.nr, 1);
	assert_int_equal(p.seg[0].mem, entry);
	assert_int_equal(p.seg[0].bufsz, sizeof(img));
	/* image_size bytes from the image start, not the file size. */
	assert_int_equal(p.seg[0].memsz, 0x1234000);
	plan_free(&p);
}

static void gap_below_text_offset_stays_free(void **state)
{
	struct arm64_image_info info = {
		.text_offset = 0x80000, .image_size = 0x200000,
	};
	struct segment low = { .name = "low", .memsz = 0x80000, .fixed = true };
	uint8_t img[4096] = { 0 };
	struct errbuf e = { 0 };
	struct plan p;
	uint64_t entry;

	plan_with(&p, 1 * GiB, 2 * GiB);
	assert_int_equal(arm64_place_kernel(&p, img, sizeof(img), &info,
					    &entry, &e), 0);
	assert_int_equal(entry, 1 * GiB + 0x80000);
	low.mem = 1 * GiB;
	assert_int_equal(plan_add(&p, &low, &e), 1);
	plan_free(&p);
}

static void image_size_decides_the_hole(void **state)
{
	struct arm64_image_info info = { .text_offset = 0, .image_size = 8 * MiB };
	struct mem_map m = { 0 };
	uint8_t img[4096] = { 0 };
	struct errbuf e = { 0 };
	struct plan p;
	uint64_t entry;

	/* The first aligned range holds the file but not image_size. */
	assert_int_equal(memmap_add(&m, 1 * GiB, 1 * GiB + 4 * MiB, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 2 * GiB, 3 * GiB, MEM_RAM), 0);
	assert_int_equal(plan_init(&p, &m), 0);
	assert_int_equal(arm64_place_kernel(&p, img, sizeof(img), &info,
					    &entry, &e), 0);
	assert_int_equal(entry, 2 * GiB);
	assert_int_equal(p.seg[0].memsz, 8 * MiB);
	plan_free(&p);
	memmap_free(&m);
}

static void file_longer_than_image_size_fully_reserved(void **state)
{
	struct arm64_image_info info = { .text_offset = 0, .image_size = 0x1000 };
	static uint8_t img[0x3000];
	struct errbuf e = { 0 };
	struct plan p;
	uint64_t entry;

	plan_with(&p, 1 * GiB, 2 * GiB);
	assert_int_equal(arm64_place_kernel(&p, img, sizeof(img), &info,
					    &entry, &e), 0);
	assert_int_equal(p.seg[0].memsz, 0x3000);
	plan_free(&p);
}

static void kernel_without_room_explains(void **state)
{
	struct arm64_image_info info = { .text_offset = 0, .image_size = 64 * MiB };
	uint8_t img[4096] = { 0 };
	struct errbuf e = { 0 };
	struct plan p;
	uint64_t entry;

	plan_with(&p, 1 * GiB, 1 * GiB + 32 * MiB);
	assert_int_equal(arm64_place_kernel(&p, img, sizeof(img), &info,
					    &entry, &e), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "kernel"));
	plan_free(&p);

	/* RAM only above 2^48 cannot hold it either. */
	err_clear(&e);
	plan_with(&p, ARM64_PHYS_LIMIT, ARM64_PHYS_LIMIT + 1 * GiB);
	info.image_size = 2 * MiB;
	assert_int_equal(arm64_place_kernel(&p, img, sizeof(img), &info,
					    &entry, &e), -EADDRNOTAVAIL);
	plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_fields_read_as_little_endian),
		cmocka_unit_test(page_size_reported_for_every_encoding),
		cmocka_unit_test(header_layout_matches_booting_rst),
		cmocka_unit_test(short_image_rejected),
		cmocka_unit_test(missing_magic_rejected),
		cmocka_unit_test(zero_image_size_rejected_as_pre_3_17),
		cmocka_unit_test(big_endian_kernel_rejected),
		cmocka_unit_test(unaligned_text_offset_rejected),
		cmocka_unit_test(image_beyond_48_bits_rejected),
		cmocka_unit_test(gzip_inflates_to_the_original),
		cmocka_unit_test(gzip_truncated_rejected),
		cmocka_unit_test(gzip_corrupt_rejected),
		cmocka_unit_test(gzip_larger_than_bound_rejected),
		cmocka_unit_test(gzip_lying_size_trailer_still_bounded),
		cmocka_unit_test(not_gzip_rejected),
		cmocka_unit_test(gzip_padding_accepted_garbage_rejected),
		cmocka_unit_test(image_gz_probe_needs_arm64_header_inside),
		cmocka_unit_test(zboot_gzip_payload_extracted),
		cmocka_unit_test(zboot_zstd_rejected_naming_type),
		cmocka_unit_test(zboot_payload_outside_file_rejected),
		cmocka_unit_test(zboot_bad_headers_rejected),
		cmocka_unit_test(kernel_at_2mib_base_plus_text_offset),
		cmocka_unit_test(gap_below_text_offset_stays_free),
		cmocka_unit_test(image_size_decides_the_hole),
		cmocka_unit_test(file_longer_than_image_size_fully_reserved),
		cmocka_unit_test(kernel_without_room_explains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
