// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bzImage loader: what it refuses and why, where it puts the kernel,
 * the initrd and the boot parameters, what it tells the purgatory.
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
#include <cmocka.h>

#include "bzimage.h"
#include "errbuf.h"
#include "kho.h"
#include "kho_fixture.h"
#include "load.h"
#include "x86_fixture.h"

/* A machine with 2 GiB below 4 GiB and 4 GiB above. */
static const uint64_t ram_big[] = {
	0, 0x9f000,
	1 * MiB, 2 * GiB,
	4 * GiB, 8 * GiB,
};

static void probe_fails_with(const struct bz_opts *o, const char *why)
{
	struct errbuf e = { 0 };
	struct bzimage_info bi;
	size_t len;
	uint8_t *k = bz_make(o, &len);
	int err = bzimage_parse(k, len, &bi, &e);

	free(k);
	assert_int_equal(err, -ENOEXEC);
	if (!strstr(e.msg, why))
		fail_msg("expected \"%s\" in \"%s\"", why, e.msg);
}

/* Run the loader on @o with @ram; returns its result, @l left to inspect. */
static int load_with(struct kexec_load *l, struct errbuf *e,
		     const struct bz_opts *o, const uint64_t *ram, size_t n,
		     const char *cmdline)
{
	size_t len;
	uint8_t *k = bz_make(o, &len);

	xl_init(l, e, fixture("empty"), ram, n, k, len, cmdline);
	return bzimage_type.load(l);
}

static void give_initrd(struct kexec_load *l, size_t size)
{
	/* Owned like a file read by load_prepare(): load_free() frees it. */
	l->initrd_file.copy = malloc(size);
	assert_non_null(l->initrd_file.copy);
	memset(l->initrd_file.copy, 0x5a, size);
	l->initrd = l->initrd_file.copy;
	l->initrd_size = size;
}

static void probe_accepts_a_64bit_bzimage(void **state)
{
	struct errbuf e = { 0 };
	struct bzimage_info bi;
	struct bz_opts o;
	size_t len;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	assert_int_equal(bzimage_type.probe(k, len, &e), 0);
	assert_int_equal(bzimage_parse(k, len, &bi, &e), 0);
	assert_int_equal(bi.setup_size, 5 * 512);
	assert_int_equal(bi.payload_size, o.payload);
	assert_ptr_equal(bi.payload, k + 5 * 512);
	assert_int_equal(bi.memsz, o.init_size);
	assert_true(bi.above_4g);
	free(k);
}

static void probe_rejects_a_file_too_short_for_a_header(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.short_file = true;
	probe_fails_with(&o, "512 bytes, too short");
}

static void probe_rejects_a_missing_hdrs_signature(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.magic = 0x464c457f;	/* an ELF file */
	probe_fails_with(&o, "no \"HdrS\" signature at 0x202");
}

static void probe_rejects_a_bad_boot_flag(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.boot_flag = 0x1234;
	probe_fails_with(&o, "boot flag is 0x1234");
}

static void probe_rejects_protocols_older_than_2_12(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.version = 0x020a;
	probe_fails_with(&o, "boot protocol 2.10 is older than 2.12");
	o.version = 0x020b;
	probe_fails_with(&o, "boot protocol 2.11 is older than 2.12");
}

static void probe_rejects_a_header_outside_its_hole(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.hdr_jump = 0x90;	/* ends at 0x292, past boot_params' hole */
	probe_fails_with(&o, "setup header ends at 0x292");
	o.hdr_jump = 0x40;	/* ends at 0x242, before init_size */
	probe_fails_with(&o, "setup header ends at 0x242");
}

static void probe_rejects_a_zimage(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.loadflags = 0;
	probe_fails_with(&o, "LOADED_HIGH is not set");
}

static void probe_rejects_a_kernel_without_64bit_entry(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G;
	probe_fails_with(&o, "XLF_KERNEL_64 is not set");
}

static void probe_rejects_a_file_that_ends_in_the_setup_code(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.payload = 0;
	o.syssize = 0;
	probe_fails_with(&o, "its 4 setup sectors end at 2560");
	/* setup_sects 0 means 4: the same file, the same verdict. */
	o.setup_sects = 0;
	probe_fails_with(&o, "its 4 setup sectors end at 2560");
}

