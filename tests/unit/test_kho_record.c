// SPDX-License-Identifier: GPL-2.0-or-later
/* The staleness record (kho_record.c), with and without --kho-blob edits. */
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

static void blob_on_the_live_page_makes_a_copy_checked_for_staleness(void **state)
{
	struct fx_state *t = *state;
	struct kho_request o = { .mode = KHO_AUTO, .nr_blobs = 1 };
	const char *blob[1];
	struct kho_handover *h = NULL;
	struct kho_record r;
	struct errbuf e = { 0 };
	uint8_t live[KHO_DIGEST_SIZE], changed[4096];
	char *s = fx_spec("mine", fx_put_file(t, "blob", 100));
	const struct fx_kcore k = {
		.kho_out_value = FX_FDT_VA, .fdt_page = changed,
		.fdt_page_len = sizeof(changed),
	};
	int off;
	uint64_t v = 0x999;

	blob[0] = s;
	o.blobs = blob;
	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), 0);
	assert_int_equal(h->source, KHO_SRC_LIVE);
	assert_true(kho_hands_copy(h));
	assert_int_equal(h->fdt_phys, 0);
	assert_int_equal(h->fdt_size, h->fdt_len);
	assert_true(fdt_subnode_offset(h->fdt, 0, "mine") >= 0);
	sha256(t->fdt, t->fdt_len, live);
	assert_true(h->has_base);
	assert_memory_equal(h->base_digest, live, sizeof(live));

	assert_int_equal(kho_record_save(t->root, h, &e), 0);
	assert_int_equal(kho_record_load(t->root, &r, &e), 0);
	assert_int_equal(r.source, KHO_SRC_LIVE);
	assert_int_equal(kho_record_check(t->root, &r, &e), 0);
	/* A subsystem changed the live FDT after the copy was taken. */
	memcpy(changed, t->fdt, sizeof(changed));
	off = fdt_subnode_offset(changed, 0, "LUO");
	assert_int_equal(fdt_setprop_inplace(changed, off, "blob-size", &v, 8),
			 0);
	fx_write_kcore(t->root, &k);
	assert_int_equal(kho_record_check(t->root, &r, &e), -ESTALE);
	assert_non_null(strstr(e.msg, "--kho-blob"));
	free(s);
	kho_free(h);
}

static void blob_on_a_file_records_the_file_not_the_edit(void **state)
{
	struct fx_state *t = *state;
	struct kho_request o = { .mode = KHO_AUTO, .nr_blobs = 1 };
	const char *blob[1];
	struct kho_handover *h = NULL;
	struct kho_record r;
	struct errbuf e = { 0 };
	char fdt_path[512];
	char *s = fx_spec("mine", fx_put_file(t, "blob", 100));

	blob[0] = s;
	o.blobs = blob;
	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	fx_put(t->root, "k.fdt", t->fdt, t->fdt_len);
	snprintf(fdt_path, sizeof(fdt_path), "%s/k.fdt", t->root);
	o.fdt_file = fdt_path;
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), 0);
	assert_int_equal(kho_record_save(t->root, h, &e), 0);
	assert_int_equal(kho_record_load(t->root, &r, &e), 0);
	/* Not stale just because what was handed over has one node more. */
	assert_int_equal(kho_record_check(t->root, &r, &e), 0);
	free(s);
	kho_free(h);
}

#define T_FLAT(f) cmocka_unit_test_setup_teardown(f, fx_setup_flat, fx_teardown)
#define T_QEMU(f) cmocka_unit_test_setup_teardown(f, fx_setup_qemu, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_FLAT(record_round_trips_and_debugfs_change_is_stale),
		T_FLAT(record_of_a_file_goes_stale_when_file_or_kernel_change),
		T_FLAT(record_rejects_garbage),
		T_QEMU(blob_on_the_live_page_makes_a_copy_checked_for_staleness),
		T_QEMU(blob_on_a_file_records_the_file_not_the_edit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
