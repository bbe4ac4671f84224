// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device tree handed to the next kernel: the running one (or --dtb)
 * with /chosen rewritten. The kernel reads /chosen in drivers/of/fdt.c
 * (bootargs, initrd, usable memory, elfcorehdr, KHO) and
 * arch/arm64/kernel/pi/kaslr_early.c (kaslr-seed).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "arm64.h"
#include "errbuf.h"
#include "fdtcheck.h"
#include "fsroot.h"
#include "util.h"

#define RUNNING_FDT "/sys/firmware/fdt"
/* Room for what /chosen gains beyond the command line; far above the need. */
#define DTB_SLACK 8192
/* How many cells a <addr size> entry may use in total (4 + 4). */
#define MAX_CELLS 8

/*
 * Properties of the running kernel's boot that would mislead the next:
 * crash-kernel state, memory windows, buffers of an earlier kexec and
 * seeds the running kernel already consumed.
 */
static const char *const stale_props[] = {
	"linux,elfcorehdr",
	"linux,usable-memory-range",
	"linux,dmcryptkeys",
	"linux,ima-kexec-buffer",
	"linux,kho-fdt",
	"linux,kho-scratch",
	"linux,initrd-start",
	"linux,initrd-end",
	"kaslr-seed",
	"rng-seed",
	"bootargs",
	ARM64_RSV_PROP,
	NULL,
};

int arm64_dtb_read(const char *root, const char *path, void **dtb,
		   size_t *len, struct errbuf *e)
{
	const char *name = path ? path : RUNNING_FDT;
	char *buf = NULL;
	int err;

	if (path) {
		err = read_file(path, ARM64_DTB_MAX, dtb, len, e);
		if (err)
			return err_prefix(e, err, "--dtb");
		buf = *dtb;
	} else {
		struct errbuf why = { 0 };

		err = fsroot_read(root, RUNNING_FDT, ARM64_DTB_MAX, &buf, len,
				  &why);
		if (err == -ENOENT)
			return err_set(e, err,
				       "%s does not exist, so the running kernel's device tree is unknown; pass --dtb FILE",
				       RUNNING_FDT);
		if (err)
			return err_set(e, err, "%s", err_str(&why, err));
		*dtb = buf;
	}
	err = fdt_check_untrusted(buf, *len);
	if (err) {
		free(buf);
		*dtb = NULL;
		return err_set(e, -EINVAL, "%s is not a valid device tree: %s",
			       name, fdt_check_strerror(err));
	}
	return 0;
}

static int cells_of(const void *fdt, const char *name, int *cells,
		    struct errbuf *e)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, 0, name, &len);
	if (!p) {
		/* drivers/of/fdt.c: OF_ROOT_NODE_{ADDR,SIZE}_CELLS_DEFAULT */
		*cells = 1;
		return 0;
	}
	if (len != sizeof(*p))
		return err_set(e, -EINVAL,
			       "device tree root property %s is %d bytes, not one cell",
			       name, len);
	*cells = (int)fdt32_to_cpu(*p);
	return 0;
}

int arm64_dt_root_cells(const void *fdt, int *addr_cells, int *size_cells,
			struct errbuf *e)
{
	int err;

	err = cells_of(fdt, "#address-cells", addr_cells, e);
	if (!err)
		err = cells_of(fdt, "#size-cells", size_cells, e);
	return err;
}

/*
 * Encode @v in @cells big-endian cells. The kernel's of_read_number()
 * keeps the low 64 bits, so cells above two are leading zeros.
 */
static bool put_cells(fdt32_t *out, int cells, uint64_t v)
{
	int i;

	if (cells == 1 && v > UINT32_MAX)
		return false;
	for (i = cells - 1; i >= 0; i--) {
		out[i] = cpu_to_fdt32((uint32_t)v);
		v = cells - i >= 2 ? 0 : v >> 32;
	}
	return true;
}

