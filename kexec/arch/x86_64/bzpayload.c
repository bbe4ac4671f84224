// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decompress a bzImage payload into the KHO ABI scanner: see bzpayload.h.
 * Each decompressor hands its output to out_chunk() a buffer at a time;
 * none of them keeps the kernel.
 */
#include <limits.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "bzimage.h"
#include "bzpayload.h"
#include "kho_abi.h"

/* The magics the kernel's own decompressor knows (lib/decompress.c), longer. */
static const struct {
	enum bz_comp comp;
	const char *name;
	uint8_t magic[6];
	size_t len;
} formats[] = {
	{ BZ_COMP_GZIP, "gzip", { 0x1f, 0x8b }, 2 },
	{ BZ_COMP_BZIP2, "bzip2", { 'B', 'Z', 'h' }, 3 },
	/* .lzma: properties 0x5d (lc=3 lp=0 pb=2), a dictionary size */
	{ BZ_COMP_LZMA, "lzma", { 0x5d, 0x00, 0x00 }, 3 },
	{ BZ_COMP_XZ, "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6 },
	{ BZ_COMP_LZO, "lzo", { 0x89, 'L', 'Z', 'O' }, 4 },
	/* lz4 -l: the legacy frame the kernel build writes */
	{ BZ_COMP_LZ4, "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4 },
	{ BZ_COMP_ZSTD, "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
};

#define NR_FORMATS (sizeof(formats) / sizeof(formats[0]))

enum bz_comp bz_payload_comp(const void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < NR_FORMATS; i++)
		if (len >= formats[i].len &&
		    !memcmp(buf, formats[i].magic, formats[i].len))
			return formats[i].comp;
	return BZ_COMP_UNKNOWN;
}

const char *bz_comp_name(enum bz_comp c)
{
	size_t i;

	for (i = 0; i < NR_FORMATS; i++)
		if (formats[i].comp == c)
			return formats[i].name;
	return "unknown";
}

/* Where decompressed bytes go: the scanner, within a budget. */
struct out {
	struct kho_abi_scan *s;
	size_t total;
	size_t max;
	const char *name;
};

/* 1: the ABI was found, stop; -1: over budget (s is UNREADABLE); 0: go on. */
static int out_chunk(struct out *o, const void *buf, size_t n)
{
	if (n > o->max - o->total) {
		kho_abi_scan_fail(o->s,
				  "its %s payload decompresses to more than %zu MiB",
				  o->name, o->max >> 20);
		return -1;
	}
	o->total += n;
	return kho_abi_scan_feed(o->s, buf, n) ? 1 : 0;
}

static void truncated(struct out *o)
{
	kho_abi_scan_fail(o->s,
			  "its %s payload is truncated: it ends after %zu bytes of output",
			  o->name, o->total);
}

static void scan_gzip(const uint8_t *in, size_t len, uint8_t *buf,
		      struct out *o)
{
	z_stream zs;
	int zr, r = 0;

	memset(&zs, 0, sizeof(zs));
	if (len > UINT_MAX || inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		kho_abi_scan_fail(o->s, "cannot start inflating its gzip payload");
		return;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = buf;
		zs.avail_out = BZ_SCAN_CHUNK;
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			break;
		r = out_chunk(o, buf, BZ_SCAN_CHUNK - zs.avail_out);
		/* No room lacked, so no progress means no input left. */
		if (zr == Z_BUF_ERROR)
			break;
	} while (!r && zr != Z_STREAM_END);
	if (!r && zr == Z_BUF_ERROR)
		truncated(o);
	else if (!r && zr != Z_STREAM_END)
		kho_abi_scan_fail(o->s, "its gzip payload is corrupt (%s)",
				  zs.msg ? zs.msg : "zlib error");
	inflateEnd(&zs);
}

static const char *lzma_why(lzma_ret lr)
{
	switch (lr) {
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_MEMLIMIT_ERROR: return "it needs more memory than allowed";
	case LZMA_FORMAT_ERROR: return "not in the format its magic says";
	case LZMA_OPTIONS_ERROR: return "unsupported options";
	default: return "corrupt data";
	}
}

/* xz (a .xz stream) and lzma (the legacy .lzma format): both liblzma. */
static void scan_lzma(const uint8_t *in, size_t len, bool xz, uint8_t *buf,
		      struct out *o)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	lzma_ret lr;
	int r = 0;

	/* No LZMA_CONCATENATED: the size the build appends is not a stream. */
	lr = xz ? lzma_stream_decoder(&ls, BZ_SCAN_MEMLIMIT, 0) :
		  lzma_alone_decoder(&ls, BZ_SCAN_MEMLIMIT);
	if (lr != LZMA_OK) {
		kho_abi_scan_fail(o->s, "cannot start decompressing its %s payload",
				  o->name);
		return;
	}
	ls.next_in = in;
	ls.avail_in = len;
	do {
		ls.next_out = buf;
		ls.avail_out = BZ_SCAN_CHUNK;
		lr = lzma_code(&ls, LZMA_FINISH);
		if (lr != LZMA_OK && lr != LZMA_STREAM_END)
			break;
		r = out_chunk(o, buf, BZ_SCAN_CHUNK - ls.avail_out);
	} while (!r && lr == LZMA_OK);
	if (!r && lr == LZMA_BUF_ERROR)
		truncated(o);
	else if (!r && lr != LZMA_STREAM_END)
		kho_abi_scan_fail(o->s, "its %s payload cannot be decompressed: %s",
				  o->name, lzma_why(lr));
	lzma_end(&ls);
}

static void scan_zstd(const uint8_t *in, size_t len, uint8_t *buf,
		      struct out *o)
{
	ZSTD_inBuffer zin = { in, len, 0 };
	ZSTD_outBuffer zout;
	ZSTD_DCtx *d;
	size_t zr = 1;
	int r = 0;

	d = ZSTD_createDCtx();
	if (!d || ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax,
						      BZ_SCAN_ZSTD_WLOG))) {
		kho_abi_scan_fail(o->s, "cannot start decompressing its zstd payload");
		ZSTD_freeDCtx(d);
		return;
	}
	while (!r && zr) {
		zout = (ZSTD_outBuffer){ buf, BZ_SCAN_CHUNK, 0 };
		zr = ZSTD_decompressStream(d, &zout, &zin);
		if (ZSTD_isError(zr)) {
			kho_abi_scan_fail(o->s, "its zstd payload cannot be decompressed: %s",
					  ZSTD_getErrorName(zr));
			break;
		}
		r = out_chunk(o, buf, zout.pos);
		/* The frame is not over, no input is left and there was room. */
		if (!r && zr && zin.pos == zin.size && zout.pos < zout.size) {
			truncated(o);
			break;
		}
	}
	ZSTD_freeDCtx(d);
}

