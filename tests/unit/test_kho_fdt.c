// SPDX-License-Identifier: GPL-2.0-or-later
/* The KHO FDT ABI checks (kho_fdt.c). */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
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
#include "fsroot.h"
#include "kho.h"
#include "kho_fixture.h"
#include "memmap.h"
#include "sha256.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static int validate(const void *fdt, size_t len, struct errbuf *e)
{
	char compat[32];
	uint64_t map;

	return kho_validate_fdt(fdt, len, compat, sizeof(compat), &map, e);
}

static void validate_accepts_a_kernel_like_fdt(void **state)
{
	struct fx_state *t = *state;
	struct errbuf e = { 0 };
	char compat[32] = "";
	uint64_t map = 0;

	assert_int_equal(kho_validate_fdt(t->fdt, t->fdt_len, compat,
					  sizeof(compat), &map, &e), 0);
	assert_string_equal(compat, "kho-v4");
	assert_int_equal(map, FX_MEM_MAP);
	/* A whole page with the FDT at its start, as read live. */
	assert_int_equal(validate(t->fdt, sizeof(t->fdt), &e), 0);
}

static void validate_accepts_any_abi_number(void **state)
{
	struct errbuf e = { 0 };
	char compat[32] = "";
	uint8_t b[4096];
	size_t n = fx_make(b, "kho-v17", 8, FX_MEM_MAP, NULL, 0);

	(void)state;
	assert_int_equal(kho_validate_fdt(b, n, compat, sizeof(compat), NULL,
					  &e), 0);
	assert_string_equal(compat, "kho-v17");
}

static void validate_rejects_wrong_magic(void **state)
{
	struct fx_state *t = *state;
	struct errbuf e = { 0 };

	t->fdt[0] ^= 0xff;
	assert_int_equal(validate(t->fdt, t->fdt_len, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "magic"));
}

static void validate_rejects_truncated_fdt(void **state)
{
	struct fx_state *t = *state;
	struct errbuf e = { 0 };

	assert_int_equal(validate(t->fdt, t->fdt_len - 1, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "truncated"));
	err_clear(&e);
	assert_int_equal(validate(t->fdt, 20, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "too short"));
}

/*
 * Versions 2 to 15 pass fdt_check_header(); Debian 12's libfdt then
 * crashed in fdt_check_full() on a version 4 header (fuzz_kho_fdt).
 */
static void validate_rejects_fdt_versions_before_16(void **state)
{
	static const uint32_t old[] = { 2, 4, 15 };
	struct fx_state *t = *state;
	struct errbuf e = { 0 };
	size_t i;

	for (i = 0; i < sizeof(old) / sizeof(old[0]); i++) {
		fdt_set_version(t->fdt, old[i]);
		err_clear(&e);
		assert_int_equal(validate(t->fdt, t->fdt_len, &e), -EBADMSG);
		assert_non_null(strstr(e.msg, "BADVERSION"));
	}
}

/*
 * A reservation map whose terminator is missing runs on into the structure
 * block and ends at any 8 zero bytes there (a zeroed property value):
 * libfdt's full check let that through, fdt_open_into() then moved blocks
 * with a negative length (fuzz_inject_fdt).
 */
static void validate_rejects_a_reservation_map_over_the_structure(void **state)
{
	static const uint8_t zeros[64];
	struct fx_state *t = *state;
	struct errbuf e = { 0 };
	uint8_t b[4096];
	uint32_t rsv;

	assert_int_equal(fdt_open_into(t->fdt, b, sizeof(b)), 0);
	assert_int_equal(fdt_setprop(b, 0, "kk-zeros", zeros, sizeof(zeros)),
			 0);
	assert_int_equal(fdt_pack(b), 0);
	assert_int_equal(validate(b, fdt_totalsize(b), &e), 0);
	rsv = fdt_off_mem_rsvmap(b);
	assert_int_equal(fdt_num_mem_rsv(b), 0);
	/* The terminator's size made non-zero: an entry, no terminator. */
	b[rsv + 15] = 1;
	assert_true(fdt_num_mem_rsv(b) > 0);
	assert_int_equal(validate(b, fdt_totalsize(b), &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "BADLAYOUT"));
}

