// SPDX-License-Identifier: GPL-2.0-or-later
#include <libfdt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
 * Before version 17 libfdt bounds a property name by totalsize only, not
 * by size_dt_strings: a name past the strings block passes
 * fdt_check_full(), and fdt_open_into(), which copies only the block,
 * then renames the property after whatever strings are added later
 * (stdout-path became stdbootargs). Every name must lie inside the block,
 * NUL included, whatever the version.
 *
 * fdt_check_full() also passes a structure block that holds no node at
 * all, or a second root after the first; libfdt finds the root at offset
 * 0 only, so that is where it must be, alone. And a property whose length
 * is -1 (its value "ends" inside its own header), which fdt_getprop()
 * then returns with that length (all found by fuzz_fdt_names).
 */
static int check_walk(const void *fdt)
{
	const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);
	uint32_t size = fdt_size_dt_strings(fdt), name;
	const struct fdt_property *p;
	fdt32_t raw;
	int off = 0, next, len, depth = 0, roots = 0;

	for (;;) {
		switch (fdt_next_tag(fdt, off, &next)) {
		case FDT_BEGIN_NODE:
			if (depth++ == 0 && (off != 0 || roots++))
				return -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_END_NODE:
			depth--;
			break;
		case FDT_PROP:
			p = fdt_get_property_by_offset(fdt, off, &len);
			if (!p)
				return len;
			/* Lengths -1 to -3 pass libfdt and reach memcpy(). */
			if (len < 0)
				return -FDT_ERR_BADSTRUCTURE;
			/* A structure block may sit at any offset: copy. */
			memcpy(&raw, (const char *)p +
			       offsetof(struct fdt_property, nameoff), sizeof(raw));
			name = fdt32_to_cpu(raw);
			if (name >= size || !memchr(strings + name, '\0', size - name))
				return -FDT_ERR_BADOFFSET;
			break;
		case FDT_END:
			if (next < 0)
				return next;
			return roots ? 0 : -FDT_ERR_BADSTRUCTURE;
		default:
			break;
		}
		if (next < 0)
			return next;
		off = next;
	}
}

/*
 * libfdt 1.6.1 walks a property of length -12 (0xfffffff4) to its own
 * offset: fdt_next_tag() makes no progress and fdt_check_full() loops
 * forever (found by fuzz_fdt_names). Every tag must move the walk on.
 */
static int check_progress(const void *fdt)
{
	int off = 0, next;

	for (;;) {
		if (fdt_next_tag(fdt, off, &next) == FDT_END || next < 0)
			return next < 0 ? next : 0;
		if (next <= off)
			return -FDT_ERR_BADSTRUCTURE;
		off = next;
	}
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
	/* fdt_check_full()'s first check, needed before any walk. */
	if (fdt_totalsize(fdt) > len)
		return -FDT_ERR_TRUNCATED;
	err = check_progress(fdt);
	if (!err)
		err = fdt_check_full(fdt, len);
	if (!err)
		err = check_rsvmap(fdt);
	if (!err)
		err = check_walk(fdt);
	return err;
}

const char *fdt_check_strerror(int fdt_err)
{
	switch (-fdt_err) {
	case FDT_ERR_TRUNCATED:
		return "a block, node name or property runs past the end of the FDT (truncated)";
	case FDT_ERR_BADMAGIC:
		return "bad magic: not an FDT";
	case FDT_ERR_BADVERSION:
		return "unsupported FDT version";
	case FDT_ERR_BADSTRUCTURE:
		return "corrupt structure block (bad token, unbalanced nodes, or a property outside a node)";
	case FDT_ERR_BADOFFSET:
		return "a property name lies outside the strings block (past size_dt_strings)";
	case FDT_ERR_BADLAYOUT:
		return "the memory reservation map runs into another block, or the blocks overlap";
	case FDT_ERR_BADSTATE:
		return "unfinished FDT (still in libfdt's sequential-write state)";
	case FDT_ERR_NOSPACE:
		return "no room left in the FDT buffer";
	case FDT_ERR_ALIGNMENT:
		return "FDT not 8-byte aligned in memory";
	case FDT_ERR_EXISTS:
		return "already exists";
	case FDT_ERR_NOTFOUND:
		return "not found";
	case FDT_ERR_BADPATH:
		return "badly formed path";
	default:
		return fdt_strerror(fdt_err);
	}
}
