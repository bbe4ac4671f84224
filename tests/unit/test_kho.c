// SPDX-License-Identifier: GPL-2.0-or-later
/* The arch-neutral KHO core: validation, sources, scratch, policy. */
#include <errno.h>
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
#include "kho.h"
#include "kho_fixture.h"
#include "memmap.h"

#define GiB (1ULL << 30)

struct t {
	char *root;
	struct mem_map ram;	/* 1 GiB of RAM, like the QEMU run */
	uint8_t fdt[4096];
	size_t fdt_len;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	t->root = fx_root();
	if (memmap_add(&t->ram, 0, GiB, MEM_RAM) ||
	    memmap_normalize(&t->ram, NULL))
		return -1;
	t->fdt_len = fx_kernel_fdt(t->fdt, sizeof(t->fdt));
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	fx_rm_root(t->root);
	memmap_free(&t->ram);
	free(t);
	return 0;
}

static int validate(const void *fdt, size_t len, struct errbuf *e)
{
	char compat[32];
	uint64_t map;

	return kho_validate_fdt(fdt, len, compat, sizeof(compat), &map, e);
}

static size_t make(uint8_t *buf, const char *compat, int map_len,
		   uint64_t map, const struct fx_node *nodes, int nr)
{
	const struct fx_fdt f = {
		.compat = compat, .map_len = map_len, .mem_map = map,
		.nodes = nodes, .nr_nodes = nr,
	};

	return fx_make_fdt(buf, 4096, &f);
}

/* ---- validation ---- */

static void validate_accepts_a_kernel_like_fdt(void **state)
{
	struct t *t = *state;
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
	size_t n = make(b, "kho-v17", 8, FX_MEM_MAP, NULL, 0);

	(void)state;
	assert_int_equal(kho_validate_fdt(b, n, compat, sizeof(compat), NULL,
					  &e), 0);
	assert_string_equal(compat, "kho-v17");
}

static void validate_rejects_wrong_magic(void **state)
{
	struct t *t = *state;
	struct errbuf e = { 0 };

	t->fdt[0] ^= 0xff;
	assert_int_equal(validate(t->fdt, t->fdt_len, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "magic"));
}

static void validate_rejects_truncated_fdt(void **state)
{
	struct t *t = *state;
	struct errbuf e = { 0 };

	assert_int_equal(validate(t->fdt, t->fdt_len - 1, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "truncated"));
	err_clear(&e);
	assert_int_equal(validate(t->fdt, 20, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "too short"));
}

static void validate_rejects_broken_structure(void **state)
{
	struct t *t = *state;
	struct errbuf e = { 0 };
	uint32_t off = fdt_off_dt_struct(t->fdt);

	/* The first tag must be FDT_BEGIN_NODE; make it garbage. */
	t->fdt[off + 3] = 0x7f;
	assert_int_equal(validate(t->fdt, t->fdt_len, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "structure"));
}

/*
 * Versions 2 to 15 pass fdt_check_header(); Debian 12's libfdt then
 * crashed in fdt_check_full() on a version 4 header (fuzz_kho_fdt).
 */
static void validate_rejects_fdt_versions_before_16(void **state)
{
	static const uint32_t old[] = { 2, 4, 15 };
	struct t *t = *state;
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
	struct t *t = *state;
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
		n = make(b, bad[i], 8, FX_MEM_MAP, NULL, 0);
		assert_int_equal(validate(b, n, &e), -EBADMSG);
		assert_non_null(strstr(e.msg, "compatible"));
	}
	err_clear(&e);
	n = make(b, NULL, 8, FX_MEM_MAP, NULL, 0);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
}

static void validate_rejects_missing_short_or_zero_memory_map(void **state)
{
	struct errbuf e = { 0 };
	uint8_t b[4096];
	size_t n;

	(void)state;
	n = make(b, "kho-v4", 0, FX_MEM_MAP, NULL, 0);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "preserved-memory-map"));
	err_clear(&e);
	n = make(b, "kho-v4", 4, FX_MEM_MAP, NULL, 0);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "4 bytes"));
	err_clear(&e);
	n = make(b, "kho-v4", 8, 0, NULL, 0);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "is 0"));
	err_clear(&e);
	n = make(b, "kho-v4", 8, FX_MEM_MAP + 8, NULL, 0);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
}

