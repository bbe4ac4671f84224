// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "errbuf.h"
#include "memmap.h"
#include "placement.h"
#include "fixture_path.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)


/* A plan over the given [start, end) RAM pairs. */
static void plan_over(struct plan *p, const uint64_t *pairs, size_t n)
{
	struct mem_map m = { 0 };
	size_t i;

	for (i = 0; i < n; i += 2)
		assert_int_equal(memmap_add(&m, pairs[i], pairs[i + 1], MEM_RAM),
				 0);
	assert_int_equal(plan_init(p, &m), 0);
	memmap_free(&m);
}

static struct segment req(const char *name, uint64_t memsz, bool top_down)
{
	struct segment s = {
		.name = name,
		.memsz = memsz,
		.top_down = top_down,
	};

	return s;
}

static struct segment fixed(const char *name, uint64_t mem, uint64_t memsz)
{
	struct segment s = {
		.name = name,
		.memsz = memsz,
		.fixed = true,
		.mem = mem,
	};

	return s;
}

/* plan_add that must succeed; returns the placed address. */
static uint64_t add_ok(struct plan *p, const struct segment *s)
{
	struct errbuf e = { 0 };
	int idx = plan_add(p, s, &e);

	if (idx < 0)
		fail_msg("plan_add(%s) failed: %s", s->name, err_str(&e, idx));
	assert_int_equal(idx, p->nr - 1);
	return p->seg[idx].mem;
}

static void top_down_takes_highest_aligned_address(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x40000000 };
	struct plan p;
	struct segment s = req("kernel", 0x1234567, true);

	plan_over(&p, ram, 2);
	s.align = 2 * MiB;
	/* 0x40000000 - 0x1235000 = 0x3edcb000, down to 2 MiB. */
	assert_int_equal(add_ok(&p, &s), 0x3ec00000);
	assert_int_equal(p.seg[0].memsz, 0x1235000);
	assert_int_equal(p.seg[0].align, 2 * MiB);
	plan_free(&p);
}

static void bottom_up_takes_lowest_fitting_address(void **state)
{
	static const uint64_t ram[] = { 0x1000, 0x9fc00, 0x100000, 0x40000000 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 4);
	s = req("small", 0x80000, false);
	assert_int_equal(add_ok(&p, &s), 0x1000);
	/* Only 0x1ec00 is left below 0x9fc00. */
	s = req("tail", 0x1f000, false);
	assert_int_equal(add_ok(&p, &s), 0x100000);
	s = req("low", 0x1e000, false);
	assert_int_equal(add_ok(&p, &s), 0x81000);
	plan_free(&p);
}

static void huge_alignment_is_honoured(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x140000000 };
	static const uint64_t top[] = { 0x7fffffffffff0000, 0x8000000000010000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	s = req("a", 0x1000, false);
	s.align = GiB;
	assert_int_equal(add_ok(&p, &s), GiB);
	s.top_down = true;
	assert_int_equal(add_ok(&p, &s), 4 * GiB);
	/* No 2^63-aligned address exists below 5 GiB. */
	s.align = 1ULL << 63;
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "(align 0x8000000000000000)"));
	plan_free(&p);

	plan_over(&p, top, 2);
	s = req("b", 0x1000, false);
	s.align = 1ULL << 63;
	assert_int_equal(add_ok(&p, &s), 1ULL << 63);
	plan_free(&p);
}

