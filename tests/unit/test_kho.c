// SPDX-License-Identifier: GPL-2.0-or-later
/* The KHO policy (kho.c): whether and what to hand over, --kho-scratch from a kernel without KHO, the placeholder, and the checks once the arch placed everything. */
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

static const char *fixture(const char *name, char *buf, size_t size)
{
	const char *dir = getenv("KEXEC_KHO_FIXTURES");

	if (!dir)
		return NULL;
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

static char *placeholder_file(struct fx_state *t, const struct fx_node *nodes,
			      int nr, uint64_t map)
{
	const struct fx_fdt f = { .compat = "kho-v4", .map_len = 8,
				  .mem_map = map, .nodes = nodes,
				  .nr_nodes = nr };
	uint8_t b[4096];
	size_t n = fx_make_fdt(b, sizeof(b), &f);
	char *path = malloc(512);

	assert_non_null(path);
	fx_put(t->root, "new.fdt", b, n);
	snprintf(path, 512, "%s/new.fdt", t->root);
	return path;
}

static int prepare_scratch(struct fx_state *t, const char *fdt_path,
			   const char *arg, const char *blob,
			   struct kho_handover **h, struct errbuf *e)
{
	char *argv[10] = { "kexec", "-l", "--kho-fdt", (char *)fdt_path,
			   "--kho-scratch", (char *)arg };
	struct kexec_opts o;
	struct load_request r;
	int argc = 6, ret;

	if (blob) {
		argv[argc++] = "--kho-blob";
		argv[argc++] = (char *)blob;
	}
	argv[argc++] = "k";
	ret = parse_options(argc, argv, &o, e);
	if (!ret) {
		opts_load_request(&o, &r);
		ret = kho_prepare(t->root, &r.kho, &t->ram, h, e);
	}
	free_options(&o);
	return ret;
}

static void file_digest_of(const char *path, uint8_t *d)
{
	struct errbuf e = { 0 };
	size_t n;
	void *b;

	assert_int_equal(read_file(path, 1 << 20, &b, &n, &e), 0);
	sha256(b, n, d);
	free(b);
}

static void prepare_no_kho_hands_nothing_over(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = (void *)1;
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len);
	assert_int_equal(fx_prepare(t, KHO_OFF, NULL, &h, &e), 0);
	assert_null(h);
}

static void prepare_kho_required_without_kho_fails(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = (void *)1;
	struct errbuf e = { 0 };

	assert_int_equal(fx_prepare(t, KHO_REQUIRE, NULL, &h, &e), -ENOENT);
	assert_null(h);
	assert_non_null(strstr(e.msg, "kho=on"));
}

static void prepare_auto_without_kho_hands_nothing_over(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = (void *)1;
	struct errbuf e = { 0 };

	assert_int_equal(fx_prepare(t, KHO_AUTO, NULL, &h, &e), 0);
	assert_null(h);
}

static void prepare_auto_with_kho_points_at_the_live_page(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	struct mem_map allowed = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 120);
	assert_int_equal(fx_prepare(t, KHO_AUTO, NULL, &h, &e), 0);
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
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len);
	fx_unlink(t->root, "proc/kcore");
	assert_int_equal(fx_prepare(t, KHO_REQUIRE, NULL, &h, &e), 0);
	assert_int_equal(h->source, KHO_SRC_DEBUGFS);
	assert_non_null(strstr(h->why_not_live, "kcore"));
	assert_string_equal(h->src_path, KHO_OUT_FDT);
	kho_free(h);
}

static void prepare_never_hands_over_a_truncated_copy(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, t->fdt_len / 2);
	fx_unlink(t->root, "proc/kallsyms");
	assert_int_equal(fx_prepare(t, KHO_AUTO, NULL, &h, &e), -ENODATA);
	assert_null(h);
	assert_non_null(strstr(e.msg, "kallsyms"));
	assert_non_null(strstr(e.msg, "truncated"));
	assert_non_null(strstr(e.msg, "kexec -s"));
}

static void prepare_refuses_a_live_page_outside_ram(void **state)
{
	struct fx_state *t = *state;
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
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	fx_puts(t->root, "sys/kernel/debug/kho/out/scratch_len",
		"0x0\n0x0\n0x0\n");
	assert_int_equal(fx_prepare(t, KHO_AUTO, NULL, &h, &e), -ENOSPC);
	assert_null(h);
}