static void validate_rejects_subnode_without_blob_size(void **state)
{
	const struct fx_node nodes[] = {
		{ .name = "LUO", .data = 0x5000, .size = 0x100 },
		{ .name = "memblock", .data = 0x6000, .no_size = true },
	};
	struct errbuf e = { 0 };
	uint8_t b[4096];
	size_t n = make(b, "kho-v4", 8, FX_MEM_MAP, nodes, 2);

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
	struct errbuf e = { 0 };
	uint8_t b[4096];
	size_t n;

	(void)state;
	n = make(b, "kho-v4", 8, FX_MEM_MAP, nested, 1);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "nested"));
	err_clear(&e);
	n = make(b, "kho-v4", 8, FX_MEM_MAP, dup, 2);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
	err_clear(&e);
	n = make(b, "kho-v4", 8, FX_MEM_MAP, wrap, 1);
	assert_int_equal(validate(b, n, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "wraps"));
}

/* ---- scratch ---- */

static void scratch_reads_the_qemu_sample(void **state)
{
	struct t *t = *state;
	struct errbuf e = { 0 };
	struct kho_scratch *s = NULL;
	size_t nr = 0;

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(kho_read_scratch(t->root, &t->ram, &s, &nr, &e), 0);
	assert_int_equal(nr, 3);
	assert_int_equal(s[0].addr, 0x38c00000);
	assert_int_equal(s[0].size, 0x5000000);
	/* The empty global region stays: the array goes over as it was. */
	assert_int_equal(s[1].addr, 0x3dc00000);
	assert_int_equal(s[1].size, 0);
	assert_int_equal(s[2].addr, 0x29c00000);
	assert_int_equal(s[2].size, 0xf000000);
	free(s);
}

static int scratch_with(struct t *t, const char *phys, const char *len,
			struct errbuf *e)
{
	struct kho_scratch *s = NULL;
	size_t nr = 0;
	int ret;

	fx_puts(t->root, "sys/kernel/debug/kho/out/scratch_phys", phys);
	fx_puts(t->root, "sys/kernel/debug/kho/out/scratch_len", len);
	ret = kho_read_scratch(t->root, &t->ram, &s, &nr, e);
	if (ret) {
		assert_null(s);
		assert_int_equal(nr, 0);
	}
	free(s);
	return ret;
}

static void scratch_count_mismatch_names_both_files(void **state)
{
	struct errbuf e = { 0 };

	assert_int_equal(scratch_with(*state, "0x38c00000\n0x29c00000\n",
				      "0x5000000\n", &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "scratch_phys lists 2"));
	assert_non_null(strstr(e.msg, "scratch_len lists 1"));
}

static void scratch_rejects_unaligned_regions(void **state)
{
	struct errbuf e = { 0 };

	assert_int_equal(scratch_with(*state, "0x38c00800\n", "0x5000000\n",
				      &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "aligned"));
	err_clear(&e);
	assert_int_equal(scratch_with(*state, "0x38c00000\n", "0x5000001\n",
				      &e), -EBADMSG);
}

static void scratch_rejects_regions_outside_ram(void **state)
{
	struct errbuf e = { 0 };

	/* Ends past the 1 GiB of RAM. */
	assert_int_equal(scratch_with(*state, "0x3e000000\n", "0x4000000\n",
				      &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "System RAM"));
	/* An empty region outside RAM is fine: it covers nothing. */
	err_clear(&e);
	assert_int_equal(scratch_with(*state, "0x38c00000\n0x80000000\n",
				      "0x5000000\n0x0\n", &e), 0);
}

static void scratch_rejects_overlapping_regions(void **state)
{
	struct errbuf e = { 0 };

	assert_int_equal(scratch_with(*state, "0x38c00000\n0x29c00000\n0x3c000000\n",
				      "0x5000000\n0xf000000\n0x1000000\n", &e),
			 -EBADMSG);
	assert_non_null(strstr(e.msg, "overlap"));
}

