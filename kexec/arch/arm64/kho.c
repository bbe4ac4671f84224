// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How arm64 hands KHO over: two <addr size> properties in /chosen that
 * drivers/of/fdt.c early_init_dt_check_kho() passes to kho_populate().
 * That function memblock-reserves the scratch array itself but not the
 * FDT: the live page is preserved memory, a copy is not. A copy, the
 * empty map of --kho-scratch and every --kho-blob get a /memreserve/
 * entry instead, so the next kernel keeps them from its first allocation.
 *
 * Unlike x86, the next kernel's page may be 4, 16 or 64 KiB (Image
 * header flags). It reads the empty map as one of its pages (a struct
 * kho_radix_node is PAGE_SIZE bytes), and expects scratch aligned to
 * PAGE_SIZE << MAX_PAGE_ORDER (SCRATCH_ALIGNMENT_BYTES in
 * kernel/liveupdate/kexec_handover.c; arm64's ARCH_FORCE_MAX_ORDER is
 * 10, 11 or 13 for those page sizes).
 *
 * kho_populate() maps the FDT and the scratch array with early_memremap(),
 * whose window on arm64 is NR_FIX_BTMAPS = SZ_256K / PAGE_SIZE + 1 pages
 * (arch/arm64/include/asm/fixmap.h): 256 KiB maps at any offset in its
 * first page, whatever the page size. A bigger one fails to map, and the
 * next kernel boots without the handover.
 */
#include <errno.h>
#include <libfdt.h>

#include "arm64.h"
#include "errbuf.h"
#include "kho.h"
#include "placement.h"

#define MAX_PAGE_SIZE 65536
#define EARLY_MAP_MAX (256U << 10)

/*
 * A root table with no entries: what --kho-scratch hands over as the map.
 * Sized for the largest page, used up to the next kernel's.
 */
static const uint8_t empty_map[MAX_PAGE_SIZE];

/* An Image that does not say its page size may have the largest. */
static uint64_t map_size(unsigned int page_size)
{
	return page_size ? page_size : MAX_PAGE_SIZE;
}

/*
 * SCRATCH_ALIGNMENT_BYTES of the next kernel. The core chose
 * --kho-scratch in 4 MiB steps, which is the 4 KiB-page rule; an Image
 * that does not say is taken for one, as every kernel with KHO says.
 */
static uint64_t scratch_align(unsigned int page_size)
{
	switch (page_size) {
	case 16384:
		return 16384ULL << 11;
	case 65536:
		return 65536ULL << 13;
	default:
		return 4096ULL << 10;
	}
}

static int place(struct plan *p, const char *name, const void *buf,
		 size_t len, uint64_t memsz, uint64_t align, uint64_t *mem,
		 struct errbuf *e)
{
	struct segment s = {
		.name = name,
		.buf = buf,
		.bufsz = len,
		.memsz = memsz,
		.align = align,
	};
	int idx;

	idx = plan_add(p, &s, e);
	if (idx < 0)
		return idx;
	*mem = p->seg[idx].mem;
	return 0;
}

static int early_mappable(const char *what, uint64_t size, struct errbuf *e)
{
	if (size <= EARLY_MAP_MAX)
		return 0;
	return err_set(e, -E2BIG,
		       "KHO: the %s to hand over is %llu bytes, more than the %u KiB the next kernel can map in kho_populate(), which would drop the handover",
		       what, (unsigned long long)size, EARLY_MAP_MAX >> 10);
}

static int reserve(struct arm64_chosen *c, uint64_t addr, uint64_t size,
		   struct errbuf *e)
{
	if (c->nr_rsv >= ARM64_MAX_RSV)
		return err_set(e, -E2BIG,
			       "KHO: more than %d buffers to reserve for the next kernel",
			       ARM64_MAX_RSV);
	c->rsv[c->nr_rsv].addr = addr;
	c->rsv[c->nr_rsv].size = size;
	c->nr_rsv++;
	return 0;
}