static void unreadable_format(struct kho_abi_scan *s, enum bz_comp c,
			      const uint8_t *b, size_t len)
{
	if (c != BZ_COMP_UNKNOWN) {
		kho_abi_scan_fail(s, "its bzImage payload is compressed with %s, which kexec-kho cannot read",
				  bz_comp_name(c));
		return;
	}
	if (len < 4) {
		kho_abi_scan_fail(s, "its bzImage payload is only %zu bytes", len);
		return;
	}
	kho_abi_scan_fail(s, "its bzImage payload starts with %02x %02x %02x %02x, no compression kexec-kho knows",
			  b[0], b[1], b[2], b[3]);
}

void bz_payload_scan(const void *buf, size_t len, size_t max,
		     const char *want, struct kho_abi_scan *s)
{
	enum bz_comp c = bz_payload_comp(buf, len);
	struct out o = { .s = s, .max = max, .name = bz_comp_name(c) };
	uint8_t *chunk;

	kho_abi_scan_start(s, want);
	if (c != BZ_COMP_GZIP && c != BZ_COMP_XZ && c != BZ_COMP_LZMA &&
	    c != BZ_COMP_ZSTD) {
		unreadable_format(s, c, buf, len);
		return;
	}
	chunk = malloc(BZ_SCAN_CHUNK);
	if (!chunk) {
		kho_abi_scan_fail(s, "out of memory decompressing its payload");
		return;
	}
	if (c == BZ_COMP_GZIP)
		scan_gzip(buf, len, chunk, &o);
	else if (c == BZ_COMP_ZSTD)
		scan_zstd(buf, len, chunk, &o);
	else
		scan_lzma(buf, len, c == BZ_COMP_XZ, chunk, &o);
	free(chunk);
	kho_abi_scan_end(s);
}

void bzimage_scan_abi(const struct bzimage_info *bi, const char *want,
		      struct kho_abi_scan *s)
{
	if (!bi->hdr.payload_length) {
		kho_abi_scan_start(s, want);
		kho_abi_scan_fail(s, "its setup header has no payload_length");
		return;
	}
	bz_payload_scan(bi->payload + bi->hdr.payload_offset,
			bi->hdr.payload_length, BZ_SCAN_MAX_OUT, want, s);
}
