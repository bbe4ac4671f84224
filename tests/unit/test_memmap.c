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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "errbuf.h"
#include "memmap.h"
#include "fixture_path.h"

/* Fixture root: set by "make check", else next to this source file. */

static void assert_range(const struct mem_map *m, size_t i, uint64_t start,
			 uint64_t end, enum mem_type type)
{
	assert_true(i < m->nr);
	assert_int_equal(m->r[i].start, start);
	assert_int_equal(m->r[i].end, end);
	assert_int_equal(m->r[i].type, type);
}

/* Read through memmap_read() and expect failure with @err. */
static void expect_fail(const char *fix, int err, struct errbuf *e)
{
	struct mem_map m = { 0 };

	err_clear(e);
	assert_int_equal(memmap_read(fixture(fix), &m, e), err);
	assert_int_equal(e->err, err);
	assert_int_equal(m.nr, 0);
	assert_null(m.r);
}

static void firmware_map_of_qemu_q35_parses_every_entry(void **state)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	assert_int_equal(memmap_read_firmware(fixture("qemu-x86_64"), &m, &e),
			 0);
	assert_int_equal(m.nr, 10);
	assert_range(&m, 0, 0x0, 0x9fc00, MEM_RAM);
	assert_range(&m, 1, 0x9fc00, 0xa0000, MEM_RESERVED);
	assert_range(&m, 2, 0xf0000, 0x100000, MEM_RESERVED);
	assert_range(&m, 3, 0x100000, 0x3ffe0000, MEM_RAM);
	assert_range(&m, 4, 0x3ffe0000, 0x40000000, MEM_RESERVED);
	assert_range(&m, 5, 0xb0000000, 0xc0000000, MEM_RESERVED);
	assert_range(&m, 8, 0xfffc0000, 0x100000000, MEM_RESERVED);
	assert_range(&m, 9, 0xfd00000000, 0x10000000000, MEM_RESERVED);
	assert_int_equal(memmap_total(&m, MEM_RAM), 0x9fc00 + 0x3fee0000);
	memmap_free(&m);
}

static void iomem_of_qemu_q35_keeps_top_level_memory_only(void **state)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	size_t i;

	assert_int_equal(memmap_read_iomem(fixture("qemu-x86_64"), &m, &e), 0);
	/* PCI windows, ROMs, IOAPIC, HPET, LAPIC are left out. */
	assert_int_equal(m.nr, 10);
	assert_range(&m, 0, 0x0, 0x1000, MEM_RESERVED);
	assert_range(&m, 1, 0x1000, 0x9fc00, MEM_RAM);
	assert_range(&m, 4, 0x100000, 0x3ffe0000, MEM_RAM);
	assert_range(&m, 6, 0xfed1c000, 0xfed20000, MEM_RESERVED);
	assert_range(&m, 9, 0xfd00000000, 0x10000000000, MEM_RESERVED);
	/* "Reserved" nested under "PCI ECAM" is not top level. */
	for (i = 0; i < m.nr; i++)
		assert_false(m.r[i].start == 0xb0000000);
	/* Kernel code is nested inside System RAM, which stays whole. */
	assert_int_equal(memmap_total(&m, MEM_RAM), 0x9ec00 + 0x3fee0000);
	memmap_free(&m);
}

static void read_prefers_firmware_map_over_iomem(void **state)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	assert_int_equal(memmap_read(fixture("qemu-x86_64"), &m, &e), 0);
	/* Only the firmware map has RAM at 0 and the ECAM reservation. */
	assert_range(&m, 0, 0x0, 0x9fc00, MEM_RAM);
	assert_range(&m, 5, 0xb0000000, 0xc0000000, MEM_RESERVED);
	memmap_free(&m);
}

static void read_falls_back_to_iomem_without_firmware_map(void **state)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	assert_int_equal(memmap_read(fixture("iomem-only"), &m, &e), 0);
	/* Adjacent top-level System RAM entries merge; "reserved" is Reserved. */
	assert_int_equal(m.nr, 5);
	assert_range(&m, 0, 0x40000000, 0x7b5b0000, MEM_RAM);
	assert_range(&m, 1, 0x7b5b0000, 0x7b610000, MEM_RESERVED);
	assert_range(&m, 2, 0x7b610000, 0x7b740000, MEM_RAM);
	assert_range(&m, 3, 0x7b740000, 0x7b7a0000, MEM_RESERVED);
	assert_range(&m, 4, 0x7b7a0000, 0x80000000, MEM_RAM);
	memmap_free(&m);
}

