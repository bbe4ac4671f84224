// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The debugfs scratch lists (out/scratch_phys, out/scratch_len) through
 * kho_read_scratch, with and without a System RAM map to check them
 * against. Input: the scratch_phys text, a NUL, the scratch_len text.
 */
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "kho.h"
#include "memmap.h"
#include "fuzz.h"

static void check(const struct kho_scratch *s, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (s[i].addr + s[i].size < s[i].addr)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem_map ram = { 0 };
	struct kho_scratch *s;
	struct errbuf e = { 0 };
	const uint8_t *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - data) : size;
	size_t nr;

	fuzz_write(&KHO_SCRATCH_PHYS[1], data, plen);
	if (nul)
		fuzz_write(&KHO_SCRATCH_LEN[1], nul + 1, size - plen - 1);
	else
		fuzz_rmtree(&KHO_SCRATCH_LEN[1]);

	if (!kho_read_scratch(fuzz_root(), NULL, &s, &nr, &e)) {
		check(s, nr);
		free(s);
	}
	/* 4 GiB of RAM with a hole below 1 MiB, as a PC has. */
	if (memmap_add(&ram, 0, 0x9f000, MEM_RAM) ||
	    memmap_add(&ram, 0x100000, 0x100000000ULL, MEM_RAM))
		abort();
	if (!kho_read_scratch(fuzz_root(), &ram, &s, &nr, &e)) {
		check(s, nr);
		free(s);
	}
	memmap_free(&ram);
	return 0;
}
