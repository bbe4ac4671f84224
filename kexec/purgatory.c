// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Turn the embedded purgatory blob into the last segment of a load: check
 * its header, fill its parameter block (where to jump, with what, and the
 * digest of every segment placed so far) and place it.
 *
 * What is hashed: each segment's buffer, bufsz bytes at its destination.
 * The rest of memsz is zero-filled by the kernel at kexec time and holds
 * nothing anyone reads as data (an x86 kernel's tail is decompression room
 * many times the file's size), so hashing it would only cost time, which
 * matters on arm64 where the purgatory reads memory with caches off.
 *
 * Where it goes: anywhere the plan allows, top down. On x86_64 the
 * relocation code's identity map covers all RAM the old kernel mapped plus
 * every segment (init_pgtable() in arch/x86/kernel/machine_kexec_64.c),
 * and the purgatory runs in 64-bit mode, so nothing asks for memory below
 * 4 GiB; arm64 runs it with the MMU off. With KHO the plan only allows
 * scratch, which is where the purgatory must be too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "purgatory-load.h"
#include "purgatory.h"
#include "sha256.h"
#include "sha256_hw.h"

/* The blob is a few KiB; anything near this is a broken build. */
#define PURGATORY_MAX_MEMSZ (1u << 20)

static int blob_check(const struct purgatory_header *h, size_t size,
		      struct errbuf *e)
{
	if (size < sizeof(*h))
		return err_set(e, -ENOEXEC,
			       "embedded purgatory: %zu bytes, smaller than its header",
			       size);
	if (h->magic != PURGATORY_MAGIC)
		return err_set(e, -ENOEXEC,
			       "embedded purgatory: bad magic 0x%llx",
			       (unsigned long long)h->magic);
	if (h->version != PURGATORY_VERSION)
		return err_set(e, -ENOEXEC,
			       "embedded purgatory: version %u, this loader speaks %u",
			       h->version, PURGATORY_VERSION);
	if (h->entry_offset < sizeof(*h) || h->entry_offset >= size)
		return err_set(e, -ENOEXEC,
			       "embedded purgatory: entry offset 0x%x outside its code (blob is 0x%zx bytes)",
			       h->entry_offset, size);
	if (h->params_offset < sizeof(*h) ||
	    h->params_offset % _Alignof(struct purgatory_params) ||
	    h->params_offset > size ||
	    size - h->params_offset < sizeof(struct purgatory_params))
		return err_set(e, -ENOEXEC,
			       "embedded purgatory: parameter block at 0x%x does not fit in its 0x%zx bytes",
			       h->params_offset, size);
	if (h->memsz < size || h->memsz > PURGATORY_MAX_MEMSZ)
		return err_set(e, -ENOEXEC,
			       "embedded purgatory: memory size 0x%x is not between its file size 0x%zx and 0x%x",
			       h->memsz, size, PURGATORY_MAX_MEMSZ);
	return 0;
}

static bool in_some_segment(const struct plan *p, uint64_t addr)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (addr >= p->seg[i].mem && addr - p->seg[i].mem < p->seg[i].memsz)
			return true;
	return false;
}

static int check_args(const struct kexec_load *l, uint64_t entry,
		      uint64_t arg0, uint64_t serial_port)
{
	struct errbuf *e = l->err;

	if (l->plan.nr >= PLAN_MAX_SEGMENTS)
		return err_set(e, -E2BIG,
			       "no room for the purgatory: the plan already holds %zu segments, kexec_load takes at most %d",
			       l->plan.nr, PLAN_MAX_SEGMENTS);
	if (l->plan.nr > PURGATORY_MAX_REGIONS)
		return err_set(e, -E2BIG,
			       "the purgatory can check at most %d segments, the plan holds %zu",
			       PURGATORY_MAX_REGIONS, l->plan.nr);
	if (!in_some_segment(&l->plan, entry))
		return err_set(e, -EINVAL,
			       "purgatory would jump to 0x%llx, which no segment fills",
			       (unsigned long long)entry);
	if (!in_some_segment(&l->plan, arg0))
		return err_set(e, -EINVAL,
			       "purgatory would pass 0x%llx to the kernel, which no segment fills",
			       (unsigned long long)arg0);
#if defined(__x86_64__)
	/* An 8250 is eight I/O ports, all below 64 KiB. */
	if (serial_port > 0x10000 - 8)
		return err_set(e, -EINVAL,
			       "serial port 0x%llx is not an x86 I/O port",
			       (unsigned long long)serial_port);
#else
	/* The purgatory does 32-bit MMIO with the MMU off: no unaligned access. */
	if (serial_port & 3)
		return err_set(e, -EINVAL,
			       "serial port MMIO address 0x%llx is not 4-byte aligned",
			       (unsigned long long)serial_port);
#endif
	return 0;
}

