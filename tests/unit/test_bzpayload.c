// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KHO ABI inside a bzImage payload: fake vmlinux bytes holding (or
 * lacking) a kho-vN string, compressed here the way the kernel build does
 * (gzip -9; xz with the x86 BCJ filter and a CRC-32 check; lzma; zstd),
 * with the 4-byte size the build appends, then read back through
 * bz_payload_scan() and, inside a synthetic bzImage, bzimage_scan_abi().
 */
#include <errno.h>
#include <lzma.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <cmocka.h>

#include "bzimage.h"
#include "bzpayload.h"
#include "errbuf.h"
#include "kho_abi.h"
#include "x86_fixture.h"

#define VMLINUX (1U << 20)

/* @n bytes of filler with @abi (and its NUL) at @at; @abi NULL: none. */
static uint8_t *vmlinux(size_t n, const char *abi, size_t at)
{
	uint8_t *v = malloc(n);
	size_t i;

	assert_non_null(v);
	for (i = 0; i < n; i++)
		v[i] = (uint8_t)((i % 251) ^ (i >> 10));
	if (abi)
		memcpy(v + at, abi, strlen(abi) + 1);
	return v;
}

/* The build appends the uncompressed size, little endian: it is no stream. */
static void size_append(uint8_t *out, size_t *len, size_t raw)
{
	out[(*len)++] = raw;
	out[(*len)++] = raw >> 8;
	out[(*len)++] = raw >> 16;
	out[(*len)++] = raw >> 24;
}

static uint8_t *gzip_of(const uint8_t *raw, size_t n, size_t *len)
{
	uLong cap = compressBound(n) + 64;
	uint8_t *out = malloc(cap);
	z_stream zs;

	assert_non_null(out);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)raw;
	zs.avail_in = n;
	zs.next_out = out;
	zs.avail_out = cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static uint8_t *xz_of(const uint8_t *raw, size_t n, size_t *len)
{
	lzma_options_lzma opt;
	lzma_filter f[3];
	size_t cap = lzma_stream_buffer_bound(n) + 4;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	assert_false(lzma_lzma_preset(&opt, 6));
	opt.dict_size = 1U << 20;
	f[0] = (lzma_filter){ .id = LZMA_FILTER_X86 };
	f[1] = (lzma_filter){ .id = LZMA_FILTER_LZMA2, .options = &opt };
	f[2] = (lzma_filter){ .id = LZMA_VLI_UNKNOWN };
	*len = 0;
	assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL,
						   raw, n, out, len, cap),
			 LZMA_OK);
	size_append(out, len, n);
	return out;
}

static uint8_t *lzma_of(const uint8_t *raw, size_t n, size_t *len)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	lzma_options_lzma opt;
	size_t cap = n + n / 2 + 4096;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	assert_false(lzma_lzma_preset(&opt, 6));
	opt.dict_size = 1U << 20;
	assert_int_equal(lzma_alone_encoder(&ls, &opt), LZMA_OK);
	ls.next_in = raw;
	ls.avail_in = n;
	ls.next_out = out;
	ls.avail_out = cap - 4;
	assert_int_equal(lzma_code(&ls, LZMA_FINISH), LZMA_STREAM_END);
	*len = ls.total_out;
	lzma_end(&ls);
	size_append(out, len, n);
	return out;
}

static uint8_t *zstd_of(const uint8_t *raw, size_t n, size_t *len)
{
	size_t cap = ZSTD_compressBound(n) + 4;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	*len = ZSTD_compress(out, cap - 4, raw, n, 19);
	assert_false(ZSTD_isError(*len));
	size_append(out, len, n);
	return out;
}

typedef uint8_t *(*compress_fn)(const uint8_t *raw, size_t n, size_t *len);

static const struct {
	const char *name;
	compress_fn fn;
} comps[] = {
	{ "gzip", gzip_of },
	{ "xz", xz_of },
	{ "lzma", lzma_of },
	{ "zstd", zstd_of },
};

#define NR_COMPS (sizeof(comps) / sizeof(comps[0]))

static void scan(compress_fn fn, const char *abi, size_t at, size_t max,
		 struct kho_abi_scan *s)
{
	uint8_t *raw = vmlinux(VMLINUX, abi, at), *z;
	size_t zlen;

	z = fn(raw, VMLINUX, &zlen);
	bz_payload_scan(z, zlen, max, "kho-v4", s);
	free(z);
	free(raw);
}

static void each_format_finds_the_handover_abi(void **state)
{
	struct kho_abi_scan s;
	size_t i;

	for (i = 0; i < NR_COMPS; i++) {
		/* Near the end: the whole stream is decompressed first. */
		scan(comps[i].fn, "kho-v4", VMLINUX - 100, BZ_SCAN_MAX_OUT, &s);
		assert_int_equal(s.state, KHO_ABI_READ);
		assert_true(s.has_want);
	}
}