static void firmware_map_with_gaps_and_all_types_parses(void **state)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	assert_int_equal(memmap_read(fixture("memmap-sparse"), &m, &e), 0);
	assert_int_equal(m.nr, 10);
	assert_range(&m, 0, 0x0, 0x9fc00, MEM_RAM);
	/* Entry 12 and hot-plugged entry 8 merge; empty entry 3 vanishes. */
	assert_range(&m, 1, 0x100000, 0x40000000, MEM_RAM);
	assert_range(&m, 2, 0x100000000, 0x140000000, MEM_RAM);
	assert_range(&m, 3, 0x140000000, 0x180000000, MEM_PRAM);
	assert_range(&m, 4, 0x180000000, 0x1c0000000, MEM_PMEM);
	assert_range(&m, 5, 0x1c0000000, 0x1c0001000, MEM_OTHER);
	assert_range(&m, 6, 0x1c0001000, 0x1c0002000, MEM_SOFT_RESERVED);
	assert_range(&m, 7, 0x1c0002000, 0x1c0003000, MEM_ACPI);
	assert_range(&m, 8, 0x1c0003000, 0x1c0004000, MEM_NVS);
	assert_range(&m, 9, 0x1c0004000, 0x1c0005000, MEM_UNUSABLE);
	memmap_free(&m);
}

static void firmware_entry_missing_type_fails_naming_file(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-missing-type", -ENOENT, &e);
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap/1/type"));
}

static void firmware_nonhex_fails_and_does_not_fall_back(void **state)
{
	struct errbuf e = { 0 };

	/* This fixture has a valid /proc/iomem: it must not be used. */
	expect_fail("memmap-bad/fw-nonhex", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap/1/start: line 1"));
	assert_non_null(strstr(e.msg, "0x10zz00"));
}

static void firmware_number_without_0x_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-no-prefix", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap/0/start"));
}

static void firmware_end_below_start_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-end-before-start", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap/1:"));
	assert_non_null(strstr(e.msg, "end 0x100000 is below start 0x200000"));
}

static void firmware_contradicting_types_fail_naming_both(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-overlap", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "[0x100000, 0x3ffe0000) System RAM"));
	assert_non_null(strstr(e.msg, "[0x3ff00000, 0x40000000) Reserved"));
}

static void firmware_huge_index_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-huge-index", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "99999999999999999999"));
}

static void firmware_stray_entry_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-stray-entry", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "\"new\""));
}

static void firmware_garbage_after_value_names_line_2(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-garbage", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap/0/start: line 2"));
	assert_non_null(strstr(e.msg, "garbage here"));
}

static void firmware_value_over_64_bits_is_erange(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-overflow", -ERANGE, &e);
	assert_non_null(strstr(e.msg, "64 bits"));
}

static void firmware_empty_type_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/fw-empty-type", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap/0/type"));
}

static void iomem_as_non_root_is_eperm_saying_root_is_needed(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/iomem-nonroot", -EPERM, &e);
	assert_non_null(strstr(e.msg, "/proc/iomem"));
	assert_non_null(strstr(e.msg, "root"));
}

static void iomem_garbage_line_is_named_by_number(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/iomem-garbage", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "/proc/iomem: line 5"));
	assert_non_null(strstr(e.msg, "this is not a resource line"));
}

static void iomem_nonhex_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/iomem-nonhex", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "line 2"));
}

static void iomem_end_below_start_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/iomem-end-before-start", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "line 2: end is below start"));
}

static void iomem_overlapping_top_level_types_fail(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/iomem-overlap", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "/proc/iomem"));
	assert_non_null(strstr(e.msg, "System RAM overlaps"));
	assert_non_null(strstr(e.msg, "Reserved"));
}

static void iomem_odd_indent_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/iomem-odd-indent", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "line 2"));
}

static void iomem_without_memory_is_enodata(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/iomem-no-memory", -ENODATA, &e);
	assert_non_null(strstr(e.msg, "no memory ranges"));
}

static void iomem_address_over_64_bits_is_rejected(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("memmap-bad/iomem-overflow", -EINVAL, &e);
	assert_non_null(strstr(e.msg, "line 2"));
}

static void root_without_either_source_names_proc_iomem(void **state)
{
	struct errbuf e = { 0 };

	expect_fail("empty", -ENOENT, &e);
	assert_non_null(strstr(e.msg, "/proc/iomem"));
	err_clear(&e);
	expect_fail("does-not-exist", -ENOENT, &e);
}