static int place_blobs(struct plan *p, struct kho_handover *h,
		       struct arm64_chosen *c, struct errbuf *e)
{
	struct kho_blob *b;
	uint64_t phys;
	size_t i;
	int err;

	for (i = 0; i < h->nr_blobs; i++) {
		b = &h->blobs[i];
		err = place(p, b->seg_name, b->data, b->size, b->size, 0,
			    &phys, e);
		if (!err)
			err = kho_set_blob_phys(h, i, phys, e);
		if (!err)
			err = reserve(c, phys, b->size, e);
		if (err)
			return err;
	}
	return 0;
}

static int place_empty_map(struct plan *p, struct kho_handover *h,
			   unsigned int page_size, struct arm64_chosen *c,
			   struct errbuf *e)
{
	uint64_t size = map_size(page_size), phys;
	int err;

	err = place(p, "kho-mem-map", empty_map, size, size, size, &phys, e);
	/* h->fdt is the copy handed over: updating it is enough. */
	if (!err)
		err = kho_set_mem_map(h, NULL, phys, e);
	if (!err)
		err = reserve(c, phys, size, e);
	return err;
}

/* The first non-empty scratch region not aligned to @align, or NULL. */
static const struct kho_scratch *misaligned_scratch(const struct kho_handover *h,
						    uint64_t align, size_t *idx)
{
	size_t i;

	for (i = 0; i < h->nr_scratch; i++) {
		const struct kho_scratch *s = &h->scratch[i];

		if (s->size && ((s->addr | s->size) & (align - 1))) {
			*idx = i;
			return s;
		}
	}
	return NULL;
}

/* Scratch the running kernel chose is its own business; ours must fit. */
static int check_own_scratch(const struct kho_handover *h,
			     unsigned int page_size, struct errbuf *e)
{
	uint64_t align = scratch_align(page_size);
	const struct kho_scratch *s;
	size_t i;

	if (!h->own_scratch)
		return 0;
	s = misaligned_scratch(h, align, &i);
	if (s)
		return err_set(e, -EINVAL,
			       "KHO scratch region %zu [0x%llx, 0x%llx) is not aligned to %llu MiB, which the next kernel (%u KiB pages) needs: give --kho-scratch SIZE@ADDR with both multiples of %llu MiB",
			       i, (unsigned long long)s->addr,
			       (unsigned long long)(s->addr + s->size),
			       (unsigned long long)(align >> 20), page_size >> 10,
			       (unsigned long long)(align >> 20));
	return 0;
}

/*
 * The preserved-memory map is a radix tree whose keys, table and bitmap
 * sizes follow PAGE_SHIFT (include/linux/kho/abi/kexec_handover.h), and
 * vmalloc preservation chunks are one page each, yet the FDT says only
 * "kho-vN": a kernel with other pages misreads every preserved page
 * without noticing. Only the empty map of --kho-scratch has none.
 */
static int check_same_pages(const struct kho_handover *h,
			    unsigned int page_size, uint64_t running_page,
			    struct errbuf *e)
{
	if (h->own_scratch || !page_size || page_size == running_page)
		return 0;
	return err_set(e, -EINVAL,
		       "KHO: the next kernel has %u KiB pages, the running one %llu KiB: the preserved-memory map is laid out in the running kernel's pages and the next kernel would misread it; load a kernel with %llu KiB pages, --no-kho, or --force",
		       page_size >> 10, (unsigned long long)(running_page >> 10),
		       (unsigned long long)(running_page >> 10));
}

/*
 * The running kernel aligned its scratch for its own pages. A next kernel
 * with bigger ones gives each region to its page allocator a pageblock at
 * a time from the region's start (init_cma_reserved_pageblock() in
 * kho_init(), kernel/liveupdate/kexec_handover.c), and pageblocks are
 * naturally aligned and up to SCRATCH_ALIGNMENT_BYTES long: a region not
 * aligned to that has its first and last pageblock spill over memory the
 * next kernel may not own, preserved pages included.
 */
