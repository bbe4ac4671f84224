// SPDX-License-Identifier: GPL-2.0-or-later
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>

#include "fdtcheck.h"

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/*
 * libfdt finds the end of the memory reservation map by its zero-sized
 * terminator, wherever that is: a map that runs on into the structure or
 * strings block passes fdt_check_full(), and fdt_open_into() then moves
 * the blocks with a negative length (found by fuzz_inject_fdt).
 */
static int check_rsvmap(const void *fdt)
{
	uint64_t rsv = fdt_off_mem_rsvmap(fdt), rsv_end;
	uint64_t st = fdt_off_dt_struct(fdt), st_end = fdt_totalsize(fdt);
	uint64_t str = fdt_off_dt_strings(fdt);
	int n = fdt_num_mem_rsv(fdt);

	if (n < 0)
		return n;
	rsv_end = rsv + ((uint64_t)n + 1) * sizeof(struct fdt_reserve_entry);
	/* Version 16 has no size_dt_struct: its block may reach the end. */
	if (fdt_version(fdt) >= 17)
		st_end = st + fdt_size_dt_struct(fdt);
	if (rsv_end > fdt_totalsize(fdt) || overlaps(rsv, rsv_end, st, st_end) ||
	    overlaps(rsv, rsv_end, str, str + fdt_size_dt_strings(fdt)))
		return -FDT_ERR_BADLAYOUT;
	return 0;
}

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
	err = fdt_check_full(fdt, len);
	if (err)
		return err;
	return check_rsvmap(fdt);
}
