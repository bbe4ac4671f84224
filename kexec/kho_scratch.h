/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_SCRATCH_H
#define KEXEC_KHO_SCRATCH_H

/*
 * KHO scratch: the memory the next kernel allocates from until its page
 * allocator runs, and so the only memory segments may use. Read from the
 * running kernel's debugfs, or chosen by the loader (--kho-scratch) when
 * the running kernel has no KHO. Every array returned is checked: page
 * aligned, no wrap, no overlap, inside System RAM when a map is given.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

struct errbuf;

/* More scratch regions than this would mean over a thousand NUMA nodes. */
#define KHO_MAX_SCRATCH 1024
/* --kho-scratch: the kernel's own array is 2 + one per NUMA node; 8 covers 6. */
#define KHO_MAX_SCRATCH_SPECS 8

/*
 * Scratch the loader chooses itself (--kho-scratch). The next kernel
 * gives scratch to its page allocator as CMA pageblocks and frees memory
 * in MAX_PAGE_ORDER blocks, so it sizes and aligns its own scratch to
 * SCRATCH_ALIGNMENT_BYTES (4 MiB with 4 KiB pages); so do we. Region [0]
 * serves memblock_alloc_low() (swiotlb, ...): below ARCH_LOW_ADDRESS_LIMIT,
 * 4 GiB on x86 and on arm64 without a smaller DMA zone.
 */
#define KHO_SCRATCH_GRANULE (4ULL << 20)
#define KHO_LOWMEM_LIMIT (1ULL << 32)
/* The sizing rule; see kho_scratch_budget(). */
#define KHO_BUDGET_BASE (64ULL << 20)
#define KHO_BUDGET_SWIOTLB (64ULL << 20)
#define KHO_BUDGET_RAM_DIV 50	/* 2% of RAM: struct pages are 1.6% */

/* Mirrors struct kho_scratch of the kernel: the array handed over. */
struct kho_scratch {
	uint64_t addr;
	uint64_t size;
};
_Static_assert(sizeof(struct kho_scratch) == 16, "kho_scratch");

/* One --kho-scratch entry, SIZE[@ADDR]; the loader picks ADDR if absent. */
struct kho_scratch_spec {
	uint64_t size;
	uint64_t addr;
	bool has_addr;
};

/*
 * Parse out/scratch_phys and out/scratch_len: "0x<hex>" lines, same
 * count, page aligned, inside RAM of @sysmem (not checked when NULL), no
 * overlaps. Zero-length entries are kept (the next kernel expects the
 * array as it was). *s is malloc()ed; NULL and 0 on failure.
 * Errors: those of fsroot_read(), -ENODATA (a file is empty), -E2BIG
 * (more than KHO_MAX_SCRATCH lines), -EBADMSG (a bad line, counts that
 * differ, or regions misaligned, wrapping, outside RAM or overlapping),
 * -ENOMEM.
 */
int kho_read_scratch(const char *root, const struct mem_map *sysmem,
		     struct kho_scratch **s, size_t *nr, struct errbuf *e);

/*
 * The sizing rule for scratch the loader chooses. The next kernel
 * allocates only from scratch until its page allocator runs: page
 * tables, struct pages (64 bytes per 4 KiB page, 1.6% of RAM), per-CPU
 * areas, the log buffer, ACPI tables, and swiotlb's 64 MiB below 4 GiB
 * when RAM reaches above 4 GiB. The budget left free after the segments
 * is KHO_BUDGET_BASE + RAM / KHO_BUDGET_RAM_DIV (+ KHO_BUDGET_SWIOTLB
 * with RAM above 4 GiB). The kernel's own rule (200% of what memblock
 * reserved for the kernel at boot) cannot be computed from user space.
 */
uint64_t kho_scratch_budget(const struct mem_map *sysmem);

/*
 * The scratch array for --kho-scratch, inside RAM of @sysmem.
 * @auto_size: [0] below 4 GiB of @load_bytes (an estimate of the
 * segments) + KHO_BUDGET_BASE (+ swiotlb), [1] anywhere of RAM / 50:
 * together @load_bytes + kho_scratch_budget(); @specs is ignored.
 * Else the @nr_specs entries of @specs: sizes rounded up to
 * KHO_SCRATCH_GRANULE, given addresses aligned to it, at or above 1 MiB,
 * [0] below KHO_LOWMEM_LIMIT. Regions without an address are put
 * top-down (in index order, after the ones with one), none overlaps
 * another, all lie in RAM. *s is malloc()ed; NULL and 0 on failure.
 * Errors: -EINVAL (no @sysmem; an address misaligned, below 1 MiB or
 * [0] above 4 GiB), -E2BIG (not 1 to KHO_MAX_SCRATCH_SPECS entries),
 * -ERANGE (a size of 0 or too big, an entry that wraps),
 * -EADDRNOTAVAIL (outside RAM, no room), -EBUSY (entries overlap),
 * -ENOMEM, and -EBADMSG if the result fails the checks above (a bug).
 */
int kho_choose_scratch(const struct kho_scratch_spec *specs, size_t nr_specs,
		       bool auto_size, const struct mem_map *sysmem,
		       uint64_t load_bytes, struct kho_scratch **s,
		       size_t *nr, struct errbuf *e);

#endif