static void scratch_rejects_hostile_text(void **state)
{
	static const char *bad[] = {
		"38c00000\n",			/* no 0x */
		"0x\n",				/* no digits */
		"0x38c0000g\n",			/* not hex */
		"0x10000000000000000\n",	/* 17 digits: overflows */
		"0x38c00000 \n",		/* trailing junk */
		"0x38c00000\n\n",		/* empty line */
		"-0x1000\n",
	};
	struct errbuf e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_int_equal(scratch_with(*state, bad[i], "0x1000\n", &e),
				 -EBADMSG);
		assert_non_null(strstr(e.msg, "scratch_phys"));
	}
	err_clear(&e);
	assert_int_equal(scratch_with(*state, "", "", &e), -ENODATA);
	assert_non_null(strstr(e.msg, "empty"));
}

static void scratch_rejects_wrapping_region(void **state)
{
	struct errbuf e = { 0 };

	assert_int_equal(scratch_with(*state, "0xfffffffffffff000\n",
				      "0x2000\n", &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "wraps"));
}

static void scratch_rejects_too_many_regions(void **state)
{
	size_t n = KHO_MAX_SCRATCH + 1, i;
	char *phys = malloc(n * 16 + 1), *len = malloc(n * 8 + 1);
	struct errbuf e = { 0 };

	assert_non_null(phys);
	assert_non_null(len);
	phys[0] = len[0] = '\0';
	for (i = 0; i < n; i++) {
		sprintf(phys + strlen(phys), "0x%llx\n", 0x1000ULL * (i + 1));
		strcat(len, "0x0\n");
	}
	assert_int_equal(scratch_with(*state, phys, len, &e), -E2BIG);
	free(phys);
	free(len);
}

/* ---- debugfs copy ---- */

static void debugfs_truncated_fdt_is_refused(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };
	char want[64];

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len - 40);
	assert_int_equal(kho_read_debugfs_fdt(t->root, &h, &e), -ENODATA);
	snprintf(want, sizeof(want), "truncated: %zu of %zu bytes",
		 t->fdt_len - 40, t->fdt_len);
	assert_non_null(strstr(e.msg, want));
	assert_null(h.fdt);
}

static void debugfs_complete_fdt_is_taken(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len);
	assert_int_equal(kho_read_debugfs_fdt(t->root, &h, &e), 0);
	assert_int_equal(h.source, KHO_SRC_DEBUGFS);
	assert_int_equal(h.fdt_len, t->fdt_len);
	assert_int_equal(h.fdt_size, t->fdt_len);
	assert_int_equal(h.fdt_phys, 0);
	assert_memory_equal(h.fdt, t->fdt, t->fdt_len);
	assert_string_equal(h.compatible, "kho-v4");
	assert_int_equal(h.mem_map, FX_MEM_MAP);
	free(h.fdt);
}

static void debugfs_longer_than_a_shrunk_fdt_is_cut(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	/* A subtree was removed after init: the file outlasts the FDT. */
	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len + 64);
	assert_int_equal(kho_read_debugfs_fdt(t->root, &h, &e), 0);
	assert_int_equal(h.fdt_len, t->fdt_len);
	free(h.fdt);
}

static void debugfs_absent_says_why(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(kho_read_debugfs_fdt(t->root, &h, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "KHO is off"));
}

/* ---- live page ---- */

static void live_fdt_is_found_through_kallsyms_and_kcore(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	/* The debugfs file: the prefix the FDT had at init. */
	fx_kho_root(t->root, t->fdt, t->fdt_len, 120);
	assert_int_equal(kho_read_live_fdt(t->root, &h, &e), 0);
	assert_int_equal(h.source, KHO_SRC_LIVE);
	assert_int_equal(h.fdt_phys, FX_FDT_PA);
	assert_int_equal(h.fdt_size, (uint64_t)sysconf(_SC_PAGESIZE));
	assert_int_equal(h.fdt_len, t->fdt_len);
	assert_memory_equal(h.fdt, t->fdt, t->fdt_len);
	assert_string_equal(h.compatible, "kho-v4");
	assert_int_equal(h.mem_map, FX_MEM_MAP);
	free(h.fdt);
}