int arm64_dt_set_addr_size(void *fdt, int node, const char *name,
			   uint64_t addr, uint64_t size, struct errbuf *e)
{
	fdt32_t cell[MAX_CELLS];
	int ac, sc, err;

	err = arm64_dt_root_cells(fdt, &ac, &sc, e);
	if (err)
		return err;
	if (ac < 1 || ac > 4 || sc < 1 || sc > 4)
		return err_set(e, -EINVAL,
			       "device tree root has #address-cells %d and #size-cells %d; %s needs 1 to 4 of each",
			       ac, sc, name);
	if (!put_cells(cell, ac, addr) || !put_cells(cell + ac, sc, size))
		return err_set(e, -ERANGE,
			       "%s = <0x%llx 0x%llx> does not fit the device tree's %d address and %d size cells",
			       name, (unsigned long long)addr,
			       (unsigned long long)size, ac, sc);
	err = fdt_setprop(fdt, node, name, cell,
			  (int)((ac + sc) * sizeof(cell[0])));
	if (err)
		return err_set(e, err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL,
			       "cannot set /chosen/%s in the device tree: %s",
			       name, fdt_strerror(err));
	return 0;
}

/* A u32 or u64 property, as drivers/of/fdt.c reads linux,initrd-*. */
static bool get_number(const void *fdt, int node, const char *name,
		       uint64_t *v)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return false;
	if (len == 4)
		*v = fdt32_to_cpu(p[0]);
	else if (len == 8)
		*v = (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]);
	else
		return false;
	return true;
}

static bool get_addr_size(const void *fdt, int node, const char *name,
			  uint64_t *addr, uint64_t *size)
{
	const fdt32_t *p;
	int ac, sc, len, i;

	if (arm64_dt_root_cells(fdt, &ac, &sc, NULL) || ac < 1 || ac > 4 ||
	    sc < 1 || sc > 4)
		return false;
	p = fdt_getprop(fdt, node, name, &len);
	if (!p || len != (ac + sc) * 4)
		return false;
	*addr = *size = 0;
	for (i = 0; i < ac; i++)
		*addr = *addr << 32 | fdt32_to_cpu(p[i]);
	for (i = 0; i < sc; i++)
		*size = *size << 32 | fdt32_to_cpu(p[ac + i]);
	return true;
}

static int fdt_fail(struct errbuf *e, const char *what, int fdt_err)
{
	return err_set(e, fdt_err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL,
		       "cannot %s in the device tree: %s", what,
		       fdt_strerror(fdt_err));
}

/*
 * Drop the /memreserve/ entry an earlier kexec added for a buffer of its
 * own (exact size or rounded up to a page, as loaders differ), so that
 * chained kexecs don't keep leaking it.
 */
static int del_rsv(void *fdt, uint64_t addr, uint64_t size)
{
	uint64_t a, s, page = (size + 4095) & ~4095ULL;
	int i, n, err;

	n = fdt_num_mem_rsv(fdt);
	for (i = 0; i < n; i++) {
		err = fdt_get_mem_rsv(fdt, i, &a, &s);
		if (err)
			return err;
		if (a == addr && (s == size || s == page))
			return fdt_del_mem_rsv(fdt, i);
	}
	return 0;
}

/* The entries an earlier load listed in ARM64_RSV_PROP. */
static int del_own_rsv(void *fdt, int chosen)
{
	const fdt64_t *p;
	fdt64_t a, s;
	int len, i, err;

	p = fdt_getprop(fdt, chosen, ARM64_RSV_PROP, &len);
	if (!p || len % 16)
		return 0;
	for (i = 0; i < len / 8; i += 2) {
		/* Properties are only 4-byte aligned. */
		memcpy(&a, p + i, sizeof(a));
		memcpy(&s, p + i + 1, sizeof(s));
		err = del_rsv(fdt, fdt64_to_cpu(a), fdt64_to_cpu(s));
		if (err)
			return err;
		/* Deleting shifts the blob: look the property up again. */
		p = fdt_getprop(fdt, chosen, ARM64_RSV_PROP, &len);
		if (!p)
			return -FDT_ERR_INTERNAL;
	}
	return 0;
}