/* A scratch root for trees too odd or too big to keep in git. */
static int tmp_setup(void **state)
{
	char *dir = strdup("/tmp/test_memmap.XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int tmp_teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	free(*state);
	return system(cmd) ? -1 : 0;
}

static void empty_firmware_dir_is_an_error_not_a_fallback(void **state)
{
	const char *root = *state;
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "mkdir -p %s/sys/firmware/memmap %s/proc",
		 root, root);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/proc/iomem", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("00100000-3ffdffff : System RAM\n", f);
	fclose(f);
	assert_int_equal(memmap_read(root, &m, &e), -ENODATA);
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap lists no memory"));
	assert_int_equal(m.nr, 0);
}

static void iomem_with_too_many_ranges_is_e2big(void **state)
{
	const char *root = *state;
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	char path[PATH_MAX];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "mkdir -p %s/proc", root);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/proc/iomem", root);
	f = fopen(path, "w");
	assert_non_null(f);
	/* Alternating types so nothing merges before the limit bites. */
	for (i = 0; i <= MEMMAP_MAX_RANGES; i++)
		fprintf(f, "%08x-%08x : %s\n", i * 0x1000, i * 0x1000 + 0xfff,
			i % 2 ? "Reserved" : "System RAM");
	fclose(f);
	assert_int_equal(memmap_read(root, &m, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "/proc/iomem: more than"));
	assert_int_equal(m.nr, 0);
}

static void iomem_at_the_range_limit_is_accepted(void **state)
{
	const char *root = *state;
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	char path[PATH_MAX];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "mkdir -p %s/proc", root);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/proc/iomem", root);
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < MEMMAP_MAX_RANGES; i++)
		fprintf(f, "%08x-%08x : %s\n", i * 0x1000, i * 0x1000 + 0xfff,
			i % 2 ? "Reserved" : "System RAM");
	fclose(f);
	assert_int_equal(memmap_read(root, &m, &e), 0);
	assert_int_equal(m.nr, MEMMAP_MAX_RANGES);
	assert_int_equal(memmap_total(&m, MEM_RAM),
			 (uint64_t)MEMMAP_MAX_RANGES / 2 * 0x1000);
	memmap_free(&m);
}

