// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 DTB for the next kernel: /chosen rewritten (bootargs, initrd,
 * seeds), stale properties and their /memreserve/ entries removed, the KHO
 * properties in the root's cell sizes, and the PL011 the purgatory uses.
 */
#include <errno.h>
#include <libfdt.h>
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

#include "arm64.h"
#include "errbuf.h"
#include "kho.h"
#include "placement.h"

#define SRC_SIZE 65536
#define OLD_INITRD 0x48000000ULL
#define OLD_INITRD_LEN 0x123456ULL
#define OLD_KHO_FDT 0x4a000000ULL
#define FW_RSV 0x40000000ULL

static void ok(int fdt_err)
{
	if (fdt_err)
		fail_msg("libfdt: %s", fdt_strerror(fdt_err));
}

static void set_cells(void *fdt, int node, const char *name, uint64_t v,
		      int cells)
{
	fdt32_t c[2];

	if (cells == 1) {
		c[0] = cpu_to_fdt32((uint32_t)v);
	} else {
		c[0] = cpu_to_fdt32((uint32_t)(v >> 32));
		c[1] = cpu_to_fdt32((uint32_t)v);
	}
	ok(fdt_setprop(fdt, node, name, c, cells * 4));
}

/*
 * What /sys/firmware/fdt looks like after a kexec by an older loader:
 * everything a careless loader would carry over.
 */
static void *make_src(int ac, int sc, bool with_chosen)
{
	void *fdt = malloc(SRC_SIZE);
	int mem, chosen, uart;
	fdt32_t reg[4];

	assert_non_null(fdt);
	ok(fdt_create_empty_tree(fdt, SRC_SIZE));
	ok(fdt_setprop_u32(fdt, 0, "#address-cells", ac));
	ok(fdt_setprop_u32(fdt, 0, "#size-cells", sc));
	mem = fdt_add_subnode(fdt, 0, "memory@40000000");
	assert_true(mem >= 0);
	ok(fdt_setprop_string(fdt, mem, "device_type", "memory"));
	set_cells(fdt, mem, "reg", 0x40000000, ac);
	ok(fdt_appendprop_u32(fdt, mem, "reg", 0x40000000));
	uart = fdt_add_subnode(fdt, 0, "pl011@9000000");
	ok(fdt_setprop_string(fdt, uart, "compatible", "arm,pl011"));
	reg[0] = cpu_to_fdt32(0);
	reg[1] = cpu_to_fdt32(0x9000000);
	reg[2] = cpu_to_fdt32(0);
	reg[3] = cpu_to_fdt32(0x1000);
	ok(fdt_setprop(fdt, uart, "reg", ac == 2 ? reg : reg + 1,
		       ac == 2 ? 16 : 8));
	ok(fdt_add_mem_rsv(fdt, FW_RSV, 0x1000));
	ok(fdt_add_mem_rsv(fdt, OLD_INITRD, OLD_INITRD_LEN));
	ok(fdt_add_mem_rsv(fdt, OLD_KHO_FDT, 0x2000));
	if (!with_chosen)
		return fdt;
	chosen = fdt_add_subnode(fdt, 0, "chosen");
	ok(fdt_setprop_string(fdt, chosen, "bootargs", "old cmdline"));
	ok(fdt_setprop_string(fdt, chosen, "stdout-path", "/pl011@9000000"));
	ok(fdt_setprop_u32(fdt, chosen, "linux,initrd-start", OLD_INITRD));
	ok(fdt_setprop_u32(fdt, chosen, "linux,initrd-end",
			   OLD_INITRD + OLD_INITRD_LEN));
	ok(fdt_setprop_u64(fdt, chosen, "kaslr-seed", 0));
	ok(fdt_setprop_u64(fdt, chosen, "linux,elfcorehdr", 0x50000000));
	ok(fdt_setprop_u64(fdt, chosen, "linux,usable-memory-range", 0x1));
	ok(fdt_setprop_u64(fdt, chosen, "linux,ima-kexec-buffer", 0x2));
	set_cells(fdt, chosen, "linux,kho-fdt", OLD_KHO_FDT, ac);
	if (sc == 2)
		ok(fdt_appendprop_u64(fdt, chosen, "linux,kho-fdt", 0x2000));
	else
		ok(fdt_appendprop_u32(fdt, chosen, "linux,kho-fdt", 0x2000));
	ok(fdt_setprop_u64(fdt, chosen, "linux,kho-scratch", 0x3));
	ok(fdt_setprop_string(fdt, chosen, "linux,uefi-mmap-start", "kept"));
	fdt_pack(fdt);
	return fdt;
}

static void *build(const void *src, const struct arm64_chosen *c, int want)
{
	struct errbuf e = { 0 };
	void *out = NULL;
	size_t len = 0;

	assert_int_equal(arm64_dtb_build(src, fdt_totalsize(src), c, &out,
					 &len, &e), want);
	if (want)
		return NULL;
	assert_int_equal(len, fdt_totalsize(out));
	assert_int_equal(fdt_check_full(out, len), 0);
	return out;
}

static int chosen_of(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/chosen");

	assert_true(node >= 0);
	return node;
}