static void live_fdt_works_without_debugfs_fdt_after_kho_boot(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(kho_read_live_fdt(t->root, &h, &e), 0);
	assert_int_equal(h.fdt_phys, FX_FDT_PA);
	free(h.fdt);
}

static void live_fdt_must_match_the_debugfs_prefix(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };
	uint8_t other[4096];

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	memcpy(other, t->fdt, t->fdt_len);
	other[100] ^= 1;
	fx_put(t->root, "sys/kernel/debug/kho/out/fdt", other, 120);
	assert_int_equal(kho_read_live_fdt(t->root, &h, &e), -EIO);
	assert_non_null(strstr(e.msg, "does not start with"));
	assert_null(h.fdt);
}

static void live_fdt_null_pointer_means_kho_not_initialised(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };
	const struct fx_kcore k = { .kho_out_value = 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	fx_write_kcore(t->root, &k);
	assert_int_equal(kho_read_live_fdt(t->root, &h, &e), -ENODATA);
	assert_non_null(strstr(e.msg, "NULL"));
}

static void live_fdt_rejects_a_page_that_is_not_kho(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };
	const struct fx_kcore k = { .kho_out_value = FX_FDT_VA };

	/* The pointer is fine but the page holds zeros (offline page). */
	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	fx_write_kcore(t->root, &k);
	assert_int_equal(kho_read_live_fdt(t->root, &h, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "magic"));
}

static void live_fdt_without_root_is_eperm(void **state)
{
	struct t *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	fx_puts(t->root, "proc/kallsyms",
		"0000000000000000 T _text\n0000000000000000 d kho_out\n");
	assert_int_equal(kho_read_live_fdt(t->root, &h, &e), -EPERM);
}

/* ---- on/off and policy ---- */

static void running_follows_debugfs_scratch_file(void **state)
{
	struct t *t = *state;
	struct errbuf e = { 0 };

	assert_int_equal(kho_running(t->root, &e), 0);
	/* kho=off: kho_init() returns before creating kho/ at all. */
	fx_puts(t->root, "sys/kernel/debug/tracing/README", "x");
	assert_int_equal(kho_running(t->root, &e), 0);
	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(kho_running(t->root, &e), 1);
}

static int prepare(struct t *t, enum kho_mode mode, const char *file,
		   struct kho_handover **h, struct errbuf *e)
{
	struct kho_request o = { .mode = mode, .fdt_file = file };

	return kho_prepare(t->root, &o, &t->ram, h, e);
}

static void prepare_no_kho_hands_nothing_over(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = (void *)1;
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len);
	assert_int_equal(prepare(t, KHO_OFF, NULL, &h, &e), 0);
	assert_null(h);
}

static void prepare_kho_required_without_kho_fails(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = (void *)1;
	struct errbuf e = { 0 };

	assert_int_equal(prepare(t, KHO_REQUIRE, NULL, &h, &e), -ENOENT);
	assert_null(h);
	assert_non_null(strstr(e.msg, "kho=on"));
}

static void prepare_auto_without_kho_hands_nothing_over(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = (void *)1;
	struct errbuf e = { 0 };

	assert_int_equal(prepare(t, KHO_AUTO, NULL, &h, &e), 0);
	assert_null(h);
}

static void prepare_auto_with_kho_points_at_the_live_page(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	struct mem_map allowed = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 120);
	assert_int_equal(prepare(t, KHO_AUTO, NULL, &h, &e), 0);
	assert_non_null(h);
	assert_int_equal(h->source, KHO_SRC_LIVE);
	assert_int_equal(h->fdt_phys, FX_FDT_PA);
	assert_int_equal(h->nr_scratch, 3);
	assert_int_equal(kho_allowed_ranges(h, &allowed), 0);
	/* Sorted, the empty one gone, the two touching ones merged. */
	assert_int_equal(allowed.nr, 1);
	assert_int_equal(allowed.r[0].start, 0x29c00000);
	assert_int_equal(allowed.r[0].end, 0x3dc00000);
	assert_int_equal(allowed.r[0].type, MEM_RAM);
	memmap_free(&allowed);
	kho_free(h);
}

