// SPDX-License-Identifier: GPL-2.0-or-later
#include <libfdt.h>

#include "fdtcheck.h"

/*
 * libfdt 1.6.1 (Debian 12) passes a header of version 2 to 15 through
 * fdt_check_header() and then dereferences NULL in fdt_check_full() (found
 * by fuzz_kho_fdt). The kernel, dtc and QEMU write version 17; 16 lacks
 * only size_dt_struct and is checked as well.
 */
int fdt_check_untrusted(const void *fdt, size_t len)
{
	int err;

	if (len < sizeof(struct fdt_header))
		return -FDT_ERR_TRUNCATED;
	err = fdt_check_header(fdt);
	if (err)
		return err;
	if (fdt_version(fdt) < 16)
		return -FDT_ERR_BADVERSION;
	return fdt_check_full(fdt, len);
}
