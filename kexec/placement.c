// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * All placement rules of the loader: one engine that puts segments into a
 * set of allowed ranges, like the kernel's kexec_locate_mem_hole(). With
 * KHO the caller narrows the allowed set to the scratch regions; nothing
 * here knows why a range is allowed.
 *
 * Sizes are tiny (at most 16 segments, a few hundred ranges), so every
 * search walks all ranges and all segments: O(ranges * segments), with
 * no index to get wrong.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "placement.h"
#include "util.h"

static uint64_t seg_end(const struct segment *s)
{
	return s->mem + s->memsz;
}

/* 0 as the upper bound means "no limit". */
static uint64_t window_end(uint64_t max)
{
	return max ? max : UINT64_MAX;
}

static const char *seg_name(const struct segment *s)
{
	return s->name ? s->name : "segment";
}

static uint64_t running_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	if (ps < (long)PLAN_PAGE_SIZE || !is_pow2(ps))
		return PLAN_PAGE_SIZE;
	return ps;
}

/* A zero-initialised plan that never met plan_init() uses 4 KiB pages. */
static uint64_t plan_page(const struct plan *p)
{
	return p->page ? p->page : PLAN_PAGE_SIZE;
}

int plan_init(struct plan *p, const struct mem_map *allowed)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->page = running_page_size();
	if (!allowed)
		return 0;
	ret = memmap_filter(allowed, MEM_RAM, &p->allowed);
	if (!ret)
		ret = memmap_normalize(&p->allowed, NULL);
	if (ret)
		memmap_free(&p->allowed);
	return ret;
}

void plan_free(struct plan *p)
{
	memmap_free(&p->allowed);
	p->nr = 0;
}

/* Placed segments ordered by address; @out has room for every segment. */
static void sorted_segments(const struct plan *p, const struct segment **out)
{
	const struct segment *t;
	size_t i, j;

	for (i = 0; i < p->nr; i++) {
		t = &p->seg[i];
		for (j = i; j > 0 && out[j - 1]->mem > t->mem; j--)
			out[j] = out[j - 1];
		out[j] = t;
	}
}

typedef void (*hole_fn)(uint64_t start, uint64_t end, void *arg);

/*
 * Call @fn for every maximal free piece of the allowed ranges within
 * [lo, hi) that no placed segment covers, lowest first. Pieces are not
 * aligned.
 */
static void for_each_hole(const struct plan *p, uint64_t lo, uint64_t hi,
			  hole_fn fn, void *arg)
{
	const struct segment *segs[PLAN_MAX_SEGMENTS];
	uint64_t a, b, cur;
	size_t i, j;

	sorted_segments(p, segs);
	for (i = 0; i < p->allowed.nr; i++) {
		a = p->allowed.r[i].start > lo ? p->allowed.r[i].start : lo;
		b = p->allowed.r[i].end < hi ? p->allowed.r[i].end : hi;
		if (a >= b)
			continue;
		cur = a;
		for (j = 0; j < p->nr && cur < b; j++) {
			if (seg_end(segs[j]) <= cur)
				continue;
			if (segs[j]->mem >= b)
				break;
			if (segs[j]->mem > cur)
				fn(cur, segs[j]->mem, arg);
			cur = seg_end(segs[j]);
		}
		if (cur < b)
			fn(cur, b, arg);
	}
}

struct fit {
	uint64_t size;
	uint64_t align;
	bool top_down;
	bool found;
	uint64_t addr;
};

static void try_fit(uint64_t start, uint64_t end, void *arg)
{
	struct fit *f = arg;
	uint64_t addr;

	if (end - start < f->size)
		return;
	if (f->top_down) {
		addr = (end - f->size) & ~(f->align - 1);
		if (addr < start)
			return;
		if (!f->found || addr > f->addr) {
			f->addr = addr;
			f->found = true;
		}
		return;
	}
	if (!align_up(start, f->align, &addr) || addr > end - f->size)
		return;
	if (!f->found || addr < f->addr) {
		f->addr = addr;
		f->found = true;
	}
}

