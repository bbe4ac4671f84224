/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KEXEC_H
#define KEXEC_KEXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kho_abi.h"
#include "memmap.h"
#include "options.h"
#include "placement.h"

struct kho_handover;

/*
 * Everything one load builds, from the command line to the syscall. It is
 * created by the CLI, filled by the arch image loader and handed to the
 * syscall layer; nothing in it outlives the process.
 */
struct kexec_load {
	const struct kexec_opts *opts;
	const char *root;	/* "/" or the test fixture root */
	struct errbuf *err;

	struct mem_map sysmem;	/* firmware memory map, all types */
	struct plan plan;	/* segments; allowed = RAM or KHO scratch */
	uint64_t entry;		/* physical entry point (the purgatory) */

	/* Inputs, read once. */
	const void *kernel;	/* kernel_file's bytes */
	size_t kernel_size;
	const void *initrd;	/* initrd_file's bytes, or NULL */
	size_t initrd_size;
	struct file_map kernel_file;
	struct file_map initrd_file;
	const char *cmdline;	/* final command line, never NULL */

	/* KHO state when handing over, else NULL. */
	struct kho_handover *kho;
	/* With kho: the next kernel's KHO ABI, as its image loader read it. */
	struct kho_abi_scan next_abi;

	/* Buffers segments point at; freed with the load. */
	void *owned[PLAN_MAX_SEGMENTS * 2];
	size_t nr_owned;
};

/* Keep @buf alive until load_free(); returns @buf or NULL if it was NULL. */
void *load_own(struct kexec_load *l, void *buf);
void load_free(struct kexec_load *l);

/*
 * An image format of one arch. probe() returns 0 when the buffer is of
 * this type and a negative errno (with a reason in @e) otherwise; load()
 * adds every segment to l->plan and sets l->entry.
 */
struct image_type {
	const char *name;
	int (*probe)(const void *buf, size_t len, struct errbuf *e);
	int (*load)(struct kexec_load *l);
	/* kexec_file_load: which fds/cmdline it takes; NULL if unsupported. */
	bool file_load_ok;
};

/* Provided by kexec/arch/<arch>/arch.c */
extern const struct image_type *const arch_image_types[];
extern const unsigned long arch_kexec_flags; /* KEXEC_ARCH_* for kexec_load */
extern const char arch_name[];

/* Pick the image type: forced by name, else the first probe that accepts. */
int image_type_find(const char *name, const void *buf, size_t len,
		    const struct image_type **type, struct errbuf *e);

#endif