/* An arm64 kernel with 64 KiB pages: kexec_load wants its pages. */
static void running_kernel_page_size_rounds_everything(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x400000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	assert_int_equal(p.page, (uint64_t)sysconf(_SC_PAGESIZE));
	p.page = 0x10000;
	s = req("dtb", 0x1234, false);
	assert_int_equal(add_ok(&p, &s), 0x100000);
	assert_int_equal(p.seg[0].memsz, 0x10000);
	assert_int_equal(p.seg[0].align, 0x10000);
	s = req("next", 0x1000, false);
	assert_int_equal(add_ok(&p, &s), 0x110000);
	s = req("fixed", 0x1000, false);
	s.fixed = true;
	s.mem = 0x201000;
	assert_int_equal(plan_add(&p, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not page aligned"));
	assert_int_equal(plan_largest_hole(&p, 0x120800, 0x3ff000, NULL),
			 0x3f0000 - 0x130000);
	plan_free(&p);
}

static void bad_alignment_is_rejected_and_small_is_raised(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x200000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	s = req("odd", 0x1000, false);
	s.align = 0x3000;
	assert_int_equal(plan_add(&p, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "0x3000 is not a power of two"));
	assert_int_equal(p.nr, 0);
	s.align = 16;
	s.min = 0x100800;
	assert_int_equal(add_ok(&p, &s), 0x101000);
	assert_int_equal(p.seg[0].align, PLAN_PAGE_SIZE);
	s.align = 0;
	assert_int_equal(add_ok(&p, &s), 0x102000);
	plan_free(&p);
}

static void min_and_max_bound_the_search(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x140000000 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	s = req("kernel", 16 * MiB, false);
	s.min = 0x1000000;
	assert_int_equal(add_ok(&p, &s), 0x1000000);
	/* An exclusive, unaligned max: the segment ends at or below it. */
	s = req("initrd", 0x10000, true);
	s.max = 0xffffffff;
	assert_int_equal(add_ok(&p, &s), 0xfffef000);
	/* max == 0 means no limit. */
	s = req("high", 0x10000, true);
	assert_int_equal(add_ok(&p, &s), 0x140000000 - 0x10000);
	plan_free(&p);
}

static void exhaustion_message_names_request_and_largest_hole(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x200000,
					0x7000000, 0x8e00000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s = req("initrd", 0x3000000, true);

	plan_over(&p, ram, 4);
	s.min = 0x100000;
	s.max = 0xffffffff;
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	assert_string_equal(e.msg,
		"cannot place initrd: needs 0x3000000 bytes (align 0x1000) in [0x100000, 0xffffffff), largest free hole there is 0x1e00000 at 0x7000000");
	assert_int_equal(p.nr, 0);
	plan_free(&p);
}

static void exhaustion_with_no_memory_in_window_says_so(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x200000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s = req("dtb", 0x1000, false);

	plan_over(&p, ram, 2);
	s.min = 0x200000;
	s.max = 0x400000;
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "cannot place dtb: needs 0x1000 bytes"));
	assert_non_null(strstr(e.msg, "in [0x200000, 0x400000), there is no free memory there"));
	plan_free(&p);

	/* No allowed ranges at all (KHO with no scratch). */
	assert_int_equal(plan_init(&p, NULL), 0);
	err_clear(&e);
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "no free memory"));
	plan_free(&p);
}

static void fixed_segments_may_not_overlap(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x40000000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	s = fixed("kernel", 0x1000000, 0x100000);
	assert_int_equal(add_ok(&p, &s), 0x1000000);
	s = fixed("initrd", 0x10ff000, 0x2000);
	assert_int_equal(plan_add(&p, &s, &e), -EBUSY);
	assert_non_null(strstr(e.msg, "cannot place initrd at [0x10ff000, 0x1101000): overlaps kernel at [0x1000000, 0x1100000)"));
	/* Touching is fine: ends are exclusive. */
	s = fixed("initrd", 0x1100000, 0x2000);
	assert_int_equal(add_ok(&p, &s), 0x1100000);
	s = fixed("before", 0xfff000, 0x1000);
	assert_int_equal(add_ok(&p, &s), 0xfff000);
	/* Rounded memsz counts: 1 byte at 0xffe000 takes its whole page. */
	s = fixed("byte", 0xffe000, 1);
	assert_int_equal(add_ok(&p, &s), 0xffe000);
	plan_free(&p);
}

static void fixed_segment_alignment_is_checked(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x40000000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	s = fixed("kernel", 0x1000800, 0x1000);
	assert_int_equal(plan_add(&p, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "0x1000800: not page aligned"));
	err_clear(&e);
	s = fixed("kernel", 0x1001000, 0x1000);
	s.align = 2 * MiB;
	assert_int_equal(plan_add(&p, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not aligned to 0x200000"));
	assert_int_equal(p.nr, 0);
	plan_free(&p);
}

static void fixed_segment_must_lie_in_one_allowed_range(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x200000, 0x300000, 0x400000,
					0x400000, 0x500000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 6);
	/* Across the hole at [0x200000, 0x300000). */
	s = fixed("kernel", 0x1ff000, 0x2000);
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "not inside one allowed memory range"));
	err_clear(&e);
	s = fixed("kernel", 0x600000, 0x1000);
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	/* Across two input ranges that touch: one range after plan_init. */
	s = fixed("kernel", 0x3ff000, 0x2000);
	assert_int_equal(add_ok(&p, &s), 0x3ff000);
	/* Its own window applies too. */
	err_clear(&e);
	s = fixed("dtb", 0x100000, 0x1000);
	s.min = 0x180000;
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "outside its window"));
	plan_free(&p);
}