struct largest {
	uint64_t size;
	uint64_t start;
	uint64_t page;
};

static void take_largest(uint64_t start, uint64_t end, void *arg)
{
	struct largest *l = arg;
	uint64_t s, e = end & ~(l->page - 1);

	if (!align_up(start, l->page, &s) || e <= s)
		return;
	/* Strictly larger: ties keep the lowest, so messages are stable. */
	if (e - s > l->size) {
		l->size = e - s;
		l->start = s;
	}
}

uint64_t plan_largest_hole(const struct plan *p, uint64_t min, uint64_t max,
			   uint64_t *start)
{
	struct largest l = { 0, 0, plan_page(p) };
	uint64_t hi = window_end(max);

	if (min < hi)
		for_each_hole(p, min, hi, take_largest, &l);
	if (start)
		*start = l.start;
	return l.size;
}

uint64_t plan_free_bytes(const struct plan *p)
{
	uint64_t total = memmap_total(&p->allowed, MEM_RAM);
	uint64_t a, b;
	size_t i, j;

	/*
	 * Segments lie inside allowed ranges and never overlap each other,
	 * and allowed ranges are disjoint: subtracting every intersection
	 * once is exact.
	 */
	for (i = 0; i < p->nr; i++) {
		for (j = 0; j < p->allowed.nr; j++) {
			a = p->seg[i].mem > p->allowed.r[j].start ?
				p->seg[i].mem : p->allowed.r[j].start;
			b = seg_end(&p->seg[i]) < p->allowed.r[j].end ?
				seg_end(&p->seg[i]) : p->allowed.r[j].end;
			if (a < b)
				total -= b - a;
		}
	}
	return total;
}

void plan_sort(struct plan *p)
{
	struct segment t;
	size_t i, j;

	/* Insertion sort: stable, and n <= 16. */
	for (i = 1; i < p->nr; i++) {
		t = p->seg[i];
		for (j = i; j > 0 && p->seg[j - 1].mem > t.mem; j--)
			p->seg[j] = p->seg[j - 1];
		p->seg[j] = t;
	}
}

/* Check what was asked and bring align and memsz to whole pages. */
static int check_request(struct segment *s, uint64_t page, struct errbuf *e)
{
	const char *name = seg_name(s);

	if (s->memsz == 0)
		return err_set(e, -EINVAL, "cannot place %s: its size is 0",
			       name);
	if (s->bufsz > s->memsz)
		return err_set(e, -EINVAL,
			       "cannot place %s: 0x%zx bytes of data exceed its memory size 0x%llx",
			       name, s->bufsz, (unsigned long long)s->memsz);
	if (s->bufsz && !s->buf)
		return err_set(e, -EINVAL,
			       "cannot place %s: 0x%zx bytes of data but no buffer",
			       name, s->bufsz);
	if (s->align && !is_pow2(s->align))
		return err_set(e, -EINVAL,
			       "cannot place %s: alignment 0x%llx is not a power of two",
			       name, (unsigned long long)s->align);
	if (s->min >= window_end(s->max))
		return err_set(e, -EINVAL,
			       "cannot place %s: the window [0x%llx, 0x%llx) is empty",
			       name, (unsigned long long)s->min,
			       (unsigned long long)window_end(s->max));
	if (s->memsz > UINT64_MAX - (page - 1))
		return err_set(e, -EOVERFLOW,
			       "cannot place %s: size 0x%llx overflows when rounded to a page",
			       name, (unsigned long long)s->memsz);
	s->memsz = (s->memsz + page - 1) & ~(page - 1);
	if (s->align < page)
		s->align = page;
	return 0;
}

static bool in_one_range(const struct mem_map *m, uint64_t start, uint64_t end)
{
	size_t i;

	/* Allowed ranges are merged, so one range must hold it all. */
	for (i = 0; i < m->nr; i++)
		if (m->r[i].start <= start && end <= m->r[i].end)
			return true;
	return false;
}

static int check_fixed(const struct plan *p, const struct segment *s,
		       struct errbuf *e)
{
	const char *name = seg_name(s);
	uint64_t end;
	size_t i;