static void probe_rejects_a_truncated_payload(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.syssize = (uint32_t)(o.payload / 16 + 1);
	probe_fails_with(&o, "truncated: the header says the protected-mode kernel is 65552 bytes, the file holds 65536");
	/* Kernels without syssize still say where their compressed part ends. */
	bz_defaults(&o);
	o.payload_length = 0x10000;
	probe_fails_with(&o, "truncated: the compressed kernel ends at 66048");
}

static void probe_rejects_alignment_not_a_power_of_two(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.kernel_alignment = 0x300000;
	probe_fails_with(&o, "kernel_alignment 0x300000 is not a power of two");
	o.kernel_alignment = 0;
	probe_fails_with(&o, "kernel_alignment 0x0");
}

static void probe_rejects_zero_init_size(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.init_size = 0;
	probe_fails_with(&o, "init_size is 0");
}

static void probe_rejects_a_non_relocatable_kernel(void **state)
{
	struct bz_opts o;

	bz_defaults(&o);
	o.relocatable = 0;
	probe_fails_with(&o, "not relocatable");
}

static void load_gives_the_kernel_init_size_from_pref_address(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	const struct segment *k;
	struct bz_opts o;

	bz_defaults(&o);
	o.init_size = 0x2345678;
	assert_int_equal(load_with(&l, &e, &o, ram_big, 3, ""), 0);
	k = seg_named(&l, "kernel");
	assert_non_null(k);
	assert_int_equal(k->bufsz, o.payload);
	assert_int_equal(k->memsz, 0x2346000);	/* init_size, page rounded */
	/* Bottom-up from pref_address: the kernel runs where it lies. */
	assert_int_equal(k->mem, o.pref_address);
	assert_int_equal(k->mem % o.kernel_alignment, 0);
	/* The payload is the file past the setup sectors. */
	assert_memory_equal(k->buf, (uint8_t *)l.kernel + 5 * 512, o.payload);
	xl_free(&l);
}

static void load_moves_kernel_up_when_pref_address_is_taken(void **state)
{
	/* RAM starts at 40 MiB + 4 KiB: the kernel must align up to 42 MiB. */
	static const uint64_t ram[] = { 40 * MiB + 0x1000, 2 * GiB };
	struct kexec_load l;
	struct errbuf e;
	const struct segment *k;
	struct bz_opts o;

	bz_defaults(&o);
	assert_int_equal(load_with(&l, &e, &o, ram, 1, ""), 0);
	k = seg_named(&l, "kernel");
	assert_int_equal(k->mem, 42 * MiB);
	xl_free(&l);
}

static void load_covers_a_payload_larger_than_init_size(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;

	bz_defaults(&o);
	o.init_size = 0x1000;
	o.payload = 0x3100;
	o.payload_length = 0x2000;
	assert_int_equal(load_with(&l, &e, &o, ram_big, 3, ""), 0);
	assert_int_equal(seg_named(&l, "kernel")->memsz, 0x4000);
	xl_free(&l);
}

/* Load @o on a machine whose /proc/cpuinfo is @cpuinfo. */
static int load_with_cpuinfo(struct kexec_load *l, struct errbuf *e,
			     const struct bz_opts *o, const char *cpuinfo)
{
	char *root = xr_root();
	size_t len;
	uint8_t *k = bz_make(o, &len);
	int err;

	xr_puts(root, "proc/cpuinfo", cpuinfo);
	xl_init(l, e, root, ram_big, 3, k, len, "");
	err = bzimage_type.load(l);
	xr_rm(root);
	return err;
}

#define CPU0 "processor\t: 0\nvendor_id\t: GenuineIntel\n"

static void load_refuses_a_4level_kernel_under_5level_paging(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;

	bz_defaults(&o);
	o.xloadflags &= ~(XLF_5LEVEL | XLF_5LEVEL_ENABLED);
	assert_int_equal(load_with_cpuinfo(&l, &e, &o,
					   CPU0 "flags\t\t: fpu pae la57 pku\n"),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "5-level paging"));
	assert_non_null(strstr(e.msg, "no XLF_5LEVEL"));
	assert_int_equal(l.plan.nr, 0);
	xl_free(&l);
}

static void load_takes_a_5level_kernel_under_5level_paging(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;

	bz_defaults(&o);
	o.xloadflags |= XLF_5LEVEL;
	assert_int_equal(load_with_cpuinfo(&l, &e, &o,
					   CPU0 "flags\t\t: fpu la57\n"),
			 0);
	xl_free(&l);
}