static void search_steps_around_fixed_segments(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x1000000 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	s = fixed("top", 0xf00000, 0x100000);
	add_ok(&p, &s);
	s = fixed("bottom", 0x100000, 0x100000);
	add_ok(&p, &s);
	s = fixed("middle", 0x800000, 0x1000);
	add_ok(&p, &s);
	s = req("down", 0x100000, true);
	assert_int_equal(add_ok(&p, &s), 0xe00000);
	s = req("up", 0x100000, false);
	assert_int_equal(add_ok(&p, &s), 0x200000);
	/* Too big for either hole left: 0x500000 and 0x5ff000 free. */
	s = req("big", 0x700000, false);
	assert_int_equal(plan_add(&p, &s, NULL), -EADDRNOTAVAIL);
	s = req("fits", 0x5ff000, true);
	assert_int_equal(add_ok(&p, &s), 0x801000);
	plan_free(&p);
}

static void two_hundred_small_ranges_each_take_one_segment(void **state)
{
	uint64_t ram[400];
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;
	size_t i;

	for (i = 0; i < 200; i++) {
		ram[2 * i] = 0x100000 + i * 0x4000;
		ram[2 * i + 1] = ram[2 * i] + 0x3000;
	}
	plan_over(&p, ram, 400);
	assert_int_equal(p.allowed.nr, 200);
	s = req("big", 0x3001, true);
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "largest free hole there is 0x3000 at 0x100000"));
	for (i = 0; i < PLAN_MAX_SEGMENTS; i++) {
		s = req("piece", 0x2001, i % 2);
		/* Top-down from the last range, bottom-up from the first. */
		if (i % 2)
			assert_int_equal(add_ok(&p, &s),
					 ram[2 * (199 - i / 2)]);
		else
			assert_int_equal(add_ok(&p, &s), ram[2 * (i / 2)]);
	}
	assert_int_equal(plan_free_bytes(&p), 200 * 0x3000 - 16 * 0x3000);
	plan_free(&p);
}

static void fragmented_memory_fails_despite_enough_free_bytes(void **state)
{
	static const uint64_t ram[] = { 0x0, 0x100000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;
	uint64_t at;
	int i;

	plan_over(&p, ram, 2);
	/* Pin every other 64 KiB: eight 64 KiB holes remain. */
	for (i = 0; i < 8; i++) {
		s = fixed("pin", (uint64_t)i * 0x20000 + 0x10000, 0x10000);
		add_ok(&p, &s);
	}
	assert_int_equal(plan_free_bytes(&p), 0x80000);
	assert_int_equal(plan_largest_hole(&p, 0, 0, &at), 0x10000);
	assert_int_equal(at, 0);
	assert_int_equal(plan_largest_hole(&p, 0x1000, 0, &at), 0x10000);
	assert_int_equal(at, 0x20000);
	s = req("initrd", 0x20000, true);
	assert_int_equal(plan_add(&p, &s, &e), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "needs 0x20000 bytes"));
	assert_non_null(strstr(e.msg, "largest free hole there is 0x10000 at 0x0"));
	s = req("fits", 0x10000, true);
	assert_int_equal(add_ok(&p, &s), 0xe0000);
	plan_free(&p);
}

static void sizes_round_up_to_whole_pages(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x200000 };
	static const char data[] = "x";
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	s = req("one", 1, false);
	s.buf = data;
	s.bufsz = 1;
	assert_int_equal(add_ok(&p, &s), 0x100000);
	assert_int_equal(p.seg[0].memsz, 0x1000);
	assert_ptr_equal(p.seg[0].buf, data);
	assert_int_equal(p.seg[0].bufsz, 1);
	s = req("page", 0x1000, false);
	assert_int_equal(add_ok(&p, &s), 0x101000);
	s = req("page+1", 0x1001, false);
	assert_int_equal(add_ok(&p, &s), 0x102000);
	assert_int_equal(p.seg[2].memsz, 0x2000);
	s = req("next", 0x1000, false);
	assert_int_equal(add_ok(&p, &s), 0x104000);
	plan_free(&p);
}

