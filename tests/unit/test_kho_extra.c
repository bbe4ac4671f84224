// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the loader adds to a handover: --kho-blob nodes, scratch it
 * chooses itself for --kho-scratch (a running kernel without KHO), the
 * empty preserved-memory map that replaces kho-inject's placeholder,
 * and the checks made once the arch code placed everything.
 */
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
#include "options.h"
#include "sha256.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

struct t {
	char *root;
	struct mem_map ram;	/* 1 GiB, the QEMU guest's map below 4 GiB */
	uint8_t fdt[4096];
	size_t fdt_len;
	char path[512];		/* scratch file names */
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	t->root = fx_root();
	if (memmap_add(&t->ram, 0, 0x9fc00, MEM_RAM) ||
	    memmap_add(&t->ram, 0x9fc00, 0x100000, MEM_RESERVED) ||
	    memmap_add(&t->ram, 0x100000, 0x3ffe0000, MEM_RAM) ||
	    memmap_add(&t->ram, 0x3ffe0000, 0x40000000, MEM_RESERVED) ||
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

/* root/NAME with @len bytes of a pattern; returns the full path. */
static const char *put_file(struct t *t, const char *name, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	size_t i;

	assert_non_null(b);
	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7 + 3);
	fx_put(t->root, name, b, len);
	free(b);
	snprintf(t->path, sizeof(t->path), "%s/%s", t->root, name);
	return t->path;
}

/* A sparse file of @len bytes: large sizes without writing them. */
static const char *put_sparse(struct t *t, const char *name, off_t len)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "%s/%s", t->root, name);
	fd = open(t->path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, len), 0);
	close(fd);
	return t->path;
}

/* A handover of a copy of the kernel-like FDT, as --kho-fdt makes. */
static struct kho_handover *file_handover(const struct t *t)
{
	struct kho_handover *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	h->source = KHO_SRC_FILE;
	h->fdt = malloc(t->fdt_len);
	assert_non_null(h->fdt);
	memcpy(h->fdt, t->fdt, t->fdt_len);
	h->fdt_len = h->fdt_size = t->fdt_len;
	h->mem_map = FX_MEM_MAP;
	return h;
}

static char *spec(const char *name, const char *path)
{
	char *s = malloc(strlen(name) + strlen(path) + 2);

	assert_non_null(s);
	sprintf(s, "%s=%s", name, path);
	return s;
}

static uint64_t prop_u64(const void *fdt, const char *node, const char *prop)
{
	int off = node ? fdt_subnode_offset(fdt, 0, node) : 0;
	const void *p;
	uint64_t v;
	int len;

	assert_true(off >= 0);
	p = fdt_getprop(fdt, off, prop, &len);
	assert_non_null(p);
	assert_int_equal(len, 8);
	memcpy(&v, p, 8);
	return v;
}

/* ---- --kho-blob ---- */

static void blob_node_gets_size_and_zero_address_until_placed(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = file_handover(t);
	struct errbuf e = { 0 };
	uint8_t before[KHO_DIGEST_SIZE];
	char *s = spec("mine", put_file(t, "blob", 5000));
	const char *specs[] = { s };

	sha256(t->fdt, t->fdt_len, before);
	assert_int_equal(kho_add_blobs(h, specs, 1, &e), 0);
	assert_int_equal(h->nr_blobs, 1);
	assert_string_equal(h->blobs[0].name, "mine");
	assert_string_equal(h->blobs[0].seg_name, "kho-blob mine");
	assert_int_equal(h->blobs[0].size, 5000);
	assert_int_equal(((uint8_t *)h->blobs[0].data)[4999],
			 (uint8_t)(4999 * 7 + 3));
	assert_int_equal(prop_u64(h->fdt, "mine", "blob-size"), 5000);
	assert_int_equal(prop_u64(h->fdt, "mine", "preserved-data"), 0);
	/* The subsystems' nodes are still there, the whole still valid. */
	assert_int_equal(prop_u64(h->fdt, "LUO", "preserved-data"), 0x2348000);
	assert_int_equal(h->fdt_len, fdt_totalsize(h->fdt));
	assert_int_equal(h->fdt_size, h->fdt_len);
	assert_int_equal(kho_validate_fdt(h->fdt, h->fdt_len, NULL, 0, NULL,
					  &e), 0);
	/* Staleness compares the source as read, not our edit. */
	assert_true(h->edited);
	assert_memory_equal(h->src_digest, before, sizeof(before));

	assert_int_equal(kho_set_blob_phys(h, 0, 0x3fb00000, &e), 0);
	assert_int_equal(prop_u64(h->fdt, "mine", "preserved-data"),
			 0x3fb00000);
	assert_int_equal(h->blobs[0].phys, 0x3fb00000);
	assert_int_equal(kho_set_blob_phys(h, 1, 0x1000, &e), -EINVAL);
	free(s);
	kho_free(h);
}