static uint64_t get_u64(const void *fdt, int node, const char *name)
{
	const void *p;
	fdt64_t v;
	int len;

	/* Properties are only 4-byte aligned. */
	p = fdt_getprop(fdt, node, name, &len);
	assert_non_null(p);
	assert_int_equal(len, 8);
	memcpy(&v, p, sizeof(v));
	return fdt64_to_cpu(v);
}

static bool has_prop(const void *fdt, int node, const char *name)
{
	return fdt_getprop(fdt, node, name, NULL) != NULL;
}

static bool has_rsv(const void *fdt, uint64_t addr, uint64_t size)
{
	uint64_t a, s;

	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		ok(fdt_get_mem_rsv(fdt, i, &a, &s));
		if (a == addr && s == size)
			return true;
	}
	return false;
}

/* ---- /chosen ---- */

static void chosen_gets_bootargs_initrd_and_seeds(void **state)
{
	void *src = make_src(2, 2, true), *out;
	struct arm64_chosen c = {
		.cmdline = "console=ttyAMA0 root=/dev/ram0",
		.initrd_start = 0x44000000, .initrd_size = 0x1234,
	};
	const uint8_t *rng;
	int chosen, len;

	out = build(src, &c, 0);
	chosen = chosen_of(out);
	assert_string_equal(fdt_getprop(out, chosen, "bootargs", NULL),
			    "console=ttyAMA0 root=/dev/ram0");
	assert_int_equal(get_u64(out, chosen, "linux,initrd-start"), 0x44000000);
	assert_int_equal(get_u64(out, chosen, "linux,initrd-end"),
			 0x44000000 + 0x1234);
	assert_int_not_equal(get_u64(out, chosen, "kaslr-seed"), 0);
	rng = fdt_getprop(out, chosen, "rng-seed", &len);
	assert_non_null(rng);
	assert_int_equal(len, ARM64_RNG_SEED_SIZE);
	free(out);
	free(src);
}

static void stale_chosen_properties_removed(void **state)
{
	void *src = make_src(2, 2, true), *out;
	struct arm64_chosen c = { .cmdline = "x" };
	int chosen;

	out = build(src, &c, 0);
	chosen = chosen_of(out);
	assert_false(has_prop(out, chosen, "linux,elfcorehdr"));
	assert_false(has_prop(out, chosen, "linux,usable-memory-range"));
	assert_false(has_prop(out, chosen, "linux,ima-kexec-buffer"));
	assert_false(has_prop(out, chosen, "linux,kho-fdt"));
	assert_false(has_prop(out, chosen, "linux,kho-scratch"));
	/* No initrd this time: the old one's properties must go. */
	assert_false(has_prop(out, chosen, "linux,initrd-start"));
	assert_false(has_prop(out, chosen, "linux,initrd-end"));
	/* Firmware's own /chosen content stays. */
	assert_true(has_prop(out, chosen, "linux,uefi-mmap-start"));
	assert_true(has_prop(out, chosen, "stdout-path"));
	free(out);
	free(src);
}