static int del_stale_rsv(void *fdt, int chosen)
{
	uint64_t start, end, size;
	int err;

	err = del_own_rsv(fdt, chosen);
	if (!err && get_number(fdt, chosen, "linux,initrd-start", &start) &&
	    get_number(fdt, chosen, "linux,initrd-end", &end) && end > start)
		err = del_rsv(fdt, start, end - start);
	if (!err && get_addr_size(fdt, chosen, "linux,kho-fdt", &start, &size))
		err = del_rsv(fdt, start, size);
	return err;
}

static int add_own_rsv(void *fdt, int chosen, const struct arm64_chosen *c,
		       struct errbuf *e)
{
	fdt64_t list[2 * ARM64_MAX_RSV];
	size_t i;
	int err;

	if (!c->nr_rsv)
		return 0;
	if (c->nr_rsv > ARM64_MAX_RSV)
		return err_set(e, -E2BIG, "too many /memreserve/ entries");
	for (i = 0; i < c->nr_rsv; i++) {
		err = fdt_add_mem_rsv(fdt, c->rsv[i].addr, c->rsv[i].size);
		if (err)
			return fdt_fail(e, "add a /memreserve/ entry", err);
		list[2 * i] = cpu_to_fdt64(c->rsv[i].addr);
		list[2 * i + 1] = cpu_to_fdt64(c->rsv[i].size);
	}
	err = fdt_setprop(fdt, chosen, ARM64_RSV_PROP, list,
			  (int)(c->nr_rsv * 2 * sizeof(list[0])));
	if (err)
		return fdt_fail(e, "set /chosen/" ARM64_RSV_PROP, err);
	return 0;
}

/*
 * Fresh seeds every load: the running kernel zeroed its kaslr-seed and
 * dropped its rng-seed, and reusing either would make two boots alike.
 * A kaslr-seed of 0 means "none" to the kernel, so draw until it isn't.
 */
static int add_seeds(void *fdt, int chosen, struct errbuf *e)
{
	uint8_t rng[ARM64_RNG_SEED_SIZE];
	uint64_t seed = 0;
	int err;

	while (!seed) {
		err = random_fill(&seed, sizeof(seed));
		if (err)
			return err_set(e, err, "getrandom() failed for kaslr-seed");
	}
	err = random_fill(rng, sizeof(rng));
	if (err)
		return err_set(e, err, "getrandom() failed for rng-seed");
	err = fdt_setprop_u64(fdt, chosen, "kaslr-seed", seed);
	if (!err)
		err = fdt_setprop(fdt, chosen, "rng-seed", rng, sizeof(rng));
	if (err)
		return err_set(e, -EINVAL,
			       "cannot set the seeds in /chosen: %s",
			       fdt_strerror(err));
	return 0;
}

static int find_chosen(void *fdt, struct errbuf *e)
{
	int node = fdt_path_offset(fdt, "/chosen");

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return fdt_fail(e, "find or add /chosen", node);
	return node;
}

static int edit_chosen(void *fdt, const struct arm64_chosen *c,
		       struct errbuf *e)
{
	const char *const *name;
	int chosen, err;

	chosen = find_chosen(fdt, e);
	if (chosen < 0)
		return chosen;
	err = del_stale_rsv(fdt, chosen);
	if (err)
		return fdt_fail(e, "remove the previous kexec's /memreserve/ entries", err);
	for (name = stale_props; *name; name++) {
		err = fdt_delprop(fdt, chosen, *name);
		if (err && err != -FDT_ERR_NOTFOUND)
			return fdt_fail(e, "remove stale /chosen properties", err);
	}
	if (c->cmdline && *c->cmdline) {
		err = fdt_setprop_string(fdt, chosen, "bootargs", c->cmdline);
		if (err)
			return fdt_fail(e, "set /chosen/bootargs", err);
	}
	if (c->initrd_size) {
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
				      c->initrd_start);
		if (!err)
			err = fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
					      c->initrd_start + c->initrd_size);
		if (err)
			return fdt_fail(e, "set /chosen/linux,initrd-*", err);
	}
	err = add_seeds(fdt, chosen, e);
	if (err)
		return err;
	if (c->kho_fdt_size) {
		err = arm64_kho_chosen(fdt, chosen, c, e);
		if (err)
			return err;
	}
	return add_own_rsv(fdt, chosen, c, e);
}