/* Only the word la57 of the flags line counts, not look-alikes. */
static void load_takes_a_4level_kernel_without_la57(void **state)
{
	static const char *const cpuinfo[] = {
		CPU0 "flags\t\t: fpu pae la57x xla57\nvmx flags\t: la57\n",
		CPU0 "bugs\t\t: la57\nflags\t\t: fpu\nflags\t\t: la57\n",
		CPU0 "flagsla57\t: la57\nflags\t\t: fpu\n",
		CPU0 "flags\t\t: fpu la57", /* no newline: unreadable */
		"",
	};
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;
	size_t i;

	bz_defaults(&o);
	o.xloadflags &= ~(XLF_5LEVEL | XLF_5LEVEL_ENABLED);
	for (i = 0; i < sizeof(cpuinfo) / sizeof(cpuinfo[0]); i++) {
		if (load_with_cpuinfo(&l, &e, &o, cpuinfo[i]))
			fail_msg("cpuinfo %zu: %s", i, e.msg);
		xl_free(&l);
	}
}

static void load_refuses_a_command_line_longer_than_cmdline_size(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;
	char line[40];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	bz_defaults(&o);
	o.cmdline_size = 38;
	assert_int_equal(load_with(&l, &e, &o, ram_big, 3, line), -E2BIG);
	assert_string_equal(e.msg,
			    "command line is 39 bytes, the kernel accepts at most 38");
	/* Nothing was placed for a load that cannot boot. */
	assert_int_equal(l.plan.nr, 0);
	xl_free(&l);

	/* Exactly cmdline_size characters is fine, NUL not counted. */
	o.cmdline_size = 39;
	assert_int_equal(load_with(&l, &e, &o, ram_big, 3, line), 0);
	assert_string_equal((const char *)xl_bp_at(&l,
		xl_zero_page(&l)->hdr.cmd_line_ptr, 40), line);
	xl_free(&l);
}

static void load_points_cmd_line_ptr_at_the_command_line(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	const struct boot_params *bp;
	const struct segment *s;
	struct bz_opts o;
	uint64_t ptr;

	bz_defaults(&o);
	assert_int_equal(load_with(&l, &e, &o, ram_big, 3, "root=/dev/vda1 ro"),
			 0);
	s = seg_named(&l, "bootparams");
	bp = xl_zero_page(&l);
	ptr = bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32;
	assert_int_equal(ptr, s->mem + 4096);
	assert_string_equal((const char *)xl_bp_at(&l, ptr, 18),
			    "root=/dev/vda1 ro");
	assert_int_equal(bp->hdr.type_of_loader, 0xd0);
	assert_int_equal(bp->hdr.loadflags, LOADED_HIGH);
	/* The header came from the image, the junk around it did not. */
	assert_int_equal(bp->hdr.kernel_info_offset, 0x12345);
	assert_int_equal(bp->sentinel, 0);
	assert_int_equal(bp->_pad7[0], 0);
	xl_free(&l);
}

static void load_keeps_initrd_below_addr_max_without_4g_flag(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	const struct segment *i;
	const struct boot_params *bp;
	struct bz_opts o;
	size_t len, n;
	uint8_t *k;

	bz_defaults(&o);
	o.xloadflags = XLF_KERNEL_64;
	o.initrd_addr_max = 0x37ffffff;
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	give_initrd(&l, 3 * MiB);
	assert_int_equal(bzimage_type.load(&l), 0);
	i = seg_named(&l, "initrd");
	assert_non_null(i);
	/* Top-down, ending at most at initrd_addr_max + 1. */
	assert_int_equal(i->mem + i->memsz, 0x38000000);
	bp = xl_zero_page(&l);
	assert_int_equal(bp->hdr.ramdisk_image, i->mem);
	assert_int_equal(bp->hdr.ramdisk_size, 3 * MiB);
	assert_int_equal(bp->ext_ramdisk_image, 0);
	/* Without the flag nothing the kernel reads goes above 4 GiB. */
	for (n = 0; n < l.plan.nr; n++)
		if (strcmp(l.plan.seg[n].name, "purgatory"))
			assert_true(l.plan.seg[n].mem + l.plan.seg[n].memsz <=
				    4 * GiB);
	xl_free(&l);
}