static void memory_nodes_kept(void **state)
{
	void *src = make_src(2, 1, true), *out;
	struct arm64_chosen c = { .cmdline = "x" };
	const void *a, *b;
	int la, lb;

	out = build(src, &c, 0);
	a = fdt_getprop(src, fdt_path_offset(src, "/memory@40000000"), "reg",
			&la);
	b = fdt_getprop(out, fdt_path_offset(out, "/memory@40000000"), "reg",
			&lb);
	assert_non_null(b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(out);
	free(src);
}

static void chosen_created_when_missing(void **state)
{
	void *src = make_src(2, 2, false), *out;
	struct arm64_chosen c = { .cmdline = "hello" };

	out = build(src, &c, 0);
	assert_string_equal(fdt_getprop(out, chosen_of(out), "bootargs", NULL),
			    "hello");
	free(out);
	free(src);
}

static void empty_cmdline_drops_bootargs(void **state)
{
	void *src = make_src(2, 2, true), *out;
	struct arm64_chosen c = { .cmdline = "" };

	out = build(src, &c, 0);
	assert_false(has_prop(out, chosen_of(out), "bootargs"));
	free(out);
	free(src);
}

static void previous_kexec_memreserves_removed(void **state)
{
	void *src = make_src(2, 2, true), *out;
	struct arm64_chosen c = { .cmdline = "x" };

	assert_true(has_rsv(src, OLD_INITRD, OLD_INITRD_LEN));
	out = build(src, &c, 0);
	assert_false(has_rsv(out, OLD_INITRD, OLD_INITRD_LEN));
	assert_false(has_rsv(out, OLD_KHO_FDT, 0x2000));
	/* One the firmware made is not ours to drop. */
	assert_true(has_rsv(out, FW_RSV, 0x1000));
	assert_int_equal(fdt_num_mem_rsv(out), 1);
	free(out);
	free(src);
}

static void seeds_differ_between_loads(void **state)
{
	void *src = make_src(2, 2, true), *a, *b;
	struct arm64_chosen c = { .cmdline = "x" };
	const void *ra, *rb;

	a = build(src, &c, 0);
	b = build(src, &c, 0);
	assert_int_not_equal(get_u64(a, chosen_of(a), "kaslr-seed"),
			     get_u64(b, chosen_of(b), "kaslr-seed"));
	ra = fdt_getprop(a, chosen_of(a), "rng-seed", NULL);
	rb = fdt_getprop(b, chosen_of(b), "rng-seed", NULL);
	assert_memory_not_equal(ra, rb, ARM64_RNG_SEED_SIZE);
	free(a);
	free(b);
	free(src);
}

static void invalid_dtb_rejected(void **state)
{
	void *src = make_src(2, 2, true);
	struct arm64_chosen c = { .cmdline = "x" };
	struct errbuf e = { 0 };
	void *out;
	size_t len;

	/* A structure block offset beyond the blob. */
	((fdt32_t *)src)[2] = cpu_to_fdt32(0x7fffff00);
	assert_int_equal(arm64_dtb_build(src, SRC_SIZE, &c, &out, &len, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "not a valid device tree"));
	/* A buffer shorter than the header's totalsize. */
	free(src);
	src = make_src(2, 2, true);
	err_clear(&e);
	assert_int_equal(arm64_dtb_build(src, fdt_totalsize(src) - 1, &c, &out,
					 &len, &e), -EINVAL);
	free(src);
}

static void dtb_over_2mib_rejected(void **state)
{
	size_t big = ARM64_DTB_MAX - 256;
	void *src = malloc(ARM64_DTB_MAX + 65536), *blob = calloc(1, big);
	struct arm64_chosen c = { .cmdline = "a long enough command line" };
	struct errbuf e = { 0 };
	void *out;
	size_t len;

	ok(fdt_create_empty_tree(src, ARM64_DTB_MAX + 65536));
	ok(fdt_setprop(src, 0, "filler", blob, (int)big));
	fdt_pack(src);
	assert_int_equal(arm64_dtb_build(src, fdt_totalsize(src), &c, &out,
					 &len, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "2 MiB"));
	free(blob);
	free(src);
}

/* ---- KHO ---- */

static void kho_pairs_use_two_cells(void **state)
{
	void *src = make_src(2, 2, true), *out;
	struct arm64_chosen c = {
		.cmdline = "x",
		.kho_fdt_addr = 0x1234500000ULL, .kho_fdt_size = 0x1000,
		.kho_scratch_addr = 0x46000000, .kho_scratch_size = 48,
	};
	const fdt32_t *p;
	int len;

	out = build(src, &c, 0);
	p = fdt_getprop(out, chosen_of(out), "linux,kho-fdt", &len);
	assert_non_null(p);
	assert_int_equal(len, 16);
	assert_int_equal(fdt32_to_cpu(p[0]), 0x12);
	assert_int_equal(fdt32_to_cpu(p[1]), 0x34500000);
	assert_int_equal(fdt32_to_cpu(p[2]), 0);
	assert_int_equal(fdt32_to_cpu(p[3]), 0x1000);
	p = fdt_getprop(out, chosen_of(out), "linux,kho-scratch", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt32_to_cpu(p[1]), 0x46000000);
	assert_int_equal(fdt32_to_cpu(p[3]), 48);
	/* Live FDT: preserved memory already, no /memreserve/. */
	assert_false(has_rsv(out, 0x1234500000ULL, 0x1000));
	free(out);
	free(src);
}

static void kho_pairs_use_one_cell(void **state)
{
	void *src = make_src(1, 1, true), *out;
	struct arm64_chosen c = {
		.cmdline = "x",
		.kho_fdt_addr = 0x45000000, .kho_fdt_size = 0x195,
		.kho_scratch_addr = 0x46000000, .kho_scratch_size = 32,
		.rsv = { { 0x45000000, 0x195 } }, .nr_rsv = 1,
	};
	const fdt32_t *p;
	int len;

	out = build(src, &c, 0);
	p = fdt_getprop(out, chosen_of(out), "linux,kho-fdt", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_to_cpu(p[0]), 0x45000000);
	assert_int_equal(fdt32_to_cpu(p[1]), 0x195);
	p = fdt_getprop(out, chosen_of(out), "linux,kho-scratch", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_to_cpu(p[0]), 0x46000000);
	assert_int_equal(fdt32_to_cpu(p[1]), 32);
	/* A copy is covered by a /memreserve/ entry. */
	assert_true(has_rsv(out, 0x45000000, 0x195));
	free(out);
	free(src);
}

static void kho_address_too_big_for_one_cell_rejected(void **state)
{
	void *src = make_src(1, 1, true);
	struct arm64_chosen c = {
		.cmdline = "x",
		.kho_fdt_addr = 0x100000000ULL, .kho_fdt_size = 0x1000,
		.kho_scratch_addr = 0x46000000, .kho_scratch_size = 32,
	};
	struct errbuf e = { 0 };
	void *out;
	size_t len;

	assert_int_equal(arm64_dtb_build(src, fdt_totalsize(src), &c, &out,
					 &len, &e), -ERANGE);
	assert_non_null(strstr(e.msg, "linux,kho-fdt"));
	free(src);
}

static void root_cells_default_to_one_like_the_kernel(void **state)
{
	char buf[4096];
	struct errbuf e = { 0 };
	int ac = 0, sc = 0;

	ok(fdt_create_empty_tree(buf, sizeof(buf)));
	assert_int_equal(arm64_dt_root_cells(buf, &ac, &sc, &e), 0);
	assert_int_equal(ac, 1);
	assert_int_equal(sc, 1);
	ok(fdt_setprop_u32(buf, 0, "#address-cells", 5));
	ok(fdt_setprop_u32(buf, 0, "#size-cells", 2));
	assert_int_equal(arm64_dt_set_addr_size(buf, 0, "p", 1, 1, &e),
			 -EINVAL);
}

static struct kho_scratch scratch3[3] = {
	{ 0x48000000, 0x5000000 }, { 0x4dc00000, 0 }, { 0x50000000, 0xf000000 },
};

static void plan_1g(struct plan *p)
{
	struct mem_map m = { 0 };

	assert_int_equal(memmap_add(&m, 0x40000000, 0x80000000, MEM_RAM), 0);
	assert_int_equal(plan_init(p, &m), 0);
	memmap_free(&m);
}

static void kho_copy_placed_and_reserved(void **state)
{
	static uint8_t fdt_copy[0x195] = { 0xd0, 0x0d, 0xfe, 0xed };
	struct kho_handover h = {
		.source = KHO_SRC_DEBUGFS,
		.fdt = fdt_copy, .fdt_len = sizeof(fdt_copy),
		.scratch = scratch3, .nr_scratch = 3,
	};
	struct arm64_chosen c = { 0 };
	struct errbuf e = { 0 };
	struct plan p;

	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), 0);
	assert_int_equal(p.nr, 2);
	assert_string_equal(p.seg[0].name, "kho-scratch");
	assert_ptr_equal(p.seg[0].buf, scratch3);
	assert_int_equal(p.seg[0].bufsz, 48);
	assert_int_equal(c.kho_scratch_addr, p.seg[0].mem);
	assert_int_equal(c.kho_scratch_size, 48);	/* exact, not a page */
	assert_string_equal(p.seg[1].name, "kho-fdt");
	assert_int_equal(c.kho_fdt_addr, p.seg[1].mem);
	assert_int_equal(h.fdt_phys, p.seg[1].mem);
	assert_int_equal(c.kho_fdt_size, sizeof(fdt_copy));
	assert_int_equal(c.nr_rsv, 1);
	assert_int_equal(c.rsv[0].addr, p.seg[1].mem);
	assert_int_equal(c.rsv[0].size, sizeof(fdt_copy));
	plan_free(&p);
}

