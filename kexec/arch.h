/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ARCH_H
#define KEXEC_ARCH_H

/*
 * What each kexec/arch/<arch>/ provides: its image formats, its
 * kexec_load flags and its name.
 */
#include <stdbool.h>
#include <stddef.h>

struct errbuf;
struct kexec_load;

/*
 * An image format of one arch. probe() returns 0 when the buffer is of
 * this type and a negative errno (with a reason in @e) otherwise; load()
 * adds every segment to l->plan and sets l->entry.
 */
struct image_type {
	const char *name;
	int (*probe)(const void *buf, size_t len, struct errbuf *e);
	int (*load)(struct kexec_load *l);
	/*
	 * How many times its file size the kernel may take in memory, at
	 * most: KHO sizes --kho-scratch auto before load() runs.
	 */
	unsigned int kernel_growth;
};

/* Provided by kexec/arch/<arch>/arch.c. */
extern const struct image_type *const arch_image_types[];
extern const unsigned long arch_kexec_flags; /* KEXEC_ARCH_* for kexec_load */
extern const char arch_name[];

/* Pick the image type: forced by name, else the first probe that accepts. */
int image_type_find(const char *name, const void *buf, size_t len,
		    const struct image_type **type, struct errbuf *e);

#endif