static void load_puts_initrd_above_4g_when_low_memory_is_short(void **state)
{
	/* 64 MiB low, 4 GiB high: a 100 MiB initrd fits only up there. */
	static const uint64_t ram[] = { 1 * MiB, 64 * MiB, 4 * GiB, 8 * GiB };
	struct kexec_load l;
	struct errbuf e;
	const struct segment *i;
	const struct boot_params *bp;
	struct bz_opts o;
	size_t len;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram, 2, k, len, "");
	give_initrd(&l, 100 * MiB);
	assert_int_equal(bzimage_type.load(&l), 0);
	i = seg_named(&l, "initrd");
	assert_true(i->mem >= 4 * GiB);
	bp = xl_zero_page(&l);
	assert_int_equal(bp->hdr.ramdisk_image, (uint32_t)i->mem);
	assert_int_equal(bp->ext_ramdisk_image, (uint32_t)(i->mem >> 32));
	assert_int_equal(bp->hdr.ramdisk_size, 100 * MiB);
	assert_int_equal(bp->ext_ramdisk_size, 0);
	xl_free(&l);
}

static void load_prefers_initrd_below_4g_even_with_the_flag(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;
	size_t len;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	give_initrd(&l, 4 * MiB);
	assert_int_equal(bzimage_type.load(&l), 0);
	assert_int_equal(seg_named(&l, "initrd")->mem + 4 * MiB, 2 * GiB);
	assert_true(seg_named(&l, "bootparams")->mem < 4 * GiB);
	xl_free(&l);
}

static void load_fails_when_initrd_needs_4g_and_kernel_forbids(void **state)
{
	static const uint64_t ram[] = { 1 * MiB, 64 * MiB, 4 * GiB, 8 * GiB };
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;
	size_t len;
	uint8_t *k;

	bz_defaults(&o);
	o.xloadflags = XLF_KERNEL_64;
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram, 2, k, len, "");
	give_initrd(&l, 100 * MiB);
	assert_int_equal(bzimage_type.load(&l), -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "cannot place initrd"));
	xl_free(&l);
}

static void load_honours_mem_min_and_mem_max(void **state)
{
	struct mem_map window = { 0 };
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;
	size_t len, i;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	/* --mem-min/--mem-max as load_prepare() applies them. */
	assert_int_equal(load_clip_allowed(&l.plan.allowed, 256 * MiB, 1 * GiB,
					   &window), 0);
	memmap_free(&l.plan.allowed);
	l.plan.allowed = window;
	give_initrd(&l, 4 * MiB);
	assert_int_equal(bzimage_type.load(&l), 0);
	for (i = 0; i < l.plan.nr; i++) {
		assert_true(l.plan.seg[i].mem >= 256 * MiB);
		assert_true(l.plan.seg[i].mem + l.plan.seg[i].memsz <= 1 * GiB);
	}
	assert_int_equal(seg_named(&l, "kernel")->mem, 256 * MiB);
	xl_free(&l);
}

static void load_hands_purgatory_entry_and_boot_params(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	const struct purgatory_params *pp;
	struct bz_opts o;

	bz_defaults(&o);
	assert_int_equal(load_with(&l, &e, &o, ram_big, 3,
				   "quiet console=ttyS1,115200n8"), 0);
	pp = xl_purgatory(&l);
	assert_int_equal(pp->entry, seg_named(&l, "kernel")->mem + 0x200);
	assert_int_equal(pp->arg0, seg_named(&l, "bootparams")->mem);
	assert_int_equal(pp->serial_port, 0x2f8);
	/* No KHO: the default is to check every segment. */
	assert_true(pp->flags & PURGATORY_F_CHECKSUM);
	/* The purgatory comes last and covers all the others. */
	assert_string_equal(l.plan.seg[l.plan.nr - 1].name, "purgatory");
	assert_int_equal(pp->nr_regions, l.plan.nr - 1);
	assert_true(l.entry >= seg_named(&l, "purgatory")->mem);
	xl_free(&l);
}

static void load_follows_no_checksum(void **state)
{
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;
	size_t len;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	l.checksum = LOAD_CHECKSUM_OFF;
	assert_int_equal(bzimage_type.load(&l), 0);
	assert_false(xl_purgatory(&l)->flags & PURGATORY_F_CHECKSUM);
	xl_free(&l);
}