static void prepare_kho_fdt_file_is_used_and_compared(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	uint8_t b[4096];
	size_t n = fx_make(b, "kho-v4", 8, FX_MEM_MAP + 0x1000, NULL, 0);
	char *path = fx_write_fdt_file(t, b, n);

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(fx_prepare(t, KHO_AUTO, path, &h, &e), 0);
	assert_int_equal(h->source, KHO_SRC_FILE);
	assert_int_equal(h->fdt_len, n);
	assert_int_equal(h->fdt_phys, 0);
	assert_string_equal(h->src_path, path);
	assert_true(h->has_base);
	assert_true(fx_warned(h, "preserved-memory-map"));
	kho_free(h);

	/* Same map as the kernel: no warning. */
	n = fx_make(b, "kho-v4", 8, FX_MEM_MAP, NULL, 0);
	free(fx_write_fdt_file(t, b, n));
	assert_int_equal(fx_prepare(t, KHO_AUTO, path, &h, &e), 0);
	assert_int_equal(h->nr_warnings, 0);
	kho_free(h);
	free(path);
}

static void prepare_kho_fdt_file_corrupt_is_refused(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path;

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	path = fx_write_fdt_file(t, t->fdt, t->fdt_len - 8);
	assert_int_equal(fx_prepare(t, KHO_AUTO, path, &h, &e), -EBADMSG);
	assert_null(h);
	assert_non_null(strstr(e.msg, "inject.fdt"));
	assert_non_null(strstr(e.msg, "truncated"));
	free(path);
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

static void placeholder_constant_is_the_one_kho_inject_writes(void **state)
{
	(void)state;
	/* Non-zero, page aligned (validates), above any physical address. */
	assert_int_equal(KHO_MEM_MAP_PLACEHOLDER, 0xfffffffffffff000ULL);
	assert_int_equal(KHO_MEM_MAP_PLACEHOLDER & 0xfff, 0);
}

static void placeholder_on_a_kho_kernel_is_refused(void **state)
{
	struct fx_state *t = *state;
	struct kho_request o = { .mode = KHO_AUTO };
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, KHO_MEM_MAP_PLACEHOLDER);

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	o.fdt_file = path;
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), -EINVAL);
	assert_null(h);
	assert_non_null(strstr(e.msg, "placeholder"));
	assert_non_null(strstr(e.msg, "--kho-scratch"));
	free(path);
}

static void fdt_or_blob_without_kho_and_scratch_is_an_error(void **state)
{
	struct fx_state *t = *state;
	struct kho_request o = { .mode = KHO_AUTO };
	const char *blob[1];
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, KHO_MEM_MAP_PLACEHOLDER);

	/* Not silently "no handover": the user asked for one. */
	o.fdt_file = path;
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), -ENOENT);
	assert_null(h);
	assert_non_null(strstr(e.msg, "give --kho-scratch"));
	o.fdt_file = NULL;
	blob[0] = "b=/x";
	o.blobs = blob;
	o.nr_blobs = 1;
	err_clear(&e);
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), -ENOENT);
	/* Without any of them, a kernel without KHO just gets none. */
	o.nr_blobs = 0;
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), 0);
	assert_null(h);
	free(path);
}

static void finish_refuses_an_unreplaced_placeholder(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = fx_file_handover(t);
	struct errbuf e = { 0 };
	uint64_t v = KHO_MEM_MAP_PLACEHOLDER;

	/* However it got there: never hand it to a kernel. */
	assert_int_equal(fdt_setprop_inplace(h->fdt, 0, "preserved-memory-map",
					     &v, 8), 0);
	assert_int_equal(kho_finish(h, 0, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "placeholder"));
	kho_free(h);
}

static void finish_refuses_blobs_or_map_the_arch_did_not_place(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = fx_file_handover(t);
	struct errbuf e = { 0 };

	assert_int_equal(fx_add_blob(t, h, "mine", 10, &e), 0);
	assert_int_equal(kho_finish(h, 0, &e), -ENOSYS);
	assert_non_null(strstr(e.msg, "--kho-blob mine was not placed"));
	assert_int_equal(kho_set_blob_phys(h, 0, 0x200000, &e), 0);
	err_clear(&e);
	assert_int_equal(kho_finish(h, 0, &e), 0);

	h->empty_map = true;
	h->mem_map = KHO_MEM_MAP_PLACEHOLDER;
	assert_int_equal(kho_finish(h, 0, &e), -ENOSYS);
	assert_non_null(strstr(e.msg, "empty preserved-memory map"));
	kho_free(h);
}