/* A name from the tree fit for a one-line message: '?' for what is not. */
static void printable(char *out, size_t size, const char *s, int len)
{
	size_t i;

	for (i = 0; i + 1 < size && i < (size_t)len; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

/*
 * The node an alias at the start of @path (@n bytes) names, resolved here
 * rather than by libfdt: 1.6.1 follows an alias whose value is another
 * alias (aliases { serial0 = "serial0"; }) until the stack overflows. The
 * devicetree spec makes an alias a full path, so one level is all there is.
 */
static int resolve_alias(const void *fdt, const char *path, int n,
			 struct errbuf *e)
{
	const char *val, *slash;
	char *full, name[64];
	int aliases, alen, vlen, node;

	slash = memchr(path, '/', n);
	alen = slash ? (int)(slash - path) : n;
	aliases = fdt_path_offset(fdt, "/aliases");
	if (aliases < 0)
		return -ENOENT;
	val = fdt_getprop_namelen(fdt, aliases, path, alen, &vlen);
	if (!val)
		return -ENOENT;
	if (vlen < 2 || val[0] != '/' || memchr(val, '\0', vlen) != val + vlen - 1) {
		printable(name, sizeof(name), path, alen);
		return err_set(e, -EINVAL,
			       "device tree /chosen/stdout-path names alias \"%s\", whose value is not a full path (an alias must start with /)",
			       name);
	}
	if (asprintf(&full, "%s%.*s", val, n - alen, path + alen) < 0)
		return err_set(e, -ENOMEM, "out of memory for stdout-path");
	node = fdt_path_offset(fdt, full);
	free(full);
	return node < 0 ? -ENOENT : node;
}

/*
 * The node /chosen/stdout-path ("serial0:115200n8": an alias or a path,
 * then options) names; -ENOENT when there is none, -EINVAL (with @e) for
 * an alias no loader should follow.
 */
static int stdout_node(const void *fdt, struct errbuf *e)
{
	const char *path;
	int chosen, node, len, n;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return -ENOENT;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path || len < 2 || path[len - 1])
		return -ENOENT;
	n = (int)strcspn(path, ":");
	if (path[0] != '/')
		return resolve_alias(fdt, path, n, e);
	node = fdt_path_offset_namelen(fdt, path, n);
	return node < 0 ? -ENOENT : node;
}

int arm64_dtb_build(const void *src, size_t src_len,
		    const struct arm64_chosen *c, void **out, size_t *out_len,
		    struct errbuf *e)
{
	size_t cmdline = c->cmdline ? strlen(c->cmdline) + 1 : 0;
	size_t size;
	void *fdt;
	int err;

	err = fdt_check_untrusted(src, src_len);
	if (err)
		return err_set(e, -EINVAL, "not a valid device tree: %s",
			       fdt_check_strerror(err));
	err = stdout_node(src, e);
	if (err == -EINVAL || err == -ENOMEM)
		return err;
	if (c->initrd_start > UINT64_MAX - c->initrd_size)
		return err_set(e, -EOVERFLOW,
			       "initrd at 0x%llx of 0x%llx bytes wraps around",
			       (unsigned long long)c->initrd_start,
			       (unsigned long long)c->initrd_size);
	size = fdt_totalsize(src) + cmdline + DTB_SLACK;
	if (size > ARM64_DTB_MAX + DTB_SLACK + cmdline || size > INT32_MAX)
		return err_set(e, -E2BIG, "device tree is too large");
	fdt = malloc(size);
	if (!fdt)
		return err_set(e, -ENOMEM, "out of memory for the device tree");
	err = fdt_open_into(src, fdt, (int)size);
	if (err) {
		err = fdt_fail(e, "open a copy of the device tree", err);
		goto fail;
	}
	err = edit_chosen(fdt, c, e);
	if (err)
		goto fail;
	err = fdt_pack(fdt);
	if (err) {
		err = fdt_fail(e, "pack the device tree", err);
		goto fail;
	}
	if (fdt_totalsize(fdt) > ARM64_DTB_MAX) {
		err = err_set(e, -E2BIG,
			      "the device tree for the next kernel is %u bytes; arm64 kernels accept at most 2 MiB",
			      fdt_totalsize(fdt));
		goto fail;
	}
	*out = fdt;
	*out_len = fdt_totalsize(fdt);
	return 0;
fail:
	free(fdt);
	return err;
}

/* "earlycon=pl011,0x9000000" or "earlycon=pl011,mmio32,0x9000000" */
static uint64_t earlycon_pl011(const char *cmdline)
{
	static const char key[] = "earlycon=pl011,";
	const char *p = cmdline, *tok;
	unsigned long long v;
	char *end;
	size_t n;

	while (p && *p) {
		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n > sizeof(key) - 1 && !strncmp(p, key, sizeof(key) - 1)) {
			tok = p + sizeof(key) - 1;
			if (!strncmp(tok, "mmio32,", 7))
				tok += 7;
			else if (!strncmp(tok, "mmio,", 5))
				tok += 5;
			errno = 0;
			v = strtoull(tok, &end, 0);
			if (!errno && end > tok && end <= p + n &&
			    (end == p + n || *end == ','))
				return v;
		}
		p += n;
	}
	return 0;
}

