// SPDX-License-Identifier: GPL-2.0-or-later
/* Where a KHO FDT comes from (kho_source.c): debugfs copy, live page, KHO on or off. */
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

static void debugfs_truncated_fdt_is_refused(void **state)
{
	struct fx_state *t = *state;
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
	struct fx_state *t = *state;
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
	struct fx_state *t = *state;
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
	struct fx_state *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(kho_read_debugfs_fdt(t->root, &h, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "KHO is off"));
}

static void live_fdt_is_found_through_kallsyms_and_kcore(void **state)
{
	struct fx_state *t = *state;
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
	struct fx_state *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(kho_read_live_fdt(t->root, &h, &e), 0);
	assert_int_equal(h.fdt_phys, FX_FDT_PA);
	free(h.fdt);
}

static void live_fdt_must_match_the_debugfs_prefix(void **state)
{
	struct fx_state *t = *state;
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
	struct fx_state *t = *state;
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
	struct fx_state *t = *state;
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
	struct fx_state *t = *state;
	struct kho_fdt_src h = { 0 };
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	fx_puts(t->root, "proc/kallsyms",
		"0000000000000000 T _text\n0000000000000000 d kho_out\n");
	assert_int_equal(kho_read_live_fdt(t->root, &h, &e), -EPERM);
}

static void running_follows_debugfs_scratch_file(void **state)
{
	struct fx_state *t = *state;
	struct errbuf e = { 0 };

	assert_int_equal(kho_running(t->root, &e), 0);
	/* kho=off: kho_init() returns before creating kho/ at all. */
	fx_puts(t->root, "sys/kernel/debug/tracing/README", "x");
	assert_int_equal(kho_running(t->root, &e), 0);
	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(kho_running(t->root, &e), 1);
}

#define T_FLAT(f) cmocka_unit_test_setup_teardown(f, fx_setup_flat, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_FLAT(debugfs_truncated_fdt_is_refused),
		T_FLAT(debugfs_complete_fdt_is_taken),
		T_FLAT(debugfs_longer_than_a_shrunk_fdt_is_cut),
		T_FLAT(debugfs_absent_says_why),
		T_FLAT(live_fdt_is_found_through_kallsyms_and_kcore),
		T_FLAT(live_fdt_works_without_debugfs_fdt_after_kho_boot),
		T_FLAT(live_fdt_must_match_the_debugfs_prefix),
		T_FLAT(live_fdt_null_pointer_means_kho_not_initialised),
		T_FLAT(live_fdt_rejects_a_page_that_is_not_kho),
		T_FLAT(live_fdt_without_root_is_eperm),
		T_FLAT(running_follows_debugfs_scratch_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
