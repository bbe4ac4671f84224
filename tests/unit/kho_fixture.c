// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "kho.h"
#include "kho_fixture.h"
#include "memmap.h"

#define FX_GIB (1ULL << 30)

#if defined(__aarch64__)
#define FX_MACHINE EM_AARCH64
#else
#define FX_MACHINE EM_X86_64
#endif

static void fdt_ok(int err)
{
	if (err)
		fail_msg("libfdt: %s", fdt_strerror(err));
}

size_t fx_make_fdt(void *buf, size_t size, const struct fx_fdt *f)
{
	int i;

	fdt_ok(fdt_create(buf, size));
	fdt_ok(fdt_finish_reservemap(buf));
	fdt_ok(fdt_begin_node(buf, ""));
	if (f->compat)
		fdt_ok(fdt_property_string(buf, "compatible", f->compat));
	/* CPU byte order, as the kernel writes it (not fdt_property_u64). */
	if (f->map_len)
		fdt_ok(fdt_property(buf, "preserved-memory-map", &f->mem_map,
				    f->map_len));
	for (i = 0; i < f->nr_nodes; i++) {
		const struct fx_node *n = &f->nodes[i];

		fdt_ok(fdt_begin_node(buf, n->name));
		fdt_ok(fdt_property(buf, "preserved-data", &n->data, 8));
		if (!n->no_size)
			fdt_ok(fdt_property(buf, "blob-size", &n->size, 8));
		if (n->nested) {
			fdt_ok(fdt_begin_node(buf, "inner"));
			fdt_ok(fdt_property(buf, "preserved-data", &n->data, 8));
			fdt_ok(fdt_property(buf, "blob-size", &n->size, 8));
			fdt_ok(fdt_end_node(buf));
		}
		fdt_ok(fdt_end_node(buf));
	}
	fdt_ok(fdt_end_node(buf));
	fdt_ok(fdt_finish(buf));
	return fdt_totalsize(buf);
}

size_t fx_kernel_fdt(void *buf, size_t size)
{
	static const struct fx_node nodes[] = {
		{ .name = "kexec-metadata", .data = 0x2346000, .size = 0x48 },
		{ .name = "memblock", .data = 0x2347000, .size = 0x200 },
		{ .name = "LUO", .data = 0x2348000, .size = 0x1000 },
		{ .name = "kho_test", .data = 0x2349000, .size = 0x400 },
	};
	const struct fx_fdt f = {
		.compat = "kho-v4", .map_len = 8, .mem_map = FX_MEM_MAP,
		.nodes = nodes, .nr_nodes = 4,
	};

	return fx_make_fdt(buf, size, &f);
}

