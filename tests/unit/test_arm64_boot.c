// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One whole arm64 load on the host: kernel, initrd, KHO buffers, DTB and
 * purgatory, checked against each other the way the next kernel will
 * read them. The DTB is QEMU virt's own (tests/fixtures/arm64-virt).
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
#include <unistd.h>
#include <cmocka.h>

#include "arm64.h"
#include "errbuf.h"
#include "fsroot.h"
#include "kho.h"
#include "load.h"
#include "purgatory.h"

#define MiB (1ULL << 20)
#define RAM_START 0x40000000ULL
#define RAM_END 0x80000000ULL
#define IMAGE_SIZE (24 * MiB)
#define FILE_SIZE (3 * MiB)

struct fixture {
	char dtb_path[64];
	struct errbuf err;
	struct kexec_load l;
	uint8_t *img;
};

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static const char *fixtures(void)
{
	const char *d = getenv("KEXEC_KHO_FIXTURES");

	return d ? d : "tests/fixtures";
}

/*
 * QEMU's DTB names its PL011 in stdout-path; the host-built purgatory is
 * the x86 one, which only takes I/O ports, so the copy used here drops it.
 */
static void write_dtb(struct fixture *f)
{
	char path[512];
	void *dtb, *copy;
	size_t len;
	FILE *out;
	int fd;

	snprintf(path, sizeof(path), "%s/arm64-virt/sys/firmware/fdt",
		 fixtures());
	assert_int_equal(read_file(path, ARM64_DTB_MAX, &dtb, &len, NULL), 0);
	copy = malloc(len);
	assert_int_equal(fdt_open_into(dtb, copy, (int)len), 0);
	assert_int_equal(fdt_delprop(copy, fdt_path_offset(copy, "/chosen"),
				     "stdout-path"), 0);
	strcpy(f->dtb_path, "/tmp/arm64-boot-XXXXXX");
	fd = mkstemp(f->dtb_path);
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	fwrite(copy, 1, fdt_totalsize(copy), out);
	fclose(out);
	free(copy);
	free(dtb);
}

static void set_allowed(struct fixture *f, uint64_t start, uint64_t end)
{
	struct mem_map m = { 0 };

	assert_int_equal(memmap_add(&m, start, end, MEM_RAM), 0);
	assert_int_equal(plan_init(&f->l.plan, &m), 0);
	memmap_free(&m);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	write_dtb(f);
	f->l.dtb = f->dtb_path;
	f->l.root = "/";
	f->l.err = &f->err;
	f->l.cmdline = "console=ttyAMA0 kexec-test=1";
	f->l.initrd_size = 5 * MiB + 123;
	/* Owned like a file read by load_prepare(): load_free() frees it. */
	f->l.initrd_file.copy = malloc(f->l.initrd_size);
	memset(f->l.initrd_file.copy, 0x5a, f->l.initrd_size);
	f->l.initrd = f->l.initrd_file.copy;
	f->img = calloc(1, FILE_SIZE);
	put_le64(f->img + 16, IMAGE_SIZE);
	put_le64(f->img + 24, 1 << 1);
	memcpy(f->img + 56, "ARM\x64", 4);
	set_allowed(f, RAM_START, RAM_END);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->dtb_path);
	load_free(&f->l);
	free(f->img);
	free(f);
	return 0;
}

static const struct segment *seg_named(const struct plan *p, const char *n)
{
	for (size_t i = 0; i < p->nr; i++)
		if (!strcmp(p->seg[i].name, n))
			return &p->seg[i];
	fail_msg("no segment %s", n);
	return NULL;
}

static uint64_t prop_u64(const void *fdt, const char *name)
{
	const void *p;
	fdt64_t v;
	int len;

	p = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), name, &len);
	assert_non_null(p);
	assert_int_equal(len, 8);
	memcpy(&v, p, 8);
	return fdt64_to_cpu(v);
}

static void params_of(const struct segment *s, struct purgatory_params *pp)
{
	struct purgatory_header h;

	memcpy(&h, s->buf, sizeof(h));
	assert_int_equal(h.magic, PURGATORY_MAGIC);
	memcpy(pp, (const uint8_t *)s->buf + h.params_offset, sizeof(*pp));
}

static void plain_load_lays_out_every_segment(void **state)
{
	struct fixture *f = *state;
	const struct segment *k, *rd, *dtb, *pg;
	struct purgatory_params pp;
	const void *fdt;

	assert_int_equal(arm64_boot(&f->l, f->img, FILE_SIZE), 0);
	assert_int_equal(f->l.plan.nr, 4);
	k = seg_named(&f->l.plan, "kernel");
	rd = seg_named(&f->l.plan, "initrd");
	dtb = seg_named(&f->l.plan, "dtb");
	pg = &f->l.plan.seg[3];
	assert_string_equal(pg->name, "purgatory");

	assert_int_equal(k->mem % (2 * MiB), 0);
	assert_int_equal(k->memsz, IMAGE_SIZE);
	assert_int_equal(k->bufsz, FILE_SIZE);
	/* booting.rst: initrd and kernel inside one 1 GiB aligned 32 GiB window. */
	assert_true(rd->mem >= (k->mem & ~((1ULL << 30) - 1)));

	fdt = dtb->buf;
	assert_int_equal(fdt_check_full(fdt, dtb->bufsz), 0);
	assert_string_equal(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
					"bootargs", NULL),
			    "console=ttyAMA0 kexec-test=1");
	assert_int_equal(prop_u64(fdt, "linux,initrd-start"), rd->mem);
	assert_int_equal(prop_u64(fdt, "linux,initrd-end"),
			 rd->mem + 5 * MiB + 123);
	assert_int_not_equal(prop_u64(fdt, "kaslr-seed"), 0);
	/* QEMU's memory node survives. */
	assert_true(fdt_path_offset(fdt, "/memory@40000000") >= 0);

	params_of(pg, &pp);
	assert_int_equal(pp.entry, k->mem);
	assert_int_equal(pp.arg0, dtb->mem);
	assert_int_equal(pp.serial_port, 0);
	assert_true(pp.flags & PURGATORY_F_CHECKSUM);
	assert_int_equal(pp.nr_regions, 3);
	assert_true(f->l.entry >= pg->mem && f->l.entry < pg->mem + pg->memsz);
}

