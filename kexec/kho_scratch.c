// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KHO scratch (kho_scratch.h): the running kernel's, read from debugfs,
 * or the loader's own for --kho-scratch, checked the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kho_internal.h"
#include "kho_scratch.h"
#include "kho_source.h"
#include "placement.h"
#include "util.h"

#define KHO_LOW_FLOOR (1ULL << 20)

static int cmp_scratch(const void *a, const void *b)
{
	const struct kho_scratch *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int check_scratch(const struct kho_scratch *s, size_t nr,
			 const struct mem_map *sysmem, struct errbuf *e)
{
	struct kho_scratch *sorted;
	size_t i, n = 0;
	int ret = 0;

	for (i = 0; i < nr; i++) {
		if ((s[i].addr | s[i].size) & (KHO_SCRATCH_ALIGN - 1))
			return err_set(e, -EBADMSG,
				       "KHO scratch region %zu (0x%llx, 0x%llx bytes) is not page aligned",
				       i, (unsigned long long)s[i].addr,
				       (unsigned long long)s[i].size);
		if (s[i].addr + s[i].size < s[i].addr)
			return err_set(e, -EBADMSG,
				       "KHO scratch region %zu (0x%llx, 0x%llx bytes) wraps around",
				       i, (unsigned long long)s[i].addr,
				       (unsigned long long)s[i].size);
		if (s[i].size && sysmem &&
		    !memmap_covers(sysmem, s[i].addr, s[i].addr + s[i].size,
				   MEM_RAM))
			return err_set(e, -EBADMSG,
				       "KHO scratch region %zu [0x%llx, 0x%llx) is not inside System RAM",
				       i, (unsigned long long)s[i].addr,
				       (unsigned long long)(s[i].addr + s[i].size));
	}

	sorted = calloc(nr ? nr : 1, sizeof(*sorted));
	if (!sorted)
		return err_set(e, -ENOMEM, "out of memory checking KHO scratch");
	for (i = 0; i < nr; i++) {
		if (s[i].size)
			sorted[n++] = s[i];
	}
	qsort(sorted, n, sizeof(*sorted), cmp_scratch);
	for (i = 1; i < n; i++) {
		if (sorted[i].addr < sorted[i - 1].addr + sorted[i - 1].size) {
			ret = err_set(e, -EBADMSG,
				      "KHO scratch regions at 0x%llx and 0x%llx overlap",
				      (unsigned long long)sorted[i - 1].addr,
				      (unsigned long long)sorted[i].addr);
			break;
		}
	}
	free(sorted);
	return ret;
}

int kho_read_scratch(const char *root, const struct mem_map *sysmem,
		     struct kho_scratch **s, size_t *nr, struct errbuf *e)
{
	uint64_t *addr = NULL, *size = NULL;
	size_t na = 0, ns = 0, i;
	struct kho_scratch *out = NULL;
	int ret;

	*s = NULL;
	*nr = 0;
	ret = read_hex_file(root, KHO_SCRATCH_PHYS, KHO_MAX_SCRATCH, &addr,
			    &na, e);
	if (!ret)
		ret = read_hex_file(root, KHO_SCRATCH_LEN, KHO_MAX_SCRATCH, &size,
				    &ns, e);
	if (ret)
		goto out;
	if (na != ns) {
		ret = err_set(e, -EBADMSG,
			      "%s lists %zu regions but %s lists %zu",
			      KHO_SCRATCH_PHYS, na, KHO_SCRATCH_LEN, ns);
		goto out;
	}
	out = calloc(na, sizeof(*out));
	if (!out) {
		ret = err_set(e, -ENOMEM, "out of memory reading KHO scratch");
		goto out;
	}
	for (i = 0; i < na; i++) {
		out[i].addr = addr[i];
		out[i].size = size[i];
	}
	ret = check_scratch(out, na, sysmem, e);
	if (ret)
		goto out;
	*s = out;
	*nr = na;
	out = NULL;
out:
	free(out);
	free(addr);
	free(size);
	return ret;
}

static const char *const scratch_names[KHO_MAX_SCRATCH_SPECS] = {
	"KHO scratch[0]", "KHO scratch[1]", "KHO scratch[2]",
	"KHO scratch[3]", "KHO scratch[4]", "KHO scratch[5]",
	"KHO scratch[6]", "KHO scratch[7]",
};

static bool ram_above(const struct mem_map *m, uint64_t limit)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		if (m->r[i].type == MEM_RAM && m->r[i].end > limit)
			return true;
	}
	return false;
}

uint64_t kho_scratch_budget(const struct mem_map *sysmem)
{
	uint64_t b = KHO_BUDGET_BASE +
		     memmap_total(sysmem, MEM_RAM) / KHO_BUDGET_RAM_DIV;

	if (ram_above(sysmem, KHO_LOWMEM_LIMIT))
		b += KHO_BUDGET_SWIOTLB;
	return b;
}

/* "auto": the segments and the fixed needs low, the RAM share global. */
static void auto_wants(const struct mem_map *sysmem, uint64_t load_bytes,
		       struct kho_scratch_spec *w, size_t *n)
{
	uint64_t low = KHO_BUDGET_BASE, global;