static int check_kernel_scratch(const struct kho_handover *h,
				unsigned int page_size, struct errbuf *e)
{
	uint64_t align = scratch_align(page_size);
	const struct kho_scratch *s;
	size_t i;

	if (h->own_scratch)
		return 0;
	s = misaligned_scratch(h, align, &i);
	if (s)
		return err_set(e, -EINVAL,
			       "KHO: the running kernel's scratch region %zu [0x%llx, 0x%llx) is not aligned to %llu MiB, which the next kernel (%u KiB pages) needs: boot that kernel with the same page size, or --force",
			       i, (unsigned long long)s->addr,
			       (unsigned long long)(s->addr + s->size),
			       (unsigned long long)(align >> 20),
			       page_size >> 10);
	return 0;
}

int arm64_kho_check_next_kernel(const struct kho_handover *h,
				unsigned int page_size, uint64_t running_page,
				bool force, struct errbuf *e)
{
	int err;

	if (force)
		return 0;
	err = check_same_pages(h, page_size, running_page, e);
	if (!err)
		err = check_kernel_scratch(h, page_size, e);
	return err;
}

static int place_fdt(struct plan *p, struct kho_handover *h,
		     struct arm64_chosen *c, struct errbuf *e)
{
	uint64_t size = h->fdt_size ? h->fdt_size : h->fdt_len;
	int err;

	if (!kho_hands_copy(h)) {
		if (!h->fdt_phys || !h->fdt_size)
			return err_set(e, -EINVAL,
				       "KHO: the live FDT has no address or size");
		c->kho_fdt_addr = h->fdt_phys;
		c->kho_fdt_size = h->fdt_size;
		return 0;
	}
	if (!h->fdt || !h->fdt_len || size < h->fdt_len)
		return err_set(e, -EINVAL, "KHO: no FDT to hand over");
	err = early_mappable("FDT", size, e);
	if (err)
		return err;
	err = place(p, "kho-fdt", h->fdt, h->fdt_len, size, 0, &h->fdt_phys, e);
	if (err)
		return err;
	c->kho_fdt_addr = h->fdt_phys;
	c->kho_fdt_size = size;
	return reserve(c, h->fdt_phys, size, e);
}

int arm64_kho_place(struct plan *p, struct kho_handover *h,
		    unsigned int page_size, struct arm64_chosen *c,
		    struct errbuf *e)
{
	size_t scratch_len;
	int err;

	if (!h->scratch || !h->nr_scratch ||
	    h->nr_scratch > SIZE_MAX / sizeof(*h->scratch))
		return err_set(e, -EINVAL, "KHO: no scratch regions to hand over");
	if (page_size && page_size != 4096 && page_size != 16384 &&
	    page_size != MAX_PAGE_SIZE)
		return err_set(e, -EINVAL,
			       "KHO: the next kernel's page size %u is none of arm64's 4, 16 or 64 KiB",
			       page_size);
	err = check_own_scratch(h, page_size, e);
	if (err)
		return err;
	scratch_len = h->nr_scratch * sizeof(*h->scratch);
	err = early_mappable("scratch array", scratch_len, e);
	if (err)
		return err;
	err = place(p, "kho-scratch", h->scratch, scratch_len, scratch_len, 0,
		    &c->kho_scratch_addr, e);
	if (err)
		return err;
	/* The kernel counts entries as scratch_len / 16: the exact size. */
	c->kho_scratch_size = scratch_len;

	/* Before the FDT: its nodes and map must point at where these went. */
	err = place_blobs(p, h, c, e);
	if (!err && h->empty_map)
		err = place_empty_map(p, h, page_size, c, e);
	if (!err)
		err = place_fdt(p, h, c, e);
	return err;
}

int arm64_kho_chosen(void *fdt, int chosen, const struct arm64_chosen *c,
		     struct errbuf *e)
{
	int err;

	err = arm64_dt_set_addr_size(fdt, chosen, "linux,kho-fdt",
				     c->kho_fdt_addr, c->kho_fdt_size, e);
	if (err)
		return err;
	return arm64_dt_set_addr_size(fdt, chosen, "linux,kho-scratch",
				      c->kho_scratch_addr, c->kho_scratch_size,
				      e);
}