static void kho_live_points_at_the_page(void **state)
{
	struct kho_handover h = {
		.source = KHO_SRC_LIVE,
		.fdt_phys = 0x7f000000, .fdt_size = 4096,
		.scratch = scratch3, .nr_scratch = 3,
	};
	struct arm64_chosen c = { 0 };
	struct errbuf e = { 0 };
	struct plan p;

	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), 0);
	assert_int_equal(p.nr, 1);	/* the scratch array only */
	assert_int_equal(c.kho_fdt_addr, 0x7f000000);
	assert_int_equal(c.kho_fdt_size, 4096);
	assert_int_equal(c.nr_rsv, 0);
	plan_free(&p);

	h.nr_scratch = 0;
	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "scratch"));
	plan_free(&p);
}

/* A KHO FDT as the kernel makes it: compatible and a map, no subtrees. */
static void *kho_fdt(uint64_t map, size_t *len)
{
	void *fdt = malloc(4096);

	ok(fdt_create_empty_tree(fdt, 4096));
	ok(fdt_setprop_string(fdt, 0, "compatible", "kho-v4"));
	ok(fdt_setprop(fdt, 0, "preserved-memory-map", &map, sizeof(map)));
	fdt_pack(fdt);
	*len = fdt_totalsize(fdt);
	return fdt;
}

static uint64_t native_u64(const void *fdt, int node, const char *name)
{
	const void *p;
	uint64_t v;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	assert_non_null(p);
	assert_int_equal(len, 8);
	memcpy(&v, p, 8);
	return v;
}

static const struct segment *seg_named(const struct plan *p, const char *n)
{
	for (size_t i = 0; i < p->nr; i++)
		if (!strcmp(p->seg[i].name, n))
			return &p->seg[i];
	fail_msg("no segment %s", n);
	return NULL;
}

static bool has_own_rsv(const struct arm64_chosen *c, uint64_t a, uint64_t s)
{
	for (size_t i = 0; i < c->nr_rsv; i++)
		if (c->rsv[i].addr == a && c->rsv[i].size == s)
			return true;
	return false;
}

static void kho_blobs_placed_pointed_at_and_reserved(void **state)
{
	char path[] = "/tmp/arm64-blob-XXXXXX", spec[64];
	const char *specs[1] = { spec };
	struct kho_handover h = {
		.source = KHO_SRC_DEBUGFS,
		.scratch = scratch3, .nr_scratch = 3,
	};
	const struct segment *blob, *copy;
	struct arm64_chosen c = { 0 };
	struct errbuf e = { 0 };
	struct plan p;
	int fd;

	h.fdt = kho_fdt(0x7e000000, &h.fdt_len);
	fd = mkstemp(path);
	assert_int_equal(write(fd, "blob bytes", 10), 10);
	close(fd);
	snprintf(spec, sizeof(spec), "b1=%s", path);
	assert_int_equal(kho_add_blobs(&h, specs, 1, &e), 0);
	unlink(path);

	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), 0);
	blob = seg_named(&p, "kho-blob b1");
	copy = seg_named(&p, "kho-fdt");
	assert_int_equal(blob->bufsz, 10);
	/* The copy handed over names the blob's address. */
	assert_ptr_equal(copy->buf, h.fdt);
	assert_int_equal(native_u64(h.fdt, fdt_subnode_offset(h.fdt, 0, "b1"),
				    "preserved-data"), blob->mem);
	assert_true(has_own_rsv(&c, blob->mem, 10));
	assert_true(has_own_rsv(&c, copy->mem, h.fdt_len));
	assert_int_equal(kho_finish(&h, 0, &e), 0);
	plan_free(&p);
	free(h.fdt);
	free(h.blobs[0].data);
	free(h.blobs);
}

