/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_PLACEMENT_H
#define KEXEC_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

struct errbuf;

/* kexec_load's own limit (KEXEC_SEGMENT_MAX). */
#define PLAN_MAX_SEGMENTS 16
#define PLAN_PAGE_SIZE 4096ULL

/*
 * One request to put bytes in physical memory, in the spirit of the
 * kernel's struct kexec_buf: the placement engine picks @mem unless
 * @fixed is set. Everything else is the caller's policy.
 */
struct segment {
	const char *name;	/* "kernel", "initrd", ... for plans and errors */
	const void *buf;	/* may be NULL when bufsz is 0 */
	size_t bufsz;
	uint64_t memsz;		/* >= bufsz; the tail is zero-filled */
	uint64_t align;		/* power of two or 0; raised to a page */
	uint64_t min;		/* lowest allowed start */
	uint64_t max;		/* highest allowed end (exclusive); 0: none */
	bool top_down;
	bool fixed;		/* @mem is given, only checked */
	uint64_t mem;		/* destination: input if fixed, else output */
};

/*
 * The set of segments of one load and the ranges they may occupy. RAM by
 * default; with KHO the scratch regions only. The allowed set is the
 * policy; the engine is the same.
 */
struct plan {
	struct mem_map allowed;
	struct segment seg[PLAN_MAX_SEGMENTS];
	size_t nr;
	/*
	 * kexec_load wants destinations and sizes in the running kernel's
	 * pages: 4 KiB on x86_64, 4, 16 or 64 KiB on arm64. Never below
	 * PLAN_PAGE_SIZE.
	 */
	uint64_t page;
};

/*
 * Allowed ranges are copied (only MEM_RAM entries count); plan is zeroed
 * first and its page size is the running kernel's.
 */
int plan_init(struct plan *p, const struct mem_map *allowed);
void plan_free(struct plan *p);

/*
 * Place @s (a copy is stored in the plan) and return its index (>= 0) or
 * a negative errno. The destination is page aligned and its memsz rounded
 * up to a page, as kexec_load demands (the stored copy has the rounded
 * memsz and align). On failure the errbuf says what was asked and the
 * largest hole that exists in the allowed window. Errors: -EINVAL (bad
 * request), -EOVERFLOW (sizes wrap), -E2BIG (too many segments),
 * -EADDRNOTAVAIL (no hole; fixed segment outside allowed memory), -EBUSY
 * (fixed segment overlaps another). It only reads p->allowed, so a
 * struct copy of a plan can serve for a trial placement.
 */
int plan_add(struct plan *p, const struct segment *s, struct errbuf *e);

/* Largest free page-aligned hole in [min, max), for error messages and -d. */
uint64_t plan_largest_hole(const struct plan *p, uint64_t min, uint64_t max,
			   uint64_t *start);

/* Bytes of the allowed ranges not taken by any segment. */
uint64_t plan_free_bytes(const struct plan *p);

/*
 * Segments sorted by destination (kexec_load wants no overlap, any order).
 * Indices returned by plan_add() no longer hold afterwards.
 */
void plan_sort(struct plan *p);

#endif
