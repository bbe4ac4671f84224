// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KHO on x86_64: one SETUP_KEXEC_KHO node, plus one SETUP_INDIRECT node
 * per --kho-blob.
 *
 *   payload: struct kho_data | kho_scratch[nr] | empty map page (if any,
 *            page aligned) | FDT copy (if any)
 *
 * The next kernel memblock-reserves every setup_data node (header + len)
 * before it allocates anything and KASLR steers around them, so what
 * lies inside survives until kho_populate() and kho_memory_init() read
 * it. The live FDT page (KHO_SRC_LIVE, unedited) is preserved memory
 * already and is pointed at instead.
 *
 * add_kho() maps the whole payload with early_memremap(), which takes at
 * most NR_FIX_BTMAPS (64) pages: blobs, which may be megabytes, cannot
 * ride in this node. Each gets a segment of its own and a SETUP_INDIRECT
 * node of type SETUP_INDIRECT | SETUP_KEXEC_KHO pointing at it: the
 * kernel and the decompressor's KASLR reserve and avoid what an indirect
 * node points at (memblock_x86_reserve_range_setup_data(),
 * mem_avoid_overlap()), parse_setup_data() ignores it, and that type is
 * within the kernel's setup_type_max.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootparam.h"
#include "bzimage.h"
#include "errbuf.h"
#include "kho.h"
#include "load.h"
#include "placement.h"
#include "x86_kho.h"

/* arch/x86/include/asm/fixmap.h NR_FIX_BTMAPS: early_memremap()'s limit. */
#define KHO_NODE_MAX_PAGES 64

struct kho_layout {
	uint64_t map_off;	/* 0: no map page */
	uint64_t fdt_off;
	uint64_t len;
	uint32_t align;
};

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ULL;
}

static uint64_t align_page(uint64_t v)
{
	return (v + PLAN_PAGE_SIZE - 1) & ~(PLAN_PAGE_SIZE - 1);
}

/* What the next kernel is told the FDT's size is. */
static uint64_t fdt_size_of(const struct kho_handover *h)
{
	return h->fdt_size ? h->fdt_size : h->fdt_len;
}

static uint64_t scratch_bytes(const struct kho_handover *h)
{
	return (uint64_t)h->nr_scratch * sizeof(struct kho_scratch);
}

static void layout(const struct kho_handover *h, struct kho_layout *lo)
{
	uint64_t off = sizeof(struct kho_data) + scratch_bytes(h);

	lo->align = 8;
	lo->map_off = 0;
	if (h->empty_map) {
		lo->map_off = align_page(off);
		off = lo->map_off + PLAN_PAGE_SIZE;
	}
	lo->fdt_off = align8(off);
	lo->len = kho_hands_copy(h) ? lo->fdt_off + fdt_size_of(h) :
				      lo->fdt_off;
	/* A page-aligned payload spans the fewest pages early_memremap maps. */
	if (h->empty_map || lo->len > PLAN_PAGE_SIZE)
		lo->align = PLAN_PAGE_SIZE;
}

/* Runs once the node's address is known: point kho_data at its parts. */
static int kho_fill(void *ctx, void *payload, uint32_t len, uint64_t phys,
		    struct errbuf *e)
{
	struct kho_handover *h = ctx;
	struct kho_layout lo;
	struct kho_data kd = {
		.scratch_addr = phys + sizeof(kd),
		.scratch_size = scratch_bytes(h),
	};
	int err;

	layout(h, &lo);
	if (len < lo.len)
		return err_set(e, -EINVAL, "KHO setup_data node too short");
	if (!kho_hands_copy(h)) {
		kd.fdt_addr = h->fdt_phys;
		kd.fdt_size = h->fdt_size;
	} else {
		kd.fdt_addr = phys + lo.fdt_off;
		kd.fdt_size = fdt_size_of(h);
		h->fdt_phys = kd.fdt_addr;
	}
	if (lo.map_off) {
		err = kho_set_mem_map(h, (uint8_t *)payload + lo.fdt_off,
				      phys + lo.map_off, e);
		if (err)
			return err;
	}
	memcpy(payload, &kd, sizeof(kd));
	return 0;
}

/* A blob of its own, anywhere in the allowed (scratch) memory. */
static int add_blob(struct kexec_load *l, struct bootparam *b, size_t i)
{
	struct kho_blob *blob = &l->kho->blobs[i];
	struct segment s = {
		.name = blob->seg_name,
		.buf = blob->data,
		.bufsz = blob->size,
		.memsz = blob->size,
		.align = PLAN_PAGE_SIZE,
		.min = BZ_MIN_ADDR,
		.top_down = true,
	};
	struct setup_indirect ind = {
		.type = SETUP_INDIRECT | SETUP_KEXEC_KHO,
		.len = blob->size,
	};
	int idx, err;

	idx = x86_place(l, &s, true);
	if (idx < 0)
		return idx;
	ind.addr = l->plan.seg[idx].mem;
	err = kho_set_blob_phys(l->kho, i, ind.addr, l->err);
	if (err)
		return err;
	return bootparam_add_setup_data(b, SETUP_INDIRECT, &ind, sizeof(ind),
					8, NULL, NULL, l->err);
}

int x86_kho_add(struct kexec_load *l, struct bootparam *b)
{
	struct kho_handover *h = l->kho;
	struct kho_layout lo;
	uint8_t *payload;
	size_t i;
	int err;

	if (!h || !h->nr_scratch)
		return err_set(l->err, -EINVAL,
			       "KHO: no scratch regions to hand over");
	if (!kho_hands_copy(h) && (!h->fdt_phys || !h->fdt_size))
		return err_set(l->err, -EINVAL,
			       "KHO: the live FDT has no address or size");
	if (kho_hands_copy(h) && (!h->fdt || !h->fdt_len ||
				  fdt_size_of(h) < h->fdt_len))
		return err_set(l->err, -EINVAL, "KHO: no FDT to hand over");

	/* First: the FDT copy below points at where they landed. */
	for (i = 0; i < h->nr_blobs; i++) {
		err = add_blob(l, b, i);
		if (err)
			return err;
	}
	layout(h, &lo);
	if (align_page(lo.len) > KHO_NODE_MAX_PAGES * PLAN_PAGE_SIZE)
		return err_set(l->err, -E2BIG,
			       "KHO: the scratch array and FDT take %llu bytes; the next kernel maps its KHO node with early_memremap(), at most %d pages",
			       (unsigned long long)lo.len, KHO_NODE_MAX_PAGES);
	payload = calloc(1, lo.len);
	if (!payload)
		return err_set(l->err, -ENOMEM, "out of memory");
	memcpy(payload + sizeof(struct kho_data), h->scratch, scratch_bytes(h));
	/* The map page stays zero: a root table with no entries. */
	if (kho_hands_copy(h))
		memcpy(payload + lo.fdt_off, h->fdt, h->fdt_len);
	err = bootparam_add_setup_data(b, SETUP_KEXEC_KHO, payload,
				       (uint32_t)lo.len, lo.align, kho_fill, h,
				       l->err);
	free(payload);
	return err;
}