	if (s->mem & (plan_page(p) - 1))
		return err_set(e, -EINVAL,
			       "cannot place %s at 0x%llx: not page aligned",
			       name, (unsigned long long)s->mem);
	if (s->mem & (s->align - 1))
		return err_set(e, -EINVAL,
			       "cannot place %s at 0x%llx: not aligned to 0x%llx",
			       name, (unsigned long long)s->mem,
			       (unsigned long long)s->align);
	if (s->mem > UINT64_MAX - s->memsz)
		return err_set(e, -EOVERFLOW,
			       "cannot place %s at 0x%llx: 0x%llx bytes run past the end of the address space",
			       name, (unsigned long long)s->mem,
			       (unsigned long long)s->memsz);
	end = s->mem + s->memsz;
	if (s->mem < s->min || end > window_end(s->max))
		return err_set(e, -EADDRNOTAVAIL,
			       "cannot place %s at [0x%llx, 0x%llx): outside its window [0x%llx, 0x%llx)",
			       name, (unsigned long long)s->mem,
			       (unsigned long long)end,
			       (unsigned long long)s->min,
			       (unsigned long long)window_end(s->max));
	if (!in_one_range(&p->allowed, s->mem, end))
		return err_set(e, -EADDRNOTAVAIL,
			       "cannot place %s at [0x%llx, 0x%llx): not inside one allowed memory range",
			       name, (unsigned long long)s->mem,
			       (unsigned long long)end);
	for (i = 0; i < p->nr; i++) {
		if (s->mem < seg_end(&p->seg[i]) && p->seg[i].mem < end)
			return err_set(e, -EBUSY,
				       "cannot place %s at [0x%llx, 0x%llx): overlaps %s at [0x%llx, 0x%llx)",
				       name, (unsigned long long)s->mem,
				       (unsigned long long)end,
				       seg_name(&p->seg[i]),
				       (unsigned long long)p->seg[i].mem,
				       (unsigned long long)seg_end(&p->seg[i]));
	}
	return 0;
}

static int find_hole(const struct plan *p, struct segment *s, struct errbuf *e)
{
	struct fit f = {
		.size = s->memsz,
		.align = s->align,
		.top_down = s->top_down,
	};
	uint64_t hi = window_end(s->max), hole, at;

	for_each_hole(p, s->min, hi, try_fit, &f);
	if (f.found) {
		s->mem = f.addr;
		return 0;
	}
	hole = plan_largest_hole(p, s->min, s->max, &at);
	if (!hole)
		return err_set(e, -EADDRNOTAVAIL,
			       "cannot place %s: needs 0x%llx bytes (align 0x%llx) in [0x%llx, 0x%llx), there is no free memory there",
			       seg_name(s), (unsigned long long)s->memsz,
			       (unsigned long long)s->align,
			       (unsigned long long)s->min,
			       (unsigned long long)hi);
	return err_set(e, -EADDRNOTAVAIL,
		       "cannot place %s: needs 0x%llx bytes (align 0x%llx) in [0x%llx, 0x%llx), largest free hole there is 0x%llx at 0x%llx",
		       seg_name(s), (unsigned long long)s->memsz,
		       (unsigned long long)s->align,
		       (unsigned long long)s->min, (unsigned long long)hi,
		       (unsigned long long)hole, (unsigned long long)at);
}

int plan_add(struct plan *p, const struct segment *s, struct errbuf *e)
{
	struct segment seg = *s;
	int ret;

	if (p->nr >= PLAN_MAX_SEGMENTS)
		return err_set(e, -E2BIG,
			       "cannot place %s: kexec_load takes at most %d segments",
			       seg_name(s), PLAN_MAX_SEGMENTS);
	ret = check_request(&seg, plan_page(p), e);
	if (ret)
		return ret;
	if (seg.fixed)
		ret = check_fixed(p, &seg, e);
	else
		ret = find_hole(p, &seg, e);
	if (ret)
		return ret;
	p->seg[p->nr] = seg;
	return (int)p->nr++;
}