static void kho_empty_map_placed_and_reserved(void **state)
{
	struct kho_handover h = {
		.source = KHO_SRC_FILE,
		.scratch = scratch3, .nr_scratch = 3,
		.empty_map = true, .mem_map = KHO_MEM_MAP_PLACEHOLDER,
	};
	const struct segment *map;
	struct arm64_chosen c = { 0 };
	struct errbuf e = { 0 };
	struct plan p;
	uint8_t zero[4096] = { 0 };

	h.fdt = kho_fdt(KHO_MEM_MAP_PLACEHOLDER, &h.fdt_len);
	/* Not placed yet: the core refuses to hand the placeholder over. */
	assert_int_not_equal(kho_finish(&h, 0, NULL), 0);
	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), 0);
	map = seg_named(&p, "kho-mem-map");
	assert_int_equal(map->bufsz, 4096);
	assert_memory_equal(map->buf, zero, 4096);
	assert_int_equal(native_u64(h.fdt, 0, "preserved-memory-map"), map->mem);
	assert_true(has_own_rsv(&c, map->mem, 4096));
	assert_int_equal(kho_finish(&h, 0, &e), 0);
	plan_free(&p);
	free(h.fdt);
}

/*
 * The next kernel reads the empty map as one of its pages: 16 or 64 KiB
 * of zeros for such a kernel, 64 KiB when its Image does not say.
 */
static void kho_empty_map_is_a_page_of_the_next_kernel(void **state)
{
	static const struct { unsigned int page; uint64_t size; } cases[] = {
		{ 4096, 4096 }, { 16384, 16384 }, { 65536, 65536 }, { 0, 65536 },
	};
	static uint8_t zero[65536];
	const struct segment *map;
	struct errbuf e = { 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kho_handover h = {
			.source = KHO_SRC_FILE,
			.scratch = scratch3, .nr_scratch = 3,
			.empty_map = true, .mem_map = KHO_MEM_MAP_PLACEHOLDER,
		};
		struct arm64_chosen c = { 0 };
		struct plan p;

		h.fdt = kho_fdt(KHO_MEM_MAP_PLACEHOLDER, &h.fdt_len);
		plan_1g(&p);
		/* Something 4 KiB-sized first, so alignment is not a given. */
		assert_int_equal(arm64_kho_place(&p, &h, cases[i].page, &c, &e), 0);
		map = seg_named(&p, "kho-mem-map");
		assert_int_equal(map->bufsz, cases[i].size);
		assert_int_equal(map->memsz, cases[i].size);
		assert_int_equal(map->mem % cases[i].size, 0);
		assert_memory_equal(map->buf, zero, cases[i].size);
		assert_int_equal(native_u64(h.fdt, 0, "preserved-memory-map"),
				 map->mem);
		assert_true(has_own_rsv(&c, map->mem, cases[i].size));
		plan_free(&p);
		free(h.fdt);
	}
}

/*
 * Scratch the loader chose (4 MiB steps) suits a 4 KiB-page kernel; a 16
 * or 64 KiB one wants it aligned to 32 or 512 MiB, else the load is
 * refused with what to give instead.
 */
static void kho_own_scratch_aligned_for_the_next_kernels_pages(void **state)
{
	static struct kho_scratch mib4[2] = {
		{ 0x48000000, 0x5000000 }, { 0x7c400000, 0x400000 },
	};
	static struct kho_scratch mib512[2] = {
		{ 0x40000000, 0x20000000 }, { 0x60000000, 0 },
	};
	static const struct {
		struct kho_scratch *s;
		unsigned int page;
		int want;
		const char *msg;
	} cases[] = {
		{ mib4, 4096, 0, NULL },
		{ mib4, 0, 0, NULL },
		{ mib4, 16384, -EINVAL, "region 0 [0x48000000, 0x4d000000) is not aligned to 32 MiB" },
		{ mib4, 65536, -EINVAL, "not aligned to 512 MiB, which the next kernel (64 KiB pages) needs" },
		{ mib512, 65536, 0, NULL },
		{ mib512, 16384, 0, NULL },
	};
	struct errbuf e = { 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kho_handover h = {
			.source = KHO_SRC_FILE,
			.scratch = cases[i].s, .nr_scratch = 2,
			.own_scratch = true,
		};
		struct arm64_chosen c = { 0 };
		struct plan p;

		h.fdt = kho_fdt(0x7e000000, &h.fdt_len);
		plan_1g(&p);
		err_clear(&e);
		assert_int_equal(arm64_kho_place(&p, &h, cases[i].page, &c, &e),
				 cases[i].want);
		if (cases[i].msg) {
			assert_non_null(strstr(e.msg, cases[i].msg));
			assert_int_equal(p.nr, 0);	/* nothing placed */
		}
		plan_free(&p);
		free(h.fdt);
	}
}

