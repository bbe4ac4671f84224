// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One arm64 load, once the Image is decompressed. The DTB describes where
 * everything else went, so it is built after the kernel, the initrd and
 * the KHO buffers are placed; the purgatory, which hashes all of them and
 * needs the DTB's address, comes last.
 */
#include <errno.h>
#include <stdlib.h>

#include "arm64.h"
#include "kho.h"
#include "load.h"
#include "purgatory-load.h"

static int place_initrd(struct kexec_load *l, uint64_t kernel_base,
			struct arm64_chosen *c)
{
	uint64_t lo = kernel_base & ~(ARM64_INITRD_WINDOW_ALIGN - 1);
	struct segment s = {
		.name = "initrd",
		.buf = l->initrd,
		.bufsz = l->initrd_size,
		.memsz = l->initrd_size,
		.min = lo,
		.max = lo + ARM64_INITRD_WINDOW_SIZE,
	};
	int idx;

	idx = plan_add(&l->plan, &s, l->err);
	if (idx < 0)
		return err_prefix(l->err, idx,
				  "initrd must lie within 32 GiB of the 1 GiB aligned base below the kernel");
	c->initrd_start = l->plan.seg[idx].mem;
	c->initrd_size = l->initrd_size;
	return 0;
}

static int place_dtb(struct kexec_load *l, const struct arm64_chosen *c,
		     uint64_t *dtb_addr, uint64_t *pl011)
{
	struct segment s = { .name = "dtb" };
	void *src = NULL, *dtb = NULL;
	size_t src_len, dtb_len;
	int idx, err;

	err = arm64_dtb_read(l->root, l->dtb, &src, &src_len, l->err);
	if (err)
		return err;
	err = arm64_dtb_build(src, src_len, c, &dtb, &dtb_len, l->err);
	free(src);
	if (err)
		return err;
	load_own(l, dtb);
	*pl011 = arm64_pl011_base(dtb, l->cmdline);

	/* Page aligned: more than the 8 bytes booting.rst asks for. */
	s.buf = dtb;
	s.bufsz = dtb_len;
	s.memsz = dtb_len;
	idx = plan_add(&l->plan, &s, l->err);
	if (idx < 0)
		return idx;
	*dtb_addr = l->plan.seg[idx].mem;
	return 0;
}

int arm64_boot(struct kexec_load *l, const void *img, size_t len)
{
	struct arm64_image_info info;
	struct arm64_chosen c = { .cmdline = l->cmdline };
	uint64_t entry, dtb_addr, pl011;
	int err;

	err = arm64_image_parse(img, len, &info, l->err);
	if (err)
		return err;
	err = arm64_place_kernel(&l->plan, img, len, &info, &entry, l->err);
	if (err)
		return err;
	if (l->initrd_size) {
		err = place_initrd(l, entry - info.text_offset, &c);
		if (err)
			return err;
	}
	if (l->kho) {
		kho_abi_scan_buffer(&l->next_abi, l->kho->compatible, img, len);
		err = arm64_kho_check_next_kernel(l->kho, info.page_size,
						  l->plan.page, l->force,
						  l->err);
		if (!err)
			err = arm64_kho_place(&l->plan, l->kho, info.page_size,
					      &c, l->err);
		if (err)
			return err;
	}
	err = place_dtb(l, &c, &dtb_addr, &pl011);
	if (err)
		return err;
	return purgatory_add(l, entry, dtb_addr, pl011, load_wants_checksum(l));
}
