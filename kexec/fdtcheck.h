/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_FDTCHECK_H
#define KEXEC_FDTCHECK_H

#include <stddef.h>

/*
 * fdt_check_full() for bytes from outside: 0, or a negative libfdt error
 * (-FDT_ERR_*) for fdt_strerror(). Every tree we read goes through here.
 */
int fdt_check_untrusted(const void *fdt, size_t len);

/*
 * A libfdt error as a sentence fragment that names the problem, as
 * fdt_check_untrusted() means it (libfdt's own fdt_strerror() gives only
 * the constant's name, "FDT_ERR_BADOFFSET").
 */
const char *fdt_check_strerror(int fdt_err);

#endif
