/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_INTERNAL_H
#define KEXEC_KHO_INTERNAL_H

/*
 * What the kho*.c pieces share and nobody else needs. The facts they
 * rely on are in Linux's kernel/liveupdate/kexec_handover.c (7.3):
 * - the KHO FDT is one page, kho_out.fdt, the first member of the
 *   static struct kho_out; it is preserved memory itself;
 * - its u64 properties are stored in CPU byte order (fdt_property() of
 *   a u64 variable, read back with get_unaligned()), not big-endian;
 * - the next kernel checks the header, the root "compatible", and that
 *   preserved-memory-map is 8 bytes and non-zero; subsystems look up
 *   root subnodes by name and need 8-byte preserved-data and blob-size.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#include "kho.h"

#define KHO_COMPAT_PREFIX "kho-v"
#define KHO_MEM_MAP_PROP "preserved-memory-map"
#define KHO_DATA_PROP "preserved-data"
#define KHO_SIZE_PROP "blob-size"
/* The kernel's page on x86_64, the smallest on arm64: scratch, map. */
#define KHO_SCRATCH_ALIGN 4096ULL

static inline uint64_t get_u64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline int set_u64_prop(void *fdt, int node, const char *prop,
			       uint64_t v)
{
	/* CPU byte order, as the kernel writes and reads these. */
	return fdt_setprop_inplace(fdt, node, prop, &v, sizeof(v));
}

/* kho.c: fdt is about to differ from its source; see kho_hands_copy(). */
void kho_mark_edited(struct kho_handover *h);

/* kho.c: add one warning to h->warnings (dropped when full). */
void kho_warn(struct kho_handover *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* kho_blob.c */
void kho_free_blobs(struct kho_blob *b, size_t nr);

#endif