static void serial_port_comes_from_the_console_arguments(void **state)
{
	assert_int_equal(x86_serial_port(""), 0);
	assert_int_equal(x86_serial_port("root=/dev/sda console=tty0"), 0);
	assert_int_equal(x86_serial_port("console=ttyS0"), 0x3f8);
	assert_int_equal(x86_serial_port("console=ttyS1,115200n8"), 0x2f8);
	assert_int_equal(x86_serial_port("console=ttyS2"), 0x3e8);
	assert_int_equal(x86_serial_port("console=ttyS3"), 0x2e8);
	assert_int_equal(x86_serial_port("console=ttyS4"), 0);
	assert_int_equal(x86_serial_port("console=ttyS10"), 0);
	assert_int_equal(x86_serial_port("console=ttyS"), 0);
	assert_int_equal(x86_serial_port("console=ttyS0x"), 0);
	assert_int_equal(x86_serial_port("earlyprintk=serial"), 0x3f8);
	assert_int_equal(x86_serial_port("earlyprintk=serial,ttyS1,115200"),
			 0x2f8);
	assert_int_equal(x86_serial_port("earlyprintk=serial,0x2e8,9600"),
			 0x2e8);
	assert_int_equal(x86_serial_port("earlyprintk=ttyS1,115200"), 0x2f8);
	assert_int_equal(x86_serial_port("earlyprintk=vga"), 0);
	assert_int_equal(x86_serial_port("earlycon=uart8250,io,0x3e8,115200"),
			 0x3e8);
	assert_int_equal(x86_serial_port("console=uart,io,0x2f8"), 0x2f8);
	assert_int_equal(x86_serial_port("earlycon=uart8250,mmio,0xfe000000"),
			 0);
	/* The last serial console named wins, as /dev/console does. */
	assert_int_equal(x86_serial_port("console=ttyS0 console=tty0 "
					 "console=ttyS1"), 0x2f8);
	assert_int_equal(x86_serial_port("xconsole=ttyS0"), 0);
}

/* A KHO handover of an FDT copy with @nr scratch regions. */
static struct kho_handover *kho_copy(const uint64_t *scratch, size_t nr,
				     size_t fdt_len)
{
	struct kho_handover *h = calloc(1, sizeof(*h));
	size_t i;

	assert_non_null(h);
	h->source = KHO_SRC_DEBUGFS;
	h->fdt = malloc(fdt_len);
	assert_non_null(h->fdt);
	for (i = 0; i < fdt_len; i++)
		((uint8_t *)h->fdt)[i] = (uint8_t)(i ^ 0xa5);
	h->fdt_len = fdt_len;
	h->fdt_size = fdt_len;
	h->scratch = calloc(nr, sizeof(*h->scratch));
	assert_non_null(h->scratch);
	for (i = 0; i < nr; i++) {
		h->scratch[i].addr = scratch[2 * i];
		h->scratch[i].size = scratch[2 * i + 1] - scratch[2 * i];
	}
	h->nr_scratch = nr;
	return h;
}

static void load_with_kho_stays_in_scratch_and_hands_the_fdt_over(void **state)
{
	/* As seen in QEMU: three regions, one of them empty. */
	static const uint64_t scratch[] = {
		0x38c00000, 0x38c00000 + 0x5000000,
		0x3dc00000, 0x3dc00000,
		0x29c00000, 0x29c00000 + 0xf000000,
	};
	static const uint64_t usable[] = {
		0x38c00000, 0x38c00000 + 0x5000000,
		0x29c00000, 0x29c00000 + 0xf000000,
	};
	struct kexec_load l;
	struct errbuf e;
	struct sd_seen sd[BP_MAX_NODES];
	const struct sd_seen *node;
	struct kho_data kd;
	struct kho_scratch sc[3];
	struct bz_opts o;
	size_t len, n, i, j;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	xl_allow(&l, usable, 2);
	l.kho = kho_copy(scratch, 3, 405);
	give_initrd(&l, 2 * MiB);
	assert_int_equal(bzimage_type.load(&l), 0);
	/* The payload was looked into for the KHO ABI: filler, no format. */
	assert_int_equal(l.next_abi.state, KHO_ABI_UNREADABLE);

	for (i = 0; i < l.plan.nr; i++) {
		const struct segment *s = &l.plan.seg[i];
		bool inside = false;

		for (j = 0; j < 2; j++)
			inside |= s->mem >= usable[2 * j] &&
				  s->mem + s->memsz <= usable[2 * j + 1];
		if (!inside)
			fail_msg("%s at 0x%llx is outside scratch", s->name,
				 (unsigned long long)s->mem);
	}
	/* KHO on: no checksum by default. */
	assert_false(xl_purgatory(&l)->flags & PURGATORY_F_CHECKSUM);

	n = xl_chain(&l, sd, BP_MAX_NODES);
	node = sd_find(sd, n, SETUP_KEXEC_KHO);
	assert_non_null(node);
	memcpy(&kd, node->data, sizeof(kd));
	/* The scratch array follows kho_data inside the node, as listed. */
	assert_int_equal(kd.scratch_addr, node->phys + 16 + sizeof(kd));
	assert_int_equal(kd.scratch_size, sizeof(sc));
	memcpy(sc, xl_bp_at(&l, kd.scratch_addr, sizeof(sc)), sizeof(sc));
	assert_int_equal(sc[1].addr, 0x3dc00000);
	assert_int_equal(sc[1].size, 0);
	assert_int_equal(sc[2].size, 0xf000000);
	/* The FDT copy too, 8-byte aligned, reserved with the node. */
	assert_int_equal(kd.fdt_addr % 8, 0);
	assert_int_equal(kd.fdt_size, 405);
	assert_memory_equal(xl_bp_at(&l, kd.fdt_addr, 405), l.kho->fdt, 405);
	assert_true(kd.fdt_addr + kd.fdt_size <=
		    node->phys + 16 + node->len);
	assert_int_equal(l.kho->fdt_phys, kd.fdt_addr);
	xl_free(&l);
}

