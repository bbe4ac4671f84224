// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The memory map sources: /proc/iomem and /sys/firmware/memmap, written
 * into a scratch sysroot. The first byte picks the source; for the
 * firmware map the rest is NUL-separated start, end, type triples, one
 * entry directory each (0, 1, 2, ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "memmap.h"
#include "fuzz.h"

#define FW_ENTRIES_MAX 16

static void check_map(const struct mem_map *m)
{
	size_t i;

	/* A map the parsers return is sorted, non-empty ranges. */
	for (i = 0; i < m->nr; i++) {
		if (m->r[i].start >= m->r[i].end)
			abort();
		if (i && m->r[i].start < m->r[i - 1].end)
			abort();
	}
}

static void fuzz_iomem(const uint8_t *data, size_t size)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	fuzz_rmtree("sys");
	fuzz_write("proc/iomem", data, size);
	if (!memmap_read_iomem(fuzz_root(), &m, &e))
		check_map(&m);
	memmap_free(&m);
	/* memmap_read falls back to iomem when there is no firmware map. */
	if (!memmap_read(fuzz_root(), &m, &e))
		check_map(&m);
	memmap_free(&m);
}

static void fuzz_firmware(const uint8_t *data, size_t size)
{
	static const char *const attr[] = { "start", "end", "type" };
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	char **f, *store, rel[96];
	size_t n, i;

	fuzz_rmtree("sys");
	fuzz_rmtree("proc");
	n = fuzz_split(data, size, &f, &store, FW_ENTRIES_MAX * 3);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "sys/firmware/memmap/%zu/%s",
			 i / 3, attr[i % 3]);
		fuzz_write(rel, f[i], strlen(f[i]));
	}
	free(f);
	free(store);
	if (!memmap_read_firmware(fuzz_root(), &m, &e))
		check_map(&m);
	memmap_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		fuzz_firmware(data + 1, size - 1);
	else
		fuzz_iomem(data + 1, size - 1);
	return 0;
}
