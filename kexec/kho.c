// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kexec HandOver policy (kho.h): whether to hand over, from which
 * source, in which scratch; and the checks once the arch code placed
 * everything. The pieces it uses are in kho_*.c; kho_internal.h says
 * what they share.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "kho_internal.h"
#include "sha256.h"

/*
 * For sizing scratch before the image is parsed, on top of the arch's
 * estimate of the kernel and initrd: the boot parameters, the purgatory
 * and page rounding.
 */
#define KHO_LOAD_SLACK (2ULL << 20)

bool kho_hands_copy(const struct kho_handover *h)
{
	return h->source != KHO_SRC_LIVE || h->edited;
}

bool kho_request_own_scratch(const struct kho_request *r)
{
	return r->scratch_auto || r->nr_scratch > 0;
}

void kho_warn(struct kho_handover *h, const char *fmt, ...)
{
	va_list ap;

	if (h->nr_warnings >= KHO_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(h->warnings[h->nr_warnings++], KHO_WARNING_SIZE, fmt, ap);
	va_end(ap);
}

void kho_take_fdt(struct kho_handover *h, struct kho_fdt_src *f)
{
	free(h->fdt);
	h->source = f->source;
	h->fdt = f->fdt;
	h->fdt_len = f->fdt_len;
	h->fdt_phys = f->fdt_phys;
	h->fdt_size = f->fdt_size;
	memcpy(h->compatible, f->compatible, sizeof(h->compatible));
	h->mem_map = f->mem_map;
	memcpy(h->src_path, f->src_path, sizeof(h->src_path));
	f->fdt = NULL;
	f->fdt_len = 0;
}

static void note(char *dst, size_t size, const struct errbuf *e, int err)
{
	snprintf(dst, size, "%s", err_str(e, err));
}

/*
 * The first change to fdt: remember the source's digest for staleness,
 * and stop pointing the next kernel at the live page, which lacks the
 * change. The live snapshot becomes the base exec compares against.
 */
void kho_mark_edited(struct kho_handover *h)
{
	if (h->edited)
		return;
	sha256(h->fdt, h->fdt_len, h->src_digest);
	h->edited = true;
	if (h->source == KHO_SRC_LIVE) {
		h->has_base = true;
		memcpy(h->base_digest, h->src_digest, KHO_DIGEST_SIZE);
		h->fdt_phys = 0;
		h->fdt_size = h->fdt_len;
	}
}

int kho_set_mem_map(struct kho_handover *h, void *fdt_copy, uint64_t phys,
		    struct errbuf *e)
{
	int ret;

	if (!h->empty_map || !phys || (phys & (KHO_SCRATCH_ALIGN - 1)))
		return err_set(e, -EINVAL,
			       "KHO: no empty preserved-memory map to place at 0x%llx",
			       (unsigned long long)phys);
	ret = set_u64_prop(h->fdt, 0, KHO_MEM_MAP_PROP, phys);
	if (!ret && fdt_copy)
		ret = set_u64_prop(fdt_copy, 0, KHO_MEM_MAP_PROP, phys);
	if (ret)
		return err_set(e, -EINVAL,
			       "KHO: cannot point preserved-memory-map at the empty map: %s",
			       fdt_strerror(ret));
	h->mem_map = phys;
	return 0;
}

static uint64_t scratch_total(const struct kho_handover *h)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < h->nr_scratch; i++)
		total += h->scratch[i].size;
	return total;
}

/*
 * The running kernel's own scratch: below the next kernel's struct page
 * array plus a margin it surely cannot boot (refused unless @force); below
 * what it probably needs it may not (a warning). The kernel sized its
 * scratch at scratch_scale (200% by default) of its own early
 * reservations, so half of it estimates what a like kernel needs; the
 * budget caps that.
 */
#define KERNEL_SCRATCH_FLOOR_MARGIN (16ULL << 20)

int kho_check_kernel_scratch(struct kho_handover *h, uint64_t scratch_free,
			     const struct mem_map *sysmem, bool force,
			     struct errbuf *e)
{
	uint64_t floor, need;

