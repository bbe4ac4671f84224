// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 Image: its 64-byte header and where the kernel may go
 * (Documentation/arch/arm64/booting.rst, "Call the kernel image").
 */
#include <errno.h>
#include <stddef.h>

#include "arm64.h"
#include "errbuf.h"
#include "placement.h"

#define FIELD(buf, member) \
	((const uint8_t *)(buf) + offsetof(struct arm64_image_header, member))

int arm64_image_probe(const void *buf, size_t len, struct errbuf *e)
{
	if (len < ARM64_IMAGE_HEADER_SIZE)
		return err_set(e, -ENOEXEC,
			       "%zu bytes is shorter than the %d-byte arm64 Image header",
			       len, ARM64_IMAGE_HEADER_SIZE);
	if (arm64_le32(FIELD(buf, magic)) != ARM64_IMAGE_MAGIC)
		return err_set(e, -ENOEXEC,
			       "no arm64 Image magic \"ARM\\x64\" at offset %zu",
			       offsetof(struct arm64_image_header, magic));
	return 0;
}

static unsigned int page_size_of(uint64_t flags)
{
	static const unsigned int sizes[] = { 0, 4096, 16384, 65536 };

	return sizes[(flags >> ARM64_FLAG_PAGE_SIZE_SHIFT) &
		     ARM64_FLAG_PAGE_SIZE_MASK];
}

int arm64_image_parse(const void *buf, size_t len,
		      struct arm64_image_info *info, struct errbuf *e)
{
	uint64_t text_offset, image_size, flags;
	int err;

	err = arm64_image_probe(buf, len, e);
	if (err)
		return err;
	text_offset = arm64_le64(FIELD(buf, text_offset));
	image_size = arm64_le64(FIELD(buf, image_size));
	flags = arm64_le64(FIELD(buf, flags));

	/*
	 * Before v3.17 the header had no size and an endianness-less
	 * text_offset; such a kernel wants "as much memory as possible"
	 * after it, which no placement can promise.
	 */
	if (!image_size)
		return err_set(e, -ENOEXEC,
			       "arm64 Image header has image_size 0 (a kernel older than v3.17, which does not say how much memory it needs); not supported");
	if (flags & ARM64_FLAG_BE)
		return err_set(e, -ENOEXEC,
			       "arm64 Image is a big-endian kernel (flags bit 0); this loader and its purgatory boot little-endian kernels only");
	/* kexec_load copies whole pages: the image must start on one. */
	if (text_offset & (PLAN_PAGE_SIZE - 1))
		return err_set(e, -ENOEXEC,
			       "arm64 Image text_offset 0x%llx is not a multiple of the 4 KiB page kexec_load places",
			       (unsigned long long)text_offset);
	if (text_offset >= ARM64_PHYS_LIMIT || image_size >= ARM64_PHYS_LIMIT ||
	    text_offset + image_size > ARM64_PHYS_LIMIT)
		return err_set(e, -ENOEXEC,
			       "arm64 Image header asks for text_offset 0x%llx and image_size 0x%llx, beyond the 48-bit physical address space",
			       (unsigned long long)text_offset,
			       (unsigned long long)image_size);

	info->text_offset = text_offset;
	info->image_size = image_size;
	info->page_size = page_size_of(flags);
	info->phys_anywhere = flags & ARM64_FLAG_PHYS_ANYWHERE;
	return 0;
}

int arm64_place_kernel(struct plan *p, const void *img, size_t len,
		       const struct arm64_image_info *info, uint64_t *entry,
		       struct errbuf *e)
{
	/*
	 * image_size counts from the start of the image and includes BSS;
	 * a file longer than that (padding, appended data) still has to fit.
	 */
	uint64_t memsz = info->image_size > len ? info->image_size : len;
	struct segment s = {
		.name = "kernel",
		.buf = img,
		.bufsz = len,
		.memsz = info->text_offset + memsz,
		.align = ARM64_KERNEL_ALIGN,
		.max = ARM64_PHYS_LIMIT,
		/*
		 * Lowest first: with flags bit 3 clear, memory below the
		 * base is not in the linear map of older kernels.
		 */
		.top_down = false,
	};
	struct plan trial;
	int idx;

	if (info->text_offset > ARM64_PHYS_LIMIT - memsz)
		return err_set(e, -ENOEXEC,
			       "arm64 Image of 0x%llx bytes at text_offset 0x%llx does not fit below 2^48",
			       (unsigned long long)memsz,
			       (unsigned long long)info->text_offset);

	/*
	 * The engine aligns where a segment starts, but the rule is about
	 * the base text_offset bytes below it. Find a 2 MiB aligned base
	 * with room for text_offset + memsz on a scratch copy of the plan
	 * (plan_add only reads the allowed map it shares), then place the
	 * image itself at base + text_offset: the gap stays free for others.
	 */
	trial = *p;
	idx = plan_add(&trial, &s, e);
	if (idx < 0)
		return idx;

	s.mem = trial.seg[idx].mem + info->text_offset;
	s.memsz = memsz;
	s.align = 0;
	s.fixed = true;
	idx = plan_add(p, &s, e);
	if (idx < 0)
		return idx;
	*entry = p->seg[idx].mem;
	return 0;
}
