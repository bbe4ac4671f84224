// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Image.gz: arm64 kernels have no decompressor of their own (booting.rst,
 * "Decompress the kernel image"), so the loader inflates them.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "arm64.h"
#include "errbuf.h"

/* RFC 1952: ID1 ID2 CM(deflate), then 7 more header bytes; an 8-byte trailer. */
#define GZIP_MIN_SIZE 18
#define GZIP_INITIAL_OUT (1U << 20)

int arm64_gzip_probe(const void *buf, size_t len, struct errbuf *e)
{
	const uint8_t *b = buf;

	if (len < 3 || b[0] != 0x1f || b[1] != 0x8b)
		return err_set(e, -ENOEXEC, "not gzip data (no 1f 8b magic)");
	if (b[2] != 8)
		return err_set(e, -ENOEXEC,
			       "gzip data uses compression method %u, not deflate",
			       b[2]);
	if (len < GZIP_MIN_SIZE)
		return err_set(e, -ENOEXEC,
			       "gzip data of %zu bytes is shorter than a gzip header and trailer",
			       len);
	return 0;
}

/* The size the trailer claims (mod 2^32): a hint for the first buffer only. */
static size_t first_capacity(const uint8_t *b, size_t len, size_t max,
			     bool prefix)
{
	size_t hint = arm64_le32(b + len - 4);

	if (prefix || hint > max)
		return max;
	return hint < GZIP_INITIAL_OUT ? GZIP_INITIAL_OUT : hint;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

/* Refill the input window; zlib counts in uInt, our buffers in size_t. */
static void feed(z_stream *zs, const uint8_t *b, size_t len)
{
	size_t off = (const uint8_t *)zs->next_in - b;
	size_t left = len - off;

	if (!zs->avail_in && left)
		zs->avail_in = left > UINT_MAX ? UINT_MAX : left;
}

/*
 * Output is full at @max: the stream must end without another byte.
 * Returns 0 when it does, -EFBIG when more output is pending, -EPIPE when
 * the input ends first, -EINVAL or -ENOMEM when zlib fails.
 */
static int check_no_more(z_stream *zs, const uint8_t *b, size_t len)
{
	uint8_t spare;
	int zr;

	for (;;) {
		feed(zs, b, len);
		zs->next_out = &spare;
		zs->avail_out = 1;
		zr = inflate(zs, Z_NO_FLUSH);
		if (zs->avail_out == 0)
			return -EFBIG;
		if (zr == Z_STREAM_END)
			return 0;
		if (zr == Z_BUF_ERROR)
			return -EPIPE;
		if (zr != Z_OK)
			return zr == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
	}
}

static int truncated(struct errbuf *e, size_t used)
{
	return err_set(e, -EINVAL,
		       "gzip data ends early after %zu bytes of output (truncated file?)",
		       used);
}

static int zerr(struct errbuf *e, int zr, const z_stream *zs)
{
	if (zr == Z_MEM_ERROR)
		return err_set(e, -ENOMEM, "out of memory inflating gzip data");
	return err_set(e, -EINVAL, "gzip data is corrupt (%s)",
		       zs->msg ? zs->msg : "inflate failed");
}

static int inflate_all(z_stream *zs, const uint8_t *b, size_t len, size_t max,
		       bool prefix, uint8_t **res, size_t *used,
		       struct errbuf *e)
{
	size_t cap = first_capacity(b, len, max, prefix), avail, before;
	uint8_t *out;
	int zr, err;

	*res = malloc(cap ? cap : 1);
	if (!*res)
		return err_set(e, -ENOMEM, "out of memory inflating gzip data");
	for (;;) {
		if (*used == cap) {
			if (prefix)
				return 0;
			if (cap == max) {
				err = check_no_more(zs, b, len);
				if (err == -EFBIG)
					return err_set(e, -EFBIG,
						       "gzip data inflates to more than %zu bytes; refusing it as a kernel",
						       max);
				if (err == -EPIPE)
					return truncated(e, *used);
				if (err)
					return zerr(e, err == -ENOMEM ?
						Z_MEM_ERROR : Z_DATA_ERROR, zs);
				return 0;
			}
			cap = cap > max / 2 ? max : cap * 2;
			out = realloc(*res, cap);
			if (!out)
				return err_set(e, -ENOMEM,
					       "out of memory inflating gzip data");
			*res = out;
		}
		feed(zs, b, len);
		avail = cap - *used;
		zs->next_out = *res + *used;
		zs->avail_out = avail > UINT_MAX ? UINT_MAX : avail;
		before = zs->avail_out;
		zr = inflate(zs, Z_NO_FLUSH);
		*used += before - zs->avail_out;
		if (zr == Z_STREAM_END)
			return 0;
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return zerr(e, zr, zs);
		/* Room left for output but all input used: the file is cut short. */
		if (zs->avail_out && !zs->avail_in &&
		    (const uint8_t *)zs->next_in == b + len)
			return truncated(e, *used);
		if (zr == Z_BUF_ERROR && zs->avail_out && zs->avail_in)
			return zerr(e, zr, zs);
	}
}

int arm64_gunzip(const void *buf, size_t len, size_t max, bool prefix,
		 void **out, size_t *out_len, struct errbuf *e)
{
	const uint8_t *b = buf;
	z_stream zs;
	uint8_t *res = NULL;
	size_t used = 0, rest;
	int err;

	err = arm64_gzip_probe(buf, len, e);
	if (err)
		return err;
	memset(&zs, 0, sizeof(zs));
	zs.next_in = (Bytef *)b;
	/* 16 + MAX_WBITS: a gzip wrapper, whose CRC-32 and size zlib checks. */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return err_set(e, -ENOMEM, "cannot start inflating gzip data");
	err = inflate_all(&zs, b, len, max, prefix, &res, &used, e);
	if (err)
		goto out;
	rest = len - ((const uint8_t *)zs.next_in - b);
	/* Padding after the stream is common; a second member is not ours to guess at. */
	if (!prefix && rest && !all_zero(zs.next_in, rest)) {
		err = err_set(e, -EINVAL,
			      "%zu bytes of data follow the end of the gzip stream",
			      rest);
		goto out;
	}
	*out = res;
	*out_len = used;
	res = NULL;
out:
	inflateEnd(&zs);
	free(res);
	return err;
}

int arm64_image_gz_probe(const void *buf, size_t len, struct errbuf *e)
{
	void *head;
	size_t n;
	int err;

	err = arm64_gunzip(buf, len, ARM64_IMAGE_HEADER_SIZE, true, &head, &n,
			   e);
	if (err)
		return err;
	err = arm64_image_probe(head, n, e);
	free(head);
	if (err)
		return err_prefix(e, err, "gzip data inflates to no arm64 Image");
	return 0;
}
