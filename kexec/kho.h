/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_H
#define KEXEC_KHO_H

/*
 * Kexec HandOver, arch-neutral part: where the KHO FDT comes from, the
 * scratch layout, validation, and the policy that turns scratch into the
 * only ranges segments may use. How the FDT reaches the next kernel
 * (x86 setup_data, arm64 /chosen) is kexec/arch/<arch>/kho.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

struct errbuf;
struct kexec_opts;

#define KHO_DEBUGFS "/sys/kernel/debug/kho"

/* Mirrors struct kho_scratch of the kernel: the array handed over. */
struct kho_scratch {
	uint64_t addr;
	uint64_t size;
};
_Static_assert(sizeof(struct kho_scratch) == 16, "kho_scratch");

enum kho_fdt_source {
	KHO_SRC_NONE,
	KHO_SRC_LIVE,		/* the kernel's own page, found via kcore */
	KHO_SRC_DEBUGFS,	/* a complete out/fdt copy */
	KHO_SRC_FILE,		/* --kho-fdt */
};

struct kho_handover {
	enum kho_fdt_source source;
	/*
	 * The FDT bytes: a snapshot of the live page, or the copy to hand
	 * over. For KHO_SRC_LIVE the next kernel gets fdt_phys, not these.
	 */
	void *fdt;
	size_t fdt_len;
	uint64_t fdt_phys;	/* LIVE: the page; copies: set once placed */
	uint64_t fdt_size;	/* what the next kernel is told */
	char compatible[32];	/* "kho-vN" */
	uint64_t mem_map;	/* preserved-memory-map */

	struct kho_scratch *scratch;	/* as the kernel lists them */
	size_t nr_scratch;

	/* Why earlier sources were not used, for -d and the final error. */
	char why_not_live[256];
	char why_not_debugfs[256];
};

/* 1 when the running kernel has KHO on (debugfs kho/out present), 0 if not. */
int kho_running(const char *root, struct errbuf *e);

/*
 * Parse out/scratch_phys and out/scratch_len: hex lines, same count,
 * page aligned, inside RAM of @sysmem, no overlaps. Zero-length entries
 * are kept (the next kernel expects the array as it was).
 */
int kho_read_scratch(const char *root, const struct mem_map *sysmem,
		     struct kho_scratch **s, size_t *nr, struct errbuf *e);

/* Find the live FDT page through /proc/kallsyms and /proc/kcore. */
int kho_read_live_fdt(const char *root, struct kho_handover *h,
		      struct errbuf *e);

/* out/fdt, only when complete (file length == header totalsize). */
int kho_read_debugfs_fdt(const char *root, struct kho_handover *h,
			 struct errbuf *e);

/*
 * The ABI checks a next kernel makes and a few it doesn't: FDT header
 * and structure, root compatible "kho-v<N>", preserved-memory-map a
 * non-zero u64, every subnode's preserved-data/blob-size u64 pairs.
 * Fills compatible and mem_map when they are non-NULL.
 */
int kho_validate_fdt(const void *fdt, size_t len, char *compatible,
		     size_t compatible_size, uint64_t *mem_map,
		     struct errbuf *e);

/*
 * The whole policy: decide whether to hand over (--kho, --no-kho, auto),
 * pick the FDT source, read scratch. *out is NULL when not handing over.
 */
int kho_prepare(const char *root, const struct kexec_opts *o,
		const struct mem_map *sysmem, struct kho_handover **out,
		struct errbuf *e);

/* The non-empty scratch regions as MEM_RAM ranges: the placement policy. */
int kho_allowed_ranges(const struct kho_handover *h, struct mem_map *out);

void kho_free(struct kho_handover *h);

#endif