char *fx_root(void)
{
	char *d = strdup("/tmp/test_kho.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

void fx_rm_root(char *root)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(root);
}

static void mkdirs(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

void fx_put(const char *root, const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkdirs(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void fx_puts(const char *root, const char *rel, const char *text)
{
	fx_put(root, rel, text, strlen(text));
}

void fx_unlink(const char *root, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(unlink(path), 0);
}

struct fx_seg {
	uint64_t va, pa, size;
};

/*
 * The layout kcore uses: header, program headers (PT_NOTE first), notes,
 * then data at page-aligned offsets. Offsets here are packed, not
 * va-derived, which a reader must not care about.
 */
size_t fx_write_kcore(const char *root, const struct fx_kcore *k)
{
	static const struct fx_seg segs[] = {
		{ FX_TEXT_VA, FX_TEXT_PA, FX_TEXT_SIZE },
		{ FX_RAM_VA, FX_RAM_PA, FX_RAM_SIZE },
		{ FX_VMALLOC_VA, UINT64_MAX, FX_VMALLOC_SIZE },
	};
	const int nseg = 3;
	size_t off, total, i;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	uint8_t *img;

	total = 0x1000;
	for (i = 0; i < nseg; i++)
		total += segs[i].size;
	img = calloc(1, total);
	assert_non_null(img);

	eh = (Elf64_Ehdr *)img;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = FX_MACHINE;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = !k->phnum_override ? nseg + 1 :
		      k->phnum_override < 0 ? 0 : k->phnum_override;

	ph = (Elf64_Phdr *)(img + sizeof(*eh));
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(*eh) + (nseg + 1) * sizeof(*ph);
	ph[0].p_filesz = 16;
	off = 0x1000;
	for (i = 0; i < nseg; i++) {
		Elf64_Phdr *p = &ph[i + 1];

		p->p_type = PT_LOAD;
		p->p_flags = PF_R | PF_W | PF_X;
		p->p_offset = off;
		p->p_vaddr = segs[i].va;
		p->p_paddr = segs[i].pa;
		p->p_filesz = p->p_memsz = segs[i].size;
		p->p_align = 0x1000;
		off += segs[i].size;
	}
	/* kho_out.fdt, the first member, in the kernel image's data. */
	memcpy(img + 0x1000 + (FX_KHO_OUT_VA - FX_TEXT_VA),
	       &k->kho_out_value, 8);
	if (k->fdt_page)
		memcpy(img + 0x1000 + FX_TEXT_SIZE + (FX_FDT_VA - FX_RAM_VA),
		       k->fdt_page, k->fdt_page_len);
	if (k->truncate_at && k->truncate_at < total)
		total = k->truncate_at;
	fx_put(root, "proc/kcore", img, total);
	free(img);
	return total;
}

void fx_kho_root(const char *root, const void *fdt, size_t fdt_len,
		 size_t debugfs_len)
{
	const struct fx_kcore k = {
		.kho_out_value = FX_FDT_VA,
		.fdt_page = fdt,
		.fdt_page_len = fdt_len,
	};
	char syms[256];

	snprintf(syms, sizeof(syms),
		 "ffffffff81000000 T _text\n"
		 "%016llx d kho_out\n"
		 "ffffffff81001200 b kho_in\n",
		 (unsigned long long)FX_KHO_OUT_VA);
	fx_puts(root, "proc/kallsyms", syms);
	fx_write_kcore(root, &k);
	if (debugfs_len)
		fx_put(root, "sys/kernel/debug/kho/out/fdt", fdt, debugfs_len);
	/* The QEMU sample from KHO-NOTES: low, global (empty), node 0. */
	fx_puts(root, "sys/kernel/debug/kho/out/scratch_phys",
		"0x38c00000\n0x3dc00000\n0x29c00000\n");
	fx_puts(root, "sys/kernel/debug/kho/out/scratch_len",
		"0x5000000\n0x0\n0xf000000\n");
}

bool fx_warned(const struct kho_handover *h, const char *needle)
{
	size_t i = 0;

	while (i < h->nr_warnings && !strstr(h->warnings[i], needle))
		i++;
	return i < h->nr_warnings;
}

int fx_setup_flat(void **state)
{
	struct fx_state *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	t->root = fx_root();
	if (memmap_add(&t->ram, 0, FX_GIB, MEM_RAM) ||
	    memmap_normalize(&t->ram, NULL))
		return -1;
	t->fdt_len = fx_kernel_fdt(t->fdt, sizeof(t->fdt));
	*state = t;
	return 0;
}

int fx_setup_qemu(void **state)
{
	struct fx_state *t = calloc(1, sizeof(*t));

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

int fx_teardown(void **state)
{
	struct fx_state *t = *state;

	fx_rm_root(t->root);
	memmap_free(&t->ram);
	free(t);
	return 0;
}

size_t fx_make(uint8_t *buf, const char *compat, int map_len,
		   uint64_t map, const struct fx_node *nodes, int nr)
{
	const struct fx_fdt f = {
		.compat = compat, .map_len = map_len, .mem_map = map,
		.nodes = nodes, .nr_nodes = nr,
	};

	return fx_make_fdt(buf, 4096, &f);
}

char *fx_write_fdt_file(struct fx_state *t, const void *fdt, size_t len)
{
	char *path = malloc(512);

	assert_non_null(path);
	fx_put(t->root, "inject.fdt", fdt, len);
	snprintf(path, 512, "%s/inject.fdt", t->root);
	return path;
}

int fx_prepare(struct fx_state *t, enum kho_mode mode, const char *file,
		   struct kho_handover **h, struct errbuf *e)
{
	struct kho_request o = { .mode = mode, .fdt_file = file };

	return kho_prepare(t->root, &o, &t->ram, h, e);
}

/* root/NAME with @len bytes of a pattern; returns the full path. */
const char *fx_put_file(struct fx_state *t, const char *name, size_t len)
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

/* A handover of a copy of the kernel-like FDT, as --kho-fdt makes. */
struct kho_handover *fx_file_handover(const struct fx_state *t)
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

char *fx_spec(const char *name, const char *path)
{
	char *s = malloc(strlen(name) + strlen(path) + 2);

	assert_non_null(s);
	sprintf(s, "%s=%s", name, path);
	return s;
}

uint64_t fx_prop_u64(const void *fdt, const char *node, const char *prop)
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

int fx_add_blob(struct fx_state *t, struct kho_handover *h, const char *name,
		size_t len, struct errbuf *e)
{
	char *spec = fx_spec(name, fx_put_file(t, "blob", len));
	const char *const specs[] = { spec };
	int ret = kho_add_blobs(h, specs, 1, e);

	free(spec);
	return ret;
}