static void scratch_handover_replaces_the_placeholder_once_placed(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, KHO_MEM_MAP_PLACEHOLDER);
	char *s = fx_spec("mine", fx_put_file(t, "blob", 3000));
	uint8_t file_digest[KHO_DIGEST_SIZE];
	uint8_t copy[4096];

	assert_int_equal(prepare_scratch(t, path, "256M", s, &h, &e), 0);
	assert_non_null(h);
	assert_int_equal(h->source, KHO_SRC_FILE);
	assert_true(h->own_scratch);
	assert_false(h->scratch_auto);
	assert_true(h->empty_map);
	assert_int_equal(h->scratch_need, kho_scratch_budget(&t->ram));
	assert_int_equal(h->nr_scratch, 1);
	assert_int_equal(h->scratch[0].size, 256 * MiB);
	assert_int_equal(h->nr_warnings, 0);
	/* Until the arch code places the map, the placeholder stays. */
	assert_int_equal(fx_prop_u64(h->fdt, NULL, "preserved-memory-map"),
			 KHO_MEM_MAP_PLACEHOLDER);
	assert_true(fdt_subnode_offset(h->fdt, 0, "mine") >= 0);
	/* Staleness compares the file as it is on disk, not our edit. */
	assert_true(h->edited);
	file_digest_of(path, file_digest);
	assert_memory_equal(h->src_digest, file_digest, sizeof(file_digest));

	memcpy(copy, h->fdt, h->fdt_len);
	assert_int_equal(kho_set_mem_map(h, copy, 0x3fb00000, &e), 0);
	assert_int_equal(h->mem_map, 0x3fb00000);
	assert_int_equal(fx_prop_u64(h->fdt, NULL, "preserved-memory-map"),
			 0x3fb00000);
	assert_int_equal(fx_prop_u64(copy, NULL, "preserved-memory-map"),
			 0x3fb00000);
	assert_int_equal(kho_set_mem_map(h, NULL, 0x3fb00010, &e), -EINVAL);
	assert_int_equal(kho_set_blob_phys(h, 0, 0x3fa00000, &e), 0);
	err_clear(&e);
	assert_int_equal(kho_finish(h, 10 * MiB, &e), 0);
	free(s);
	free(path);
	kho_free(h);
}

static void scratch_handover_needs_a_kernel_without_kho(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, KHO_MEM_MAP_PLACEHOLDER);

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	assert_int_equal(prepare_scratch(t, path, "auto", NULL, &h, &e),
			 -EBUSY);
	assert_null(h);
	assert_non_null(strstr(e.msg, "has KHO on"));
	free(path);
}

static void scratch_handover_refuses_nodes_nothing_preserves(void **state)
{
	struct fx_state *t = *state;
	const struct fx_node nodes[] = { { .name = "LUO", .data = 0x2348000,
					   .size = 0x1000 } };
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, nodes, 1, KHO_MEM_MAP_PLACEHOLDER);

	assert_int_equal(prepare_scratch(t, path, "auto", NULL, &h, &e),
			 -EINVAL);
	assert_null(h);
	assert_non_null(strstr(e.msg, "\"LUO\""));
	assert_non_null(strstr(e.msg, "--kho-blob"));
	free(path);
}

static void scratch_handover_warns_when_a_real_map_is_replaced(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, FX_MEM_MAP);

	assert_int_equal(prepare_scratch(t, path, "auto", NULL, &h, &e), 0);
	assert_true(h->scratch_auto);
	assert_int_equal(h->nr_scratch, 2);
	assert_true(fx_warned(h, "empty map replaces it"));
	assert_int_equal(fx_prop_u64(h->fdt, NULL, "preserved-memory-map"),
			 KHO_MEM_MAP_PLACEHOLDER);
	free(path);
	kho_free(h);
}

static void finish_checks_what_the_segments_left_of_the_scratch(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, KHO_MEM_MAP_PLACEHOLDER);
	uint64_t total;

	/* The loader's sizes: too little left is an error. */
	assert_int_equal(prepare_scratch(t, path, "auto", NULL, &h, &e), 0);
	assert_int_equal(kho_set_mem_map(h, NULL, 0x3fb00000, &e), 0);
	total = h->scratch[0].size + h->scratch[1].size;
	assert_int_equal(kho_finish(h, total - h->scratch_need, &e), 0);
	assert_int_equal(kho_finish(h, total - h->scratch_need + 4096, &e),
			 -ENOSPC);
	assert_non_null(strstr(e.msg, "early allocations"));
	kho_free(h);

	/* The user's sizes: the user is warned, not overruled. */
	h = NULL;
	err_clear(&e);
	assert_int_equal(prepare_scratch(t, path, "64M", NULL, &h, &e), 0);
	assert_int_equal(kho_set_mem_map(h, NULL, 0x3fb00000, &e), 0);
	assert_int_equal(kho_finish(h, 16 * MiB, &e), 0);
	assert_true(fx_warned(h, "leaves 48 MiB free"));
	free(path);
	kho_free(h);
}