/*
 * The next kernel must have the running kernel's pages (the preserved
 * map is laid out in them) and its scratch must suit them: each refusal
 * is one line naming both page sizes or the region and the alignment;
 * --force takes anything, --kho-scratch and an Image that does not say
 * pass, zero-length regions are not judged.
 */
static void kho_next_kernel_same_pages_and_aligned_scratch(void **state)
{
	static struct kho_scratch mib512[3] = {
		{ 0x40000000, 0x20000000 }, { 0x7fc00000, 0 },
		{ 0x80000000, 0x20000000 },
	};
	static const struct {
		struct kho_scratch *s;
		bool own, force;
		unsigned int page;
		uint64_t running;
		int want;
		const char *msg;
	} cases[] = {
		{ scratch3, false, false, 4096, 4096, 0, NULL },
		{ scratch3, false, false, 0, 4096, 0, NULL },
		{ mib512, false, false, 65536, 65536, 0, NULL },
		{ mib512, false, false, 65536, 4096, -EINVAL,
		  "the next kernel has 64 KiB pages, the running one 4 KiB: the preserved-memory map" },
		{ mib512, false, false, 4096, 65536, -EINVAL,
		  "the next kernel has 4 KiB pages, the running one 64 KiB" },
		{ scratch3, false, false, 65536, 65536, -EINVAL,
		  "scratch region 0 [0x48000000, 0x4d000000) is not aligned to 512 MiB, which the next kernel (64 KiB pages) needs" },
		{ scratch3, false, false, 16384, 16384, -EINVAL,
		  "region 0 [0x48000000, 0x4d000000) is not aligned to 32 MiB" },
		{ scratch3, false, true, 65536, 4096, 0, NULL },
		{ scratch3, false, true, 65536, 65536, 0, NULL },
		{ scratch3, true, false, 65536, 4096, 0, NULL },
	};
	struct errbuf e = { 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kho_handover h = {
			.source = KHO_SRC_LIVE,
			.scratch = cases[i].s, .nr_scratch = 3,
			.own_scratch = cases[i].own,
		};

		err_clear(&e);
		assert_int_equal(arm64_kho_check_next_kernel(&h, cases[i].page,
				 cases[i].running, cases[i].force, &e),
				 cases[i].want);
		if (cases[i].msg) {
			assert_non_null(strstr(e.msg, cases[i].msg));
			assert_null(strchr(e.msg, '\n'));
		}
	}
}

/*
 * arm64_kho_place() does not judge the running kernel's own scratch
 * (arm64_kho_check_next_kernel() does); a bad page size it refuses.
 */
static void kho_kernel_scratch_kept_and_odd_page_size_rejected(void **state)
{
	struct kho_handover h = {
		.source = KHO_SRC_LIVE,
		.fdt_phys = 0x7f000000, .fdt_size = 65536,
		.scratch = scratch3, .nr_scratch = 3,
	};
	struct arm64_chosen c = { 0 };
	struct errbuf e = { 0 };
	struct plan p;

	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 65536, &c, &e), 0);
	assert_int_equal(c.kho_fdt_size, 65536);
	plan_free(&p);

	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 8192, &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "page size 8192"));
	assert_int_equal(p.nr, 0);
	plan_free(&p);
}

/*
 * The next kernel maps the FDT and the scratch array with
 * early_memremap(): 256 KiB at most on arm64, or it drops the handover.
 */
static void kho_fdt_and_scratch_array_over_256k_refused(void **state)
{
	struct kho_handover h = {
		.source = KHO_SRC_FILE,
		.scratch = scratch3, .nr_scratch = 3,
	};
	struct kho_scratch *many;
	struct arm64_chosen c = { 0 };
	struct errbuf e = { 0 };
	struct plan p;

	h.fdt = calloc(1, (256 << 10) + 1);
	assert_non_null(h.fdt);
	h.fdt_len = 256 << 10;
	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), 0);
	assert_int_equal(seg_named(&p, "kho-fdt")->bufsz, 256 << 10);
	plan_free(&p);

	h.fdt_len = (256 << 10) + 1;
	memset(&c, 0, sizeof(c));
	plan_1g(&p);
	err_clear(&e);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "FDT to hand over is 262145 bytes"));
	assert_int_equal(c.kho_fdt_size, 0);
	plan_free(&p);
	free(h.fdt);

	/* 16385 entries of 16 bytes: one more than 256 KiB holds. */
	many = calloc(16385, sizeof(*many));
	assert_non_null(many);
	many[0].addr = 0x48000000;
	many[0].size = 0x5000000;
	h.fdt = kho_fdt(0x7e000000, &h.fdt_len);
	h.scratch = many;
	h.nr_scratch = 16385;
	memset(&c, 0, sizeof(c));
	plan_1g(&p);
	err_clear(&e);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "scratch array to hand over is 262160 bytes"));
	assert_int_equal(p.nr, 0);
	plan_free(&p);
	h.nr_scratch = 16384;
	memset(&c, 0, sizeof(c));
	plan_1g(&p);
	assert_int_equal(arm64_kho_place(&p, &h, 4096, &c, &e), 0);
	assert_int_equal(c.kho_scratch_size, 256 << 10);
	plan_free(&p);
	free(h.fdt);
	free(many);
}