static void each_format_names_another_abi(void **state)
{
	struct kho_abi_scan s;
	size_t i;

	for (i = 0; i < NR_COMPS; i++) {
		scan(comps[i].fn, "kho-v9", VMLINUX / 2, BZ_SCAN_MAX_OUT, &s);
		assert_int_equal(s.state, KHO_ABI_READ);
		assert_false(s.has_want);
		assert_int_equal(s.nr_found, 1);
		assert_string_equal(s.found[0], "kho-v9");
	}
}

static void each_format_read_whole_without_kho(void **state)
{
	struct kho_abi_scan s;
	size_t i;

	for (i = 0; i < NR_COMPS; i++) {
		scan(comps[i].fn, NULL, 0, BZ_SCAN_MAX_OUT, &s);
		assert_int_equal(s.state, KHO_ABI_READ);
		assert_int_equal(s.nr_found, 0);
	}
}

/* A kho-v4 across two output chunks is still one string. */
static void abi_across_a_chunk_boundary(void **state)
{
	struct kho_abi_scan s;

	scan(gzip_of, "kho-v4", BZ_SCAN_CHUNK - 3, BZ_SCAN_MAX_OUT, &s);
	assert_true(s.has_want);
	scan(zstd_of, "kho-v4", 2 * BZ_SCAN_CHUNK - 6, BZ_SCAN_MAX_OUT, &s);
	assert_true(s.has_want);
}

static void truncated_payload_cannot_tell(void **state)
{
	uint8_t *raw = vmlinux(VMLINUX, "kho-v4", VMLINUX - 100), *z;
	struct kho_abi_scan s;
	size_t i, zlen;

	for (i = 0; i < NR_COMPS; i++) {
		z = comps[i].fn(raw, VMLINUX, &zlen);
		bz_payload_scan(z, zlen / 2, BZ_SCAN_MAX_OUT, "kho-v4", &s);
		assert_int_equal(s.state, KHO_ABI_UNREADABLE);
		assert_non_null(strstr(s.why, comps[i].name));
		assert_non_null(strstr(s.why, "truncated"));
		free(z);
	}
	free(raw);
}

/* The scan stops at the ABI: what comes after it is never decompressed. */
static void stops_once_found(void **state)
{
	uint8_t *raw = vmlinux(VMLINUX, "kho-v4", 4096), *z;
	struct kho_abi_scan s;
	size_t i, zlen;

	for (i = 0; i < NR_COMPS; i++) {
		z = comps[i].fn(raw, VMLINUX, &zlen);
		bz_payload_scan(z, zlen * 3 / 4, BZ_SCAN_MAX_OUT, "kho-v4", &s);
		assert_int_equal(s.state, KHO_ABI_READ);
		assert_true(s.has_want);
		free(z);
	}
	free(raw);
}

static void corrupt_payload_cannot_tell(void **state)
{
	uint8_t *raw = vmlinux(VMLINUX, "kho-v4", VMLINUX - 100), *z;
	struct kho_abi_scan s;
	size_t i, j, zlen;

	for (i = 0; i < NR_COMPS; i++) {
		z = comps[i].fn(raw, VMLINUX, &zlen);
		for (j = zlen / 3; j < zlen / 3 + 64; j++)
			z[j] ^= 0x5a;
		bz_payload_scan(z, zlen, BZ_SCAN_MAX_OUT, "kho-v4", &s);
		assert_int_equal(s.state, KHO_ABI_UNREADABLE);
		assert_non_null(strstr(s.why, comps[i].name));
		free(z);
	}
	free(raw);
}

/* A payload inflating past the budget is not read further. */
static void output_is_bounded(void **state)
{
	struct kho_abi_scan s;
	size_t i;

	for (i = 0; i < NR_COMPS; i++) {
		scan(comps[i].fn, "kho-v4", VMLINUX - 100, VMLINUX / 4, &s);
		assert_int_equal(s.state, KHO_ABI_UNREADABLE);
		assert_non_null(strstr(s.why, "decompresses to more than"));
	}
}

/*
 * scripts/xz_wrap.sh asks for a 128 MiB dictionary, and the decoder
 * must be allowed that much. Encoding with it takes over a GiB, so the
 * stream is encoded with 1 MiB and its block header says 128 MiB: the
 * LZMA2 property byte (dictionary 2 << (b / 2 + 11) for even b) and the
 * header's CRC-32.
 */
static void xz_with_the_kernels_dictionary(void **state)
{
	uint8_t *raw = vmlinux(VMLINUX, "kho-v4", VMLINUX - 100), *z, *h;
	struct kho_abi_scan s;
	size_t zlen, hlen, i;
	uint32_t crc;

	z = xz_of(raw, VMLINUX, &zlen);
	h = z + 12;			/* after the stream header */
	hlen = (h[0] + 1) * 4;
	for (i = 1; i + 2 < hlen - 4; i++)
		if (h[i] == 0x21 && h[i + 1] == 0x01 && h[i + 2] == 16)
			break;
	assert_true(i + 2 < hlen - 4);	/* LZMA2, 1 byte, 1 MiB */
	h[i + 2] = 30;			/* 2 << 26: 128 MiB */
	crc = crc32(0, h, hlen - 4);
	for (i = 0; i < 4; i++)
		h[hlen - 4 + i] = crc >> (8 * i);
	bz_payload_scan(z, zlen, BZ_SCAN_MAX_OUT, "kho-v4", &s);
	assert_int_equal(s.state, KHO_ABI_READ);
	assert_true(s.has_want);
	free(z);
	free(raw);
}