/*
 * The running kernel's scratch: 1 GiB of RAM needs at least 16 MiB of
 * struct pages + 16 MiB; half of a 128 MiB scratch (64 MiB) is below the
 * budget (84 MiB), so it is what the next kernel probably needs.
 */
/* A later warning does not replace an earlier one: the user hears both. */
static void every_warning_is_kept(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, FX_MEM_MAP);

	assert_int_equal(prepare_scratch(t, path, "64M", NULL, &h, &e), 0);
	assert_int_equal(kho_set_mem_map(h, NULL, 0x3fb00000, &e), 0);
	assert_int_equal(kho_finish(h, 16 * MiB, &e), 0);
	assert_int_equal(h->nr_warnings, 2);
	assert_non_null(strstr(h->warnings[0], "empty map replaces it"));
	assert_non_null(strstr(h->warnings[1], "leaves 48 MiB free"));
	free(path);
	kho_free(h);
}

static void kernel_scratch_floor_refuses_and_half_of_it_warns(void **state)
{
	struct kho_scratch sc[2] = { { 0x10000000, 96 * MiB },
				     { 0x20000000, 32 * MiB } };
	struct kho_handover h = { .scratch = sc, .nr_scratch = 2 };
	struct mem_map ram = { 0 };
	struct errbuf e = { 0 };

	assert_int_equal(memmap_add(&ram, 0, GiB, MEM_RAM), 0);
	assert_int_equal(kho_check_kernel_scratch(&h, 32 * MiB - 4096, &ram,
						  false, &e), -ENOSPC);
	assert_non_null(strstr(e.msg, "needs at least 32 MiB"));
	assert_int_equal(kho_check_kernel_scratch(&h, 32 * MiB - 4096, &ram,
						  true, NULL), 0);
	assert_true(fx_warned(&h, "may need about 64 MiB"));
	h.nr_warnings = 0;
	assert_int_equal(kho_check_kernel_scratch(&h, 63 * MiB, &ram, false,
						  NULL), 0);
	assert_true(fx_warned(&h, "leave 63 MiB"));
	h.nr_warnings = 0;
	assert_int_equal(kho_check_kernel_scratch(&h, 64 * MiB, &ram, false,
						  NULL), 0);
	assert_int_equal(h.nr_warnings, 0);
	/* Scratch the loader chose is kho_finish()'s to judge. */
	h.own_scratch = true;
	assert_int_equal(kho_check_kernel_scratch(&h, 0, &ram, false, NULL), 0);
	memmap_free(&ram);
}

#define T_FLAT(f) cmocka_unit_test_setup_teardown(f, fx_setup_flat, fx_teardown)
#define T_QEMU(f) cmocka_unit_test_setup_teardown(f, fx_setup_qemu, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_FLAT(prepare_no_kho_hands_nothing_over),
		T_FLAT(prepare_kho_required_without_kho_fails),
		T_FLAT(prepare_auto_without_kho_hands_nothing_over),
		T_FLAT(prepare_auto_with_kho_points_at_the_live_page),
		T_FLAT(prepare_falls_back_to_a_complete_debugfs_copy),
		T_FLAT(prepare_never_hands_over_a_truncated_copy),
		T_FLAT(prepare_refuses_a_live_page_outside_ram),
		T_FLAT(prepare_needs_a_non_empty_scratch_region),
		T_FLAT(prepare_kho_fdt_file_is_used_and_compared),
		T_FLAT(prepare_kho_fdt_file_corrupt_is_refused),
		T_FLAT(fixture_qemu_hands_over_the_complete_debugfs_copy),
		T_FLAT(fixture_qemu_truncated_copy_is_never_handed_over),
		T_QEMU(placeholder_constant_is_the_one_kho_inject_writes),
		T_QEMU(placeholder_on_a_kho_kernel_is_refused),
		T_QEMU(fdt_or_blob_without_kho_and_scratch_is_an_error),
		T_QEMU(finish_refuses_an_unreplaced_placeholder),
		T_QEMU(finish_refuses_blobs_or_map_the_arch_did_not_place),
		T_QEMU(scratch_handover_replaces_the_placeholder_once_placed),
		T_QEMU(scratch_handover_needs_a_kernel_without_kho),
		T_QEMU(scratch_handover_refuses_nodes_nothing_preserves),
		T_QEMU(scratch_handover_warns_when_a_real_map_is_replaced),
		T_QEMU(finish_checks_what_the_segments_left_of_the_scratch),
		T_QEMU(every_warning_is_kept),
		cmocka_unit_test(kernel_scratch_floor_refuses_and_half_of_it_warns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