static void load_with_live_kho_fdt_points_at_the_kernel_page(void **state)
{
	static const uint64_t scratch[] = { 0x29c00000, 0x38c00000 };
	struct kexec_load l;
	struct errbuf e;
	struct sd_seen sd[BP_MAX_NODES];
	const struct sd_seen *node;
	struct kho_data kd;
	struct bz_opts o;
	size_t len, n;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	xl_allow(&l, scratch, 1);
	l.kho = kho_copy(scratch, 1, 233);
	l.kho->source = KHO_SRC_LIVE;
	l.kho->fdt_phys = 0x12345000;
	l.kho->fdt_size = 4096;
	assert_int_equal(bzimage_type.load(&l), 0);
	n = xl_chain(&l, sd, BP_MAX_NODES);
	node = sd_find(sd, n, SETUP_KEXEC_KHO);
	assert_non_null(node);
	/* Only kho_data and the array: the page itself is preserved. */
	assert_int_equal(node->len, sizeof(kd) + 16);
	memcpy(&kd, node->data, sizeof(kd));
	assert_int_equal(kd.fdt_addr, 0x12345000);
	assert_int_equal(kd.fdt_size, 4096);
	xl_free(&l);
}

/* A real KHO FDT (libfdt), as a kernel or kho-inject new writes one. */
static struct kho_handover *kho_real(const uint64_t *scratch, size_t nr,
				     uint64_t map)
{
	struct kho_handover *h = kho_copy(scratch, nr, 4096);
	void *f = h->fdt;

	assert_int_equal(fdt_create(f, 4096), 0);
	assert_int_equal(fdt_finish_reservemap(f), 0);
	assert_int_equal(fdt_begin_node(f, ""), 0);
	assert_int_equal(fdt_property_string(f, "compatible", "kho-v4"), 0);
	assert_int_equal(fdt_property(f, "preserved-memory-map", &map,
				      sizeof(map)), 0);
	assert_int_equal(fdt_end_node(f), 0);
	assert_int_equal(fdt_finish(f), 0);
	h->fdt_len = h->fdt_size = fdt_totalsize(f);
	h->mem_map = map;
	return h;
}

/* The FDT copy the KHO node hands over, and the node's kho_data. */
static const void *handed_fdt(const struct kexec_load *l, struct kho_data *kd,
			      const struct sd_seen **node)
{
	struct sd_seen sd[BP_MAX_NODES];
	static struct sd_seen keep;
	size_t n = xl_chain(l, sd, BP_MAX_NODES);
	const struct sd_seen *k = sd_find(sd, n, SETUP_KEXEC_KHO);

	assert_non_null(k);
	keep = *k;
	*node = &keep;
	memcpy(kd, k->data, sizeof(*kd));
	assert_true(kd->fdt_addr + kd->fdt_size <= k->phys + 16 + k->len);
	return xl_bp_at(l, kd->fdt_addr, kd->fdt_size);
}

