// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How arm64 hands KHO over: two <addr size> properties in /chosen that
 * drivers/of/fdt.c early_init_dt_check_kho() passes to kho_populate().
 * That function memblock-reserves the scratch array itself but not the
 * FDT: the live page is preserved memory, a copy is not. A copy, the
 * empty map of --kho-scratch and every --kho-blob get a /memreserve/
 * entry instead, so the next kernel keeps them from its first allocation.
 */
#include <errno.h>
#include <libfdt.h>

#include "arm64.h"
#include "errbuf.h"
#include "kho.h"
#include "placement.h"

/* A root table with no entries: what --kho-scratch hands over as the map. */
static const uint8_t empty_map[PLAN_PAGE_SIZE];

static int place(struct plan *p, const char *name, const void *buf,
		 size_t len, uint64_t memsz, uint64_t *mem, struct errbuf *e)
{
	struct segment s = {
		.name = name,
		.buf = buf,
		.bufsz = len,
		.memsz = memsz,
	};
	int idx;

	idx = plan_add(p, &s, e);
	if (idx < 0)
		return idx;
	*mem = p->seg[idx].mem;
	return 0;
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
		err = place(p, b->seg_name, b->data, b->size, b->size, &phys, e);
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
			   struct arm64_chosen *c, struct errbuf *e)
{
	uint64_t phys;
	int err;

	err = place(p, "kho-mem-map", empty_map, sizeof(empty_map),
		    sizeof(empty_map), &phys, e);
	/* h->fdt is the copy handed over: updating it is enough. */
	if (!err)
		err = kho_set_mem_map(h, NULL, phys, e);
	if (!err)
		err = reserve(c, phys, sizeof(empty_map), e);
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
	err = place(p, "kho-fdt", h->fdt, h->fdt_len, size, &h->fdt_phys, e);
	if (err)
		return err;
	c->kho_fdt_addr = h->fdt_phys;
	c->kho_fdt_size = size;
	return reserve(c, h->fdt_phys, size, e);
}

int arm64_kho_place(struct plan *p, struct kho_handover *h,
		    struct arm64_chosen *c, struct errbuf *e)
{
	size_t scratch_len;
	int err;

	if (!h->scratch || !h->nr_scratch ||
	    h->nr_scratch > SIZE_MAX / sizeof(*h->scratch))
		return err_set(e, -EINVAL, "KHO: no scratch regions to hand over");
	scratch_len = h->nr_scratch * sizeof(*h->scratch);
	err = place(p, "kho-scratch", h->scratch, scratch_len, scratch_len,
		    &c->kho_scratch_addr, e);
	if (err)
		return err;
	/* The kernel counts entries as scratch_len / 16: the exact size. */
	c->kho_scratch_size = scratch_len;

	/* Before the FDT: its nodes and map must point at where these went. */
	err = place_blobs(p, h, c, e);
	if (!err && h->empty_map)
		err = place_empty_map(p, h, c, e);
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
