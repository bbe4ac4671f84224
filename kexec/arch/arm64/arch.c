// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64: the image formats this loader boots. All three end as an
 * uncompressed Image handed to arm64_boot(); only a raw Image is
 * something kexec_file_load understands.
 */
#include <linux/kexec.h>

#include "arch.h"
#include "arm64.h"
#include "load.h"

const char arch_name[] = "arm64";
const unsigned long arch_kexec_flags = KEXEC_ARCH_AARCH64;

static int image_load(struct kexec_load *l)
{
	return arm64_boot(l, l->kernel, l->kernel_size);
}

static int image_gz_load(struct kexec_load *l)
{
	void *img;
	size_t len;
	int err;

	err = arm64_gunzip(l->kernel, l->kernel_size, ARM64_MAX_IMAGE_SIZE,
			   false, &img, &len, l->err);
	if (err)
		return err;
	load_own(l, img);
	return arm64_boot(l, img, len);
}

static int zboot_load(struct kexec_load *l)
{
	void *img;
	size_t len;
	int err;

	err = arm64_zboot_extract(l->kernel, l->kernel_size,
				  ARM64_MAX_IMAGE_SIZE, &img, &len, l->err);
	if (err)
		return err;
	load_own(l, img);
	return arm64_boot(l, img, len);
}

static const struct image_type image_type = {
	.name = "Image",
	.probe = arm64_image_probe,
	.load = image_load,
	/*
	 * image_size (text + bss) is little more than the file; the same
	 * generous factor as the compressed formats keeps auto scratch
	 * sizing alike for all three.
	 */
	.kernel_growth = 8,
};

static const struct image_type image_gz_type = {
	.name = "Image.gz",
	.probe = arm64_image_gz_probe,
	.load = image_gz_load,
	/* Decompressed, an Image is three to four times its gzip. */
	.kernel_growth = 8,
};

static const struct image_type zboot_type = {
	.name = "zboot",
	.probe = arm64_zboot_probe,
	.load = zboot_load,
	/* The payload is gzip inside a small EFI stub. */
	.kernel_growth = 8,
};

const struct image_type *const arch_image_types[] = {
	&image_type,
	&image_gz_type,
	&zboot_type,
	NULL,
};
