/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_MEMMAP_H
#define KEXEC_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct errbuf;

enum mem_type {
	MEM_RAM,		/* "System RAM" */
	MEM_RESERVED,		/* "Reserved" */
	MEM_ACPI,		/* "ACPI Tables" */
	MEM_NVS,		/* "ACPI Non-volatile Storage" */
	MEM_UNUSABLE,		/* "Unusable memory" */
	MEM_PMEM,		/* "Persistent Memory" */
	MEM_PRAM,		/* "Persistent Memory (legacy)" */
	MEM_SOFT_RESERVED,	/* "Soft Reserved" */
	MEM_OTHER,		/* anything else; never used for placement */
};

/* A physical range [start, end): end is exclusive. */
struct mem_range {
	uint64_t start;
	uint64_t end;
	enum mem_type type;
};

/* A growable, sorted list of ranges. Zero-initialise before first use. */
struct mem_map {
	struct mem_range *r;
	size_t nr;
	size_t cap;
};

/*
 * A bound on hostile input, far above real maps (a few hundred entries
 * even with memory hot-plug, which adds one per memory block).
 */
#define MEMMAP_MAX_RANGES 16384

/*
 * Append a range; merging and sorting are memmap_normalize()'s job.
 * -EINVAL if start >= end, -E2BIG past MEMMAP_MAX_RANGES, -ENOMEM.
 */
int memmap_add(struct mem_map *m, uint64_t start, uint64_t end,
	       enum mem_type type);

/*
 * Sort by start and merge adjacent or overlapping ranges of the same type.
 * Overlaps between ranges of different types are an error (-EINVAL): a
 * firmware map that contradicts itself is not something to guess about.
 */
int memmap_normalize(struct mem_map *m, struct errbuf *e);

/*
 * The memory map the next kernel must be told about: /sys/firmware/memmap
 * (the firmware's own map, untouched by the running kernel's changes) when
 * present, else top-level entries of /proc/iomem. Sorted, merged.
 */
int memmap_read(const char *root, struct mem_map *m, struct errbuf *e);

/*
 * The two sources, for callers that want one explicitly. Both replace the
 * contents of @m only on success. A firmware map that exists but is
 * malformed is an error, never a reason to fall back to /proc/iomem.
 * /proc/iomem read without CAP_SYS_ADMIN shows every address as 0: that
 * is -EPERM. A source listing no usable range is -ENODATA. Unknown types
 * in the firmware map are kept as MEM_OTHER; /proc/iomem contributes only
 * top-level entries of a known memory type (bus windows, ROMs and APICs
 * are not memory the map needs to carry).
 */
int memmap_read_firmware(const char *root, struct mem_map *m,
			 struct errbuf *e);
int memmap_read_iomem(const char *root, struct mem_map *m, struct errbuf *e);

/*
 * Keep only ranges of @type (e.g. the RAM a segment may land in); the
 * contents of @out are replaced.
 */
int memmap_filter(const struct mem_map *in, enum mem_type type,
		  struct mem_map *out);

/* True when [start, end) lies entirely inside ranges of @type. */
bool memmap_covers(const struct mem_map *m, uint64_t start, uint64_t end,
		   enum mem_type type);

/* Total bytes of @type. */
uint64_t memmap_total(const struct mem_map *m, enum mem_type type);

const char *mem_type_name(enum mem_type type);
/* Map a /sys/firmware/memmap or /proc/iomem type string; MEM_OTHER if unknown. */
enum mem_type mem_type_parse(const char *s);

void memmap_free(struct mem_map *m);

#endif