static void blob_name_taken_by_a_subsystem_is_refused(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = file_handover(t);
	struct errbuf e = { 0 };
	char *s = spec("kho_test", put_file(t, "blob", 10));
	const char *specs[] = { s };

	assert_int_equal(kho_add_blobs(h, specs, 1, &e), -EEXIST);
	assert_non_null(strstr(e.msg, "already has a node \"kho_test\""));
	/* Nothing changed. */
	assert_false(h->edited);
	assert_null(h->blobs);
	assert_memory_equal(h->fdt, t->fdt, t->fdt_len);
	free(s);
	kho_free(h);
}

static void blob_name_matching_a_unit_address_node_is_refused(void **state)
{
	struct t *t = *state;
	const struct fx_node nodes[] = { { .name = "foo@1", .data = 0x1000,
					   .size = 8 } };
	const struct fx_fdt f = { .compat = "kho-v4", .map_len = 8,
				  .mem_map = FX_MEM_MAP, .nodes = nodes,
				  .nr_nodes = 1 };
	struct kho_handover *h = file_handover(t);
	struct errbuf e = { 0 };
	char *s = spec("foo", put_file(t, "blob", 10));
	const char *specs[] = { s };

	/* The kernel's fdt_subnode_offset("foo") would find "foo@1". */
	h->fdt_len = h->fdt_size = fx_make_fdt(h->fdt, t->fdt_len, &f);
	assert_int_equal(kho_add_blobs(h, specs, 1, &e), -EEXIST);
	assert_non_null(strstr(e.msg, "foo@1"));
	free(s);
	kho_free(h);
}

static void blob_given_twice_is_refused(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = file_handover(t);
	struct errbuf e = { 0 };
	char *a = spec("twice", put_file(t, "a", 10));
	char *b = spec("twice", put_file(t, "b", 20));
	const char *specs[] = { a, b };

	assert_int_equal(kho_add_blobs(h, specs, 2, &e), -EEXIST);
	assert_null(h->blobs);
	free(a);
	free(b);
	kho_free(h);
}

static void blob_names_outside_the_node_charset_are_refused(void **state)
{
	static const char *const bad[] = {
		"a/b", "x@1", "sp ace", "new\nline", "", ".", "..",
		"a234567890123456789012345678901234567890123456789012345678901234",
	};
	struct t *t = *state;
	struct errbuf e = { 0 };
	const char *path = put_file(t, "blob", 10);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kho_handover *h = file_handover(t);
		char *s = spec(bad[i], path);
		const char *specs[] = { s };

		err_clear(&e);
		if (kho_add_blobs(h, specs, 1, &e) != -EINVAL)
			fail_msg("blob name \"%s\" accepted", bad[i]);
		assert_non_null(strstr(e.msg, "NAME must be"));
		/* The option and the name, not the FDT it would have broken. */
		if (!strchr(bad[i], '=') && !strchr(bad[i], '\n')) {
			char want[128];

			snprintf(want, sizeof(want), "--kho-blob '%s=...'", bad[i]);
			assert_non_null(strstr(e.msg, want));
		}
		free(s);
		kho_free(h);
	}
}

static void blob_file_empty_missing_or_too_big_is_refused(void **state)
{
	struct t *t = *state;
	struct errbuf e = { 0 };
	struct kho_handover *h = file_handover(t);
	char *s = spec("b", put_file(t, "empty", 0));
	const char *specs[] = { s };

	assert_int_equal(kho_add_blobs(h, specs, 1, &e), -ENODATA);
	assert_non_null(strstr(e.msg, "is empty"));
	free(s);

	s = spec("b", "/nonexistent/blob");
	specs[0] = s;
	err_clear(&e);
	assert_int_equal(kho_add_blobs(h, specs, 1, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "--kho-blob b"));
	assert_non_null(strstr(e.msg, "/nonexistent/blob"));
	free(s);

	s = spec("b", put_sparse(t, "huge", KHO_BLOB_MAX + 1ULL));
	specs[0] = s;
	err_clear(&e);
	assert_int_equal(kho_add_blobs(h, specs, 1, &e), -EFBIG);
	assert_non_null(strstr(e.msg, "larger than"));
	free(s);
	assert_false(h->edited);
	kho_free(h);
}