static void seventeenth_segment_is_refused(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x1000000 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;
	int i;

	plan_over(&p, ram, 2);
	for (i = 0; i < PLAN_MAX_SEGMENTS; i++) {
		s = req("seg", 0x1000, false);
		assert_int_equal(plan_add(&p, &s, &e), i);
	}
	s = req("extra", 0x1000, false);
	assert_int_equal(plan_add(&p, &s, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "cannot place extra"));
	assert_non_null(strstr(e.msg, "at most 16 segments"));
	assert_int_equal(p.nr, PLAN_MAX_SEGMENTS);
	plan_free(&p);
}

static void malformed_requests_are_einval(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x1000000 };
	static const char data[16];
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 2);
	s = req("empty", 0, false);
	assert_int_equal(plan_add(&p, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "cannot place empty: its size is 0"));
	err_clear(&e);
	s = req("short", 8, false);
	s.buf = data;
	s.bufsz = sizeof(data);
	assert_int_equal(plan_add(&p, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "exceed its memory size 0x8"));
	err_clear(&e);
	s = req("nobuf", 0x1000, false);
	s.bufsz = 4;
	assert_int_equal(plan_add(&p, &s, &e), -EINVAL);
	err_clear(&e);
	s = req("window", 0x1000, false);
	s.min = 0x800000;
	s.max = 0x800000;
	assert_int_equal(plan_add(&p, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "[0x800000, 0x800000) is empty"));
	s.max = 0x400000;
	assert_int_equal(plan_add(&p, &s, NULL), -EINVAL);
	assert_int_equal(p.nr, 0);
	plan_free(&p);
}

static void sizes_and_addresses_near_2_64_do_not_wrap(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x1000000,
					0xffffffff00000000, UINT64_MAX };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	plan_over(&p, ram, 4);
	s = req("huge", UINT64_MAX, false);
	assert_int_equal(plan_add(&p, &s, &e), -EOVERFLOW);
	s = req("huge", UINT64_MAX - 0xffe, false);
	assert_int_equal(plan_add(&p, &s, NULL), -EOVERFLOW);
	/* Rounds to 2^64 - 4096 exactly: valid, but nowhere to put it. */
	s = req("huge", UINT64_MAX - 0xfff, true);
	assert_int_equal(plan_add(&p, &s, NULL), -EADDRNOTAVAIL);
	err_clear(&e);
	s = fixed("wrap", 0xfffffffffffff000, 0x2000);
	assert_int_equal(plan_add(&p, &s, &e), -EOVERFLOW);
	assert_non_null(strstr(e.msg, "past the end of the address space"));
	/* The last page below 2^64 - 1 (an exclusive end) is usable. */
	s = req("top", 0x1000, true);
	assert_int_equal(add_ok(&p, &s), 0xffffffffffffe000);
	/* Aligning the window's start up would wrap: no fit, no crash. */
	s = req("edge", 0x1000, false);
	s.min = 0xfffffffffffff001;
	assert_int_equal(plan_add(&p, &s, NULL), -EADDRNOTAVAIL);
	s.min = 0xffffffff00000001;
	s.align = 1ULL << 63;
	assert_int_equal(plan_add(&p, &s, NULL), -EADDRNOTAVAIL);
	s.align = 0;
	assert_int_equal(add_ok(&p, &s), 0xffffffff00001000);
	assert_int_equal(plan_largest_hole(&p, 0xffffffff00000000, 0, NULL),
			 0xffffc000);
	plan_free(&p);
}

static void allowed_ranges_that_are_not_ram_are_ignored(void **state)
{
	struct mem_map m = { 0 };
	struct plan p;
	struct segment s;

	assert_int_equal(memmap_add(&m, 0x0, 0x100000, MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&m, 0x100000, 0x200000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x200000, 0x300000, MEM_ACPI), 0);
	assert_int_equal(memmap_add(&m, 0x300000, 0x400000, MEM_PMEM), 0);
	assert_int_equal(plan_init(&p, &m), 0);
	memmap_free(&m);
	assert_int_equal(p.allowed.nr, 1);
	assert_int_equal(plan_free_bytes(&p), 0x100000);
	s = req("low", 0x1000, false);
	assert_int_equal(add_ok(&p, &s), 0x100000);
	s = req("high", 0x1000, true);
	assert_int_equal(add_ok(&p, &s), 0x1ff000);
	s = fixed("acpi", 0x200000, 0x1000);
	assert_int_equal(plan_add(&p, &s, NULL), -EADDRNOTAVAIL);
	plan_free(&p);
}

