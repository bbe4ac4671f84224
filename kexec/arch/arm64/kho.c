// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How arm64 hands KHO over: two <addr size> properties in /chosen that
 * drivers/of/fdt.c early_init_dt_check_kho() passes to kho_populate().
 * That function memblock-reserves the scratch array itself but not the
 * FDT: the live page is preserved memory, a copy is not, so a copy gets
 * a /memreserve/ entry to survive the next kernel's early allocations.
 */
#include <errno.h>
#include <libfdt.h>

#include "arm64.h"
#include "errbuf.h"
#include "kho.h"
#include "placement.h"

static int place(struct plan *p, const char *name, const void *buf,
		 size_t len, uint64_t *mem, struct errbuf *e)
{
	struct segment s = {
		.name = name,
		.buf = buf,
		.bufsz = len,
		.memsz = len,
	};
	int idx;

	idx = plan_add(p, &s, e);
	if (idx < 0)
		return idx;
	*mem = p->seg[idx].mem;
	return 0;
}

int arm64_kho_place(struct plan *p, struct kho_handover *h,
		    struct arm64_chosen *c, struct errbuf *e)
{
	size_t scratch_len;
	int err;

	if (!h->scratch || !h->nr_scratch ||
	    h->nr_scratch > SIZE_MAX / sizeof(*h->scratch))
		return err_set(e, -EINVAL,
			       "KHO handover has no scratch regions to pass on");
	scratch_len = h->nr_scratch * sizeof(*h->scratch);
	err = place(p, "kho-scratch", h->scratch, scratch_len,
		    &c->kho_scratch_addr, e);
	if (err)
		return err;
	/* The kernel counts entries as scratch_len / 16: the exact size. */
	c->kho_scratch_size = scratch_len;

	if (h->source == KHO_SRC_LIVE) {
		if (!h->fdt_phys || !h->fdt_size)
			return err_set(e, -EINVAL,
				       "KHO handover of the live FDT has no address or size");
		c->kho_fdt_addr = h->fdt_phys;
		c->kho_fdt_size = h->fdt_size;
		c->kho_fdt_reserve = false;
		return 0;
	}
	if (!h->fdt || !h->fdt_len)
		return err_set(e, -EINVAL, "KHO handover has no FDT to copy");
	err = place(p, "kho-fdt", h->fdt, h->fdt_len, &h->fdt_phys, e);
	if (err)
		return err;
	if (!h->fdt_size)
		h->fdt_size = h->fdt_len;
	c->kho_fdt_addr = h->fdt_phys;
	c->kho_fdt_size = h->fdt_size;
	c->kho_fdt_reserve = true;
	return 0;
}

int arm64_kho_chosen(void *fdt, int chosen, const struct arm64_chosen *c,
		     struct errbuf *e)
{
	int err;

	err = arm64_dt_set_addr_size(fdt, chosen, "linux,kho-fdt",
				     c->kho_fdt_addr, c->kho_fdt_size, e);
	if (err)
		return err;
	err = arm64_dt_set_addr_size(fdt, chosen, "linux,kho-scratch",
				     c->kho_scratch_addr, c->kho_scratch_size,
				     e);
	if (err)
		return err;
	if (!c->kho_fdt_reserve)
		return 0;
	err = fdt_add_mem_rsv(fdt, c->kho_fdt_addr, c->kho_fdt_size);
	if (err)
		return err_set(e, err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL,
			       "cannot add a /memreserve/ entry for the KHO FDT copy: %s",
			       fdt_strerror(err));
	return 0;
}