	if (h->own_scratch)
		return 0;
	floor = memmap_total(sysmem, MEM_RAM) / 4096 * 64 +
		KERNEL_SCRATCH_FLOOR_MARGIN;
	need = kho_scratch_budget(sysmem);
	if (need > scratch_total(h) / 2)
		need = scratch_total(h) / 2;
	if (scratch_free < floor && !force)
		return err_set(e, -ENOSPC,
			       "the segments leave %llu MiB of KHO scratch free, and the next kernel needs at least %llu MiB there for its early allocations; use a smaller initrd, give the running kernel more scratch (kho_scratch=), or --force",
			       (unsigned long long)(scratch_free >> 20),
			       (unsigned long long)(floor >> 20));
	if (scratch_free < need)
		kho_warn(h, "the segments leave %llu MiB of KHO scratch free; the next kernel may need about %llu MiB for its early allocations",
			 (unsigned long long)(scratch_free >> 20),
			 (unsigned long long)(need >> 20));
	return 0;
}

int kho_finish(struct kho_handover *h, uint64_t seg_bytes, struct errbuf *e)
{
	const void *p;
	uint64_t total, left;
	size_t i;
	int len;

	if (!h)
		return 0;
	for (i = 0; i < h->nr_blobs; i++) {
		if (!h->blobs[i].phys)
			return err_set(e, -ENOSYS,
				       "KHO: --kho-blob %s was not placed: this architecture's loader cannot hand blobs over yet",
				       h->blobs[i].name);
	}
	if (h->empty_map && h->mem_map == KHO_MEM_MAP_PLACEHOLDER)
		return err_set(e, -ENOSYS,
			       "KHO: the empty preserved-memory map was not placed: this architecture's loader cannot hand over from a kernel without KHO yet");
	if (kho_hands_copy(h)) {
		p = h->fdt ? fdt_getprop(h->fdt, 0, KHO_MEM_MAP_PROP, &len) :
			     NULL;
		if (!p || len != sizeof(uint64_t) ||
		    get_u64(p) == KHO_MEM_MAP_PLACEHOLDER)
			return err_set(e, -EINVAL,
				       "KHO: refusing to hand over an FDT whose preserved-memory-map is kho-inject's placeholder: the next kernel would read a bogus address");
	}
	if (!h->own_scratch)
		return 0;
	total = scratch_total(h);
	left = total > seg_bytes ? total - seg_bytes : 0;
	if (left >= h->scratch_need)
		return 0;
	if (h->scratch_auto)
		return err_set(e, -ENOSPC,
			       "KHO: %llu MiB of the chosen scratch stay free after the segments, the next kernel needs about %llu MiB for its early allocations: give --kho-scratch sizes",
			       (unsigned long long)(left >> 20),
			       (unsigned long long)(h->scratch_need >> 20));
	kho_warn(h, "--kho-scratch leaves %llu MiB free after the segments; the next kernel may need about %llu MiB for its early allocations",
		 (unsigned long long)(left >> 20),
		 (unsigned long long)(h->scratch_need >> 20));
	return 0;
}

/* A live page we would point the next kernel at must be plain RAM. */
static int check_live_phys(const struct kho_fdt_src *f,
			   const struct kho_handover *h,
			   const struct mem_map *sysmem, struct errbuf *e)
{
	uint64_t end = f->fdt_phys + f->fdt_size;
	size_t i;

	if (sysmem &&
	    !memmap_covers(sysmem, f->fdt_phys, end, MEM_RAM))
		return err_set(e, -EFAULT,
			       "/proc/kcore places the KHO FDT at 0x%llx, outside System RAM",
			       (unsigned long long)f->fdt_phys);
	/* The page is preserved, and preserved pages never lie in scratch. */
	for (i = 0; i < h->nr_scratch; i++) {
		const struct kho_scratch *s = &h->scratch[i];

		if (f->fdt_phys < s->addr + s->size && s->addr < end)
			return err_set(e, -EFAULT,
				       "/proc/kcore places the KHO FDT at 0x%llx, inside scratch",
				       (unsigned long long)f->fdt_phys);
	}
	return 0;
}

static int pick_live_or_debugfs(const char *root, struct kho_handover *h,
				const struct mem_map *sysmem,
				struct errbuf *e)
{
	struct kho_fdt_src f = { 0 };
	struct errbuf tmp = { 0 };
	int ret;

