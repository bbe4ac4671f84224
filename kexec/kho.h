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
#define KHO_OUT_FDT KHO_DEBUGFS "/out/fdt"
#define KHO_SCRATCH_PHYS KHO_DEBUGFS "/out/scratch_phys"
#define KHO_SCRATCH_LEN KHO_DEBUGFS "/out/scratch_len"

/*
 * The kernel's FDT is one page; an --kho-fdt file may be bigger but not
 * without bound. More scratch regions than this would mean over a
 * thousand NUMA nodes: garbage.
 */
#define KHO_FDT_MAX (1U << 20)
#define KHO_MAX_SCRATCH 1024
#define KHO_MAX_SUBNODES 1024

/*
 * What "kho-inject new" writes as preserved-memory-map when it has no
 * real map to point at: non-zero and page aligned, so the FDT validates,
 * and above any physical address. Only a --kho-scratch handover may take
 * such an FDT, and it replaces the value with an empty map of its own.
 */
#define KHO_MEM_MAP_PLACEHOLDER 0xfffffffffffff000ULL

/*
 * --kho-blob: each file at most KHO_BLOB_MAX, all of them together at
 * most KHO_BLOBS_TOTAL_MAX (the copies take the next kernel's memory for
 * good). Names are what the next kernel's debugfs shows.
 */
#define KHO_BLOB_MAX (64U << 20)
#define KHO_BLOBS_TOTAL_MAX (128U << 20)
#define KHO_BLOB_NAME_MAX 63

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

/* Where load leaves what it handed over, for exec to check staleness. */
#define KHO_RECORD_DIR "/run/kexec-kho"
#define KHO_RECORD KHO_RECORD_DIR "/loaded"
#define KHO_DIGEST_SIZE 32	/* SHA-256 */

/* Mirrors struct kho_scratch of the kernel: the array handed over. */
struct kho_scratch {
	uint64_t addr;
	uint64_t size;
};
_Static_assert(sizeof(struct kho_scratch) == 16, "kho_scratch");

/* One --kho-blob NAME=FILE. */
struct kho_blob {
	char name[KHO_BLOB_NAME_MAX + 1];
	char seg_name[KHO_BLOB_NAME_MAX + 16];	/* "kho-blob NAME", for plans */
	void *data;
	size_t size;
	uint64_t phys;		/* set by the arch code once placed */
};

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
	/*
	 * What the next kernel is told. LIVE: one kernel page, as the
	 * in-kernel loader says (PAGE_SIZE). Copies: fdt_len; the arch
	 * code may round it up to what it reserves.
	 */
	uint64_t fdt_size;
	char compatible[32];	/* "kho-vN" */
	uint64_t mem_map;	/* preserved-memory-map */

	struct kho_scratch *scratch;	/* as the kernel lists them */
	size_t nr_scratch;

	/* FILE: the --kho-fdt path; DEBUGFS: KHO_OUT_FDT (root-relative). */
	char src_path[1024];
	/*
	 * The running kernel's own FDT at prepare time, when it could be
	 * read: for a FILE source, exec checks the kernel did not move on.
	 */
	bool has_base;
	uint8_t base_digest[KHO_DIGEST_SIZE];

	/* Why earlier sources were not used, for -d and the final error. */
	char why_not_live[256];
	char why_not_debugfs[256];
	/* Something the user should hear about that did not stop us. */
	char warning[256];

	/*
	 * --kho-blob: the files, placed by the arch code in memory the next
	 * kernel reserves; their nodes in fdt point at them once placed.
	 */
	struct kho_blob *blobs;
	size_t nr_blobs;
	/*
	 * fdt is not the source as it was read (blobs were added, the map
	 * replaced): a copy is handed over even for KHO_SRC_LIVE, and the
	 * staleness record compares the source's digest, kept here.
	 */
	bool edited;
	uint8_t src_digest[KHO_DIGEST_SIZE];
	/*
	 * --kho-scratch: the running kernel has no KHO. The loader chose
	 * the scratch, and supplies an empty preserved-memory map: one
	 * zeroed page the arch code places (mem_map is its address then).
	 * scratch_need is what must stay free for the next kernel's early
	 * allocations; scratch_auto when the loader also chose the sizes.
	 */
	bool own_scratch;
	bool scratch_auto;
	bool empty_map;
	uint64_t scratch_need;
};

/* Whether the next kernel gets a copy of fdt, not the live page. */
bool kho_hands_copy(const struct kho_handover *h);

/*
 * 1 when the running kernel has KHO on (debugfs kho/out/scratch_phys
 * exists), 0 if not. A kernel booted with kho=off (or a kdump kernel)
 * creates no kho/ directory at all. With root "/" and debugfs not
 * mounted, mounts it on /sys/kernel/debug first; a kernel without
 * debugfs (ENODEV) counts as "no KHO" since nothing could be read.
 */
int kho_running(const char *root, struct errbuf *e);

/*
 * Parse out/scratch_phys and out/scratch_len: hex lines, same count,
 * page aligned, inside RAM of @sysmem (not checked when NULL), no
 * overlaps. Zero-length entries are kept (the next kernel expects the
 * array as it was).
 */
int kho_read_scratch(const char *root, const struct mem_map *sysmem,
		     struct kho_scratch **s, size_t *nr, struct errbuf *e);

/*
 * Find the live FDT page through /proc/kallsyms (&kho_out) and
 * /proc/kcore (kho_out.fdt, then the page and its physical address).
 * The page must be read the same twice in a row, validate, and, when
 * out/fdt exists, start with exactly its bytes: both are reads of the
 * same memory, so a difference means a wrong page (-EIO). Fills
 * fdt (a snapshot of totalsize bytes), fdt_phys, fdt_size = page size.
 */