static void blobs_together_past_the_total_are_refused(void **state)
{
	struct t *t = *state;
	struct errbuf e = { 0 };
	struct kho_handover *h = file_handover(t);
	char *a = spec("a", put_sparse(t, "a", KHO_BLOB_MAX));
	char *b = spec("b", put_sparse(t, "b", KHO_BLOB_MAX));
	char *c = spec("c", put_sparse(t, "c", 4096));
	const char *specs[] = { a, b, c };

	assert_int_equal(kho_add_blobs(h, specs, 3, &e), -EFBIG);
	assert_non_null(strstr(e.msg, "together"));
	free(a);
	free(b);
	free(c);
	kho_free(h);
}

static void blob_on_the_live_page_makes_a_copy_checked_for_staleness(void **state)
{
	struct t *t = *state;
	struct kexec_opts o = { .kho = KHO_AUTO, .nr_kho_blobs = 1 };
	struct kho_handover *h = NULL;
	struct kho_record r;
	struct errbuf e = { 0 };
	uint8_t live[KHO_DIGEST_SIZE], changed[4096];
	char *s = spec("mine", put_file(t, "blob", 100));
	const struct fx_kcore k = {
		.kho_out_value = FX_FDT_VA, .fdt_page = changed,
		.fdt_page_len = sizeof(changed),
	};
	int off;
	uint64_t v = 0x999;

	o.kho_blob[0] = s;
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
	struct t *t = *state;
	struct kexec_opts o = { .kho = KHO_AUTO, .nr_kho_blobs = 1 };
	struct kho_handover *h = NULL;
	struct kho_record r;
	struct errbuf e = { 0 };
	char fdt_path[512];
	char *s = spec("mine", put_file(t, "blob", 100));

	o.kho_blob[0] = s;
	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	fx_put(t->root, "k.fdt", t->fdt, t->fdt_len);
	snprintf(fdt_path, sizeof(fdt_path), "%s/k.fdt", t->root);
	o.kho_fdt = fdt_path;
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), 0);
	assert_int_equal(kho_record_save(t->root, h, &e), 0);
	assert_int_equal(kho_record_load(t->root, &r, &e), 0);
	/* Not stale just because what was handed over has one node more. */
	assert_int_equal(kho_record_check(t->root, &r, &e), 0);
	free(s);
	kho_free(h);
}

/* ---- the placeholder ---- */

static void placeholder_constant_is_the_one_kho_inject_writes(void **state)
{
	(void)state;
	/* Non-zero, page aligned (validates), above any physical address. */
	assert_int_equal(KHO_MEM_MAP_PLACEHOLDER, 0xfffffffffffff000ULL);
	assert_int_equal(KHO_MEM_MAP_PLACEHOLDER & 0xfff, 0);
}

static char *placeholder_file(struct t *t, const struct fx_node *nodes,
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

static void placeholder_on_a_kho_kernel_is_refused(void **state)
{
	struct t *t = *state;
	struct kexec_opts o = { .kho = KHO_AUTO };
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, KHO_MEM_MAP_PLACEHOLDER);

	fx_kho_root(t->root, t->fdt, t->fdt_len, 0);
	o.kho_fdt = path;
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), -EINVAL);
	assert_null(h);
	assert_non_null(strstr(e.msg, "placeholder"));
	assert_non_null(strstr(e.msg, "--kho-scratch"));
	free(path);
}

static void fdt_or_blob_without_kho_and_scratch_is_an_error(void **state)
{
	struct t *t = *state;
	struct kexec_opts o = { .kho = KHO_AUTO };
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, KHO_MEM_MAP_PLACEHOLDER);

	/* Not silently "no handover": the user asked for one. */
	o.kho_fdt = path;
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), -ENOENT);
	assert_null(h);
	assert_non_null(strstr(e.msg, "give --kho-scratch"));
	o.kho_fdt = NULL;
	o.kho_blob[0] = "b=/x";
	o.nr_kho_blobs = 1;
	err_clear(&e);
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), -ENOENT);
	/* Without any of them, a kernel without KHO just gets none. */
	o.nr_kho_blobs = 0;
	assert_int_equal(kho_prepare(t->root, &o, &t->ram, &h, &e), 0);
	assert_null(h);
	free(path);
}

