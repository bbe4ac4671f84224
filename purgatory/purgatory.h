/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PURGATORY_PURGATORY_H
#define PURGATORY_PURGATORY_H

/*
 * The contract between the loader and the purgatory blob it embeds. The
 * blob is a flat, position-independent image; it starts with this header
 * and holds a parameter block the loader fills in before the blob becomes
 * a segment. Shared by both sides, so fixed-width types only.
 */
#include <stddef.h>
#include <stdint.h>

#define PURGATORY_MAGIC 0x5952415447525550ULL	/* "PURGTARY" */
#define PURGATORY_VERSION 2
#define PURGATORY_MAX_REGIONS 16

/* Hash every region and halt on mismatch instead of jumping. */
#define PURGATORY_F_CHECKSUM (1u << 0)

struct purgatory_header {
	uint64_t magic;
	uint32_t version;
	uint32_t entry_offset;	/* where the kernel's kexec code jumps */
	uint32_t params_offset;	/* struct purgatory_params */
	uint32_t memsz;		/* bytes the blob needs, bss and stack included */
};

struct purgatory_region {
	uint64_t start;
	uint64_t len;
};

struct purgatory_params {
	uint64_t entry;		/* the next kernel's entry point */
	uint64_t arg0;		/* x86_64: %rsi = boot_params; arm64: x0 = DTB */
	uint32_t flags;
	uint32_t nr_regions;
	uint64_t serial_port;	/* x86_64: I/O port; arm64: PL011 MMIO; 0: none */
	struct purgatory_region region[PURGATORY_MAX_REGIONS];
	/*
	 * The digest of region_sha256[0 .. nr_regions), concatenated: it
	 * guards the table below, so a changed parameter block is caught
	 * too. Defined over digests, not data, so that loader and purgatory
	 * each read every segment once, and a mismatch names its segment.
	 */
	uint8_t sha256[32];
	uint8_t region_sha256[PURGATORY_MAX_REGIONS][32];	/* each region */
};

_Static_assert(sizeof(struct purgatory_header) == 24, "purgatory_header");
_Static_assert(offsetof(struct purgatory_header, entry_offset) == 12,
	       "purgatory_header.entry_offset");
_Static_assert(offsetof(struct purgatory_header, memsz) == 20,
	       "purgatory_header.memsz");
_Static_assert(sizeof(struct purgatory_region) == 16, "purgatory_region");
/* entry and arg0 are read by the arch entry code at these offsets. */
_Static_assert(offsetof(struct purgatory_params, entry) == 0,
	       "purgatory_params.entry");
_Static_assert(offsetof(struct purgatory_params, arg0) == 8,
	       "purgatory_params.arg0");
_Static_assert(offsetof(struct purgatory_params, serial_port) == 24,
	       "purgatory_params.serial_port");
_Static_assert(offsetof(struct purgatory_params, region) == 32,
	       "purgatory_params.region");
_Static_assert(offsetof(struct purgatory_params, sha256) == 32 + 16 * 16,
	       "purgatory_params.sha256");
_Static_assert(sizeof(struct purgatory_params) == 32 + 16 * 16 + 32 + 16 * 32,
	       "purgatory_params");

#endif
