/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TESTS_KHO_FIXTURE_H
#define TESTS_KHO_FIXTURE_H

/*
 * Fake roots for the KHO tests: a /proc/kcore built as an ELF64 core
 * file the way fs/proc/kcore.c lays it out, /proc/kallsyms, and the
 * debugfs kho/out files; KHO FDTs built with libfdt's sequential-write
 * API the way kho_out_fdt_setup()/kho_add_subtree() build them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kho.h"
#include "memmap.h"

/* Where the fake kernel keeps things (4 KiB pages, x86_64-like). */
#define FX_TEXT_VA	0xffffffff81000000ULL	/* KCORE_TEXT */
#define FX_TEXT_PA	0x0000000001000000ULL
#define FX_TEXT_SIZE	0x2000ULL
#define FX_KHO_OUT_VA	(FX_TEXT_VA + 0x1100)	/* &kho_out */
#define FX_RAM_VA	0xffff888000100000ULL	/* KCORE_RAM, direct map */
#define FX_RAM_PA	0x0000000000100000ULL
#define FX_RAM_SIZE	0x10000ULL
#define FX_FDT_VA	(FX_RAM_VA + 0x3000)
#define FX_FDT_PA	(FX_RAM_PA + 0x3000)
#define FX_VMALLOC_VA	0xffffc90000000000ULL	/* KCORE_VMALLOC: p_paddr -1 */
#define FX_VMALLOC_SIZE	0x2000ULL
#define FX_MEM_MAP	0x0000000002345000ULL

struct fx_node {
	const char *name;
	uint64_t data;
	uint64_t size;
	bool no_size;		/* leave blob-size out */
	bool nested;		/* put a child node inside */
};

struct fx_fdt {
	const char *compat;	/* NULL: no compatible */
	int map_len;		/* 8 normally; 0: no property */
	uint64_t mem_map;
	const struct fx_node *nodes;
	int nr_nodes;
};

/* Build into @buf (@size bytes), return totalsize; fails the test on error. */
size_t fx_make_fdt(void *buf, size_t size, const struct fx_fdt *f);
/* The FDT a 7.3 kernel has after a few subsystems registered. */
size_t fx_kernel_fdt(void *buf, size_t size);

struct fx_kcore {
	uint64_t kho_out_value;	/* what kho_out.fdt holds */
	const void *fdt_page;	/* written at FX_FDT_VA; NULL: zeros */
	size_t fdt_page_len;
	int phnum_override;	/* != 0: write this e_phnum (-1: 0) */
	size_t truncate_at;	/* != 0: cut the file here */
};

/* Make a temporary root; returns a malloc'd path. */
char *fx_root(void);
void fx_rm_root(char *root);

/* Write root/rel (parents created). */
void fx_put(const char *root, const char *rel, const void *data, size_t len);
void fx_puts(const char *root, const char *rel, const char *text);
void fx_unlink(const char *root, const char *rel);

/* root/proc/kcore as described; returns the file size. */
size_t fx_write_kcore(const char *root, const struct fx_kcore *k);

/* A full KHO root: kallsyms, kcore with @fdt live, debugfs out/ files. */
void fx_kho_root(const char *root, const void *fdt, size_t fdt_len,
		 size_t debugfs_len);

/*
 * The state every KHO core test starts from: a fixture root, a memory
 * map, the kernel-like FDT (fx_kernel_fdt) and room for a file name.
 * fx_setup_flat: 1 GiB of plain RAM; fx_setup_qemu: the QEMU guest's map
 * below 4 GiB (RAM with the legacy and top-of-RAM holes reserved).
 */
struct fx_state {
	char *root;
	struct mem_map ram;
	uint8_t fdt[4096];
	size_t fdt_len;
	char path[512];		/* scratch file names */
};

int fx_setup_flat(void **state);
int fx_setup_qemu(void **state);
int fx_teardown(void **state);

/* A one-page KHO FDT of @compat, map property @map_len bytes, @nodes. */
size_t fx_make(uint8_t *buf, const char *compat, int map_len, uint64_t map,
	       const struct fx_node *nodes, int nr);
/* root/inject.fdt with @fdt; returns its malloc'd path. */
char *fx_write_fdt_file(struct fx_state *t, const void *fdt, size_t len);
/* kho_prepare() of @mode and --kho-fdt @file (or NULL), over t->ram. */
int fx_prepare(struct fx_state *t, enum kho_mode mode, const char *file,
	       struct kho_handover **h, struct errbuf *e);
/* root/NAME with @len bytes of a pattern; returns the full path. */
const char *fx_put_file(struct fx_state *t, const char *name, size_t len);
/* A handover of a copy of the kernel-like FDT, as --kho-fdt makes. */
struct kho_handover *fx_file_handover(const struct fx_state *t);
/* kho_add_blobs() of one blob @name, a file of @len pattern bytes. */
int fx_add_blob(struct fx_state *t, struct kho_handover *h, const char *name,
		size_t len, struct errbuf *e);
/* "NAME=PATH", malloc'd. */
char *fx_spec(const char *name, const char *path);
/* The u64 @prop of root subnode @node (NULL: the root itself). */
uint64_t fx_prop_u64(const void *fdt, const char *node, const char *prop);

/* Whether one of h's warnings contains @needle. */
bool fx_warned(const struct kho_handover *h, const char *needle);

#endif
