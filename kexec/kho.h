/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_H
#define KEXEC_KHO_H

/*
 * Kexec HandOver, arch-neutral part: the policy that decides whether
 * and what to hand over, and turns scratch into the only ranges segments
 * may use. Its pieces have their own headers: kho_fdt.h (the ABI
 * checks), kho_source.h (where the FDT comes from), kho_scratch.h,
 * kho_blob.h (--kho-blob) and kho_record.h (staleness). How the FDT
 * reaches the next kernel (x86 setup_data, arm64 /chosen) is
 * kexec/arch/<arch>/kho.c. Nothing here knows the command line: the
 * loader fills a struct kho_request.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kho_blob.h"
#include "kho_fdt.h"
#include "kho_record.h"
#include "kho_scratch.h"
#include "kho_source.h"
#include "memmap.h"

struct errbuf;

enum kho_mode {
	KHO_AUTO,		/* hand over when the running kernel has KHO on */
	KHO_REQUIRE,		/* --kho */
	KHO_OFF,		/* --no-kho */
};

/* What the caller asks of kho_prepare(). */
struct kho_request {
	enum kho_mode mode;
	const char *fdt_file;		/* --kho-fdt, or NULL */
	const char *const *blobs;	/* --kho-blob NAME=FILE */
	size_t nr_blobs;
	/*
	 * --kho-scratch: hand over from a kernel without KHO, with these
	 * scratch regions ([0] low memory, [1] global, [2..] more), or
	 * sized by the loader (scratch_auto).
	 */
	const struct kho_scratch_spec *scratch;
	size_t nr_scratch;
	bool scratch_auto;
	/*
	 * What the kernel and initrd segments will take, estimated before
	 * the image is parsed (the arch knows its formats' growth): sizes
	 * scratch_auto. The FDT, blobs and slack are added here.
	 */
	uint64_t load_bytes;
};

/* Whether @r asks for --kho-scratch (entries or auto). */
bool kho_request_own_scratch(const struct kho_request *r);

/* Things the user should hear about that did not stop the load. */
#define KHO_MAX_WARNINGS 4
#define KHO_WARNING_SIZE 256

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
	/* In the order they arose; more than KHO_MAX_WARNINGS are dropped. */
	char warnings[KHO_MAX_WARNINGS][KHO_WARNING_SIZE];
	size_t nr_warnings;

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

/* Move the FDT @f read into @h (replacing any); @f keeps no bytes. */
void kho_take_fdt(struct kho_handover *h, struct kho_fdt_src *f);

/*
 * The whole policy: decide whether to hand over (--kho, --no-kho, auto),
 * pick the FDT source, read scratch, add --kho-blob nodes. With
 * --kho-scratch the running kernel must have no KHO: the --kho-fdt file
 * (no subnodes of its own) gets an empty map and the loader's scratch.
 * A file holding KHO_MEM_MAP_PLACEHOLDER is refused otherwise.
 * *out is NULL when not handing over.
 * Errors: those of kho_running(), -EBUSY (--kho-scratch but the kernel
 * has KHO), -ENOENT (--kho, --kho-fdt or --kho-blob but no KHO),
 * -ENOSPC (no non-empty scratch), -ENODATA (no usable FDT source),
 * -EINVAL (a file not fit for this handover), and those of the readers,
 * kho_read_scratch(), kho_choose_scratch() and kho_add_blobs().
 */
int kho_prepare(const char *root, const struct kho_request *r,
		const struct mem_map *sysmem, struct kho_handover **out,
		struct errbuf *e);

/*
 * The non-empty scratch regions as MEM_RAM ranges: the placement policy.
 * @out must be empty (zero-initialised); it comes back normalised.
 * Errors: those of memmap_add() (-ENOMEM, -E2BIG).
 */
int kho_allowed_ranges(const struct kho_handover *h, struct mem_map *out);

void kho_free(struct kho_handover *h);

/*
 * For the arch code: the empty map page will be at @phys (h->fdt and,
 * when not NULL, the copy @fdt_copy being handed over are updated).
 * Errors: -EINVAL (no empty map to place, @phys 0 or misaligned).
 */
int kho_set_mem_map(struct kho_handover *h, void *fdt_copy, uint64_t phys,
		    struct errbuf *e);

/*
 * When handing over in the running kernel's own scratch (not
 * --kho-scratch): refuse a load leaving @scratch_free below what the next
 * kernel surely needs for its early allocations (-ENOSPC unless @force),
 * warn below what it probably needs.
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
 * warning when the user did. @h NULL is no handover: 0.
 * Errors: -ENOSYS (this arch did not place a blob or the map), -EINVAL
 * (the placeholder would be handed over), -ENOSPC (auto scratch too small).
 */
int kho_finish(struct kho_handover *h, uint64_t seg_bytes,
	       struct errbuf *e);

#endif
