// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write a synthetic bzImage: a setup area with a boot protocol header and
 * a payload of arbitrary bytes. Enough for the loader to probe and place
 * it; not bootable. Fields can be overridden to produce the broken images
 * the CLI tests feed to kexec.
 *
 *   mkbzimage OUT [version=0x20f] [payload=SIZE] [init_size=SIZE]
 *             [xloadflags=N] [relocatable=N] [align=N] [cmdline_size=N]
 *             [magic=XXXX] [truncate=SIZE]
 *             [abi=kho-vN|none] [comp=gzip|raw] [kernel-file=FILE]
 *
 * The compressed kernel at payload_offset is, by default, a gzip stream
 * of a fake vmlinux holding abi's string (kho-v4), as a kernel with KHO
 * does; comp=raw leaves the filler bytes (no known compression);
 * kernel-file puts FILE's bytes there instead (a payload compressed by
 * another tool).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SETUP_SECTS 4

static void put16(uint8_t *p, unsigned long v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, unsigned long v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static unsigned long opt(int argc, char **argv, const char *key,
			 unsigned long def)
{
	size_t n = strlen(key);
	int i;

	for (i = 2; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return strtoul(argv[i] + n + 1, NULL, 0);
	return def;
}

static const char *opt_str(int argc, char **argv, const char *key,
			   const char *def)
{
	size_t n = strlen(key);
	int i;

	for (i = 2; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return def;
}

/* 256 KiB of filler with the ABI string (and its NUL) in the middle. */
#define VMLINUX_SIZE (256U << 10)

static uint8_t *gzip_vmlinux(const char *abi, unsigned long *len)
{
	uint8_t *raw = malloc(VMLINUX_SIZE), *out;
	uLong cap = compressBound(VMLINUX_SIZE) + 64;
	z_stream zs;
	unsigned long i;

	out = malloc(cap);
	if (!raw || !out)
		return NULL;
	for (i = 0; i < VMLINUX_SIZE; i++)
		raw[i] = (uint8_t)(i * 7 + 3);
	if (strcmp(abi, "none"))
		memcpy(raw + VMLINUX_SIZE / 2, abi, strlen(abi) + 1);
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	zs.next_in = raw;
	zs.avail_in = VMLINUX_SIZE;
	zs.next_out = out;
	zs.avail_out = cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		return NULL;
	*len = zs.total_out;
	deflateEnd(&zs);
	free(raw);
	return out;
}

static uint8_t *read_file(const char *path, unsigned long *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*len = n;
out:
	if (f)
		fclose(f);
	return buf;
}

/* The compressed kernel to put at payload_offset, or NULL for filler. */
static uint8_t *compressed_kernel(int argc, char **argv, unsigned long *len)
{
	const char *file = opt_str(argc, argv, "kernel-file", NULL);

	if (file)
		return read_file(file, len);
	if (!strcmp(opt_str(argc, argv, "comp", "gzip"), "raw"))
		return NULL;
	return gzip_vmlinux(opt_str(argc, argv, "abi", "kho-v4"), len);
}

int main(int argc, char **argv)
{
	unsigned long payload, size, i, trunc, zlen = 0;
	const char *magic;
	uint8_t *img, *z;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: mkbzimage OUT [field=value]...\n");
		return 2;
	}
	payload = opt(argc, argv, "payload", 1 << 20);
	z = compressed_kernel(argc, argv, &zlen);
	if (!z && (opt_str(argc, argv, "kernel-file", NULL) ||
		   strcmp(opt_str(argc, argv, "comp", "gzip"), "raw"))) {
		fprintf(stderr, "mkbzimage: cannot make the compressed kernel\n");
		return 1;
	}
	/* payload_offset is 0x100 and the header says 0x200 less is its length. */
	if (z && zlen + 0x200 > payload)
		payload = zlen + 0x200;
	size = (SETUP_SECTS + 1) * 512 + payload;
	img = calloc(1, size);
	if (!img)
		return 1;
	magic = opt_str(argc, argv, "magic", "HdrS");
	img[0x1f1] = SETUP_SECTS;
	put16(img + 0x1fe, 0xaa55);
	img[0x200] = 0xeb;			/* jmp over the header */
	img[0x201] = 0x6a;			/* header ends at 0x26c */
	memcpy(img + 0x202, magic, 4);
	put16(img + 0x206, opt(argc, argv, "version", 0x20f));
	img[0x211] = 0x01;			/* LOADED_HIGH */
	put32(img + 0x214, 0x100000);
	put32(img + 0x22c, 0x7fffffff);		/* initrd_addr_max */
	put32(img + 0x230, opt(argc, argv, "align", 0x200000));
	img[0x234] = opt(argc, argv, "relocatable", 1);
	img[0x235] = 21;			/* min_alignment: 2 MiB */
	put16(img + 0x236, opt(argc, argv, "xloadflags", 0x3));
	put32(img + 0x238, opt(argc, argv, "cmdline_size", 2047));
	put32(img + 0x248, 0x100);		/* payload_offset */
	put32(img + 0x24c, payload - 0x200);	/* payload_length */
	put32(img + 0x258, 0x1000000);		/* pref_address */
	put32(img + 0x260, opt(argc, argv, "init_size", 4 * payload));
	for (i = (SETUP_SECTS + 1) * 512; i < size; i++)
		img[i] = (uint8_t)(i * 131 + 7);
	if (z)
		memcpy(img + (SETUP_SECTS + 1) * 512 + 0x100, z, zlen);
	free(z);
	trunc = opt(argc, argv, "truncate", size);
	if (trunc > size)
		trunc = size;
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, 1, trunc, f) != trunc || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	free(img);
	return 0;
}