/* One region per segment, in plan order, so region N is segment N. */
static void fill_regions(const struct plan *p, struct purgatory_params *pp,
			 bool checksum)
{
	struct sha256_ctx all;
	size_t i;

	pp->nr_regions = p->nr;
	for (i = 0; i < p->nr; i++) {
		pp->region[i].start = p->seg[i].mem;
		pp->region[i].len = p->seg[i].bufsz;
	}
	if (!checksum)
		return;

	/* One pass over the data; the overall digest covers the digests. */
	sha256_init(&all);
	for (i = 0; i < p->nr; i++) {
		sha256_fast(p->seg[i].buf, p->seg[i].bufsz, pp->region_sha256[i]);
		sha256_update(&all, pp->region_sha256[i], SHA256_DIGEST_SIZE);
	}
	sha256_final(&all, pp->sha256);
}

#ifdef KEXEC_TEST_HOOKS
/*
 * Test build only (--test-corrupt-segment): change one byte of the named segment
 * after hashing, so a VM test can see the purgatory refuse to jump. The
 * caller's buffer is not ours to modify: the segment gets a changed copy.
 */
static int corrupt_segment(struct kexec_load *l, const char *name)
{
	struct segment *s = NULL;
	unsigned char *copy;
	size_t i;

	for (i = 0; i < l->plan.nr; i++) {
		if (l->plan.seg[i].name && !strcmp(l->plan.seg[i].name, name)) {
			s = &l->plan.seg[i];
			break;
		}
	}
	if (!s)
		return err_set(l->err, -EINVAL,
			       "cannot corrupt segment '%s': the plan has no segment of that name",
			       name);
	if (!s->bufsz)
		return err_set(l->err, -EINVAL,
			       "cannot corrupt segment '%s': it has no data",
			       name);
	copy = load_own(l, malloc(s->bufsz));
	if (!copy)
		return err_set(l->err, -ENOMEM,
			       "cannot corrupt segment '%s': out of memory copying 0x%zx bytes",
			       name, s->bufsz);
	memcpy(copy, s->buf, s->bufsz);
	copy[s->bufsz / 2] ^= 0xff;
	s->buf = copy;
	return 0;
}
#endif

int purgatory_add(struct kexec_load *l, uint64_t entry, uint64_t arg0,
		  uint64_t serial_port, bool checksum)
{
	size_t size = (size_t)(purgatory_blob_end - purgatory_blob);
	struct purgatory_params pp = { 0 };
	struct purgatory_header h = { 0 };
	struct segment seg = { 0 };
	unsigned char *buf;
	int ret;

	memcpy(&h, purgatory_blob, size < sizeof(h) ? size : sizeof(h));
	ret = blob_check(&h, size, l->err);
	if (ret)
		return ret;
	ret = check_args(l, entry, arg0, serial_port);
	if (ret)
		return ret;

	buf = load_own(l, calloc(1, h.memsz));
	if (!buf)
		return err_set(l->err, -ENOMEM,
			       "out of memory for the purgatory's 0x%x bytes",
			       h.memsz);
	memcpy(buf, purgatory_blob, size);

	pp.entry = entry;
	pp.arg0 = arg0;
	pp.serial_port = serial_port;
	pp.flags = checksum ? PURGATORY_F_CHECKSUM : 0;
	fill_regions(&l->plan, &pp, checksum);
	memcpy(buf + h.params_offset, &pp, sizeof(pp));

#ifdef KEXEC_TEST_HOOKS
	if (l->corrupt) {
		ret = corrupt_segment(l, l->corrupt);
		if (ret)
			return ret;
	}
#endif

	seg.name = "purgatory";
	seg.buf = buf;
	seg.bufsz = h.memsz;
	seg.memsz = h.memsz;
	seg.align = PLAN_PAGE_SIZE;
	seg.top_down = true;
	ret = plan_add(&l->plan, &seg, l->err);
	if (ret < 0)
		return ret;
	l->entry = l->plan.seg[ret].mem + h.entry_offset;
	return 0;
}
