/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_FDT_H
#define KEXEC_KHO_FDT_H

/*
 * The KHO FDT ABI as a next kernel reads it, checked on bytes from
 * anywhere (the live page, debugfs, a file, kho-inject's edits). Pure:
 * no I/O, no allocation, no state.
 */
#include <stddef.h>
#include <stdint.h>

struct errbuf;

/*
 * The kernel's FDT is one page; an --kho-fdt file may be bigger but not
 * without bound. The ABI is one level of subnodes, and a real kernel
 * registers a handful of subsystems, not thousands.
 */
#define KHO_FDT_MAX (1U << 20)
#define KHO_MAX_SUBNODES 1024

/*
 * What "kho-inject new" writes as preserved-memory-map when it has no
 * real map to point at: non-zero and page aligned, so the FDT validates,
 * and above any physical address. Only a --kho-scratch handover may take
 * such an FDT, and it replaces the value with an empty map of its own.
 */
#define KHO_MEM_MAP_PLACEHOLDER 0xfffffffffffff000ULL

/*
 * The ABI checks a next kernel makes and a few it doesn't: FDT header
 * and structure, root compatible "kho-v<N>", preserved-memory-map a
 * non-zero, page-aligned u64, every root subnode (one level, unique,
 * usable as a file name, at most KHO_MAX_SUBNODES) with preserved-data
 * and blob-size u64s that do not wrap. Fills @compatible and @mem_map
 * when they are non-NULL; on failure neither is touched.
 * Errors: -EBADMSG (not a valid KHO FDT, the reason in @e),
 * -ENAMETOOLONG (compatible does not fit in @compatible_size).
 */
int kho_validate_fdt(const void *fdt, size_t len, char *compatible,
		     size_t compatible_size, uint64_t *mem_map,
		     struct errbuf *e);

#endif