/* Write @len bytes to root/rel; the parent directory must exist. */
static void put(const char *root, const char *rel, const char *data,
		size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/*
 * Both sources under @root: firmware entry 0 (System RAM) from @start
 * (@slen bytes, NULs allowed) to @end, and /proc/iomem (@ilen bytes).
 */
static void put_both(const char *root, const char *start, size_t slen,
		     const char *end, const char *iomem, size_t ilen)
{
	char cmd[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/sys/firmware/memmap/0 %s/proc",
		 root, root);
	assert_int_equal(system(cmd), 0);
	put(root, "/sys/firmware/memmap/0/start", start, slen);
	put(root, "/sys/firmware/memmap/0/end", end, strlen(end));
	put(root, "/sys/firmware/memmap/0/type", "System RAM\n", 11);
	put(root, "/proc/iomem", iomem, ilen);
}

static void nul_bytes_hide_nothing_in_either_source(void **state)
{
	const char *root = *state;
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	put_both(root, "0x1000\0junk\n", 12, "0x1fff\n",
		 "00001000-00001fff : System RAM\0x\n", 33);
	assert_int_equal(memmap_read_firmware(root, &m, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap/0/start: line 1: contains a NUL byte"));
	err_clear(&e);
	assert_int_equal(memmap_read_iomem(root, &m, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/proc/iomem: line 1: contains a NUL byte"));
	assert_int_equal(m.nr, 0);
	/* The same tree without the NULs parses. */
	put(root, "/sys/firmware/memmap/0/start", "0x1000\n", 7);
	err_clear(&e);
	assert_int_equal(memmap_read_firmware(root, &m, &e), 0);
	assert_int_equal(m.nr, 1);
	assert_range(&m, 0, 0x1000, 0x2000, MEM_RAM);
	memmap_free(&m);
}

/* A range at the last address cannot be kept: not an allocation failure. */
static void range_at_the_last_address_is_named_not_out_of_memory(void **state)
{
	const char *root = *state;
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	put_both(root, "0xffffffffffffffff\n", 19, "0xffffffffffffffff\n",
		 "00001000-00001fff : System RAM\n"
		 "ffffffffffffffff-ffffffffffffffff : System RAM\n", 78);
	assert_int_equal(memmap_read_firmware(root, &m, &e), -EINVAL);
	assert_null(strstr(e.msg, "memory reading"));
	assert_non_null(strstr(e.msg, "/sys/firmware/memmap/0: a range at ffffffffffffffff, the last 64-bit address"));
	err_clear(&e);
	assert_int_equal(memmap_read_iomem(root, &m, &e), -EINVAL);
	assert_null(strstr(e.msg, "memory reading"));
	assert_non_null(strstr(e.msg, "/proc/iomem: line 2: a range at ffffffffffffffff"));
	assert_int_equal(m.nr, 0);
}

/* An endless /proc/iomem stops at IOMEM_MAX (4 MiB) with the bound named. */
static void endless_iomem_stops_at_its_bound(void **state)
{
	const char *root = *state;
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	char cmd[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/proc && ln -s /dev/zero %s/proc/iomem",
		 root, root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(memmap_read_iomem(root, &m, &e), -EFBIG);
	assert_non_null(strstr(e.msg, "/proc/iomem is larger than the 4194304 bytes allowed"));
	assert_int_equal(m.nr, 0);
}

static void normalize_merges_same_type_overlaps_and_neighbours(void **state)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	assert_int_equal(memmap_add(&m, 0x5000, 0x8000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x1000, 0x3000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x3000, 0x4000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x6000, 0x7000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x7800, 0x9000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x9000, 0xa000, MEM_RESERVED), 0);
	assert_int_equal(memmap_normalize(&m, &e), 0);
	assert_int_equal(m.nr, 3);
	assert_range(&m, 0, 0x1000, 0x4000, MEM_RAM);
	assert_range(&m, 1, 0x5000, 0x9000, MEM_RAM);
	/* Touching but of another type: kept apart. */
	assert_range(&m, 2, 0x9000, 0xa000, MEM_RESERVED);
	memmap_free(&m);
}

static void normalize_rejects_overlap_hidden_behind_a_merge(void **state)
{
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };

	/* [0x1000,0x2000) starts first but [0x1800,0x9000) reaches further. */
	assert_int_equal(memmap_add(&m, 0x1000, 0x2000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x1800, 0x9000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x8000, 0x8800, MEM_ACPI), 0);
	assert_int_equal(memmap_normalize(&m, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "[0x1000, 0x9000) System RAM"));
	assert_non_null(strstr(e.msg, "[0x8000, 0x8800) ACPI Tables"));
	/* Left sorted and whole: nothing lost. */
	assert_int_equal(m.nr, 3);
	assert_int_equal(m.r[2].start, 0x8000);
	memmap_free(&m);
}

static void add_rejects_empty_and_inverted_ranges(void **state)
{
	struct mem_map m = { 0 };

	assert_int_equal(memmap_add(&m, 0x1000, 0x1000, MEM_RAM), -EINVAL);
	assert_int_equal(memmap_add(&m, 0x2000, 0x1000, MEM_RAM), -EINVAL);
	assert_int_equal(m.nr, 0);
	assert_int_equal(memmap_add(&m, 0, UINT64_MAX, MEM_RAM), 0);
	assert_int_equal(m.nr, 1);
	memmap_free(&m);
}

static void filter_covers_and_total_answer_by_type(void **state)
{
	struct mem_map m = { 0 }, ram = { 0 };
	struct errbuf e = { 0 };

	assert_int_equal(memmap_read(fixture("qemu-x86_64"), &m, &e), 0);
	assert_int_equal(memmap_filter(&m, MEM_RAM, &ram), 0);
	assert_int_equal(ram.nr, 2);
	assert_range(&ram, 1, 0x100000, 0x3ffe0000, MEM_RAM);
	assert_true(memmap_covers(&m, 0x100000, 0x3ffe0000, MEM_RAM));
	assert_false(memmap_covers(&m, 0x100000, 0x3ffe0001, MEM_RAM));
	assert_false(memmap_covers(&m, 0x9f000, 0x101000, MEM_RAM));
	assert_false(memmap_covers(&m, 0x2000, 0x2000, MEM_RAM));
	assert_true(memmap_covers(&m, 0xb0000000, 0xc0000000, MEM_RESERVED));
	assert_int_equal(memmap_total(&m, MEM_RESERVED),
			 0x400 + 0x10000 + 0x20000 + 0x10000000 + 0x4000 +
			 0x4000 + 0x40000 + 0x300000000ULL);
	/* Filtering again replaces, never appends. */
	assert_int_equal(memmap_filter(&m, MEM_ACPI, &ram), 0);
	assert_int_equal(ram.nr, 0);
	memmap_free(&ram);
	memmap_free(&m);
}

static void covers_spans_unmerged_adjacent_pieces(void **state)
{
	struct mem_map m = { 0 };

	assert_int_equal(memmap_add(&m, 0x3000, 0x5000, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 0x1000, 0x3000, MEM_RAM), 0);
	assert_true(memmap_covers(&m, 0x1000, 0x5000, MEM_RAM));
	assert_false(memmap_covers(&m, 0x0, 0x5000, MEM_RAM));
	memmap_free(&m);
}

static void type_strings_match_the_kernel_exactly(void **state)
{
	static const struct {
		const char *s;
		enum mem_type t;
	} cases[] = {
		{ "System RAM", MEM_RAM },
		{ "Reserved", MEM_RESERVED },
		{ "reserved", MEM_RESERVED },
		{ "ACPI Tables", MEM_ACPI },
		{ "ACPI Non-volatile Storage", MEM_NVS },
		{ "Unusable memory", MEM_UNUSABLE },
		{ "Persistent Memory", MEM_PMEM },
		{ "Persistent Memory (legacy)", MEM_PRAM },
		{ "Soft Reserved", MEM_SOFT_RESERVED },
		{ "Unknown E820 type", MEM_OTHER },
		{ "System RAM ", MEM_OTHER },
		{ "System", MEM_OTHER },
		{ "PCI Bus 0000:00", MEM_OTHER },
		{ "", MEM_OTHER },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(mem_type_parse(cases[i].s), cases[i].t);
	for (i = MEM_RAM; i < MEM_OTHER; i++)
		assert_int_equal(mem_type_parse(mem_type_name(i)), i);
	assert_string_equal(mem_type_name((enum mem_type)99), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(firmware_map_of_qemu_q35_parses_every_entry),
		cmocka_unit_test(iomem_of_qemu_q35_keeps_top_level_memory_only),
		cmocka_unit_test(read_prefers_firmware_map_over_iomem),
		cmocka_unit_test(read_falls_back_to_iomem_without_firmware_map),
		cmocka_unit_test(firmware_map_with_gaps_and_all_types_parses),
		cmocka_unit_test(firmware_entry_missing_type_fails_naming_file),
		cmocka_unit_test(firmware_nonhex_fails_and_does_not_fall_back),
		cmocka_unit_test(firmware_number_without_0x_is_rejected),
		cmocka_unit_test(firmware_end_below_start_is_rejected),
		cmocka_unit_test(firmware_contradicting_types_fail_naming_both),
		cmocka_unit_test(firmware_huge_index_is_rejected),
		cmocka_unit_test(firmware_stray_entry_is_rejected),
		cmocka_unit_test(firmware_garbage_after_value_names_line_2),
		cmocka_unit_test(firmware_value_over_64_bits_is_erange),
		cmocka_unit_test(firmware_empty_type_is_rejected),
		cmocka_unit_test(iomem_as_non_root_is_eperm_saying_root_is_needed),
		cmocka_unit_test(iomem_garbage_line_is_named_by_number),
		cmocka_unit_test(iomem_nonhex_is_rejected),
		cmocka_unit_test(iomem_end_below_start_is_rejected),
		cmocka_unit_test(iomem_overlapping_top_level_types_fail),
		cmocka_unit_test(iomem_odd_indent_is_rejected),
		cmocka_unit_test(iomem_without_memory_is_enodata),
		cmocka_unit_test(iomem_address_over_64_bits_is_rejected),
		cmocka_unit_test(root_without_either_source_names_proc_iomem),
		cmocka_unit_test_setup_teardown(empty_firmware_dir_is_an_error_not_a_fallback,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(iomem_with_too_many_ranges_is_e2big,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(iomem_at_the_range_limit_is_accepted,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(range_at_the_last_address_is_named_not_out_of_memory,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(endless_iomem_stops_at_its_bound,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(nul_bytes_hide_nothing_in_either_source,
						tmp_setup, tmp_teardown),
		cmocka_unit_test(normalize_merges_same_type_overlaps_and_neighbours),
		cmocka_unit_test(normalize_rejects_overlap_hidden_behind_a_merge),
		cmocka_unit_test(add_rejects_empty_and_inverted_ranges),
		cmocka_unit_test(filter_covers_and_total_answer_by_type),
		cmocka_unit_test(covers_spans_unmerged_adjacent_pieces),
		cmocka_unit_test(type_strings_match_the_kernel_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