static void own_memreserves_dropped_by_the_next_load(void **state)
{
	void *src = make_src(2, 2, true), *first, *second;
	struct arm64_chosen c = {
		.cmdline = "x",
		.kho_fdt_addr = 0x45000000, .kho_fdt_size = 0x195,
		.kho_scratch_addr = 0x46000000, .kho_scratch_size = 32,
		.rsv = { { 0x45000000, 0x195 }, { 0x47000000, 0x3000 } },
		.nr_rsv = 2,
	};
	struct arm64_chosen plain = { .cmdline = "y" };

	first = build(src, &c, 0);
	assert_true(has_rsv(first, 0x45000000, 0x195));
	assert_true(has_rsv(first, 0x47000000, 0x3000));
	assert_true(has_prop(first, chosen_of(first), ARM64_RSV_PROP));
	/* first is what /sys/firmware/fdt shows in the kernel it booted. */
	second = build(first, &plain, 0);
	assert_false(has_rsv(second, 0x45000000, 0x195));
	assert_false(has_rsv(second, 0x47000000, 0x3000));
	assert_false(has_prop(second, chosen_of(second), ARM64_RSV_PROP));
	assert_true(has_rsv(second, FW_RSV, 0x1000));
	assert_int_equal(fdt_num_mem_rsv(second), 1);
	free(second);
	free(first);
	free(src);
}

/* ---- PL011 ---- */

static void pl011_from_earlycon_first(void **state)
{
	void *src = make_src(2, 2, true);

	assert_int_equal(arm64_pl011_base(NULL, "a earlycon=pl011,0x9001000 b"),
			 0x9001000);
	assert_int_equal(arm64_pl011_base(src,
					  "earlycon=pl011,mmio32,0x1c090000,115200"),
			 0x1c090000);
	/* Another UART type: fall back to stdout-path. */
	assert_int_equal(arm64_pl011_base(src, "earlycon=uart8250,mmio,0x3f8"),
			 0x9000000);
	assert_int_equal(arm64_pl011_base(NULL, "earlycon=pl011,junk"), 0);
	assert_int_equal(arm64_pl011_base(NULL, ""), 0);
	free(src);
}

static void pl011_from_stdout_path_alias_and_ranges(void **state)
{
	void *fdt = make_src(2, 2, true);
	/* Child address 0 is <0 0x1c000000> of the root, for 1 MiB. */
	fdt32_t ranges[4] = { cpu_to_fdt32(0), cpu_to_fdt32(0),
			      cpu_to_fdt32(0x1c000000), cpu_to_fdt32(0x100000) };
	int chosen, aliases, bus, uart;

	ok(fdt_open_into(fdt, fdt, SRC_SIZE));
	/* An alias with options, through a bus that translates addresses. */
	bus = fdt_add_subnode(fdt, 0, "bus@1c000000");
	ok(fdt_setprop_u32(fdt, bus, "#address-cells", 1));
	ok(fdt_setprop_u32(fdt, bus, "#size-cells", 1));
	ok(fdt_setprop(fdt, bus, "ranges", ranges, sizeof(ranges)));
	uart = fdt_add_subnode(fdt, bus, "serial@90000");
	ok(fdt_setprop_string(fdt, uart, "compatible", "arm,pl011"));
	ok(fdt_appendprop_string(fdt, uart, "compatible", "arm,primecell"));
	ok(fdt_setprop_u32(fdt, uart, "reg", 0x90000));
	ok(fdt_appendprop_u32(fdt, uart, "reg", 0x1000));
	aliases = fdt_add_subnode(fdt, 0, "aliases");
	ok(fdt_setprop_string(fdt, aliases, "serial0",
			      "/bus@1c000000/serial@90000"));
	chosen = chosen_of(fdt);
	ok(fdt_setprop_string(fdt, chosen, "stdout-path", "serial0:115200n8"));
	assert_int_equal(arm64_pl011_base(fdt, ""), 0x1c090000);

	/* Not a PL011: unknown. */
	uart = fdt_path_offset(fdt, "/bus@1c000000/serial@90000");
	ok(fdt_setprop_string(fdt, uart, "compatible", "ns16550a"));
	assert_int_equal(arm64_pl011_base(fdt, ""), 0);
	free(fdt);
}

/*
 * libfdt 1.6.1 follows an alias whose value is an alias until the stack
 * overflows: the loader resolves the one level the spec allows itself and
 * refuses the rest, in one sentence.
 */
