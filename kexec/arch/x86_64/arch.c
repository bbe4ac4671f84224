// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>

#include "arch.h"
#include "bzimage.h"
#include "load.h"

/* include/uapi/linux/kexec.h: KEXEC_ARCH_X86_64 */
#define KEXEC_ARCH_X86_64_VALUE (62UL << 16)

const struct image_type *const arch_image_types[] = { &bzimage_type, NULL };
const unsigned long arch_kexec_flags = KEXEC_ARCH_X86_64_VALUE;
const char arch_name[] = "x86_64";
