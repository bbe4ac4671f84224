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
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	unsigned long payload, size, i, trunc;
	const char *magic;
	uint8_t *img;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: mkbzimage OUT [field=value]...\n");
		return 2;
	}
	payload = opt(argc, argv, "payload", 1 << 20);
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