	ret = kho_read_live_fdt(root, &f, &tmp);
	if (!ret)
		ret = check_live_phys(&f, h, sysmem, &tmp);
	if (!ret) {
		kho_take_fdt(h, &f);
		return 0;
	}
	note(h->why_not_live, sizeof(h->why_not_live), &tmp, ret);

	err_clear(&tmp);
	ret = kho_read_debugfs_fdt(root, &f, &tmp);
	if (!ret) {
		kho_take_fdt(h, &f);
		return 0;
	}
	kho_fdt_src_free(&f);
	note(h->why_not_debugfs, sizeof(h->why_not_debugfs), &tmp, ret);
	return err_set(e, -ENODATA,
		       "no usable KHO FDT: live page: %s; debugfs copy: %s. "
		       "kexec -s (kexec_file_load) hands over the live FDT itself",
		       h->why_not_live, h->why_not_debugfs);
}

static int use_file(const char *root, const char *path,
		    struct kho_handover *h, struct errbuf *e)
{
	struct kho_fdt_src f = { 0 }, k = { 0 };
	struct errbuf tmp = { 0 };
	int ret;

	ret = kho_read_fdt_file(path, &f, e);
	if (ret)
		return ret;
	kho_take_fdt(h, &f);
	if (h->mem_map == KHO_MEM_MAP_PLACEHOLDER)
		return err_set(e, -EINVAL,
			       "%s has kho-inject's placeholder preserved-memory-map 0x%llx, which is for --kho-scratch from a kernel without KHO; this kernel has KHO on: hand over its own FDT or an edited copy of it",
			       path, KHO_MEM_MAP_PLACEHOLDER);
	/* Not being able to see the kernel's FDT is fine: the user chose. */
	if (kho_read_kernel_fdt(root, &k, &tmp))
		goto out;
	h->has_base = true;
	sha256(k.fdt, k.fdt_len, h->base_digest);
	if (k.mem_map != h->mem_map)
		kho_warn(h, "%s has preserved-memory-map 0x%llx but the running kernel has 0x%llx: its preserved pages will not be reserved",
			 path, (unsigned long long)h->mem_map,
			 (unsigned long long)k.mem_map);
	else if (strcmp(k.compatible, h->compatible))
		kho_warn(h, "%s is \"%s\" but the running kernel writes \"%s\"",
			 path, h->compatible, k.compatible);
out:
	kho_fdt_src_free(&k);
	return 0;
}

static bool any_scratch(const struct kho_handover *h)
{
	size_t i;

	for (i = 0; i < h->nr_scratch; i++) {
		if (h->scratch[i].size)
			return true;
	}
	return false;
}

/* What the segments will take, before the image is parsed: a guess. */
static uint64_t load_estimate(const struct kho_request *r,
			      const struct kho_handover *h)
{
	uint64_t n = KHO_LOAD_SLACK + h->fdt_len + r->load_bytes;
	size_t i;

	for (i = 0; i < h->nr_blobs; i++)
		n += h->blobs[i].size + KHO_SCRATCH_ALIGN;
	return n;
}

/*
 * Without KHO in the running kernel nothing of its memory is preserved:
 * a node the file brings would point the next kernel at memory that is
 * not kept. Only --kho-blob nodes, whose copies we place, make sense.
 */
static int check_no_subnodes(const struct kho_handover *h, struct errbuf *e)
{
	int node = fdt_first_subnode(h->fdt, 0);

	if (node < 0)
		return 0;
	return err_set(e, -EINVAL,
		       "%s has a node \"%s\": the running kernel has no KHO, so nothing it points at is preserved (hand data over with --kho-blob)",
		       h->src_path, fdt_get_name(h->fdt, node, NULL) ?: "?");
}

/* The map the file names means nothing here: ours is empty, placed later. */
static int take_empty_map(struct kho_handover *h, struct errbuf *e)
{
	int ret;

	if (h->mem_map != KHO_MEM_MAP_PLACEHOLDER)
		kho_warn(h, "%.100s names a preserved-memory-map (0x%llx) but the running kernel has no KHO: an empty map replaces it",
			 h->src_path, (unsigned long long)h->mem_map);
	kho_mark_edited(h);
	ret = set_u64_prop(h->fdt, 0, KHO_MEM_MAP_PROP,
			   KHO_MEM_MAP_PLACEHOLDER);
	if (ret)
		return err_set(e, -EINVAL, "%s: cannot set preserved-memory-map: %s",
			       h->src_path, fdt_strerror(ret));
	h->mem_map = KHO_MEM_MAP_PLACEHOLDER;
	h->empty_map = true;
	return 0;
}

