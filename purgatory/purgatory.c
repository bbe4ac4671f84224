// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arch-neutral part of the purgatory: between the old kernel's
 * relocation code and the next kernel, check that every segment still
 * holds what the loader put there, and refuse to jump when one does not.
 *
 * It runs identity mapped (x86_64) or with the MMU off (arm64), so the
 * physical addresses in the parameter block are usable as pointers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "purgatory-arch.h"
#include "sha256.h"

/*
 * In .data, not .bss: the loader writes it into the blob's file image, and
 * the linker script records its offset in the header.
 */
struct purgatory_params purgatory_params
	__attribute__((section(".data.params"), aligned(16)));

static const void *phys(uint64_t addr)
{
	return (const void *)(uintptr_t)addr;
}

static void region_digest(const struct purgatory_region *r,
			  uint8_t out[SHA256_DIGEST_SIZE])
{
	sha256(phys(r->start), r->len, out);
}

int purgatory_verify(const struct purgatory_params *p)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx all;
	int bad = -1;
	uint32_t i;

	if (!(p->flags & PURGATORY_F_CHECKSUM))
		return -1;
	if (p->nr_regions > PURGATORY_MAX_REGIONS)
		return PURGATORY_MAX_REGIONS;

	/* One pass over the data: each region's digest names its segment. */
	sha256_init(&all);
	for (i = 0; i < p->nr_regions; i++) {
		region_digest(&p->region[i], digest);
		sha256_update(&all, digest, sizeof(digest));
		if (bad < 0 && memcmp(digest, p->region_sha256[i], sizeof(digest)))
			bad = i;
	}
	if (bad >= 0)
		return bad;
	sha256_final(&all, digest);
	if (memcmp(digest, p->sha256, sizeof(digest)))
		return p->nr_regions;	/* the digest table itself changed */
	return -1;
}

static void put_str(uint64_t port, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			arch_serial_putc(port, '\r');
		arch_serial_putc(port, *s);
	}
}

static void put_dec(uint64_t port, uint32_t v)
{
	char buf[11];
	int n = 0;

	do {
		buf[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		arch_serial_putc(port, buf[--n]);
}

static void put_hex(uint64_t port, uint64_t v)
{
	int shift;

	put_str(port, "0x");
	for (shift = 60; shift > 0 && !(v >> shift); shift -= 4)
		;
	for (; shift >= 0; shift -= 4)
		arch_serial_putc(port, "0123456789abcdef"[(v >> shift) & 0xf]);
}

static void report(const struct purgatory_params *p, int bad)
{
	uint64_t port = p->serial_port;

	if (!port)
		return;
	if (bad < 0) {
		put_str(port, "kexec-kho purgatory: ");
		put_dec(port, p->nr_regions);
		put_str(port, " segments verified\n");
		return;
	}
	if (bad >= PURGATORY_MAX_REGIONS || (uint32_t)bad >= p->nr_regions) {
		/* No single region differs: the parameter block itself does. */
		put_str(port, "kexec-kho purgatory: checksum mismatch, halting\n");
		return;
	}
	put_str(port, "kexec-kho purgatory: segment ");
	put_dec(port, bad);
	put_str(port, " is ");
	put_hex(port, p->region[bad].len);
	put_str(port, " bytes at ");
	put_hex(port, p->region[bad].start);
	put_str(port, "\nkexec-kho purgatory: checksum mismatch in segment ");
	put_dec(port, bad);
	put_str(port, ", halting\n");
}

void purgatory_main(void)
{
	const struct purgatory_params *p = &purgatory_params;
	int bad;

	if (!(p->flags & PURGATORY_F_CHECKSUM))
		return;
	bad = purgatory_verify(p);
	report(p, bad);
	if (bad >= 0)
		arch_halt();
}