static void prepare_falls_back_to_a_complete_debugfs_copy(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len);
	fx_unlink(t->root, "proc/kcore");
	assert_int_equal(prepare(t, KHO_REQUIRE, NULL, &h, &e), 0);
	assert_int_equal(h->source, KHO_SRC_DEBUGFS);
	assert_non_null(strstr(h->why_not_live, "kcore"));
	assert_string_equal(h->src_path, KHO_OUT_FDT);
	kho_free(h);
}

static void prepare_never_hands_over_a_truncated_copy(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len / 2);
	fx_unlink(t->root, "proc/kallsyms");
	assert_int_equal(prepare(t, KHO_AUTO, NULL, &h, &e), -ENODATA);
	assert_null(h);
	assert_non_null(strstr(e.msg, "kallsyms"));
	assert_non_null(strstr(e.msg, "truncated"));
	assert_non_null(strstr(e.msg, "kexec -s"));
}

static void prepare_refuses_a_live_page_outside_ram(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	struct kho_request o = { .mode = KHO_AUTO };
	struct mem_map ram = { 0 };

	/* RAM that does not include the page kcore points at. */
	assert_int_equal(memmap_add(&ram, 0x10000000, GiB, MEM_RAM), 0);
	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len);
	assert_int_equal(kho_prepare(t->root, &o, &ram, &h, &e), 0);
	assert_int_equal(h->source, KHO_SRC_DEBUGFS);
	assert_non_null(strstr(h->why_not_live, "outside System RAM"));
	kho_free(h);
	memmap_free(&ram);
}

static void prepare_needs_a_non_empty_scratch_region(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	fx_puts(t->root, "sys/kernel/debug/kho/out/scratch_len",
		"0x0\n0x0\n0x0\n");
	assert_int_equal(prepare(t, KHO_AUTO, NULL, &h, &e), -ENOSPC);
	assert_null(h);
}

static char *write_fdt_file(struct t *t, const void *fdt, size_t len)
{
	char *path = malloc(512);

	assert_non_null(path);
	fx_put(t->root, "inject.fdt", fdt, len);
	snprintf(path, 512, "%s/inject.fdt", t->root);
	return path;
}

static void prepare_kho_fdt_file_is_used_and_compared(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	uint8_t b[4096];
	size_t n = make(b, "kho-v4", 8, FX_MEM_MAP + 0x1000, NULL, 0);
	char *path = write_fdt_file(t, b, n);

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(prepare(t, KHO_AUTO, path, &h, &e), 0);
	assert_int_equal(h->source, KHO_SRC_FILE);
	assert_int_equal(h->fdt_len, n);
	assert_int_equal(h->fdt_phys, 0);
	assert_string_equal(h->src_path, path);
	assert_true(h->has_base);
	assert_true(fx_warned(h, "preserved-memory-map"));
	kho_free(h);

	/* Same map as the kernel: no warning. */
	n = make(b, "kho-v4", 8, FX_MEM_MAP, NULL, 0);
	free(write_fdt_file(t, b, n));
	assert_int_equal(prepare(t, KHO_AUTO, path, &h, &e), 0);
	assert_int_equal(h->nr_warnings, 0);
	kho_free(h);
	free(path);
}

static void prepare_kho_fdt_file_corrupt_is_refused(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path;

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	path = write_fdt_file(t, t->fdt, t->fdt_len - 8);
	assert_int_equal(prepare(t, KHO_AUTO, path, &h, &e), -EBADMSG);
	assert_null(h);
	assert_non_null(strstr(e.msg, "inject.fdt"));
	assert_non_null(strstr(e.msg, "truncated"));
	free(path);
}

/* ---- staleness ---- */

/* The kernel FDT with one subsystem's blob-size changed: still valid. */
static void changed_copy(const struct t *t, uint8_t *out)
{
	uint64_t v = 0x999;
	int off;

	memcpy(out, t->fdt, sizeof(t->fdt));
	off = fdt_subnode_offset(out, 0, "LUO");
	assert_true(off > 0);
	assert_int_equal(fdt_setprop_inplace(out, off, "blob-size", &v, 8), 0);
}

