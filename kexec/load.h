/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_LOAD_H
#define KEXEC_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kho.h"
#include "kho_abi.h"
#include "memmap.h"
#include "placement.h"

struct kho_handover;

/* --checksum, --no-checksum, or neither: see load_wants_checksum(). */
enum load_checksum {
	LOAD_CHECKSUM_DEFAULT,
	LOAD_CHECKSUM_ON,
	LOAD_CHECKSUM_OFF,
};

/*
 * What the CLI asks of one load: everything of the parsed options the
 * loader acts on, and nothing else, so no loader reads a flag it was not
 * meant to see.
 */
struct load_request {
	const char *kernel;		/* path */
	const char *initrd;		/* path, or NULL */
	const char *type;		/* -t, or NULL to probe */
	const char *append;		/* --append pieces joined, or NULL */
	bool reuse_cmdline;		/* start from the running kernel's */
	const char *dtb;		/* --dtb, or NULL */
	uint64_t mem_min;
	uint64_t mem_max;		/* 0: no limit */
	enum load_checksum checksum;
	bool force;			/* -f: override the KHO scratch floor */
	bool kho_accept_loss;		/* the next kernel may drop the handover */
	const char *corrupt;		/* test build: segment to corrupt */
	/* load_bytes is filled in by load_prepare(). */
	struct kho_request kho;
};

/*
 * Everything one load builds, from the command line to the syscall. It is
 * created by the CLI, filled by the arch image loader and handed to the
 * syscall layer; nothing in it outlives the process.
 */
struct kexec_load {
	const char *root;	/* "/" or the test fixture root */
	struct errbuf *err;

	/* What the user asked of the loaders (--mem-min/max shape plan.allowed). */
	const char *dtb;	/* --dtb: arm64's device tree, NULL for the running one */
	enum load_checksum checksum;
	bool force;		/* override checks a loader would refuse on */
	const char *corrupt;	/* test-only: corrupt segment NAME after hashing */

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
 * Whether the purgatory hashes the segments: as asked, else unless
 * handing over. With KHO the segments lie in scratch, which cannot hold
 * DMA targets, and the in-kernel loader skips the check too.
 */
bool load_wants_checksum(const struct kexec_load *l);

/* Largest files we will read into memory. */
#define MAX_KERNEL_SIZE (512ULL << 20)
#define MAX_INITRD_SIZE (2ULL << 30)
#define MAX_CMDLINE_SIZE 65536

/*
 * Build a kexec_load plan from @r: read the kernel, initrd and
 * command line, the memory map and (unless declined) the KHO state, then
 * let the image's loader add its segments. Nothing touches the kernel;
 * on failure @l holds nothing worth loading and must still be freed.
 */
int load_prepare(struct kexec_load *l, const struct load_request *r,
		 const char *root, struct errbuf *e);

/*
 * The MEM_RAM ranges of @in cut to [@min, @max) (@max 0: no limit),
 * added to @out: --mem-min/--mem-max as the one window every segment
 * is placed in. Errors: those of memmap_add().
 */
int load_clip_allowed(const struct mem_map *in, uint64_t min, uint64_t max,
		      struct mem_map *out);

/*
 * The command line to pass: the running kernel's (@reuse, without the
 * words that must not carry over) plus @append (NULL: nothing).
 * -E2BIG past MAX_CMDLINE_SIZE, -ENOMEM, or the /proc/cmdline read's.
 */
int build_cmdline(const char *root, const char *append, bool reuse,
		  char **out, struct errbuf *e);

#endif