static void validate_rejects_broken_structure(void **state)
{
	struct fx_state *t = *state;
	struct errbuf e = { 0 };
	uint32_t off = fdt_off_dt_struct(t->fdt);

	/* The first tag must be FDT_BEGIN_NODE; make it garbage. */
	t->fdt[off + 3] = 0x7f;
	assert_int_equal(validate(t->fdt, t->fdt_len, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "structure"));
}

static void validate_rejects_bad_compatible(void **state)
{
	static const char *bad[] = { "kho-v", "kho-v4x", "kho-4", "KHO-v4",
				     "kho-v1234567890", "" };
	struct errbuf e;
	uint8_t b[4096];
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		n = fx_make(b, bad[i], 8, FX_MEM_MAP, NULL, 0);
		assert_int_equal(validate(b, n, &e), -EBADMSG);
		assert_non_null(strstr(e.msg, "compatible"));
	}
	err_clear(&e);
	n = fx_make(b, NULL, 8, FX_MEM_MAP, NULL, 0);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
}

/* An FDT of @map_len/@map and @nodes fails validation, saying @why. */
static void refused(int map_len, uint64_t map, const struct fx_node *nodes,
		    int nr, const char *why)
{
	struct errbuf e = { 0 };
	uint8_t b[4096];
	size_t n = fx_make(b, "kho-v4", map_len, map, nodes, nr);

	assert_int_equal(validate(b, n, &e), -EBADMSG);
	if (why && !strstr(e.msg, why))
		fail_msg("wanted \"%s\" in \"%s\"", why, e.msg);
}

static void validate_rejects_missing_short_or_zero_memory_map(void **state)
{
	(void)state;
	refused(0, FX_MEM_MAP, NULL, 0, "preserved-memory-map");
	refused(4, FX_MEM_MAP, NULL, 0, "4 bytes");
	refused(8, 0, NULL, 0, "is 0");
	refused(8, FX_MEM_MAP + 8, NULL, 0, NULL);
}

static void validate_rejects_subnode_without_blob_size(void **state)
{
	const struct fx_node nodes[] = {
		{ .name = "LUO", .data = 0x5000, .size = 0x100 },
		{ .name = "memblock", .data = 0x6000, .no_size = true },
	};
	struct errbuf e = { 0 };
	uint8_t b[4096];
	size_t n = fx_make(b, "kho-v4", 8, FX_MEM_MAP, nodes, 2);

	(void)state;
	assert_int_equal(validate(b, n, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "\"memblock\" has no blob-size"));
}

static void validate_rejects_nested_and_duplicate_subnodes(void **state)
{
	const struct fx_node nested[] = {
		{ .name = "LUO", .data = 0x5000, .size = 0x100, .nested = true },
	};
	const struct fx_node dup[] = {
		{ .name = "LUO", .data = 0x5000, .size = 0x100 },
		{ .name = "LUO", .data = 0x6000, .size = 0x100 },
	};
	const struct fx_node wrap[] = {
		{ .name = "x", .data = UINT64_MAX - 4, .size = 0x100 },
	};

	(void)state;
	refused(8, FX_MEM_MAP, nested, 1, "nested");
	refused(8, FX_MEM_MAP, dup, 2, NULL);
	refused(8, FX_MEM_MAP, wrap, 1, "wraps");
}

#define T_FLAT(f) cmocka_unit_test_setup_teardown(f, fx_setup_flat, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_FLAT(validate_accepts_a_kernel_like_fdt),
		T_FLAT(validate_accepts_any_abi_number),
		T_FLAT(validate_rejects_wrong_magic),
		T_FLAT(validate_rejects_truncated_fdt),
		T_FLAT(validate_rejects_fdt_versions_before_16),
		T_FLAT(validate_rejects_a_reservation_map_over_the_structure),
		T_FLAT(validate_rejects_broken_structure),
		T_FLAT(validate_rejects_bad_compatible),
		T_FLAT(validate_rejects_missing_short_or_zero_memory_map),
		T_FLAT(validate_rejects_subnode_without_blob_size),
		T_FLAT(validate_rejects_nested_and_duplicate_subnodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
