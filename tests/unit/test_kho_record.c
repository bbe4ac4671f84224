// SPDX-License-Identifier: GPL-2.0-or-later
/* The staleness record (kho_record.c). */
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

/* The kernel FDT with one subsystem's blob-size changed: still valid. */
static void changed_copy(const struct fx_state *t, uint8_t *out)
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
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct kho_record r;
	struct errbuf e = { 0 };
	uint8_t d[KHO_DIGEST_SIZE], changed[4096];

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len);
	fx_unlink(t->root, "proc/kcore");
	assert_int_equal(fx_prepare(t, KHO_AUTO, NULL, &h, &e), 0);
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
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct kho_record r;
	struct errbuf e = { 0 };
	uint8_t b[4096], other[4096];
	size_t n = fx_make(b, "kho-v4", 8, FX_MEM_MAP, NULL, 0);
	char *path = fx_write_fdt_file(t, b, n);
	const struct fx_kcore k = {
		.kho_out_value = FX_FDT_VA, .fdt_page = other,
		.fdt_page_len = sizeof(other),
	};

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(fx_prepare(t, KHO_AUTO, path, &h, &e), 0);
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
	free(fx_write_fdt_file(t, b, n));
	err_clear(&e);
	assert_int_equal(kho_record_check(t->root, &r, &e), -ESTALE);
	assert_non_null(strstr(e.msg, "inject.fdt"));
	kho_free(h);
	free(path);
}

static void record_rejects_garbage(void **state)
{
	struct fx_state *t = *state;
	struct kho_record r;
	struct errbuf e = { 0 };

	fx_puts(t->root, "run/kexec-kho/loaded", "source=live\npath=\n");
	assert_int_equal(kho_record_load(t->root, &r, &e), -EBADMSG);
	err_clear(&e);
	fx_puts(t->root, "run/kexec-kho/loaded",
		"source=bogus\npath=\nsha256=00\n");
	assert_int_equal(kho_record_load(t->root, &r, &e), -EBADMSG);
}

#define T_FLAT(f) cmocka_unit_test_setup_teardown(f, fx_setup_flat, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_FLAT(record_round_trips_and_debugfs_change_is_stale),
		T_FLAT(record_of_a_file_goes_stale_when_file_or_kernel_change),
		T_FLAT(record_rejects_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