static void load_with_blobs_gives_each_a_segment_and_an_indirect_node(void **state)
{
	static const uint64_t scratch[] = { 0x29c00000, 0x38c00000 };
	static const char *const names[] = { "raw", "two" };
	static const size_t sizes[] = { 300000, 5000 };
	struct kexec_load l;
	struct errbuf e;
	struct sd_seen sd[BP_MAX_NODES];
	const struct sd_seen *node;
	struct kho_data kd;
	struct bz_opts o;
	char *root = xr_root(), specs[2][600];
	const char *sp[2] = { specs[0], specs[1] };
	const void *fdt;
	size_t len, n, i, j, indirect = 0;
	uint8_t *k, *blob;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	xl_allow(&l, scratch, 1);
	l.kho = kho_real(scratch, 1, 0x2345000);
	for (i = 0; i < 2; i++) {
		blob = malloc(sizes[i]);
		assert_non_null(blob);
		memset(blob, 0x31 + (int)i, sizes[i]);
		xr_put(root, names[i], blob, sizes[i]);
		free(blob);
		snprintf(specs[i], sizeof(specs[i]), "%s=%s/%s", names[i],
			 root, names[i]);
	}
	assert_int_equal(kho_add_blobs(l.kho, sp, 2, &e), 0);
	assert_int_equal(bzimage_type.load(&l), 0);
	assert_int_equal(kho_finish(l.kho, 0, &e), 0);

	fdt = handed_fdt(&l, &kd, &node);
	n = xl_chain(&l, sd, BP_MAX_NODES);
	for (i = 0; i < 2; i++) {
		char seg[80];
		const struct segment *s;

		snprintf(seg, sizeof(seg), "kho-blob %s", names[i]);
		s = seg_named(&l, seg);
		assert_non_null(s);
		/* Its own pages, inside scratch, the file's bytes. */
		assert_int_equal(s->mem % 4096, 0);
		assert_true(s->mem >= scratch[0] &&
			    s->mem + s->memsz <= scratch[1]);
		assert_int_equal(s->bufsz, sizes[i]);
		assert_int_equal(((const uint8_t *)s->buf)[sizes[i] - 1],
				 0x31 + i);
		/* The FDT handed over points at it. */
		assert_int_equal(fx_prop_u64(fdt, names[i], "preserved-data"),
				 s->mem);
		assert_int_equal(fx_prop_u64(fdt, names[i], "blob-size"),
				 sizes[i]);
		assert_int_equal(l.kho->blobs[i].phys, s->mem);
		/* And a SETUP_INDIRECT node makes the next kernel reserve it. */
		for (j = 0; j < n; j++) {
			struct setup_indirect ind;

			if (sd[j].type != SETUP_INDIRECT)
				continue;
			assert_int_equal(sd[j].len, sizeof(ind));
			memcpy(&ind, sd[j].data, sizeof(ind));
			assert_int_equal(ind.type,
					 SETUP_INDIRECT | SETUP_KEXEC_KHO);
			assert_int_equal(ind.reserved, 0);
			if (ind.addr == s->mem) {
				assert_int_equal(ind.len, sizes[i]);
				indirect++;
			}
		}
	}
	assert_int_equal(indirect, 2);
	/* The KHO node itself stays small: kho_data, scratch, FDT. */
	assert_true(node->len < 4096);
	assert_int_equal(fx_prop_u64(fdt, NULL, "preserved-memory-map"), 0x2345000);
	xl_free(&l);
	xr_rm(root);
}

static void load_without_kho_in_the_kernel_puts_an_empty_map_in_the_node(void **state)
{
	static const uint64_t scratch[] = { 0x30000000, 0x40000000 };
	static const uint8_t zero[4096];
	struct kexec_load l;
	struct errbuf e;
	const struct sd_seen *node;
	struct kho_data kd;
	struct bz_opts o;
	const void *fdt;
	uint64_t map;
	size_t len;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	xl_allow(&l, scratch, 1);
	/* What kho_prepare() makes of kho-inject new and --kho-scratch. */
	l.kho = kho_real(scratch, 1, KHO_MEM_MAP_PLACEHOLDER);
	l.kho->source = KHO_SRC_FILE;
	l.kho->edited = true;
	l.kho->empty_map = true;
	l.kho->own_scratch = true;
	assert_int_equal(bzimage_type.load(&l), 0);
	assert_int_equal(kho_finish(l.kho, 0, &e), 0);

	fdt = handed_fdt(&l, &kd, &node);
	map = fx_prop_u64(fdt, NULL, "preserved-memory-map");
	assert_int_equal(map, l.kho->mem_map);
	assert_int_equal(fx_prop_u64(l.kho->fdt, NULL, "preserved-memory-map"), map);
	/* A zeroed page: a radix-tree root with no entries, inside the node. */
	assert_int_equal(map % 4096, 0);
	assert_true(map >= node->phys + 16 &&
		    map + 4096 <= node->phys + 16 + node->len);
	assert_memory_equal(xl_bp_at(&l, map, 4096), zero, 4096);
	/* The payload is page aligned: the fewest pages to early_memremap. */
	assert_int_equal((node->phys + 16) % 4096, 0);
	assert_true(kd.fdt_addr >= map + 4096);
	assert_int_equal(kd.scratch_addr, node->phys + 16 + sizeof(kd));
	xl_free(&l);
}