static void no_checksum_when_asked(void **state)
{
	struct fixture *f = *state;
	struct purgatory_params pp;

	f->l.checksum = LOAD_CHECKSUM_OFF;
	assert_int_equal(arm64_boot(&f->l, f->img, FILE_SIZE), 0);
	params_of(&f->l.plan.seg[f->l.plan.nr - 1], &pp);
	assert_false(pp.flags & PURGATORY_F_CHECKSUM);
}

static void kho_copy_load_stays_in_scratch(void **state)
{
	static struct kho_scratch scratch[2] = {
		{ 0x50000000, 0x4000000 }, { 0x60000000, 0 },
	};
	static uint8_t kho_fdt[0x195];
	struct fixture *f = *state;
	const struct segment *dtb, *kf, *ks;
	struct kho_handover *h = calloc(1, sizeof(*h));
	struct purgatory_params pp;
	const fdt32_t *p;
	uint64_t a, s;
	const void *fdt;
	int len, i;

	h->source = KHO_SRC_DEBUGFS;
	h->fdt = malloc(sizeof(kho_fdt));
	memcpy(h->fdt, kho_fdt, sizeof(kho_fdt));
	h->fdt_len = sizeof(kho_fdt);
	h->scratch = malloc(sizeof(scratch));
	memcpy(h->scratch, scratch, sizeof(scratch));
	h->nr_scratch = 2;
	f->l.kho = h;
	plan_free(&f->l.plan);
	set_allowed(f, 0x50000000, 0x54000000);

	assert_int_equal(arm64_boot(&f->l, f->img, FILE_SIZE), 0);
	/* The Image was read for the KHO ABI: it has none. */
	assert_int_equal(f->l.next_abi.state, KHO_ABI_READ);
	assert_int_equal(f->l.next_abi.nr_found, 0);
	for (size_t n = 0; n < f->l.plan.nr; n++) {
		assert_true(f->l.plan.seg[n].mem >= 0x50000000);
		assert_true(f->l.plan.seg[n].mem + f->l.plan.seg[n].memsz <=
			    0x54000000);
	}
	dtb = seg_named(&f->l.plan, "dtb");
	kf = seg_named(&f->l.plan, "kho-fdt");
	ks = seg_named(&f->l.plan, "kho-scratch");
	fdt = dtb->buf;
	/* QEMU virt: #address-cells = #size-cells = 2. */
	p = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "linux,kho-fdt",
			&len);
	assert_int_equal(len, 16);
	assert_int_equal((uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]),
			 kf->mem);
	assert_int_equal(fdt32_to_cpu(p[3]), sizeof(kho_fdt));
	p = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
			"linux,kho-scratch", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt32_to_cpu(p[1]), ks->mem);
	assert_int_equal(fdt32_to_cpu(p[3]), 32);
	for (i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		fdt_get_mem_rsv(fdt, i, &a, &s);
		if (a == kf->mem && s == sizeof(kho_fdt))
			break;
	}
	assert_true(i < fdt_num_mem_rsv(fdt));
	/* Default with KHO: no purgatory checksum, like kexec_file. */
	params_of(&f->l.plan.seg[f->l.plan.nr - 1], &pp);
	assert_false(pp.flags & PURGATORY_F_CHECKSUM);
}

static void initrd_outside_window_explained(void **state)
{
	struct fixture *f = *state;

	/* 32 MiB of RAM: the kernel fits, the 5 MiB initrd does not. */
	plan_free(&f->l.plan);
	set_allowed(f, RAM_START, RAM_START + 28 * MiB);
	assert_int_equal(arm64_boot(&f->l, f->img, FILE_SIZE), -EADDRNOTAVAIL);
	assert_non_null(strstr(f->err.msg, "initrd"));
}

static void missing_running_dtb_explained(void **state)
{
	struct fixture *f = *state;

	f->l.dtb = NULL;
	f->l.root = "/nonexistent-root";
	assert_int_equal(arm64_boot(&f->l, f->img, FILE_SIZE), -ENOENT);
	assert_non_null(strstr(f->err.msg, "--dtb"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(plain_load_lays_out_every_segment,
						setup, teardown),
		cmocka_unit_test_setup_teardown(no_checksum_when_asked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(kho_copy_load_stays_in_scratch,
						setup, teardown),
		cmocka_unit_test_setup_teardown(initrd_outside_window_explained,
						setup, teardown),
		cmocka_unit_test_setup_teardown(missing_running_dtb_explained,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