static void record_round_trips_and_debugfs_change_is_stale(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct kho_record r;
	struct errbuf e = { 0 };
	uint8_t d[KHO_DIGEST_SIZE], changed[4096];

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len);
	fx_unlink(t->root, "proc/kcore");
	assert_int_equal(prepare(t, KHO_AUTO, NULL, &h, &e), 0);
	assert_int_equal(kho_record_save(t->root, h, &e), 0);
	assert_int_equal(kho_record_load(t->root, &r, &e), 0);
	assert_int_equal(r.source, KHO_SRC_DEBUGFS);
	assert_string_equal(r.path, KHO_OUT_FDT);
	assert_int_equal(kho_digest(h, d), 0);
	assert_memory_equal(r.digest, d, sizeof(d));
	assert_int_equal(kho_record_check(t->root, &r, &e), 0);

	/* A subsystem changed its subtree: same size, other bytes. */
	changed_copy(t, changed);
	fx_put(t->root, "sys/kernel/debug/kho/out/fdt", changed, t->fdt_len);
	err_clear(&e);
	assert_int_equal(kho_record_check(t->root, &r, &e), -ESTALE);
	assert_non_null(strstr(e.msg, "changed since load"));

	/* Corrupt is not stale: it is an error of its own. */
	changed[0] ^= 1;
	fx_put(t->root, "sys/kernel/debug/kho/out/fdt", changed, t->fdt_len);
	err_clear(&e);
	assert_int_equal(kho_record_check(t->root, &r, &e), -EBADMSG);

	/* It grew past the file: now truncated, which is stale too. */
	fx_put(t->root, "sys/kernel/debug/kho/out/fdt", t->fdt,
	       t->fdt_len - 16);
	err_clear(&e);
	assert_int_equal(kho_record_check(t->root, &r, &e), -ESTALE);

	assert_int_equal(kho_record_clear(t->root, &e), 0);
	assert_int_equal(kho_record_load(t->root, &r, &e), -ENOENT);
	kho_free(h);
}

static void record_of_a_file_goes_stale_when_file_or_kernel_change(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct kho_record r;
	struct errbuf e = { 0 };
	uint8_t b[4096], other[4096];
	size_t n = make(b, "kho-v4", 8, FX_MEM_MAP, NULL, 0);
	char *path = write_fdt_file(t, b, n);
	const struct fx_kcore k = {
		.kho_out_value = FX_FDT_VA, .fdt_page = other,
		.fdt_page_len = sizeof(other),
	};

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(prepare(t, KHO_AUTO, path, &h, &e), 0);
	assert_int_equal(kho_record_save(t->root, h, &e), 0);
	assert_int_equal(kho_record_load(t->root, &r, &e), 0);
	assert_true(r.has_base);
	assert_int_equal(kho_record_check(t->root, &r, &e), 0);

	/* The kernel's live FDT moved on. */
	changed_copy(t, other);
	fx_write_kcore(t->root, &k);
	assert_int_equal(kho_record_check(t->root, &r, &e), -ESTALE);
	assert_non_null(strstr(e.msg, "changed since load"));

	/* The file itself was rewritten. */
	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	b[n - 20] ^= 1;
	free(write_fdt_file(t, b, n));
	err_clear(&e);
	assert_int_equal(kho_record_check(t->root, &r, &e), -ESTALE);
	assert_non_null(strstr(e.msg, "inject.fdt"));
	kho_free(h);
	free(path);
}

static void record_rejects_garbage(void **state)
{
	struct t *t = *state;
	struct kho_record r;
	struct errbuf e = { 0 };

	fx_puts(t->root, "run/kexec-kho/loaded", "source=live\npath=\n");
	assert_int_equal(kho_record_load(t->root, &r, &e), -EBADMSG);
	err_clear(&e);
	fx_puts(t->root, "run/kexec-kho/loaded",
		"source=bogus\npath=\nsha256=00\n");
	assert_int_equal(kho_record_load(t->root, &r, &e), -EBADMSG);
}

/* ---- static fixtures (an FDT built by dtc, not by our helper) ---- */