static void load_refuses_a_kho_node_early_memremap_cannot_map(void **state)
{
	static const uint64_t scratch[] = { 0x29c00000, 0x38c00000 };
	struct kexec_load l;
	struct errbuf e;
	struct bz_opts o;
	size_t len;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture("empty"), ram_big, 3, k, len, "");
	xl_allow(&l, scratch, 1);
	/* 64 pages at most; an FDT copy of 256 KiB and the array exceed it. */
	l.kho = kho_copy(scratch, 1, 256 * 1024);
	assert_int_equal(bzimage_type.load(&l), -E2BIG);
	assert_non_null(strstr(e.msg, "early_memremap"));
	xl_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(probe_accepts_a_64bit_bzimage),
		cmocka_unit_test(probe_rejects_a_file_too_short_for_a_header),
		cmocka_unit_test(probe_rejects_a_missing_hdrs_signature),
		cmocka_unit_test(probe_rejects_a_bad_boot_flag),
		cmocka_unit_test(probe_rejects_protocols_older_than_2_12),
		cmocka_unit_test(probe_rejects_a_header_outside_its_hole),
		cmocka_unit_test(probe_rejects_a_zimage),
		cmocka_unit_test(probe_rejects_a_kernel_without_64bit_entry),
		cmocka_unit_test(probe_rejects_a_file_that_ends_in_the_setup_code),
		cmocka_unit_test(probe_rejects_a_truncated_payload),
		cmocka_unit_test(probe_rejects_alignment_not_a_power_of_two),
		cmocka_unit_test(probe_rejects_zero_init_size),
		cmocka_unit_test(probe_rejects_a_non_relocatable_kernel),
		cmocka_unit_test(load_refuses_a_4level_kernel_under_5level_paging),
		cmocka_unit_test(load_takes_a_5level_kernel_under_5level_paging),
		cmocka_unit_test(load_takes_a_4level_kernel_without_la57),
		cmocka_unit_test(load_gives_the_kernel_init_size_from_pref_address),
		cmocka_unit_test(load_moves_kernel_up_when_pref_address_is_taken),
		cmocka_unit_test(load_covers_a_payload_larger_than_init_size),
		cmocka_unit_test(load_refuses_a_command_line_longer_than_cmdline_size),
		cmocka_unit_test(load_points_cmd_line_ptr_at_the_command_line),
		cmocka_unit_test(load_keeps_initrd_below_addr_max_without_4g_flag),
		cmocka_unit_test(load_puts_initrd_above_4g_when_low_memory_is_short),
		cmocka_unit_test(load_prefers_initrd_below_4g_even_with_the_flag),
		cmocka_unit_test(load_fails_when_initrd_needs_4g_and_kernel_forbids),
		cmocka_unit_test(load_honours_mem_min_and_mem_max),
		cmocka_unit_test(load_hands_purgatory_entry_and_boot_params),
		cmocka_unit_test(load_follows_no_checksum),
		cmocka_unit_test(serial_port_comes_from_the_console_arguments),
		cmocka_unit_test(load_with_kho_stays_in_scratch_and_hands_the_fdt_over),
		cmocka_unit_test(load_with_live_kho_fdt_points_at_the_kernel_page),
		cmocka_unit_test(load_with_blobs_gives_each_a_segment_and_an_indirect_node),
		cmocka_unit_test(load_without_kho_in_the_kernel_puts_an_empty_map_in_the_node),
		cmocka_unit_test(load_refuses_a_kho_node_early_memremap_cannot_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