static void finish_refuses_an_unreplaced_placeholder(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = file_handover(t);
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
	struct t *t = *state;
	struct kho_handover *h = file_handover(t);
	struct errbuf e = { 0 };
	char *s = spec("mine", put_file(t, "blob", 10));
	const char *specs[] = { s };

	assert_int_equal(kho_add_blobs(h, specs, 1, &e), 0);
	assert_int_equal(kho_finish(h, 0, &e), -ENOSYS);
	assert_non_null(strstr(e.msg, "--kho-blob mine was not placed"));
	assert_int_equal(kho_set_blob_phys(h, 0, 0x200000, &e), 0);
	err_clear(&e);
	assert_int_equal(kho_finish(h, 0, &e), 0);

	h->empty_map = true;
	h->mem_map = KHO_MEM_MAP_PLACEHOLDER;
	assert_int_equal(kho_finish(h, 0, &e), -ENOSYS);
	assert_non_null(strstr(e.msg, "empty preserved-memory map"));
	free(s);
	kho_free(h);
}

/* ---- --kho-scratch: sizing and placement ---- */

static void budget_is_64_mib_plus_2_percent_plus_swiotlb_above_4g(void **state)
{
	struct t *t = *state;
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

static bool inside_ram(const struct mem_map *m, uint64_t a, uint64_t s)
{
	return memmap_covers(m, a, a + s, MEM_RAM);
}

static void auto_scratch_follows_the_sizing_rule(void **state)
{
	struct t *t = *state;
	struct kexec_opts o = { .kho_scratch_auto = true };
	struct kho_scratch *s = NULL;
	struct errbuf e = { 0 };
	uint64_t ram = memmap_total(&t->ram, MEM_RAM);
	size_t nr = 0;

	assert_int_equal(kho_choose_scratch(&o, &t->ram, 30 * MiB, &s, &nr,
					    &e), 0);
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
	struct kexec_opts o = { .kho_scratch_auto = true };
	struct kho_scratch *s = NULL;
	struct mem_map big = { 0 };
	struct errbuf e = { 0 };
	size_t nr = 0;

	(void)state;
	assert_int_equal(memmap_add(&big, 1 * MiB, 2 * GiB, MEM_RAM), 0);
	assert_int_equal(memmap_add(&big, 4 * GiB, 68 * GiB, MEM_RAM), 0);
	assert_int_equal(kho_choose_scratch(&o, &big, 40 * MiB, &s, &nr, &e),
			 0);
	assert_int_equal(nr, 2);
	/* 40 + 64 + 64 (swiotlb), below 4 GiB; 2% of 66 GiB at the top. */
	assert_int_equal(s[0].size, 168 * MiB);
	assert_true(s[0].addr + s[0].size <= 2 * GiB);
	assert_true(s[1].size >= (66 * GiB) / 50);
	assert_int_equal(s[1].addr + s[1].size, 68 * GiB);
	free(s);
	memmap_free(&big);
}

static int choose(struct t *t, const char *arg, struct kho_scratch **s,
		  size_t *nr, struct errbuf *e)
{
	char *argv[] = { "kexec", "-l", "--kho-fdt=f", "--kho-scratch",
			 (char *)arg, "k", NULL };
	struct kexec_opts o;
	int ret;

	ret = parse_options(6, argv, &o, e);
	if (!ret)
		ret = kho_choose_scratch(&o, &t->ram, 0, s, nr, e);
	free_options(&o);
	return ret;
}

static void explicit_size_is_honoured_and_rounded_to_4_mib(void **state)
{
	struct t *t = *state;
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
	struct t *t = *state;
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
	struct t *t = *state;
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

/* ---- --kho-scratch: the whole preparation ---- */

static int prepare_scratch(struct t *t, const char *fdt_path,
			   const char *arg, const char *blob,
			   struct kho_handover **h, struct errbuf *e)
{
	char *argv[10] = { "kexec", "-l", "--kho-fdt", (char *)fdt_path,
			   "--kho-scratch", (char *)arg };
	struct kexec_opts o;
	int argc = 6, ret;

	if (blob) {
		argv[argc++] = "--kho-blob";
		argv[argc++] = (char *)blob;
	}
	argv[argc++] = "k";
	ret = parse_options(argc, argv, &o, e);
	if (!ret)
		ret = kho_prepare(t->root, &o, &t->ram, h, e);
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

static void scratch_handover_replaces_the_placeholder_once_placed(void **state)
{
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, KHO_MEM_MAP_PLACEHOLDER);
	char *s = spec("mine", put_file(t, "blob", 3000));
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
	assert_string_equal(h->warning, "");
	/* Until the arch code places the map, the placeholder stays. */
	assert_int_equal(prop_u64(h->fdt, NULL, "preserved-memory-map"),
			 KHO_MEM_MAP_PLACEHOLDER);
	assert_true(fdt_subnode_offset(h->fdt, 0, "mine") >= 0);
	/* Staleness compares the file as it is on disk, not our edit. */
	assert_true(h->edited);
	file_digest_of(path, file_digest);
	assert_memory_equal(h->src_digest, file_digest, sizeof(file_digest));

	memcpy(copy, h->fdt, h->fdt_len);
	assert_int_equal(kho_set_mem_map(h, copy, 0x3fb00000, &e), 0);
	assert_int_equal(h->mem_map, 0x3fb00000);
	assert_int_equal(prop_u64(h->fdt, NULL, "preserved-memory-map"),
			 0x3fb00000);
	assert_int_equal(prop_u64(copy, NULL, "preserved-memory-map"),
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
	struct t *t = *state;
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
	struct t *t = *state;
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
	struct t *t = *state;
	struct kho_handover *h = NULL;
	struct errbuf e = { 0 };
	char *path = placeholder_file(t, NULL, 0, FX_MEM_MAP);

	assert_int_equal(prepare_scratch(t, path, "auto", NULL, &h, &e), 0);
	assert_true(h->scratch_auto);
	assert_int_equal(h->nr_scratch, 2);
	assert_non_null(strstr(h->warning, "empty map replaces it"));
	assert_int_equal(prop_u64(h->fdt, NULL, "preserved-memory-map"),
			 KHO_MEM_MAP_PLACEHOLDER);
	free(path);
	kho_free(h);
}

static void finish_checks_what_the_segments_left_of_the_scratch(void **state)
{
	struct t *t = *state;
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
	assert_non_null(strstr(h->warning, "leaves 48 MiB free"));
	free(path);
	kho_free(h);
}

/*
 * The running kernel's scratch: 1 GiB of RAM needs at least 16 MiB of
 * struct pages + 16 MiB; half of a 128 MiB scratch (64 MiB) is below the
 * budget (84 MiB), so it is what the next kernel probably needs.
 */
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
	assert_non_null(strstr(h.warning, "may need about 64 MiB"));
	h.warning[0] = '\0';
	assert_int_equal(kho_check_kernel_scratch(&h, 63 * MiB, &ram, false,
						  NULL), 0);
	assert_non_null(strstr(h.warning, "leave 63 MiB"));
	h.warning[0] = '\0';
	assert_int_equal(kho_check_kernel_scratch(&h, 64 * MiB, &ram, false,
						  NULL), 0);
	assert_string_equal(h.warning, "");
	/* Scratch the loader chose is kho_finish()'s to judge. */
	h.own_scratch = true;
	assert_int_equal(kho_check_kernel_scratch(&h, 0, &ram, false, NULL), 0);
	memmap_free(&ram);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(blob_node_gets_size_and_zero_address_until_placed),
		T(blob_name_taken_by_a_subsystem_is_refused),
		T(blob_name_matching_a_unit_address_node_is_refused),
		T(blob_given_twice_is_refused),
		T(blob_names_outside_the_node_charset_are_refused),
		T(blob_file_empty_missing_or_too_big_is_refused),
		T(blobs_together_past_the_total_are_refused),
		T(blob_on_the_live_page_makes_a_copy_checked_for_staleness),
		T(blob_on_a_file_records_the_file_not_the_edit),
		T(placeholder_constant_is_the_one_kho_inject_writes),
		T(placeholder_on_a_kho_kernel_is_refused),
		T(fdt_or_blob_without_kho_and_scratch_is_an_error),
		T(finish_refuses_an_unreplaced_placeholder),
		T(finish_refuses_blobs_or_map_the_arch_did_not_place),
		T(budget_is_64_mib_plus_2_percent_plus_swiotlb_above_4g),
		T(auto_scratch_follows_the_sizing_rule),
		T(auto_scratch_with_ram_above_4g_keeps_0_low),
		T(explicit_size_is_honoured_and_rounded_to_4_mib),
		T(explicit_addresses_are_kept_and_others_steer_around),
		T(explicit_scratch_hostile_input_is_refused),
		T(scratch_handover_replaces_the_placeholder_once_placed),
		T(scratch_handover_needs_a_kernel_without_kho),
		T(scratch_handover_refuses_nodes_nothing_preserves),
		T(scratch_handover_warns_when_a_real_map_is_replaced),
		T(finish_checks_what_the_segments_left_of_the_scratch),
		cmocka_unit_test(kernel_scratch_floor_refuses_and_half_of_it_warns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