static const char *fixture(const char *name, char *buf, size_t size)
{
	const char *dir = getenv("KEXEC_KHO_FIXTURES");

	if (!dir)
		return NULL;
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

static void fixture_qemu_hands_over_the_complete_debugfs_copy(void **state)
{
	struct kho_request o = { .mode = KHO_REQUIRE };
	struct kho_handover *h = NULL;
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	char root[512];

	(void)state;
	if (!fixture("kho-qemu", root, sizeof(root)))
		skip();
	assert_int_equal(memmap_read(root, &m, &e), 0);
	assert_int_equal(kho_prepare(root, &o, &m, &h, &e), 0);
	assert_int_equal(h->source, KHO_SRC_DEBUGFS);
	assert_int_equal(h->fdt_len, 405);
	assert_int_equal(h->mem_map, 0x2345000);
	assert_int_equal(h->nr_scratch, 3);
	kho_free(h);
	memmap_free(&m);
}

static void fixture_qemu_truncated_copy_is_never_handed_over(void **state)
{
	struct kho_request o = { .mode = KHO_AUTO };
	struct kho_handover *h = NULL;
	struct mem_map m = { 0 };
	struct errbuf e = { 0 };
	char root[512];

	(void)state;
	if (!fixture("kho-qemu-truncated", root, sizeof(root)))
		skip();
	assert_int_equal(memmap_read(root, &m, &e), 0);
	assert_int_equal(kho_prepare(root, &o, &m, &h, &e), -ENODATA);
	assert_null(h);
	assert_non_null(strstr(e.msg, "truncated: 233 of 405 bytes"));
	memmap_free(&m);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(validate_accepts_a_kernel_like_fdt),
		T(validate_accepts_any_abi_number),
		T(validate_rejects_wrong_magic),
		T(validate_rejects_truncated_fdt),
		T(validate_rejects_fdt_versions_before_16),
		T(validate_rejects_a_reservation_map_over_the_structure),
		T(validate_rejects_broken_structure),
		T(validate_rejects_bad_compatible),
		T(validate_rejects_missing_short_or_zero_memory_map),
		T(validate_rejects_subnode_without_blob_size),
		T(validate_rejects_nested_and_duplicate_subnodes),
		T(scratch_reads_the_qemu_sample),
		T(scratch_count_mismatch_names_both_files),
		T(scratch_rejects_unaligned_regions),
		T(scratch_rejects_regions_outside_ram),
		T(scratch_rejects_overlapping_regions),
		T(scratch_rejects_hostile_text),
		T(scratch_rejects_wrapping_region),
		T(scratch_rejects_too_many_regions),
		T(debugfs_truncated_fdt_is_refused),
		T(debugfs_complete_fdt_is_taken),
		T(debugfs_longer_than_a_shrunk_fdt_is_cut),
		T(debugfs_absent_says_why),
		T(live_fdt_is_found_through_kallsyms_and_kcore),
		T(live_fdt_works_without_debugfs_fdt_after_kho_boot),
		T(live_fdt_must_match_the_debugfs_prefix),
		T(live_fdt_null_pointer_means_kho_not_initialised),
		T(live_fdt_rejects_a_page_that_is_not_kho),
		T(live_fdt_without_root_is_eperm),
		T(running_follows_debugfs_scratch_file),
		T(prepare_no_kho_hands_nothing_over),
		T(prepare_kho_required_without_kho_fails),
		T(prepare_auto_without_kho_hands_nothing_over),
		T(prepare_auto_with_kho_points_at_the_live_page),
		T(prepare_falls_back_to_a_complete_debugfs_copy),
		T(prepare_never_hands_over_a_truncated_copy),
		T(prepare_refuses_a_live_page_outside_ram),
		T(prepare_needs_a_non_empty_scratch_region),
		T(prepare_kho_fdt_file_is_used_and_compared),
		T(prepare_kho_fdt_file_corrupt_is_refused),
		T(record_round_trips_and_debugfs_change_is_stale),
		T(record_of_a_file_goes_stale_when_file_or_kernel_change),
		T(record_rejects_garbage),
		T(fixture_qemu_hands_over_the_complete_debugfs_copy),
		T(fixture_qemu_truncated_copy_is_never_handed_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