int kho_read_live_fdt(const char *root, struct kho_handover *h,
		      struct errbuf *e);

/*
 * out/fdt, only when complete: the kernel sizes the file once, at init,
 * so a file shorter than the header's totalsize is a truncated prefix
 * (-ENODATA; -EBADMSG is for a file that is not a valid KHO FDT). A
 * longer file is accepted and cut to totalsize: subtrees removed after
 * init shrink the FDT, and the file still shows all of it.
 */
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
 * pick the FDT source, read scratch, add --kho-blob nodes. With
 * --kho-scratch the running kernel must have no KHO: the --kho-fdt file
 * (no subnodes of its own) gets an empty map and the loader's scratch.
 * A file holding KHO_MEM_MAP_PLACEHOLDER is refused otherwise.
 * *out is NULL when not handing over.
 */
int kho_prepare(const char *root, const struct kexec_opts *o,
		const struct mem_map *sysmem, struct kho_handover **out,
		struct errbuf *e);

/*
 * The non-empty scratch regions as MEM_RAM ranges: the placement policy.
 * @out must be empty (zero-initialised); it comes back normalised.
 */
int kho_allowed_ranges(const struct kho_handover *h, struct mem_map *out);

void kho_free(struct kho_handover *h);

/*
 * Read each "NAME=FILE" of @specs (KHO_BLOB_MAX bytes at most, not
 * empty) and add a node NAME to a copy of h->fdt with preserved-data 0
 * (set once placed) and blob-size. NAME is 1..KHO_BLOB_NAME_MAX of
 * [A-Za-z0-9,._+-] and must not name a node the FDT has (-EEXIST).
 */
int kho_add_blobs(struct kho_handover *h, const char *const *specs,
		  size_t nr, struct errbuf *e);

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
 * The scratch array for --kho-scratch in @o, inside RAM of @sysmem.
 * "auto": [0] below 4 GiB of @load_bytes (an estimate of the segments)
 * + KHO_BUDGET_BASE (+ swiotlb), [1] anywhere of RAM / 50: together
 * @load_bytes + kho_scratch_budget(). Explicit entries: sizes rounded up
 * to KHO_SCRATCH_GRANULE, given addresses aligned to it, at or above
 * 1 MiB, [0] below KHO_LOWMEM_LIMIT. Regions without an address are
 * put top-down (in index order, after the ones with one), none overlaps
 * another, all lie in RAM.
 */
int kho_choose_scratch(const struct kexec_opts *o,
		       const struct mem_map *sysmem, uint64_t load_bytes,
		       struct kho_scratch **s, size_t *nr, struct errbuf *e);

/*
 * For the arch code: blob @i was placed at @phys (its node in h->fdt
 * is updated); the empty map page will be at @phys (h->fdt and, when
 * not NULL, the copy @fdt_copy being handed over are updated).
 */
int kho_set_blob_phys(struct kho_handover *h, size_t i, uint64_t phys,
		      struct errbuf *e);
int kho_set_mem_map(struct kho_handover *h, void *fdt_copy, uint64_t phys,
		    struct errbuf *e);

/*
 * When handing over in the running kernel's own scratch (not
 * --kho-scratch): refuse a load leaving @scratch_free below what the next
 * kernel surely needs for its early allocations (unless @force), warn
 * (h->warning) below what it probably needs.
 */
int kho_check_kernel_scratch(struct kho_handover *h, uint64_t scratch_free,
			     const struct mem_map *sysmem, bool force,
			     struct errbuf *e);

/*
 * After the arch loader ran: every blob and the empty map were placed,
 * the FDT handed over holds no placeholder, and when the loader chose
 * the scratch (--kho-scratch), at least scratch_need bytes of it stay free
 * once the segments (@seg_bytes, page-rounded) are in for the next
 * kernel's early allocations: an error when the loader chose the sizes, a
 * warning (h->warning) when the user did.
 */
int kho_finish(struct kho_handover *h, uint64_t seg_bytes,
	       struct errbuf *e);

/*
 * Staleness of a handed-over copy. The FDT handed over as a copy is a
 * snapshot: if a subsystem adds or removes a subtree between load and
 * exec the copy lies. Load saves a record of what it handed over; exec
 * checks it. A LIVE handover is never stale (the next kernel reads the
 * page itself).
 */
struct kho_record {
	enum kho_fdt_source source;
	char path[1024];			/* h->src_path */
	uint8_t digest[KHO_DIGEST_SIZE];	/* of the bytes handed over */
	bool has_base;
	uint8_t base_digest[KHO_DIGEST_SIZE];	/* kernel FDT at load */
};

/* SHA-256 of the FDT bytes (h->fdt, h->fdt_len). */
int kho_digest(const struct kho_handover *h, uint8_t out[KHO_DIGEST_SIZE]);

/* Write <root>/run/kexec-kho/loaded (atomically, creating the dir). */
int kho_record_save(const char *root, const struct kho_handover *h,
		    struct errbuf *e);

/* -ENOENT when there is no record (nothing loaded, or not with KHO). */
int kho_record_load(const char *root, struct kho_record *r,
		    struct errbuf *e);

/*
 * 0 when what was handed over still describes the running kernel;
 * -ESTALE with the reason when not; other errors when it cannot tell.
 * DEBUGFS: out/fdt re-read and hashed. FILE: the file re-hashed, and the
 * kernel's own FDT compared with the one seen at load when there was one.
 */
int kho_record_check(const char *root, const struct kho_record *r,
		     struct errbuf *e);

/* Remove the record (unload); no record is not an error. */
int kho_record_clear(const char *root, struct errbuf *e);

#endif