static void largest_hole_and_free_bytes_track_segments(void **state)
{
	static const uint64_t ram[] = { 0x1000, 0x9fc00, 0x100000, 0x400000 };
	struct plan p;
	struct segment s;
	uint64_t at = 1;

	plan_over(&p, ram, 4);
	assert_int_equal(plan_free_bytes(&p), 0x9ec00 + 0x300000);
	/* Page-aligned holes only: [0x1000, 0x9f000). */
	assert_int_equal(plan_largest_hole(&p, 0, 0x100000, &at), 0x9e000);
	assert_int_equal(at, 0x1000);
	s = fixed("mid", 0x200000, 0x1000);
	add_ok(&p, &s);
	assert_int_equal(plan_free_bytes(&p), 0x9ec00 + 0x2ff000);
	assert_int_equal(plan_largest_hole(&p, 0, 0, &at), 0x1ff000);
	assert_int_equal(at, 0x201000);
	assert_int_equal(plan_largest_hole(&p, 0x180000, 0x280000, &at),
			 0x80000);
	assert_int_equal(at, 0x180000);
	assert_int_equal(plan_largest_hole(&p, 0x500000, 0x600000, &at), 0);
	assert_int_equal(plan_largest_hole(&p, 0x600000, 0x500000, &at), 0);
	plan_free(&p);
}

static void sort_orders_segments_by_address(void **state)
{
	static const uint64_t ram[] = { 0x100000, 0x1000000 };
	struct plan p;
	struct segment s;
	size_t i;

	plan_over(&p, ram, 2);
	s = req("c", 0x1000, true);
	add_ok(&p, &s);
	s = req("a", 0x1000, false);
	add_ok(&p, &s);
	s = fixed("b", 0x800000, 0x1000);
	add_ok(&p, &s);
	plan_sort(&p);
	assert_string_equal(p.seg[0].name, "a");
	assert_string_equal(p.seg[1].name, "b");
	assert_string_equal(p.seg[2].name, "c");
	for (i = 1; i < p.nr; i++)
		assert_true(p.seg[i - 1].mem < p.seg[i].mem);
	plan_free(&p);
}

static void qemu_q35_map_places_kernel_and_initrd_as_expected(void **state)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	struct plan p;
	struct segment s;

	assert_int_equal(memmap_read(fixture("qemu-x86_64"), &m, &e), 0);
	assert_int_equal(plan_init(&p, &m), 0);
	memmap_free(&m);
	assert_int_equal(p.allowed.nr, 2);
	s = req("kernel", 0x2345678, false);
	s.align = 2 * MiB;
	s.min = 16 * MiB;
	assert_int_equal(add_ok(&p, &s), 16 * MiB);
	s = req("initrd", 0x800000, true);
	s.max = 0x100000000;
	/* RAM ends at 0x3ffe0000, which is page aligned. */
	assert_int_equal(add_ok(&p, &s), 0x3ffe0000 - 0x800000);
	s = req("purgatory", 0x3000, true);
	s.max = 0xa0000;
	assert_int_equal(add_ok(&p, &s), 0x9c000);
	plan_free(&p);
}

/* ---- a brute-force oracle over a small universe ---- */

#define U_SIZE 0x400000ULL	/* 1024 pages */

static uint64_t rng_state;

static uint64_t rnd(uint64_t n)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 2685821657736338717ULL >> 11) % n;
}

static bool oracle_ok(const struct plan *p, uint64_t a, uint64_t size)
{
	size_t i;
	bool inside = false;

	for (i = 0; i < p->allowed.nr; i++)
		if (p->allowed.r[i].start <= a && a + size <= p->allowed.r[i].end)
			inside = true;
	if (!inside)
		return false;
	for (i = 0; i < p->nr; i++)
		if (a < p->seg[i].mem + p->seg[i].memsz &&
		    p->seg[i].mem < a + size)
			return false;
	return true;
}

/* The address the engine must choose, by trying every aligned one. */
static bool oracle(const struct plan *p, const struct segment *s,
		   uint64_t *out)
{
	uint64_t size = (s->memsz + 0xfff) & ~0xfffULL;
	uint64_t align = s->align < 0x1000 ? 0x1000 : s->align;
	uint64_t hi = s->max ? s->max : UINT64_MAX, a;
	bool found = false;

	for (a = 0; a < U_SIZE; a += align) {
		if (a < s->min || a + size > hi || !oracle_ok(p, a, size))
			continue;
		if (!found || s->top_down) {
			*out = a;
			found = true;
		}
		if (!s->top_down)
			break;
	}
	return found;
}