	if (ram_above(sysmem, KHO_LOWMEM_LIMIT))
		low += KHO_BUDGET_SWIOTLB;
	low = load_bytes > UINT64_MAX / 2 ? UINT64_MAX / 2 : low + load_bytes;
	global = memmap_total(sysmem, MEM_RAM) / KHO_BUDGET_RAM_DIV;
	if (global < KHO_SCRATCH_GRANULE)
		global = KHO_SCRATCH_GRANULE;
	memset(w, 0, 2 * sizeof(*w));
	w[0].size = low;
	w[1].size = global;
	*n = 2;
}

static int check_want(size_t i, struct kho_scratch_spec *w, struct errbuf *e)
{
	if (!w->size || !align_up(w->size, KHO_SCRATCH_GRANULE, &w->size))
		return err_set(e, -ERANGE,
			       "--kho-scratch region %zu: size 0x%llx is not usable",
			       i, (unsigned long long)w->size);
	if (!w->has_addr)
		return 0;
	if (w->addr & (KHO_SCRATCH_GRANULE - 1))
		return err_set(e, -EINVAL,
			       "--kho-scratch region %zu at 0x%llx is not aligned to %llu MiB, the next kernel's scratch granule",
			       i, (unsigned long long)w->addr,
			       KHO_SCRATCH_GRANULE >> 20);
	if (w->addr < KHO_LOW_FLOOR)
		return err_set(e, -EINVAL,
			       "--kho-scratch region %zu at 0x%llx starts below 1 MiB, which the next kernel manages itself",
			       i, (unsigned long long)w->addr);
	if (w->addr > UINT64_MAX - w->size)
		return err_set(e, -ERANGE,
			       "--kho-scratch region %zu at 0x%llx wraps around",
			       i, (unsigned long long)w->addr);
	if (i == 0 && w->addr + w->size > KHO_LOWMEM_LIMIT)
		return err_set(e, -EINVAL,
			       "--kho-scratch region 0 [0x%llx, 0x%llx) must lie below 4 GiB: the next kernel's low-memory allocations come from it",
			       (unsigned long long)w->addr,
			       (unsigned long long)(w->addr + w->size));
	return 0;
}

static int place_want(struct plan *p, size_t i,
		      const struct kho_scratch_spec *w, uint64_t *addr,
		      struct errbuf *e)
{
	struct segment s = {
		.name = scratch_names[i],
		.memsz = w->size,
		.align = KHO_SCRATCH_GRANULE,
		.min = KHO_LOW_FLOOR,
		.max = i == 0 ? KHO_LOWMEM_LIMIT : 0,
		.top_down = true,
		.fixed = w->has_addr,
		.mem = w->addr,
	};
	struct errbuf tmp = { 0 };
	int idx;

	if (w->has_addr)
		s.min = s.max = 0;
	idx = plan_add(p, &s, &tmp);
	if (idx >= 0) {
		*addr = p->seg[idx].mem;
		return 0;
	}
	if (w->has_addr && idx == -EADDRNOTAVAIL)
		return err_set(e, idx,
			       "--kho-scratch region %zu [0x%llx, 0x%llx) is not inside System RAM",
			       i, (unsigned long long)w->addr,
			       (unsigned long long)(w->addr + w->size));
	if (w->has_addr)
		return err_set(e, idx, "--kho-scratch: %s", err_str(&tmp, idx));
	return err_set(e, idx, "--kho-scratch: no room in RAM for region %zu of %llu MiB%s: %s",
		       i, (unsigned long long)(w->size >> 20),
		       i == 0 ? " below 4 GiB" : "", err_str(&tmp, idx));
}

int kho_choose_scratch(const struct kho_scratch_spec *specs, size_t nr_specs,
		       bool auto_size, const struct mem_map *sysmem,
		       uint64_t load_bytes, struct kho_scratch **s,
		       size_t *nr, struct errbuf *e)
{
	struct kho_scratch_spec w[KHO_MAX_SCRATCH_SPECS];
	struct kho_scratch *out = NULL;
	struct plan p;
	size_t n, i, pass;
	int ret;

	*s = NULL;
	*nr = 0;
	if (!sysmem)
		return err_set(e, -EINVAL, "--kho-scratch needs the memory map");
	if (auto_size) {
		auto_wants(sysmem, load_bytes, w, &n);
	} else {
		if (!nr_specs || nr_specs > KHO_MAX_SCRATCH_SPECS)
			return err_set(e, -E2BIG,
				       "--kho-scratch takes 1 to %d regions",
				       KHO_MAX_SCRATCH_SPECS);
		n = nr_specs;
		memcpy(w, specs, n * sizeof(*w));
	}
	for (i = 0; i < n; i++) {
		ret = check_want(i, &w[i], e);
		if (ret)
			return ret;
	}
	out = calloc(n, sizeof(*out));
	if (!out)
		return err_set(e, -ENOMEM, "out of memory choosing KHO scratch");
	ret = plan_init(&p, sysmem);
	if (ret) {
		free(out);
		return err_set(e, ret, "cannot use the memory map for KHO scratch");
	}
	/* The given addresses first, so the chosen ones steer around them. */
	for (pass = 0; pass < 2 && !ret; pass++) {
		for (i = 0; i < n && !ret; i++) {
			if (w[i].has_addr != !pass)
				continue;
			out[i].size = w[i].size;
			ret = place_want(&p, i, &w[i], &out[i].addr, e);
		}
	}
	if (!ret)
		ret = check_scratch(out, n, sysmem, e);
	plan_free(&p);
	if (ret) {
		free(out);
		return ret;
	}
	*s = out;
	*nr = n;
	return 0;
}
