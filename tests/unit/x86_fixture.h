/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TESTS_X86_FIXTURE_H
#define TESTS_X86_FIXTURE_H

/*
 * Helpers for the x86_64 boot protocol tests: synthetic bzImages built in
 * memory, throw-away sysfs roots, a struct kexec_load over a made-up
 * memory map, and readers for what a load produced (segments by name,
 * the zero page, the setup_data chain, the purgatory's parameters).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootparam.h"
#include "load.h"
#include "purgatory.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* Header fields a test may change; bz_defaults() is like a 7.3 kernel. */
struct bz_opts {
	uint8_t setup_sects;
	uint8_t hdr_jump;	/* byte at 0x201: header ends at 0x202 + it */
	uint16_t boot_flag;
	uint32_t magic;
	uint16_t version;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t init_size;
	size_t payload;		/* bytes after the setup sectors */
	uint32_t syssize;	/* 0: payload / 16 */
	uint32_t payload_offset;	/* of the compressed kernel */
	uint32_t payload_length;
	bool short_file;	/* cut the file at 512 bytes */
};

void bz_defaults(struct bz_opts *o);
/* A malloc'd image; *len its size. */
uint8_t *bz_make(const struct bz_opts *o, size_t *len);

#include "fixture_path.h"

/* Temporary roots. */
char *xr_root(void);
void xr_rm(char *root);
void xr_put(const char *root, const char *rel, const void *data, size_t len);
void xr_puts(const char *root, const char *rel, const char *text);
/* Copy one file of fixture tree @from (a fixture name) into @root. */
void xr_copy(const char *root, const char *from, const char *rel);

/*
 * A load over RAM ranges given as [start, end) pairs (also the firmware
 * map), root @root (may be an empty dir), command line @cmdline; the
 * kernel image is @image (taken over: load_free() frees it).
 */
void xl_init(struct kexec_load *l, struct errbuf *e, const char *root,
	     const uint64_t *ram, size_t nr_pairs, uint8_t *image,
	     size_t image_len, const char *cmdline);
/* Add a non-RAM range to the firmware map (before the load runs). */
void xl_add_range(struct kexec_load *l, uint64_t start, uint64_t end,
		  enum mem_type type);
/* Replace the allowed set (KHO scratch), keeping the firmware map. */
void xl_allow(struct kexec_load *l, const uint64_t *ram, size_t nr_pairs);
void xl_free(struct kexec_load *l);

const struct segment *seg_named(const struct kexec_load *l, const char *name);
/* The zero page of the "bootparams" segment. */
const struct boot_params *xl_zero_page(const struct kexec_load *l);
/* Bytes of the "bootparams" segment at physical @phys, @len of them. */
const void *xl_bp_at(const struct kexec_load *l, uint64_t phys, size_t len);

struct sd_seen {
	uint64_t phys;		/* of the header */
	uint32_t type;
	uint32_t len;
	const uint8_t *data;
};
/* Walk the chain from hdr.setup_data, every node inside the segment. */
size_t xl_chain(const struct kexec_load *l, struct sd_seen *out, size_t max);
const struct sd_seen *sd_find(const struct sd_seen *s, size_t n,
			      uint32_t type);

/* The purgatory's parameter block as the load filled it. */
const struct purgatory_params *xl_purgatory(const struct kexec_load *l);

#endif
