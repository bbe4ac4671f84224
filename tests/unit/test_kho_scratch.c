// SPDX-License-Identifier: GPL-2.0-or-later
/* KHO scratch (kho_scratch.c): the running kernel's, and --kho-scratch sizing and placement. */
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
#include "load.h"
#include "memmap.h"
#include "options.h"
#include "sha256.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static int scratch_with(struct fx_state *t, const char *phys, const char *len,
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

static bool inside_ram(const struct mem_map *m, uint64_t a, uint64_t s)
{
	return memmap_covers(m, a, a + s, MEM_RAM);
}

static int choose(struct fx_state *t, const char *arg, struct kho_scratch **s,
		  size_t *nr, struct errbuf *e)
{
	char *argv[] = { "kexec", "-l", "--kho-fdt=f", "--kho-scratch",
			 (char *)arg, "k", NULL };
	struct kexec_opts o;
	int ret;

	ret = parse_options(6, argv, &o, e);
	if (!ret)
		ret = kho_choose_scratch(o.kho_scratch, o.nr_kho_scratch,
					 o.kho_scratch_auto, &t->ram, 0, s, nr,
					 e);
	free_options(&o);
	return ret;
}

static void scratch_reads_the_qemu_sample(void **state)
{
	struct fx_state *t = *state;
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

static void budget_is_64_mib_plus_2_percent_plus_swiotlb_above_4g(void **state)
{
	struct fx_state *t = *state;
	struct mem_map big = { 0 };

	/* 1 GiB (less the holes): 64 MiB + RAM / 50. */
	assert_int_equal(kho_scratch_budget(&t->ram),
			 64 * MiB + memmap_total(&t->ram, MEM_RAM) / 50);
	/* 10 GiB, 8 of them above 4 GiB: swiotlb's 64 MiB come on top. */
	assert_int_equal(memmap_add(&big, 1 * MiB, 2 * GiB, MEM_RAM), 0);
	assert_int_equal(memmap_add(&big, 4 * GiB, 12 * GiB, MEM_RAM), 0);
	assert_int_equal(kho_scratch_budget(&big),
			 128 * MiB + (10 * GiB - 1 * MiB) / 50);
	memmap_free(&big);
}

static void auto_scratch_follows_the_sizing_rule(void **state)
{
	struct fx_state *t = *state;
	struct kho_scratch *s = NULL;
	struct errbuf e = { 0 };
	uint64_t ram = memmap_total(&t->ram, MEM_RAM);
	size_t nr = 0;

	assert_int_equal(kho_choose_scratch(NULL, 0, true, &t->ram, 30 * MiB,
					    &s, &nr, &e), 0);
	assert_int_equal(nr, 2);
	/* [0]: the segments and the fixed needs, below 4 GiB. */
	assert_int_equal(s[0].size, 96 * MiB);	/* 30 + 64, 4 MiB granules */
	/* [1]: the RAM share, anywhere. */
	assert_int_equal(s[1].size, ((ram / 50) + 4 * MiB - 1) & ~(4 * MiB - 1));
	assert_true(s[0].size + s[1].size >= 30 * MiB + kho_scratch_budget(&t->ram));
	assert_int_equal(s[0].addr % (4 * MiB), 0);
	assert_int_equal(s[1].addr % (4 * MiB), 0);
	assert_true(inside_ram(&t->ram, s[0].addr, s[0].size));
	assert_true(inside_ram(&t->ram, s[1].addr, s[1].size));
	assert_true(s[0].addr + s[0].size <= s[1].addr ||
		    s[1].addr + s[1].size <= s[0].addr);
	/* Top-down: [0] ends at the highest 4 MiB boundary in RAM. */
	assert_int_equal(s[0].addr + s[0].size, 0x3fc00000);
	free(s);
}

static void auto_scratch_with_ram_above_4g_keeps_0_low(void **state)
{
	struct kho_scratch *s = NULL;
	struct mem_map big = { 0 };
	struct errbuf e = { 0 };
	size_t nr = 0;

	(void)state;
	assert_int_equal(memmap_add(&big, 1 * MiB, 2 * GiB, MEM_RAM), 0);
	assert_int_equal(memmap_add(&big, 4 * GiB, 68 * GiB, MEM_RAM), 0);
	assert_int_equal(kho_choose_scratch(NULL, 0, true, &big, 40 * MiB, &s,
					    &nr, &e), 0);
	assert_int_equal(nr, 2);
	/* 40 + 64 + 64 (swiotlb), below 4 GiB; 2% of 66 GiB at the top. */
	assert_int_equal(s[0].size, 168 * MiB);
	assert_true(s[0].addr + s[0].size <= 2 * GiB);
	assert_true(s[1].size >= (66 * GiB) / 50);
	assert_int_equal(s[1].addr + s[1].size, 68 * GiB);
	free(s);
	memmap_free(&big);
}

static void explicit_size_is_honoured_and_rounded_to_4_mib(void **state)
{
	struct fx_state *t = *state;
	struct kho_scratch *s = NULL;
	struct errbuf e = { 0 };
	size_t nr = 0;

	assert_int_equal(choose(t, "256M", &s, &nr, &e), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(s[0].size, 256 * MiB);
	assert_int_equal(s[0].addr, 0x3fc00000 - 256 * MiB);
	free(s);
	assert_int_equal(choose(t, "99M,1", &s, &nr, &e), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(s[0].size, 100 * MiB);
	assert_int_equal(s[1].size, 4 * MiB);
	free(s);
}

static void explicit_addresses_are_kept_and_others_steer_around(void **state)
{
	struct fx_state *t = *state;
	struct kho_scratch *s = NULL;
	struct errbuf e = { 0 };
	size_t nr = 0;

	/* [1] given at the very top: [0] goes below it. */
	assert_int_equal(choose(t, "64M,32M@0x3dc00000", &s, &nr, &e), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(s[1].addr, 0x3dc00000);
	assert_int_equal(s[1].size, 32 * MiB);
	assert_int_equal(s[0].size, 64 * MiB);
	assert_int_equal(s[0].addr + s[0].size, 0x3dc00000);
	free(s);
}

static void explicit_scratch_hostile_input_is_refused(void **state)
{
	static const struct {
		const char *arg;
		int err;
		const char *why;
	} bad[] = {
		{ "64M@0x1000000,64M@0x2000000", -EBUSY, "overlaps" },
		{ "64M@0x100000", -EINVAL, "not aligned to 4 MiB" },
		{ "64M@0x1234000", -EINVAL, "not aligned to 4 MiB" },
		{ "64M@0", -EINVAL, "below 1 MiB" },
		{ "64M@0x3fc00000", -EADDRNOTAVAIL, "not inside System RAM" },
		{ "4M@0x80000000", -EADDRNOTAVAIL, "not inside System RAM" },
		{ "64M@0x100000000", -EINVAL, "below 4 GiB" },
		{ "2G", -EADDRNOTAVAIL, "no room in RAM for region 0" },
		{ "900M,200M", -EADDRNOTAVAIL, "no room in RAM for region 1" },
		{ "0", -EINVAL, "size 0" },
		{ "64M,0", -EINVAL, "size 0" },
		{ "1,2,3,4,5,6,7,8,9", -E2BIG, "at most 8" },
		{ "99999999T", -EINVAL, "not a number" },
		{ "0xfffffffffff00000", -ERANGE, "not usable" },
		{ "8M@0xfffffffffff00000", -ERANGE, "address space" },
		{ "64M@", -EINVAL, "not a number" },
		{ "@0x1000000", -EINVAL, "not a number" },
		{ "64M,", -EINVAL, "not SIZE[@ADDR]" },
		{ ",64M", -EINVAL, "not SIZE[@ADDR]" },
		{ "64M@0x1000000@0x2000000", -EINVAL, "not a number" },
		{ "-64M", -EINVAL, "not a number" },
		{ "64Q", -EINVAL, "not a number" },
	};
	struct fx_state *t = *state;
	struct kho_scratch *s = NULL;
	size_t i, nr = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct errbuf e = { 0 };
		int ret = choose(t, bad[i].arg, &s, &nr, &e);

		if (ret != bad[i].err || !strstr(e.msg, bad[i].why))
			fail_msg("--kho-scratch %s: %d \"%s\", wanted %d \"%s\"",
				 bad[i].arg, ret, e.msg, bad[i].err,
				 bad[i].why);
		assert_null(s);
		assert_int_equal(nr, 0);
	}
}

#define T_FLAT(f) cmocka_unit_test_setup_teardown(f, fx_setup_flat, fx_teardown)
#define T_QEMU(f) cmocka_unit_test_setup_teardown(f, fx_setup_qemu, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_FLAT(scratch_reads_the_qemu_sample),
		T_FLAT(scratch_count_mismatch_names_both_files),
		T_FLAT(scratch_rejects_unaligned_regions),
		T_FLAT(scratch_rejects_regions_outside_ram),
		T_FLAT(scratch_rejects_overlapping_regions),
		T_FLAT(scratch_rejects_hostile_text),
		T_FLAT(scratch_rejects_wrapping_region),
		T_FLAT(scratch_rejects_too_many_regions),
		T_QEMU(budget_is_64_mib_plus_2_percent_plus_swiotlb_above_4g),
		T_QEMU(auto_scratch_follows_the_sizing_rule),
		T_QEMU(auto_scratch_with_ram_above_4g_keeps_0_low),
		T_QEMU(explicit_size_is_honoured_and_rounded_to_4_mib),
		T_QEMU(explicit_addresses_are_kept_and_others_steer_around),
		T_QEMU(explicit_scratch_hostile_input_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