static bool read_cells(const fdt32_t *p, int cells, uint64_t *v)
{
	int i;

	if (cells < 1 || cells > 2)
		return false;
	*v = 0;
	for (i = 0; i < cells; i++)
		*v = *v << 32 | fdt32_to_cpu(p[i]);
	return true;
}

/*
 * Translate a bus address of a child of @bus up one level through the
 * bus's "ranges"; an empty ranges is the identity, a missing one means
 * the bus is not memory mapped.
 */
static bool translate_up(const void *fdt, int bus, uint64_t *addr)
{
	const fdt32_t *r;
	uint64_t child, parent, size;
	int len, parent_node, ca, pa, sc, entry, i;

	r = fdt_getprop(fdt, bus, "ranges", &len);
	if (!r)
		return false;
	if (len == 0)
		return true;
	parent_node = fdt_parent_offset(fdt, bus);
	if (parent_node < 0)
		return false;
	ca = fdt_address_cells(fdt, bus);
	sc = fdt_size_cells(fdt, bus);
	pa = fdt_address_cells(fdt, parent_node);
	if (ca < 1 || pa < 1 || sc < 1)
		return false;
	entry = ca + pa + sc;
	for (i = 0; (i + entry) * 4 <= len; i += entry) {
		if (!read_cells(r + i, ca, &child) ||
		    !read_cells(r + i + ca, pa, &parent) ||
		    !read_cells(r + i + ca + pa, sc, &size))
			return false;
		if (*addr >= child && *addr - child < size) {
			*addr = *addr - child + parent;
			return true;
		}
	}
	return false;
}

/* The CPU physical address of the first "reg" entry of @node. */
static bool node_address(const void *fdt, int node, uint64_t *addr)
{
	const fdt32_t *reg;
	int bus, len, ac, depth = 0;

	bus = fdt_parent_offset(fdt, node);
	if (bus < 0)
		return false;
	ac = fdt_address_cells(fdt, bus);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || len < ac * 4 || !read_cells(reg, ac, addr))
		return false;
	/* Up to the root, which has no parent; bounded against loops of a broken tree. */
	while (bus > 0 && depth++ < 32) {
		if (!translate_up(fdt, bus, addr))
			return false;
		bus = fdt_parent_offset(fdt, bus);
		if (bus < 0)
			return false;
	}
	return bus == 0;
}

static uint64_t stdout_pl011(const void *fdt)
{
	uint64_t addr;
	int node;

	node = stdout_node(fdt, NULL);
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011"))
		return 0;
	if (!node_address(fdt, node, &addr))
		return 0;
	return addr;
}

uint64_t arm64_pl011_base(const void *fdt, const char *cmdline)
{
	uint64_t base = earlycon_pl011(cmdline);

	if (base || !fdt)
		return base;
	return stdout_pl011(fdt);
}
