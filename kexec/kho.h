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
};

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
 * pick the FDT source, read scratch. *out is NULL when not handing over.
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