/* The dictionary a hostile .lzma header asks for is capped. */
static void lzma_dictionary_is_bounded(void **state)
{
	uint8_t hdr[64] = { 0x5d, 0x00, 0x00, 0x00, 0x40 };	/* 1 GiB */
	struct kho_abi_scan s;

	memset(hdr + 5, 0xff, 8);				/* size unknown */
	bz_payload_scan(hdr, sizeof(hdr), BZ_SCAN_MAX_OUT, "kho-v4", &s);
	assert_int_equal(s.state, KHO_ABI_UNREADABLE);
	assert_non_null(strstr(s.why, "more memory than allowed"));
}

static void other_compressions_cannot_tell(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *why;
	} cases[] = {
		{ "BZh91AY&SY", 10, "compressed with bzip2, which kexec-kho cannot read" },
		{ "\x89LZO\0\r\n", 7, "compressed with lzo, which kexec-kho cannot read" },
		{ "\x02\x21\x4c\x18\0\0", 6, "compressed with lz4, which kexec-kho cannot read" },
		{ "\x7f" "ELF\2\1\1", 7, "starts with 7f 45 4c 46, no compression kexec-kho knows" },
		{ "ab", 2, "its bzImage payload is only 2 bytes" },
	};
	struct kho_abi_scan s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bz_payload_scan(cases[i].bytes, cases[i].len, BZ_SCAN_MAX_OUT,
				"kho-v4", &s);
		assert_int_equal(s.state, KHO_ABI_UNREADABLE);
		assert_non_null(strstr(s.why, cases[i].why));
	}
	assert_int_equal(bz_payload_comp("\x28\xb5\x2f\xfd", 4), BZ_COMP_ZSTD);
	assert_string_equal(bz_comp_name(BZ_COMP_XZ), "xz");
}

/* Through a bzImage's header: payload_offset and payload_length. */
static void reads_the_payload_a_bzimage_names(void **state)
{
	uint8_t *raw = vmlinux(VMLINUX, "kho-v4", 12345), *z, *k;
	struct bzimage_info bi;
	struct errbuf e = { 0 };
	struct kho_abi_scan s;
	struct bz_opts o;
	size_t zlen, len;

	z = xz_of(raw, VMLINUX, &zlen);
	bz_defaults(&o);
	o.payload = zlen + 0x1000;
	o.payload_offset = 0x300;
	o.payload_length = zlen;
	k = bz_make(&o, &len);
	memcpy(k + 5 * 512 + 0x300, z, zlen);
	assert_int_equal(bzimage_parse(k, len, &bi, &e), 0);
	bzimage_scan_abi(&bi, "kho-v4", &s);
	assert_int_equal(s.state, KHO_ABI_READ);
	assert_true(s.has_want);

	/* The header points past the stream's start: nothing to read there. */
	o.payload_offset = 0x301;
	o.payload_length = zlen - 1;
	free(k);
	k = bz_make(&o, &len);
	memcpy(k + 5 * 512 + 0x300, z, zlen);
	assert_int_equal(bzimage_parse(k, len, &bi, &e), 0);
	bzimage_scan_abi(&bi, "kho-v4", &s);
	assert_int_equal(s.state, KHO_ABI_UNREADABLE);

	o.payload_length = 0;
	free(k);
	k = bz_make(&o, &len);
	assert_int_equal(bzimage_parse(k, len, &bi, &e), 0);
	bzimage_scan_abi(&bi, "kho-v4", &s);
	assert_int_equal(s.state, KHO_ABI_UNREADABLE);
	assert_non_null(strstr(s.why, "no payload_length"));
	free(k);
	free(z);
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_format_finds_the_handover_abi),
		cmocka_unit_test(each_format_names_another_abi),
		cmocka_unit_test(each_format_read_whole_without_kho),
		cmocka_unit_test(abi_across_a_chunk_boundary),
		cmocka_unit_test(truncated_payload_cannot_tell),
		cmocka_unit_test(stops_once_found),
		cmocka_unit_test(corrupt_payload_cannot_tell),
		cmocka_unit_test(output_is_bounded),
		cmocka_unit_test(xz_with_the_kernels_dictionary),
		cmocka_unit_test(lzma_dictionary_is_bounded),
		cmocka_unit_test(other_compressions_cannot_tell),
		cmocka_unit_test(reads_the_payload_a_bzimage_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