static int prepare_own_scratch(const struct kho_request *r,
			       const struct mem_map *sysmem,
			       struct kho_handover **out, struct errbuf *e)
{
	struct kho_fdt_src f = { 0 };
	struct kho_handover *h;
	int ret;

	if (!r->fdt_file)
		return err_set(e, -EINVAL, "--kho-scratch needs --kho-fdt");
	h = calloc(1, sizeof(*h));
	if (!h)
		return err_set(e, -ENOMEM, "out of memory preparing KHO");
	ret = kho_read_fdt_file(r->fdt_file, &f, e);
	if (!ret) {
		kho_take_fdt(h, &f);
		ret = check_no_subnodes(h, e);
	}
	if (!ret)
		ret = take_empty_map(h, e);
	if (!ret)
		ret = kho_add_blobs(h, r->blobs, r->nr_blobs, e);
	if (!ret)
		ret = kho_choose_scratch(r->scratch, r->nr_scratch,
					 r->scratch_auto, sysmem,
					 load_estimate(r, h), &h->scratch,
					 &h->nr_scratch, e);
	if (ret) {
		kho_free(h);
		return ret;
	}
	h->own_scratch = true;
	h->scratch_auto = r->scratch_auto;
	h->scratch_need = kho_scratch_budget(sysmem);
	*out = h;
	return 0;
}

int kho_prepare(const char *root, const struct kho_request *r,
		const struct mem_map *sysmem, struct kho_handover **out,
		struct errbuf *e)
{
	struct kho_handover *h;
	int ret;

	*out = NULL;
	if (r->mode == KHO_OFF)
		return 0;
	ret = kho_running(root, e);
	if (ret < 0)
		return ret;
	if (kho_request_own_scratch(r)) {
		if (ret)
			return err_set(e, -EBUSY,
				       "--kho-scratch is for a running kernel without KHO; this one has KHO on and its own scratch: leave --kho-scratch out");
		return prepare_own_scratch(r, sysmem, out, e);
	}
	if (!ret) {
		/* --kho-fdt and --kho-blob ask for a handover as --kho does. */
		if (r->fdt_file || r->nr_blobs)
			return err_set(e, -ENOENT,
				       "--kho-fdt/--kho-blob: the running kernel has no KHO (booted without kho=on, or built without CONFIG_KEXEC_HANDOVER); to hand over from it anyway give --kho-scratch too");
		if (r->mode != KHO_REQUIRE)
			return 0;
		return err_set(e, -ENOENT,
			       "--kho: the running kernel has no KHO (booted without kho=on, or built without CONFIG_KEXEC_HANDOVER)");
	}

	h = calloc(1, sizeof(*h));
	if (!h)
		return err_set(e, -ENOMEM, "out of memory preparing KHO");
	ret = kho_read_scratch(root, sysmem, &h->scratch, &h->nr_scratch, e);
	if (!ret && !any_scratch(h))
		ret = err_set(e, -ENOSPC,
			      "the running kernel lists no non-empty KHO scratch region");
	if (ret)
		goto fail;
	if (r->fdt_file)
		ret = use_file(root, r->fdt_file, h, e);
	else
		ret = pick_live_or_debugfs(root, h, sysmem, e);
	if (!ret)
		ret = kho_add_blobs(h, r->blobs, r->nr_blobs, e);
	if (ret)
		goto fail;
	*out = h;
	return 0;
fail:
	kho_free(h);
	return ret;
}

int kho_allowed_ranges(const struct kho_handover *h, struct mem_map *out)
{
	size_t i;
	int ret;

	for (i = 0; i < h->nr_scratch; i++) {
		const struct kho_scratch *s = &h->scratch[i];

		if (!s->size)
			continue;
		ret = memmap_add(out, s->addr, s->addr + s->size, MEM_RAM);
		if (ret)
			return ret;
	}
	return memmap_normalize(out, NULL);
}

void kho_free(struct kho_handover *h)
{
	if (!h)
		return;
	free(h->fdt);
	free(h->scratch);
	kho_free_blobs(h->blobs, h->nr_blobs);
	free(h);
}