static void random_plans_match_a_brute_force_oracle(void **state)
{
	static const uint64_t aligns[] = { 0, 0x1000, 0x2000, 0x10000,
					   0x40000, 0x200000 };
	struct mem_map m = { 0 };
	struct plan p;
	struct segment s;
	uint64_t want, pos;
	int round, i, idx, placed = 0, refused = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (round = 0; round < 300; round++) {
		/* Ranges with 1 KiB granularity, like 0x9fc00 in e820. */
		for (pos = rnd(0x40) * 0x400; pos < U_SIZE;) {
			uint64_t len = (1 + rnd(0x200)) * 0x400;

			if (pos + len > U_SIZE)
				len = U_SIZE - pos;
			assert_int_equal(memmap_add(&m, pos, pos + len,
						    rnd(4) ? MEM_RAM : MEM_RESERVED),
					 0);
			pos += len + rnd(0x100) * 0x400;
		}
		assert_int_equal(memmap_normalize(&m, NULL), 0);
		assert_int_equal(plan_init(&p, &m), 0);
		memmap_free(&m);
		for (i = 0; i < PLAN_MAX_SEGMENTS; i++) {
			memset(&s, 0, sizeof(s));
			s.name = "r";
			s.memsz = 1 + rnd(0x40000);
			s.align = aligns[rnd(6)];
			s.top_down = rnd(2);
			s.min = rnd(3) ? 0 : rnd(U_SIZE);
			s.max = rnd(3) ? 0 : s.min + 1 + rnd(U_SIZE);
			if (!rnd(4)) {
				s.fixed = true;
				s.mem = rnd(U_SIZE / 0x1000) * 0x1000;
				s.align = 0;
				want = s.mem;
				if (!oracle_ok(&p, s.mem, (s.memsz + 0xfff) & ~0xfffULL) ||
				    s.mem < s.min ||
				    (s.max && s.mem + ((s.memsz + 0xfff) & ~0xfffULL) > s.max))
					want = UINT64_MAX;
			} else if (!oracle(&p, &s, &want)) {
				want = UINT64_MAX;
			}
			idx = plan_add(&p, &s, NULL);
			if (want == UINT64_MAX) {
				assert_true(idx < 0);
				refused++;
				continue;
			}
			if (idx < 0)
				fail_msg("round %d seg %d: engine refused, oracle found 0x%llx",
					 round, i, (unsigned long long)want);
			assert_int_equal(p.seg[idx].mem, want);
			placed++;
		}
		plan_free(&p);
	}
	/* Both outcomes must have been exercised for this to mean much. */
	assert_true(placed > 1000);
	assert_true(refused > 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_down_takes_highest_aligned_address),
		cmocka_unit_test(bottom_up_takes_lowest_fitting_address),
		cmocka_unit_test(huge_alignment_is_honoured),
		cmocka_unit_test(bad_alignment_is_rejected_and_small_is_raised),
		cmocka_unit_test(min_and_max_bound_the_search),
		cmocka_unit_test(exhaustion_message_names_request_and_largest_hole),
		cmocka_unit_test(exhaustion_with_no_memory_in_window_says_so),
		cmocka_unit_test(fixed_segments_may_not_overlap),
		cmocka_unit_test(fixed_segment_alignment_is_checked),
		cmocka_unit_test(fixed_segment_must_lie_in_one_allowed_range),
		cmocka_unit_test(search_steps_around_fixed_segments),
		cmocka_unit_test(two_hundred_small_ranges_each_take_one_segment),
		cmocka_unit_test(fragmented_memory_fails_despite_enough_free_bytes),
		cmocka_unit_test(sizes_round_up_to_whole_pages),
		cmocka_unit_test(seventeenth_segment_is_refused),
		cmocka_unit_test(malformed_requests_are_einval),
		cmocka_unit_test(sizes_and_addresses_near_2_64_do_not_wrap),
		cmocka_unit_test(allowed_ranges_that_are_not_ram_are_ignored),
		cmocka_unit_test(largest_hole_and_free_bytes_track_segments),
		cmocka_unit_test(sort_orders_segments_by_address),
		cmocka_unit_test(qemu_q35_map_places_kernel_and_initrd_as_expected),
		cmocka_unit_test(random_plans_match_a_brute_force_oracle),
		cmocka_unit_test(running_kernel_page_size_rounds_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
