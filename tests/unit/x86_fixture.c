// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "x86_fixture.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

void bz_defaults(struct bz_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->setup_sects = 4;
	o->hdr_jump = 0x6a;
	o->boot_flag = 0xaa55;
	o->magic = 0x53726448;
	o->version = 0x020f;
	o->loadflags = LOADED_HIGH;
	o->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G |
			XLF_EFI_KEXEC;
	o->initrd_addr_max = 0x7fffffff;
	o->kernel_alignment = 0x200000;
	o->relocatable = 1;
	o->cmdline_size = 2047;
	o->pref_address = 0x1000000;
	o->init_size = 0x800000;
	o->payload = 0x10000;
	o->payload_offset = 0x200;
	o->payload_length = 0x10000 - 0x400;
}

uint8_t *bz_make(const struct bz_opts *o, size_t *len)
{
	size_t sects = o->setup_sects ? o->setup_sects : 4;
	size_t setup = (sects + 1) * 512, n = setup + o->payload, i;
	uint8_t *k = calloc(1, n);

	assert_non_null(k);
	for (i = 0; i < 0x1f1; i++)
		k[i] = 0xcc;	/* boot sector junk the loader must not copy */
	k[0x1f1] = o->setup_sects;
	put32(k + 0x1f4, o->syssize ? o->syssize : (uint32_t)(o->payload / 16));
	put16(k + 0x1fa, 0xffff);
	put16(k + 0x1fe, o->boot_flag);
	k[0x200] = 0xeb;
	k[0x201] = o->hdr_jump;
	put32(k + 0x202, o->magic);
	put16(k + 0x206, o->version);
	k[0x211] = o->loadflags;
	put32(k + 0x22c, o->initrd_addr_max);
	put32(k + 0x230, o->kernel_alignment);
	k[0x234] = o->relocatable;
	k[0x235] = 21;
	put16(k + 0x236, o->xloadflags);
	put32(k + 0x238, o->cmdline_size);
	put32(k + 0x248, o->payload_offset);
	put32(k + 0x24c, o->payload_length);
	put64(k + 0x258, o->pref_address);
	put32(k + 0x260, o->init_size);
	put32(k + 0x268, 0x12345);	/* kernel_info_offset */
	/* Past the header: setup code the loader must not copy. */
	for (i = 0x26c; i < setup; i++)
		k[i] = 0xee;
	for (i = setup; i < n; i++)
		k[i] = (uint8_t)(i * 7);
	*len = o->short_file ? 512 : n;
	return k;
}


char *xr_root(void)
{
	char *t = strdup("/tmp/kexec-x86-test.XXXXXX");

	assert_non_null(t);
	assert_non_null(mkdtemp(t));
	return t;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

void xr_rm(char *root)
{
	if (!root)
		return;
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

static void mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

void xr_put(const char *root, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkdirs(path);
	f = fopen(path, "wb");
	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void xr_puts(const char *root, const char *rel, const char *text)
{
	xr_put(root, rel, text, strlen(text));
}

void xr_copy(const char *root, const char *from, const char *rel)
{
	char path[PATH_MAX];
	char buf[8192];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fixture(from), rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	xr_put(root, rel, buf, n);
}

void xl_init(struct kexec_load *l, struct errbuf *e, const char *root,
	     const uint64_t *ram, size_t nr_pairs, uint8_t *image,
	     size_t image_len, const char *cmdline)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	memset(e, 0, sizeof(*e));
	l->err = e;
	l->root = root;
	for (i = 0; i < nr_pairs; i++)
		assert_int_equal(memmap_add(&l->sysmem, ram[2 * i],
					    ram[2 * i + 1], MEM_RAM), 0);
	assert_int_equal(memmap_normalize(&l->sysmem, NULL), 0);
	assert_int_equal(plan_init(&l->plan, &l->sysmem), 0);
	l->kernel_file.copy = image;	/* load_free() frees it */
	l->kernel = image;
	l->kernel_size = image_len;
	l->cmdline = cmdline;
}

void xl_add_range(struct kexec_load *l, uint64_t start, uint64_t end,
		  enum mem_type type)
{
	assert_int_equal(memmap_add(&l->sysmem, start, end, type), 0);
	assert_int_equal(memmap_normalize(&l->sysmem, NULL), 0);
}

void xl_allow(struct kexec_load *l, const uint64_t *ram, size_t nr_pairs)
{
	struct mem_map m = { 0 };
	size_t i;

	for (i = 0; i < nr_pairs; i++)
		assert_int_equal(memmap_add(&m, ram[2 * i], ram[2 * i + 1],
					    MEM_RAM), 0);
	plan_free(&l->plan);
	assert_int_equal(plan_init(&l->plan, &m), 0);
	memmap_free(&m);
}

void xl_free(struct kexec_load *l)
{
	/* The command line belongs to the test, not to the load. */
	l->cmdline = NULL;
	load_free(l);
}

const struct segment *seg_named(const struct kexec_load *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->plan.nr; i++)
		if (l->plan.seg[i].name && !strcmp(l->plan.seg[i].name, name))
			return &l->plan.seg[i];
	return NULL;
}

const struct boot_params *xl_zero_page(const struct kexec_load *l)
{
	const struct segment *s = seg_named(l, "bootparams");

	assert_non_null(s);
	assert_true(s->bufsz >= sizeof(struct boot_params));
	return s->buf;
}

const void *xl_bp_at(const struct kexec_load *l, uint64_t phys, size_t len)
{
	const struct segment *s = seg_named(l, "bootparams");

	assert_non_null(s);
	if (phys < s->mem || phys - s->mem > s->bufsz ||
	    len > s->bufsz - (phys - s->mem))
		fail_msg("0x%llx+0x%zx is outside the bootparams segment",
			 (unsigned long long)phys, len);
	return (const uint8_t *)s->buf + (phys - s->mem);
}

size_t xl_chain(const struct kexec_load *l, struct sd_seen *out, size_t max)
{
	const struct boot_params *bp = xl_zero_page(l);
	uint64_t p = bp->hdr.setup_data;
	size_t n = 0;

	while (p) {
		struct setup_data sd;

		if (n == max)
			fail_msg("setup_data chain longer than %zu", max);
		memcpy(&sd, xl_bp_at(l, p, sizeof(sd)), sizeof(sd));
		out[n].phys = p;
		out[n].type = sd.type;
		out[n].len = sd.len;
		out[n].data = xl_bp_at(l, p + sizeof(sd), sd.len);
		n++;
		p = sd.next;
	}
	return n;
}

const struct sd_seen *sd_find(const struct sd_seen *s, size_t n,
			      uint32_t type)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].type == type)
			return &s[i];
	return NULL;
}

const struct purgatory_params *xl_purgatory(const struct kexec_load *l)
{
	const struct segment *s = seg_named(l, "purgatory");
	struct purgatory_header h;

	assert_non_null(s);
	memcpy(&h, s->buf, sizeof(h));
	assert_true(h.params_offset + sizeof(struct purgatory_params) <=
		    s->bufsz);
	return (const struct purgatory_params *)((const uint8_t *)s->buf +
						 h.params_offset);
}
