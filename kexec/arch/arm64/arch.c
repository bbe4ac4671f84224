// SPDX-License-Identifier: GPL-2.0-or-later
/* arm64: the image formats this loader boots. */
#include <linux/kexec.h>

#include "kexec.h"

const char arch_name[] = "arm64";
const unsigned long arch_kexec_flags = KEXEC_ARCH_AARCH64;

const struct image_type *const arch_image_types[] = {
	NULL,
};