static void stdout_path_alias_loop_refused(void **state)
{
	static const char *const bad[] = { "serial0", "serial1", "" };
	struct arm64_chosen c = { .cmdline = "x" };
	struct errbuf e = { 0 };
	void *fdt, *out = NULL;
	int chosen, aliases;
	size_t i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fdt = make_src(2, 2, true);
		ok(fdt_open_into(fdt, fdt, SRC_SIZE));
		aliases = fdt_add_subnode(fdt, 0, "aliases");
		ok(fdt_setprop_string(fdt, aliases, "serial0", bad[i]));
		ok(fdt_setprop_string(fdt, aliases, "serial1", "serial0"));
		chosen = chosen_of(fdt);
		ok(fdt_setprop_string(fdt, chosen, "stdout-path",
				      "serial0:115200n8"));
		assert_int_equal(arm64_pl011_base(fdt, ""), 0);
		err_clear(&e);
		assert_int_equal(arm64_dtb_build(fdt, fdt_totalsize(fdt), &c,
						 &out, &len, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "alias \"serial0\""));
		assert_null(strchr(e.msg, '\n'));
		free(fdt);
	}

	/* A hostile alias name stays on one line. */
	fdt = make_src(2, 2, true);
	ok(fdt_open_into(fdt, fdt, SRC_SIZE));
	aliases = fdt_add_subnode(fdt, 0, "aliases");
	ok(fdt_setprop_string(fdt, aliases, "a\nb", ""));
	ok(fdt_setprop_string(fdt, chosen_of(fdt), "stdout-path", "a\nb"));
	err_clear(&e);
	assert_int_equal(arm64_dtb_build(fdt, fdt_totalsize(fdt), &c, &out,
					 &len, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "alias \"a?b\""));
	free(fdt);

	/* An alias followed by more path, and a missing alias: no error. */
	fdt = make_src(2, 2, true);
	ok(fdt_open_into(fdt, fdt, SRC_SIZE));
	aliases = fdt_add_subnode(fdt, 0, "aliases");
	ok(fdt_setprop_string(fdt, aliases, "soc", "/"));
	chosen = chosen_of(fdt);
	ok(fdt_setprop_string(fdt, chosen, "stdout-path", "soc/pl011@9000000"));
	assert_int_equal(arm64_pl011_base(fdt, ""), 0x9000000);
	ok(fdt_setprop_string(fdt, chosen, "stdout-path", "nosuch:9600"));
	assert_int_equal(arm64_pl011_base(fdt, ""), 0);
	out = build(fdt, &c, 0);
	free(out);
	free(fdt);
}

/* ---- reading the running DTB ---- */

static void running_dtb_read_under_root(void **state)
{
	char root[] = "/tmp/arm64-dtb-XXXXXX", path[256];
	void *src = make_src(2, 2, true), *dtb;
	struct errbuf e = { 0 };
	size_t len;
	FILE *f;

	assert_non_null(mkdtemp(root));
	assert_int_equal(arm64_dtb_read(root, NULL, &dtb, &len, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "--dtb"));

	snprintf(path, sizeof(path), "%s/sys", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/firmware", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/firmware/fdt", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(src, 1, fdt_totalsize(src), f);
	fclose(f);
	err_clear(&e);
	assert_int_equal(arm64_dtb_read(root, NULL, &dtb, &len, &e), 0);
	assert_int_equal(len, fdt_totalsize(src));
	assert_memory_equal(dtb, src, len);
	free(dtb);

	/* A truncated file is not a device tree. */
	assert_int_equal(truncate(path, 100), 0);
	err_clear(&e);
	assert_int_equal(arm64_dtb_read(root, NULL, &dtb, &len, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/sys/firmware/fdt"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/sys/firmware", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sys", root);
	rmdir(path);
	rmdir(root);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chosen_gets_bootargs_initrd_and_seeds),
		cmocka_unit_test(stale_chosen_properties_removed),
		cmocka_unit_test(memory_nodes_kept),
		cmocka_unit_test(chosen_created_when_missing),
		cmocka_unit_test(empty_cmdline_drops_bootargs),
		cmocka_unit_test(previous_kexec_memreserves_removed),
		cmocka_unit_test(seeds_differ_between_loads),
		cmocka_unit_test(invalid_dtb_rejected),
		cmocka_unit_test(dtb_over_2mib_rejected),
		cmocka_unit_test(kho_pairs_use_two_cells),
		cmocka_unit_test(kho_pairs_use_one_cell),
		cmocka_unit_test(kho_address_too_big_for_one_cell_rejected),
		cmocka_unit_test(root_cells_default_to_one_like_the_kernel),
		cmocka_unit_test(kho_copy_placed_and_reserved),
		cmocka_unit_test(kho_live_points_at_the_page),
		cmocka_unit_test(kho_blobs_placed_pointed_at_and_reserved),
		cmocka_unit_test(kho_empty_map_placed_and_reserved),
		cmocka_unit_test(kho_empty_map_is_a_page_of_the_next_kernel),
		cmocka_unit_test(kho_own_scratch_aligned_for_the_next_kernels_pages),
		cmocka_unit_test(kho_kernel_scratch_kept_and_odd_page_size_rejected),
		cmocka_unit_test(kho_next_kernel_same_pages_and_aligned_scratch),
		cmocka_unit_test(kho_fdt_and_scratch_array_over_256k_refused),
		cmocka_unit_test(own_memreserves_dropped_by_the_next_load),
		cmocka_unit_test(pl011_from_earlycon_first),
		cmocka_unit_test(pl011_from_stdout_path_alias_and_ranges),
		cmocka_unit_test(stdout_path_alias_loop_refused),
		cmocka_unit_test(running_dtb_read_under_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
