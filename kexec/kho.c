// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kexec HandOver, arch-neutral part. The facts it relies on are in
 * Linux's kernel/liveupdate/kexec_handover.c (7.3):
 * - the KHO FDT is one page, kho_out.fdt, the first member of the
 *   static struct kho_out; it is preserved memory itself;
 * - its u64 properties are stored in CPU byte order (fdt_property() of
 *   a u64 variable, read back with get_unaligned()), not big-endian;
 * - the next kernel checks the header, the root "compatible", and that
 *   preserved-memory-map is 8 bytes and non-zero; subsystems look up
 *   root subnodes by name and need 8-byte preserved-data and blob-size.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "fsroot.h"
#include "kallsyms.h"
#include "kcore.h"
#include "kho.h"
#include "options.h"
#include "placement.h"
#include "sha256.h"

#define KHO_COMPAT_PREFIX "kho-v"
#define KHO_MEM_MAP_PROP "preserved-memory-map"
#define KHO_DATA_PROP "preserved-data"
#define KHO_SIZE_PROP "blob-size"
#define KHO_OUT_SYMBOL "kho_out"
#define KHO_SCRATCH_FILE_MAX 65536
#define KHO_SCRATCH_ALIGN 4096ULL
#define KHO_NAME_MAX 255
/* A torn read races the kernel editing its FDT; a few retries outlast it. */
#define KHO_READ_TRIES 5
#define DEBUGFS_MOUNT "/sys/kernel/debug"
#define DEBUGFS_MAGIC_NR 0x64626720
/*
 * For sizing scratch before the image is parsed: a bzImage's init_size
 * is about five times its file size; the rest is boot parameters, the
 * purgatory and page rounding.
 */
#define KHO_KERNEL_GROWTH 8
#define KHO_LOAD_SLACK (2ULL << 20)
#define KHO_LOW_FLOOR (1ULL << 20)

static size_t kho_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	/* The kernel's page is the user page size on Linux. */
	return ps > 0 ? (size_t)ps : 4096;
}

static uint64_t get_u64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

bool kho_hands_copy(const struct kho_handover *h)
{
	return h->source != KHO_SRC_LIVE || h->edited;
}

/*
 * The first change to fdt: remember the source's digest for staleness,
 * and stop pointing the next kernel at the live page, which lacks the
 * change. The live snapshot becomes the base exec compares against.
 */
static void mark_edited(struct kho_handover *h)
{
	if (h->edited)
		return;
	sha256(h->fdt, h->fdt_len, h->src_digest);
	h->edited = true;
	if (h->source == KHO_SRC_LIVE) {
		h->has_base = true;
		memcpy(h->base_digest, h->src_digest, KHO_DIGEST_SIZE);
		h->fdt_phys = 0;
		h->fdt_size = h->fdt_len;
	}
}

/* ---- validation ---- */

static bool compat_ok(const char *s, int len)
{
	int i, n = sizeof(KHO_COMPAT_PREFIX) - 1;

	/* One NUL-terminated string, "kho-v" and 1..9 decimal digits. */
	if (len < n + 2 || len > n + 10 || s[len - 1] != '\0' ||
	    strncmp(s, KHO_COMPAT_PREFIX, n))
		return false;
	for (i = n; i < len - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* Subsystem names become debugfs file names in the next kernel. */
static bool name_ok(const char *name, int len)
{
	int i;

	if (len <= 0 || len > KHO_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c <= ' ' || c >= 0x7f || c == '/')
			return false;
	}
	return !(len == 1 && name[0] == '.') &&
	       !(len == 2 && name[0] == '.' && name[1] == '.');
}

static int check_u64_prop(const void *fdt, int node, const char *node_name,
			  const char *prop, uint64_t *val, struct errbuf *e)
{
	const void *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p)
		return err_set(e, -EBADMSG,
			       "KHO FDT node \"%s\" has no %s property",
			       node_name, prop);
	if (len != sizeof(uint64_t))
		return err_set(e, -EBADMSG,
			       "KHO FDT node \"%s\" property %s is %d bytes, not 8",
			       node_name, prop, len);
	*val = get_u64(p);
	return 0;
}

static int check_subnode(const void *fdt, int node, struct errbuf *e)
{
	uint64_t data, size;
	const char *name;
	int len, ret;

	name = fdt_get_name(fdt, node, &len);
	if (!name || !name_ok(name, len))
		return err_set(e, -EBADMSG,
			       "KHO FDT has a subnode with an unusable name");
	ret = check_u64_prop(fdt, node, name, KHO_DATA_PROP, &data, e);
	if (!ret)
		ret = check_u64_prop(fdt, node, name, KHO_SIZE_PROP, &size, e);
	if (ret)
		return ret;
	if (data + size < data)
		return err_set(e, -EBADMSG,
			       "KHO FDT node \"%s\": blob at 0x%llx of 0x%llx bytes wraps around",
			       name, (unsigned long long)data,
			       (unsigned long long)size);
	return 0;
}

/*
 * The kernel adds subtrees only under the root and looks them up by
 * name with fdt_subnode_offset(), which finds the first of duplicates:
 * a second node of the same name, or a deeper level, is never produced
 * and would be ignored; it means the blob was not made by a kernel.
 */
static int check_subnodes(const void *fdt, struct errbuf *e)
{
	int node, other, depth = 0, count = 0, ret;

	for (node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (depth > 1)
			return err_set(e, -EBADMSG,
				       "KHO FDT has a node nested below \"%s\": the ABI has one level",
				       fdt_get_name(fdt, fdt_parent_offset(fdt, node),
						    NULL) ?: "?");
		if (++count > KHO_MAX_SUBNODES)
			return err_set(e, -EBADMSG,
				       "KHO FDT has more than %d subnodes",
				       KHO_MAX_SUBNODES);
		ret = check_subnode(fdt, node, e);
		if (ret)
			return ret;
		for (other = fdt_first_subnode(fdt, 0); other >= 0 &&
		     other < node; other = fdt_next_subnode(fdt, other)) {
			if (!strcmp(fdt_get_name(fdt, node, NULL),
				    fdt_get_name(fdt, other, NULL)))
				return err_set(e, -EBADMSG,
					       "KHO FDT has two subnodes named \"%s\"",
					       fdt_get_name(fdt, node, NULL));
		}
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return err_set(e, -EBADMSG, "KHO FDT structure is broken: %s",
			       fdt_strerror(node));
	return 0;
}

int kho_validate_fdt(const void *fdt, size_t len, char *compatible,
		     size_t compatible_size, uint64_t *mem_map,
		     struct errbuf *e)
{
	const char *compat;
	uint32_t total;
	uint64_t map;
	int clen, ret;

	if (!fdt || len < sizeof(struct fdt_header))
		return err_set(e, -EBADMSG,
			       "KHO FDT is %zu bytes, too short for an FDT header",
			       len);
	if (fdt_magic(fdt) != FDT_MAGIC)
		return err_set(e, -EBADMSG,
			       "KHO FDT has magic 0x%08x, not an FDT (0x%08x)",
			       fdt_magic(fdt), FDT_MAGIC);
	total = fdt_totalsize(fdt);
	if (total > len)
		return err_set(e, -EBADMSG,
			       "KHO FDT is truncated: %zu of %u bytes", len,
			       total);
	if (total > KHO_FDT_MAX)
		return err_set(e, -EBADMSG,
			       "KHO FDT claims %u bytes, more than the %u allowed",
			       total, KHO_FDT_MAX);
	ret = fdt_check_untrusted(fdt, total);
	if (ret)
		return err_set(e, -EBADMSG, "KHO FDT structure is broken: %s",
			       fdt_strerror(ret));

	compat = fdt_getprop(fdt, 0, "compatible", &clen);
	if (!compat)
		return err_set(e, -EBADMSG,
			       "KHO FDT root has no \"compatible\" property");
	if (!compat_ok(compat, clen))
		return err_set(e, -EBADMSG,
			       "KHO FDT root compatible \"%.*s\" is not \"kho-v<N>\"",
			       clen > 0 ? (int)strnlen(compat, clen) : 0,
			       compat);
	if (compatible && (size_t)clen > compatible_size)
		return err_set(e, -ENAMETOOLONG,
			       "KHO FDT compatible \"%s\" does not fit", compat);

	ret = check_u64_prop(fdt, 0, "/", KHO_MEM_MAP_PROP, &map, e);
	if (ret)
		return ret;
	/* The next kernel takes 0 as "no map" and drops the handover. */
	if (!map)
		return err_set(e, -EBADMSG, "KHO FDT preserved-memory-map is 0");
	/* The map's root is one radix-tree page. */
	if (map & (KHO_SCRATCH_ALIGN - 1))
		return err_set(e, -EBADMSG,
			       "KHO FDT preserved-memory-map 0x%llx is not page aligned",
			       (unsigned long long)map);

	ret = check_subnodes(fdt, e);
	if (ret)
		return ret;
	if (compatible)
		memcpy(compatible, compat, clen);
	if (mem_map)
		*mem_map = map;
	return 0;
}

/* ---- scratch ---- */

/* "0x<hex>\n" lines as the kernel's seq_printf("0x%llx\n") writes them. */
static int parse_hex_lines(const char *buf, size_t len, const char *what,
			   uint64_t **vals, size_t *nr, struct errbuf *e)
{
	uint64_t *v;
	size_t pos = 0, n = 0, line = 0;

	*vals = NULL;
	*nr = 0;
	if (!len)
		return err_set(e, -ENODATA, "%s is empty", what);
	v = calloc(KHO_MAX_SCRATCH, sizeof(*v));
	if (!v)
		return err_set(e, -ENOMEM, "out of memory reading %s", what);
	while (pos < len) {
		uint64_t x = 0;
		size_t digits = 0;

		line++;
		if (n == KHO_MAX_SCRATCH) {
			free(v);
			return err_set(e, -E2BIG,
				       "%s lists more than %d regions", what,
				       KHO_MAX_SCRATCH);
		}
		if (len - pos < 3 || buf[pos] != '0' || buf[pos + 1] != 'x')
			goto bad;
		pos += 2;
		while (pos < len && isxdigit((unsigned char)buf[pos])) {
			int c = (unsigned char)buf[pos];
			int d = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;

			if (++digits > 16)
				goto bad;
			x = x << 4 | (uint64_t)d;
			pos++;
		}
		if (!digits || (pos < len && buf[pos] != '\n'))
			goto bad;
		pos++;
		v[n++] = x;
	}
	*vals = v;
	*nr = n;
	return 0;
bad:
	free(v);
	return err_set(e, -EBADMSG, "%s line %zu is not a 0x<hex> number",
		       what, line);
}

static int read_hex_file(const char *root, const char *path,
			 uint64_t **vals, size_t *nr, struct errbuf *e)
{
	size_t len;
	char *buf;
	int ret;

	ret = fsroot_read(root, path, KHO_SCRATCH_FILE_MAX, &buf, &len, e);
	if (ret)
		return ret;
	ret = parse_hex_lines(buf, len, path, vals, nr, e);
	free(buf);
	return ret;
}

static int cmp_scratch(const void *a, const void *b)
{
	const struct kho_scratch *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int check_scratch(const struct kho_scratch *s, size_t nr,
			 const struct mem_map *sysmem, struct errbuf *e)
{
	struct kho_scratch *sorted;
	size_t i, n = 0;
	int ret = 0;

	for (i = 0; i < nr; i++) {
		if ((s[i].addr | s[i].size) & (KHO_SCRATCH_ALIGN - 1))
			return err_set(e, -EBADMSG,
				       "KHO scratch region %zu (0x%llx, 0x%llx bytes) is not page aligned",
				       i, (unsigned long long)s[i].addr,
				       (unsigned long long)s[i].size);
		if (s[i].addr + s[i].size < s[i].addr)
			return err_set(e, -EBADMSG,
				       "KHO scratch region %zu (0x%llx, 0x%llx bytes) wraps around",
				       i, (unsigned long long)s[i].addr,
				       (unsigned long long)s[i].size);
		if (s[i].size && sysmem &&
		    !memmap_covers(sysmem, s[i].addr, s[i].addr + s[i].size,
				   MEM_RAM))
			return err_set(e, -EBADMSG,
				       "KHO scratch region %zu [0x%llx, 0x%llx) is not inside System RAM",
				       i, (unsigned long long)s[i].addr,
				       (unsigned long long)(s[i].addr + s[i].size));
	}

	sorted = calloc(nr ? nr : 1, sizeof(*sorted));
	if (!sorted)
		return err_set(e, -ENOMEM, "out of memory checking KHO scratch");
	for (i = 0; i < nr; i++) {
		if (s[i].size)
			sorted[n++] = s[i];
	}
	qsort(sorted, n, sizeof(*sorted), cmp_scratch);
	for (i = 1; i < n; i++) {
		if (sorted[i].addr < sorted[i - 1].addr + sorted[i - 1].size) {
			ret = err_set(e, -EBADMSG,
				      "KHO scratch regions at 0x%llx and 0x%llx overlap",
				      (unsigned long long)sorted[i - 1].addr,
				      (unsigned long long)sorted[i].addr);
			break;
		}
	}
	free(sorted);
	return ret;
}

int kho_read_scratch(const char *root, const struct mem_map *sysmem,
		     struct kho_scratch **s, size_t *nr, struct errbuf *e)
{
	uint64_t *addr = NULL, *size = NULL;
	size_t na = 0, ns = 0, i;
	struct kho_scratch *out = NULL;
	int ret;

	*s = NULL;
	*nr = 0;
	ret = read_hex_file(root, KHO_SCRATCH_PHYS, &addr, &na, e);
	if (!ret)
		ret = read_hex_file(root, KHO_SCRATCH_LEN, &size, &ns, e);
	if (ret)
		goto out;
	if (na != ns) {
		ret = err_set(e, -EBADMSG,
			      "%s lists %zu regions but %s lists %zu",
			      KHO_SCRATCH_PHYS, na, KHO_SCRATCH_LEN, ns);
		goto out;
	}
	out = calloc(na, sizeof(*out));
	if (!out) {
		ret = err_set(e, -ENOMEM, "out of memory reading KHO scratch");
		goto out;
	}
	for (i = 0; i < na; i++) {
		out[i].addr = addr[i];
		out[i].size = size[i];
	}
	ret = check_scratch(out, na, sysmem, e);
	if (ret)
		goto out;
	*s = out;
	*nr = na;
	out = NULL;
out:
	free(out);
	free(addr);
	free(size);
	return ret;
}

/* ---- KHO on or off ---- */

static bool is_real_root(const char *root)
{
	return !root || !strcmp(root, "/");
}

/* Mount debugfs where the kernel expects it, if nothing is there yet. */
static int mount_debugfs(struct errbuf *e)
{
	struct statfs sf;

	if (statfs(DEBUGFS_MOUNT, &sf)) {
		/* sysfs makes the mount point only with CONFIG_DEBUG_FS. */
		if (errno == ENOENT)
			return 0;
		return err_set(e, -errno, "cannot look at %s: %s",
			       DEBUGFS_MOUNT, strerror(errno));
	}
	if (sf.f_type == DEBUGFS_MAGIC_NR)
		return 0;
	if (!mount("debugfs", DEBUGFS_MOUNT, "debugfs", 0, NULL))
		return 1;
	if (errno == ENODEV)
		return 0;	/* no debugfs in this kernel */
	return err_set(e, -errno,
		       "cannot mount debugfs on %s to look for KHO: %s (run as root, or pass --no-kho)",
		       DEBUGFS_MOUNT, strerror(errno));
}

int kho_running(const char *root, struct errbuf *e)
{
	int ret;

	ret = fsroot_exists(root, KHO_SCRATCH_PHYS);
	if (ret == 0 && is_real_root(root)) {
		ret = mount_debugfs(e);
		if (ret < 0)
			return ret;
		ret = ret ? fsroot_exists(root, KHO_SCRATCH_PHYS) : 0;
	}
	if (ret < 0)
		return err_set(e, ret, "cannot tell whether %s exists: %s%s",
			       KHO_SCRATCH_PHYS, strerror(-ret),
			       ret == -EACCES ? " (needs root)" : "");
	return ret;
}

/* ---- FDT sources ---- */

static int take_fdt(struct kho_handover *h, const void *fdt, size_t len)
{
	void *copy = malloc(len);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, fdt, len);
	free(h->fdt);
	h->fdt = copy;
	h->fdt_len = len;
	return 0;
}

/*
 * Read the live page until two reads agree: the kernel edits the FDT in
 * place (fdt_open_into, add, fdt_pack) and we cannot take its lock.
 */
static int read_stable(const struct kcore *k, uint64_t va, void *buf,
		       void *tmp, size_t n, struct errbuf *e)
{
	int i, ret;

	ret = kcore_read(k, va, buf, n, e);
	for (i = 0; !ret && i < KHO_READ_TRIES; i++) {
		ret = kcore_read(k, va, tmp, n, e);
		if (ret || !memcmp(buf, tmp, n))
			return ret;
		memcpy(buf, tmp, n);
	}
	return ret ? ret : err_set(e, -EAGAIN,
				   "the live KHO FDT kept changing while it was read");
}

/*
 * out/fdt, when present, shows the first bytes of the same page: the
 * kernel created it over kho_out.fdt with the size the FDT had at init.
 * Both read the same memory, so any difference is either a concurrent
 * edit (retried by the caller) or a wrong page.
 */
static int compare_debugfs(const char *root, const void *page, size_t psz,
			   bool *same, struct errbuf *e)
{
	size_t len;
	char *buf;
	int ret;

	*same = true;
	ret = fsroot_exists(root, KHO_OUT_FDT);
	if (ret <= 0)
		return ret;	/* none after a KHO boot */
	ret = fsroot_read(root, KHO_OUT_FDT, psz, &buf, &len, e);
	if (ret)
		return ret;
	*same = len <= psz && !memcmp(buf, page, len);
	free(buf);
	return 0;
}

static int read_live_page(const char *root, const struct kcore *k,
			  uint64_t va, void *page, size_t psz,
			  struct errbuf *e)
{
	bool same = false;
	void *tmp;
	int i, ret = 0;

	tmp = malloc(psz);
	if (!tmp)
		return err_set(e, -ENOMEM, "out of memory reading the KHO FDT");
	for (i = 0; i < KHO_READ_TRIES && !same; i++) {
		ret = read_stable(k, va, page, tmp, psz, e);
		if (!ret)
			ret = compare_debugfs(root, page, psz, &same, e);
		if (ret)
			break;
	}
	free(tmp);
	if (!ret && !same)
		ret = err_set(e, -EIO,
			      "the page kho_out.fdt points to (0x%llx) does not start with the bytes of %s",
			      (unsigned long long)va, KHO_OUT_FDT);
	return ret;
}

int kho_read_live_fdt(const char *root, struct kho_handover *h,
		      struct errbuf *e)
{
	size_t psz = kho_page_size();
	uint64_t sym, fdt_va, pa;
	struct kcore k;
	void *page = NULL;
	int ret;

	ret = kallsyms_lookup(root, KHO_OUT_SYMBOL, "dDbB", &sym, e);
	if (ret)
		return ret;
	ret = kcore_open(&k, root, e);
	if (ret)
		return ret;
	/* struct kho_out { void *fdt; ... }: the pointer is at offset 0. */
	ret = kcore_read(&k, sym, &fdt_va, sizeof(fdt_va), e);
	if (ret)
		goto out;
	if (!fdt_va) {
		ret = err_set(e, -ENODATA,
			      "kho_out.fdt is NULL: KHO did not initialise in the running kernel");
		goto out;
	}
	if (fdt_va & (psz - 1)) {
		ret = err_set(e, -EBADMSG,
			      "kho_out.fdt (0x%llx) is not page aligned: not a KHO FDT page",
			      (unsigned long long)fdt_va);
		goto out;
	}
	ret = kcore_virt_to_phys(&k, fdt_va, &pa, e);
	if (ret)
		goto out;
	if (pa & (psz - 1)) {
		ret = err_set(e, -EBADMSG,
			      "/proc/kcore maps the KHO FDT to 0x%llx, not page aligned",
			      (unsigned long long)pa);
		goto out;
	}
	page = malloc(psz);
	if (!page) {
		ret = err_set(e, -ENOMEM, "out of memory reading the KHO FDT");
		goto out;
	}
	ret = read_live_page(root, &k, fdt_va, page, psz, e);
	if (ret)
		goto out;
	ret = kho_validate_fdt(page, psz, h->compatible,
			       sizeof(h->compatible), &h->mem_map, e);
	if (ret) {
		err_prefix(e, ret, "the page at 0x%llx that kho_out.fdt points to",
			   (unsigned long long)pa);
		goto out;
	}
	ret = take_fdt(h, page, fdt_totalsize(page));
	if (ret) {
		err_set(e, ret, "out of memory reading the KHO FDT");
		goto out;
	}
	h->source = KHO_SRC_LIVE;
	h->fdt_phys = pa;
	/* kho_fill_kimage() + the arch code hand over one PAGE_SIZE. */
	h->fdt_size = psz;
	h->src_path[0] = '\0';
out:
	free(page);
	kcore_close(&k);
	return ret;
}

int kho_read_debugfs_fdt(const char *root, struct kho_handover *h,
			 struct errbuf *e)
{
	size_t len;
	uint32_t total;
	char *buf;
	int ret;

	ret = fsroot_read(root, KHO_OUT_FDT, KHO_FDT_MAX, &buf, &len, e);
	if (ret == -ENOENT) {
		err_clear(e);
		return err_set(e, ret,
			       "%s does not exist (KHO is off, or this kernel was itself booted by a KHO kexec and creates none)",
			       KHO_OUT_FDT);
	}
	if (ret)
		return ret;
	if (len < sizeof(struct fdt_header) || fdt_magic(buf) != FDT_MAGIC) {
		ret = err_set(e, -EBADMSG, "%s is not an FDT (%zu bytes)",
			      KHO_OUT_FDT, len);
		goto out;
	}
	total = fdt_totalsize(buf);
	if (total > len) {
		ret = err_set(e, -ENODATA,
			      "%s is truncated: %zu of %u bytes (the kernel sizes the debugfs file at init; subsystems that registered later grew the FDT)",
			      KHO_OUT_FDT, len, total);
		goto out;
	}
	ret = kho_validate_fdt(buf, total, h->compatible,
			       sizeof(h->compatible), &h->mem_map, e);
	if (ret) {
		err_prefix(e, ret, "%s", KHO_OUT_FDT);
		goto out;
	}
	ret = take_fdt(h, buf, total);
	if (ret) {
		err_set(e, ret, "out of memory reading %s", KHO_OUT_FDT);
		goto out;
	}
	h->source = KHO_SRC_DEBUGFS;
	h->fdt_phys = 0;
	h->fdt_size = total;
	snprintf(h->src_path, sizeof(h->src_path), "%s", KHO_OUT_FDT);
out:
	free(buf);
	return ret;
}

static int read_fdt_file(const char *path, struct kho_handover *h,
			 struct errbuf *e)
{
	size_t len;
	void *buf;
	int ret;

	if (strlen(path) >= sizeof(h->src_path) || strchr(path, '\n'))
		return err_set(e, -ENAMETOOLONG,
			       "--kho-fdt path is too long or has a newline");
	ret = read_file(path, KHO_FDT_MAX, &buf, &len, e);
	if (ret)
		return ret;
	ret = kho_validate_fdt(buf, len, h->compatible, sizeof(h->compatible),
			       &h->mem_map, e);
	if (!ret && fdt_totalsize(buf) != len)
		ret = err_set(e, -EBADMSG,
			      "KHO FDT is %u bytes but the file has %zu",
			      fdt_totalsize(buf), len);
	if (ret) {
		err_prefix(e, ret, "%s", path);
		free(buf);
		return ret;
	}
	free(h->fdt);
	h->fdt = buf;
	h->fdt_len = len;
	h->source = KHO_SRC_FILE;
	h->fdt_phys = 0;
	h->fdt_size = len;
	snprintf(h->src_path, sizeof(h->src_path), "%s", path);
	return 0;
}

/* ---- --kho-blob ---- */

/* Devicetree node-name characters, without '@': see add_blob_nodes(). */
static bool blob_name_ok(const char *name, size_t len)
{
	size_t i;

	if (!len || len > KHO_BLOB_NAME_MAX)
		return false;
	/* libfdt refuses these two as node names: say so up front. */
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (!isalnum(c) && !strchr(",._+-", c))
			return false;
	}
	return true;
}

static int read_blob(const char *spec, struct kho_blob *b, struct errbuf *e)
{
	const char *eq = strchr(spec, '=');
	size_t n = eq ? (size_t)(eq - spec) : 0;
	int ret;

	if (!eq || !blob_name_ok(spec, n))
		return err_set(e, -EINVAL,
			       "--kho-blob '%.*s=...': NAME must be 1 to %d of A-Z a-z 0-9 , . _ + -, and not . or ..",
			       (int)(n < 80 ? n : 80), spec, KHO_BLOB_NAME_MAX);
	memcpy(b->name, spec, n);
	b->name[n] = '\0';
	snprintf(b->seg_name, sizeof(b->seg_name), "kho-blob %s", b->name);
	ret = read_file(eq + 1, KHO_BLOB_MAX, &b->data, &b->size, e);
	if (ret)
		return err_prefix(e, ret, "--kho-blob %s", b->name);
	if (!b->size)
		return err_set(e, -ENODATA, "--kho-blob %s: %s is empty",
			       b->name, eq + 1);
	return 0;
}

/*
 * The kernel finds a subsystem's node with fdt_subnode_offset(), which
 * also matches "NAME@unit": such a node is taken as NAME too.
 */
static int blob_conflict(const void *fdt, const char *name, struct errbuf *e)
{
	size_t n = strlen(name);
	const char *other;
	int node, len;

	fdt_for_each_subnode(node, fdt, 0) {
		other = fdt_get_name(fdt, node, &len);
		if (!other || (size_t)len < n || memcmp(other, name, n))
			continue;
		if ((size_t)len == n || other[n] == '@')
			return err_set(e, -EEXIST,
				       "--kho-blob %s: the KHO FDT already has a node \"%.*s\"",
				       name, len, other);
	}
	return 0;
}

/* preserved-data 0 until the arch code places the blob. */
static int add_blob_node(void *fdt, const struct kho_blob *b,
			 struct errbuf *e)
{
	uint64_t zero = 0, size = b->size;
	int node, ret;

	ret = blob_conflict(fdt, b->name, e);
	if (ret)
		return ret;
	node = fdt_add_subnode(fdt, 0, b->name);
	ret = node < 0 ? node : fdt_setprop(fdt, node, KHO_DATA_PROP, &zero,
					    sizeof(zero));
	if (!ret)
		ret = fdt_setprop(fdt, node, KHO_SIZE_PROP, &size, sizeof(size));
	if (ret)
		return err_set(e, -EINVAL, "--kho-blob %s: cannot add its node: %s",
			       b->name, fdt_strerror(ret));
	return 0;
}

static int add_blob_nodes(struct kho_handover *h, const struct kho_blob *b,
			  size_t nr, struct errbuf *e)
{
	/* A node: header, name, two 8-byte properties; the strings once. */
	size_t room = h->fdt_len + 64 + nr * (KHO_BLOB_NAME_MAX + 96);
	void *buf;
	size_t i;
	int ret;

	buf = malloc(room);
	if (!buf)
		return err_set(e, -ENOMEM, "out of memory adding KHO blobs");
	ret = fdt_open_into(h->fdt, buf, room);
	if (ret) {
		free(buf);
		return err_set(e, -EBADMSG, "cannot edit the KHO FDT: %s",
			       fdt_strerror(ret));
	}
	for (i = 0; i < nr && !ret; i++)
		ret = add_blob_node(buf, &b[i], e);
	if (!ret && fdt_pack(buf))
		ret = err_set(e, -EINVAL, "cannot pack the KHO FDT");
	if (!ret)
		ret = kho_validate_fdt(buf, fdt_totalsize(buf), NULL, 0, NULL,
				       e);
	if (ret) {
		free(buf);
		return ret;
	}
	mark_edited(h);
	free(h->fdt);
	h->fdt = buf;
	h->fdt_len = fdt_totalsize(buf);
	h->fdt_size = h->fdt_len;
	return 0;
}

static void free_blobs(struct kho_blob *b, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(b[i].data);
	free(b);
}

int kho_add_blobs(struct kho_handover *h, const char *const *specs,
		  size_t nr, struct errbuf *e)
{
	struct kho_blob *b;
	uint64_t total = 0;
	size_t i;
	int ret = 0;

	if (!nr)
		return 0;
	if (!h->fdt || !h->fdt_len)
		return err_set(e, -EINVAL, "--kho-blob: no KHO FDT to add to");
	if (h->blobs)
		return err_set(e, -EBUSY, "--kho-blob: blobs were added already");
	b = calloc(nr, sizeof(*b));
	if (!b)
		return err_set(e, -ENOMEM, "out of memory reading KHO blobs");
	for (i = 0; i < nr && !ret; i++) {
		ret = read_blob(specs[i], &b[i], e);
		total += b[i].size;
		if (!ret && total > KHO_BLOBS_TOTAL_MAX)
			ret = err_set(e, -EFBIG,
				      "--kho-blob: the blobs take more than the %u MiB allowed together",
				      KHO_BLOBS_TOTAL_MAX >> 20);
	}
	if (!ret)
		ret = add_blob_nodes(h, b, nr, e);
	if (ret) {
		free_blobs(b, nr);
		return ret;
	}
	h->blobs = b;
	h->nr_blobs = nr;
	return 0;
}

static int set_u64_prop(void *fdt, int node, const char *prop, uint64_t v)
{
	/* CPU byte order, as the kernel writes and reads these. */
	return fdt_setprop_inplace(fdt, node, prop, &v, sizeof(v));
}

int kho_set_blob_phys(struct kho_handover *h, size_t i, uint64_t phys,
		      struct errbuf *e)
{
	int node, ret;

	if (i >= h->nr_blobs || !phys)
		return err_set(e, -EINVAL, "KHO: no blob %zu to place at 0x%llx",
			       i, (unsigned long long)phys);
	node = fdt_subnode_offset(h->fdt, 0, h->blobs[i].name);
	ret = node < 0 ? node : set_u64_prop(h->fdt, node, KHO_DATA_PROP, phys);
	if (ret)
		return err_set(e, -EINVAL, "KHO: cannot point node %s at its blob: %s",
			       h->blobs[i].name, fdt_strerror(ret));
	h->blobs[i].phys = phys;
	return 0;
}

int kho_set_mem_map(struct kho_handover *h, void *fdt_copy, uint64_t phys,
		    struct errbuf *e)
{
	int ret;

	if (!h->empty_map || !phys || (phys & (KHO_SCRATCH_ALIGN - 1)))
		return err_set(e, -EINVAL,
			       "KHO: no empty preserved-memory map to place at 0x%llx",
			       (unsigned long long)phys);
	ret = set_u64_prop(h->fdt, 0, KHO_MEM_MAP_PROP, phys);
	if (!ret && fdt_copy)
		ret = set_u64_prop(fdt_copy, 0, KHO_MEM_MAP_PROP, phys);
	if (ret)
		return err_set(e, -EINVAL,
			       "KHO: cannot point preserved-memory-map at the empty map: %s",
			       fdt_strerror(ret));
	h->mem_map = phys;
	return 0;
}

/* ---- scratch the loader chooses (--kho-scratch) ---- */

static const char *const scratch_names[OPT_MAX_KHO_SCRATCH] = {
	"KHO scratch[0]", "KHO scratch[1]", "KHO scratch[2]",
	"KHO scratch[3]", "KHO scratch[4]", "KHO scratch[5]",
	"KHO scratch[6]", "KHO scratch[7]",
};

static bool ram_above(const struct mem_map *m, uint64_t limit)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		if (m->r[i].type == MEM_RAM && m->r[i].end > limit)
			return true;
	}
	return false;
}

static bool granule_up(uint64_t v, uint64_t *out)
{
	if (v > UINT64_MAX - (KHO_SCRATCH_GRANULE - 1))
		return false;
	*out = (v + KHO_SCRATCH_GRANULE - 1) & ~(KHO_SCRATCH_GRANULE - 1);
	return true;
}

uint64_t kho_scratch_budget(const struct mem_map *sysmem)
{
	uint64_t b = KHO_BUDGET_BASE +
		     memmap_total(sysmem, MEM_RAM) / KHO_BUDGET_RAM_DIV;

	if (ram_above(sysmem, KHO_LOWMEM_LIMIT))
		b += KHO_BUDGET_SWIOTLB;
	return b;
}

/* "auto": the segments and the fixed needs low, the RAM share global. */
static void auto_wants(const struct mem_map *sysmem, uint64_t load_bytes,
		       struct opt_kho_scratch *w, size_t *n)
{
	uint64_t low = KHO_BUDGET_BASE, global;

	if (ram_above(sysmem, KHO_LOWMEM_LIMIT))
		low += KHO_BUDGET_SWIOTLB;
	low = load_bytes > UINT64_MAX / 2 ? UINT64_MAX / 2 : low + load_bytes;
	global = memmap_total(sysmem, MEM_RAM) / KHO_BUDGET_RAM_DIV;
	if (global < KHO_SCRATCH_GRANULE)
		global = KHO_SCRATCH_GRANULE;
	memset(w, 0, 2 * sizeof(*w));
	w[0].size = low;
	w[1].size = global;
	*n = 2;
}

static int check_want(size_t i, struct opt_kho_scratch *w, struct errbuf *e)
{
	if (!w->size || !granule_up(w->size, &w->size))
		return err_set(e, -ERANGE,
			       "--kho-scratch region %zu: size 0x%llx is not usable",
			       i, (unsigned long long)w->size);
	if (!w->has_addr)
		return 0;
	if (w->addr & (KHO_SCRATCH_GRANULE - 1))
		return err_set(e, -EINVAL,
			       "--kho-scratch region %zu at 0x%llx is not aligned to %llu MiB, the next kernel's scratch granule",
			       i, (unsigned long long)w->addr,
			       KHO_SCRATCH_GRANULE >> 20);
	if (w->addr < KHO_LOW_FLOOR)
		return err_set(e, -EINVAL,
			       "--kho-scratch region %zu at 0x%llx starts below 1 MiB, which the next kernel manages itself",
			       i, (unsigned long long)w->addr);
	if (w->addr > UINT64_MAX - w->size)
		return err_set(e, -ERANGE,
			       "--kho-scratch region %zu at 0x%llx wraps around",
			       i, (unsigned long long)w->addr);
	if (i == 0 && w->addr + w->size > KHO_LOWMEM_LIMIT)
		return err_set(e, -EINVAL,
			       "--kho-scratch region 0 [0x%llx, 0x%llx) must lie below 4 GiB: the next kernel's low-memory allocations come from it",
			       (unsigned long long)w->addr,
			       (unsigned long long)(w->addr + w->size));
	return 0;
}

static int place_want(struct plan *p, size_t i,
		      const struct opt_kho_scratch *w, uint64_t *addr,
		      struct errbuf *e)
{
	struct segment s = {
		.name = scratch_names[i],
		.memsz = w->size,
		.align = KHO_SCRATCH_GRANULE,
		.min = KHO_LOW_FLOOR,
		.max = i == 0 ? KHO_LOWMEM_LIMIT : 0,
		.top_down = true,
		.fixed = w->has_addr,
		.mem = w->addr,
	};
	struct errbuf tmp = { 0 };
	int idx;

	if (w->has_addr)
		s.min = s.max = 0;
	idx = plan_add(p, &s, &tmp);
	if (idx >= 0) {
		*addr = p->seg[idx].mem;
		return 0;
	}
	if (w->has_addr && idx == -EADDRNOTAVAIL)
		return err_set(e, idx,
			       "--kho-scratch region %zu [0x%llx, 0x%llx) is not inside System RAM",
			       i, (unsigned long long)w->addr,
			       (unsigned long long)(w->addr + w->size));
	if (w->has_addr)
		return err_set(e, idx, "--kho-scratch: %s", err_str(&tmp, idx));
	return err_set(e, idx, "--kho-scratch: no room in RAM for region %zu of %llu MiB%s: %s",
		       i, (unsigned long long)(w->size >> 20),
		       i == 0 ? " below 4 GiB" : "", err_str(&tmp, idx));
}

int kho_choose_scratch(const struct kexec_opts *o,
		       const struct mem_map *sysmem, uint64_t load_bytes,
		       struct kho_scratch **s, size_t *nr, struct errbuf *e)
{
	struct opt_kho_scratch w[OPT_MAX_KHO_SCRATCH];
	struct kho_scratch *out = NULL;
	struct plan p;
	size_t n, i, pass;
	int ret;

	*s = NULL;
	*nr = 0;
	if (!sysmem)
		return err_set(e, -EINVAL, "--kho-scratch needs the memory map");
	if (o->kho_scratch_auto) {
		auto_wants(sysmem, load_bytes, w, &n);
	} else {
		if (o->nr_kho_scratch <= 0 ||
		    o->nr_kho_scratch > OPT_MAX_KHO_SCRATCH)
			return err_set(e, -E2BIG,
				       "--kho-scratch takes 1 to %d regions",
				       OPT_MAX_KHO_SCRATCH);
		n = o->nr_kho_scratch;
		memcpy(w, o->kho_scratch, n * sizeof(*w));
	}
	for (i = 0; i < n; i++) {
		ret = check_want(i, &w[i], e);
		if (ret)
			return ret;
	}
	out = calloc(n, sizeof(*out));
	if (!out)
		return err_set(e, -ENOMEM, "out of memory choosing KHO scratch");
	ret = plan_init(&p, sysmem);
	if (ret) {
		free(out);
		return err_set(e, ret, "cannot use the memory map for KHO scratch");
	}
	/* The given addresses first, so the chosen ones steer around them. */
	for (pass = 0; pass < 2 && !ret; pass++) {
		for (i = 0; i < n && !ret; i++) {
			if (w[i].has_addr != !pass)
				continue;
			out[i].size = w[i].size;
			ret = place_want(&p, i, &w[i], &out[i].addr, e);
		}
	}
	if (!ret)
		ret = check_scratch(out, n, sysmem, e);
	plan_free(&p);
	if (ret) {
		free(out);
		return ret;
	}
	*s = out;
	*nr = n;
	return 0;
}

/* ---- after the arch loader ---- */

static uint64_t scratch_total(const struct kho_handover *h)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < h->nr_scratch; i++)
		total += h->scratch[i].size;
	return total;
}

/*
 * The running kernel's own scratch: below the next kernel's struct page
 * array plus a margin it surely cannot boot (refused unless @force); below
 * what it probably needs it may not (a warning). The kernel sized its
 * scratch at scratch_scale (200% by default) of its own early
 * reservations, so half of it estimates what a like kernel needs; the
 * budget caps that.
 */
#define KERNEL_SCRATCH_FLOOR_MARGIN (16ULL << 20)

int kho_check_kernel_scratch(struct kho_handover *h, uint64_t scratch_free,
			     const struct mem_map *sysmem, bool force,
			     struct errbuf *e)
{
	uint64_t floor, need;

	if (h->own_scratch)
		return 0;
	floor = memmap_total(sysmem, MEM_RAM) / 4096 * 64 +
		KERNEL_SCRATCH_FLOOR_MARGIN;
	need = kho_scratch_budget(sysmem);
	if (need > scratch_total(h) / 2)
		need = scratch_total(h) / 2;
	if (scratch_free < floor && !force)
		return err_set(e, -ENOSPC,
			       "the segments leave %llu MiB of KHO scratch free, and the next kernel needs at least %llu MiB there for its early allocations; use a smaller initrd, give the running kernel more scratch (kho_scratch=), or --force",
			       (unsigned long long)(scratch_free >> 20),
			       (unsigned long long)(floor >> 20));
	if (scratch_free < need && !h->warning[0])
		snprintf(h->warning, sizeof(h->warning),
			 "the segments leave %llu MiB of KHO scratch free; the next kernel may need about %llu MiB for its early allocations",
			 (unsigned long long)(scratch_free >> 20),
			 (unsigned long long)(need >> 20));
	return 0;
}

int kho_finish(struct kho_handover *h, uint64_t seg_bytes, struct errbuf *e)
{
	const void *p;
	uint64_t total, left;
	size_t i;
	int len;

	if (!h)
		return 0;
	for (i = 0; i < h->nr_blobs; i++) {
		if (!h->blobs[i].phys)
			return err_set(e, -ENOSYS,
				       "KHO: --kho-blob %s was not placed: this architecture's loader cannot hand blobs over yet",
				       h->blobs[i].name);
	}
	if (h->empty_map && h->mem_map == KHO_MEM_MAP_PLACEHOLDER)
		return err_set(e, -ENOSYS,
			       "KHO: the empty preserved-memory map was not placed: this architecture's loader cannot hand over from a kernel without KHO yet");
	if (kho_hands_copy(h)) {
		p = h->fdt ? fdt_getprop(h->fdt, 0, KHO_MEM_MAP_PROP, &len) :
			     NULL;
		if (!p || len != sizeof(uint64_t) ||
		    get_u64(p) == KHO_MEM_MAP_PLACEHOLDER)
			return err_set(e, -EINVAL,
				       "KHO: refusing to hand over an FDT whose preserved-memory-map is kho-inject's placeholder: the next kernel would read a bogus address");
	}
	if (!h->own_scratch)
		return 0;
	total = scratch_total(h);
	left = total > seg_bytes ? total - seg_bytes : 0;
	if (left >= h->scratch_need)
		return 0;
	if (h->scratch_auto)
		return err_set(e, -ENOSPC,
			       "KHO: %llu MiB of the chosen scratch stay free after the segments, the next kernel needs about %llu MiB for its early allocations: give --kho-scratch sizes",
			       (unsigned long long)(left >> 20),
			       (unsigned long long)(h->scratch_need >> 20));
	snprintf(h->warning, sizeof(h->warning),
		 "--kho-scratch leaves %llu MiB free after the segments; the next kernel may need about %llu MiB for its early allocations",
		 (unsigned long long)(left >> 20),
		 (unsigned long long)(h->scratch_need >> 20));
	return 0;
}

/* ---- policy ---- */

static void note(char *dst, size_t size, const struct errbuf *e, int err)
{
	snprintf(dst, size, "%s", err_str(e, err));
}

/*
 * The kernel's own FDT, however it can be read: live, else a complete
 * debugfs copy. Used to judge a --kho-fdt file and to detect staleness.
 */
static int read_kernel_fdt(const char *root, struct kho_handover *k,
			   struct errbuf *e)
{
	struct errbuf tmp = { 0 };
	int ret;

	ret = kho_read_live_fdt(root, k, &tmp);
	if (ret) {
		note(k->why_not_live, sizeof(k->why_not_live), &tmp, ret);
		ret = kho_read_debugfs_fdt(root, k, e);
	}
	return ret;
}

/* A live page we would point the next kernel at must be plain RAM. */
static int check_live_phys(const struct kho_handover *h,
			   const struct mem_map *sysmem, struct errbuf *e)
{
	uint64_t end = h->fdt_phys + h->fdt_size;
	size_t i;

	if (sysmem &&
	    !memmap_covers(sysmem, h->fdt_phys, end, MEM_RAM))
		return err_set(e, -EFAULT,
			       "/proc/kcore places the KHO FDT at 0x%llx, outside System RAM",
			       (unsigned long long)h->fdt_phys);
	/* The page is preserved, and preserved pages never lie in scratch. */
	for (i = 0; i < h->nr_scratch; i++) {
		const struct kho_scratch *s = &h->scratch[i];

		if (h->fdt_phys < s->addr + s->size && s->addr < end)
			return err_set(e, -EFAULT,
				       "/proc/kcore places the KHO FDT at 0x%llx, inside scratch",
				       (unsigned long long)h->fdt_phys);
	}
	return 0;
}

static int pick_live_or_debugfs(const char *root, struct kho_handover *h,
				const struct mem_map *sysmem,
				struct errbuf *e)
{
	struct errbuf tmp = { 0 };
	int ret;

	ret = kho_read_live_fdt(root, h, &tmp);
	if (!ret)
		ret = check_live_phys(h, sysmem, &tmp);
	if (!ret)
		return 0;
	note(h->why_not_live, sizeof(h->why_not_live), &tmp, ret);

	err_clear(&tmp);
	ret = kho_read_debugfs_fdt(root, h, &tmp);
	if (!ret)
		return 0;
	note(h->why_not_debugfs, sizeof(h->why_not_debugfs), &tmp, ret);
	return err_set(e, -ENODATA,
		       "no usable KHO FDT: live page: %s; debugfs copy: %s. "
		       "kexec -s (kexec_file_load) hands over the live FDT itself",
		       h->why_not_live, h->why_not_debugfs);
}

static int use_file(const char *root, const char *path,
		    struct kho_handover *h, struct errbuf *e)
{
	struct kho_handover k = { 0 };
	struct errbuf tmp = { 0 };
	int ret;

	ret = read_fdt_file(path, h, e);
	if (ret)
		return ret;
	if (h->mem_map == KHO_MEM_MAP_PLACEHOLDER)
		return err_set(e, -EINVAL,
			       "%s has kho-inject's placeholder preserved-memory-map 0x%llx, which is for --kho-scratch from a kernel without KHO; this kernel has KHO on: hand over its own FDT or an edited copy of it",
			       path, KHO_MEM_MAP_PLACEHOLDER);
	/* Not being able to see the kernel's FDT is fine: the user chose. */
	if (read_kernel_fdt(root, &k, &tmp))
		goto out;
	h->has_base = true;
	kho_digest(&k, h->base_digest);
	if (k.mem_map != h->mem_map)
		snprintf(h->warning, sizeof(h->warning),
			 "%s has preserved-memory-map 0x%llx but the running kernel has 0x%llx: its preserved pages will not be reserved",
			 path, (unsigned long long)h->mem_map,
			 (unsigned long long)k.mem_map);
	else if (strcmp(k.compatible, h->compatible))
		snprintf(h->warning, sizeof(h->warning),
			 "%s is \"%s\" but the running kernel writes \"%s\"",
			 path, h->compatible, k.compatible);
out:
	free(k.fdt);
	return 0;
}

static bool any_scratch(const struct kho_handover *h)
{
	size_t i;

	for (i = 0; i < h->nr_scratch; i++) {
		if (h->scratch[i].size)
			return true;
	}
	return false;
}

static uint64_t file_bytes(const char *path)
{
	struct stat st;

	if (!path || stat(path, &st) || st.st_size < 0)
		return 0;
	return (uint64_t)st.st_size;
}

/* What the segments will take, before the image is parsed: a guess. */
static uint64_t load_estimate(const struct kexec_opts *o,
			      const struct kho_handover *h)
{
	uint64_t n = KHO_LOAD_SLACK + h->fdt_len +
		     KHO_KERNEL_GROWTH * file_bytes(o->kernel) +
		     file_bytes(o->initrd);
	size_t i;

	for (i = 0; i < h->nr_blobs; i++)
		n += h->blobs[i].size + KHO_SCRATCH_ALIGN;
	return n;
}

/*
 * Without KHO in the running kernel nothing of its memory is preserved:
 * a node the file brings would point the next kernel at memory that is
 * not kept. Only --kho-blob nodes, whose copies we place, make sense.
 */
static int check_no_subnodes(const struct kho_handover *h, struct errbuf *e)
{
	int node = fdt_first_subnode(h->fdt, 0);

	if (node < 0)
		return 0;
	return err_set(e, -EINVAL,
		       "%s has a node \"%s\": the running kernel has no KHO, so nothing it points at is preserved (hand data over with --kho-blob)",
		       h->src_path, fdt_get_name(h->fdt, node, NULL) ?: "?");
}

/* The map the file names means nothing here: ours is empty, placed later. */
static int take_empty_map(struct kho_handover *h, struct errbuf *e)
{
	int ret;

	if (h->mem_map != KHO_MEM_MAP_PLACEHOLDER)
		snprintf(h->warning, sizeof(h->warning),
			 "%.100s names a preserved-memory-map (0x%llx) but the running kernel has no KHO: an empty map replaces it",
			 h->src_path, (unsigned long long)h->mem_map);
	mark_edited(h);
	ret = set_u64_prop(h->fdt, 0, KHO_MEM_MAP_PROP,
			   KHO_MEM_MAP_PLACEHOLDER);
	if (ret)
		return err_set(e, -EINVAL, "%s: cannot set preserved-memory-map: %s",
			       h->src_path, fdt_strerror(ret));
	h->mem_map = KHO_MEM_MAP_PLACEHOLDER;
	h->empty_map = true;
	return 0;
}

static int prepare_own_scratch(const struct kexec_opts *o,
			       const struct mem_map *sysmem,
			       struct kho_handover **out, struct errbuf *e)
{
	struct kho_handover *h;
	int ret;

	h = calloc(1, sizeof(*h));
	if (!h)
		return err_set(e, -ENOMEM, "out of memory preparing KHO");
	ret = read_fdt_file(o->kho_fdt, h, e);
	if (!ret)
		ret = check_no_subnodes(h, e);
	if (!ret)
		ret = take_empty_map(h, e);
	if (!ret)
		ret = kho_add_blobs(h, o->kho_blob, o->nr_kho_blobs, e);
	if (!ret)
		ret = kho_choose_scratch(o, sysmem, load_estimate(o, h),
					 &h->scratch, &h->nr_scratch, e);
	if (ret) {
		kho_free(h);
		return ret;
	}
	h->own_scratch = true;
	h->scratch_auto = o->kho_scratch_auto;
	h->scratch_need = kho_scratch_budget(sysmem);
	*out = h;
	return 0;
}

int kho_prepare(const char *root, const struct kexec_opts *o,
		const struct mem_map *sysmem, struct kho_handover **out,
		struct errbuf *e)
{
	struct kho_handover *h;
	int ret;

	*out = NULL;
	if (o->kho == KHO_OFF)
		return 0;
	ret = kho_running(root, e);
	if (ret < 0)
		return ret;
	if (opt_kho_scratch_given(o)) {
		if (ret)
			return err_set(e, -EBUSY,
				       "--kho-scratch is for a running kernel without KHO; this one has KHO on and its own scratch: leave --kho-scratch out");
		return prepare_own_scratch(o, sysmem, out, e);
	}
	if (!ret) {
		/* --kho-fdt and --kho-blob ask for a handover as --kho does. */
		if (o->kho_fdt || o->nr_kho_blobs)
			return err_set(e, -ENOENT,
				       "--kho-fdt/--kho-blob: the running kernel has no KHO (booted without kho=on, or built without CONFIG_KEXEC_HANDOVER); to hand over from it anyway give --kho-scratch too");
		if (o->kho != KHO_REQUIRE)
			return 0;
		return err_set(e, -ENOENT,
			       "--kho: the running kernel has no KHO (booted without kho=on, or built without CONFIG_KEXEC_HANDOVER)");
	}

	h = calloc(1, sizeof(*h));
	if (!h)
		return err_set(e, -ENOMEM, "out of memory preparing KHO");
	ret = kho_read_scratch(root, sysmem, &h->scratch, &h->nr_scratch, e);
	if (!ret && !any_scratch(h))
		ret = err_set(e, -ENOSPC,
			      "the running kernel lists no non-empty KHO scratch region");
	if (ret)
		goto fail;
	if (o->kho_fdt)
		ret = use_file(root, o->kho_fdt, h, e);
	else
		ret = pick_live_or_debugfs(root, h, sysmem, e);
	if (!ret)
		ret = kho_add_blobs(h, o->kho_blob, o->nr_kho_blobs, e);
	if (ret)
		goto fail;
	*out = h;
	return 0;
fail:
	kho_free(h);
	return ret;
}

int kho_allowed_ranges(const struct kho_handover *h, struct mem_map *out)
{
	size_t i;
	int ret;

	for (i = 0; i < h->nr_scratch; i++) {
		const struct kho_scratch *s = &h->scratch[i];

		if (!s->size)
			continue;
		ret = memmap_add(out, s->addr, s->addr + s->size, MEM_RAM);
		if (ret)
			return ret;
	}
	return memmap_normalize(out, NULL);
}

void kho_free(struct kho_handover *h)
{
	if (!h)
		return;
	free(h->fdt);
	free(h->scratch);
	free_blobs(h->blobs, h->nr_blobs);
	free(h);
}

/* ---- staleness record ---- */

int kho_digest(const struct kho_handover *h, uint8_t out[KHO_DIGEST_SIZE])
{
	if (!h->fdt || !h->fdt_len)
		return -EINVAL;
	sha256(h->fdt, h->fdt_len, out);
	return 0;
}

static const char *source_name(enum kho_fdt_source s)
{
	switch (s) {
	case KHO_SRC_LIVE:
		return "live";
	case KHO_SRC_DEBUGFS:
		return "debugfs";
	case KHO_SRC_FILE:
		return "file";
	default:
		return "none";
	}
}

static void hex_digest(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < KHO_DIGEST_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static int parse_digest(const char *s, size_t len, uint8_t *d)
{
	size_t i;

	if (len != 2 * KHO_DIGEST_SIZE)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (!isxdigit(c) || isupper(c))
			return -EINVAL;
		c = isdigit(c) ? c - '0' : c - 'a' + 10;
		d[i / 2] = (i & 1) ? (d[i / 2] | c) : c << 4;
	}
	return 0;
}

static int mkdir_under(const char *root, const char *path, struct errbuf *e)
{
	char full[PATH_MAX];
	int ret;

	ret = fsroot_path(root, path, full, sizeof(full));
	if (ret)
		return err_set(e, ret, "bad record path %s", path);
	if (mkdir(full, 0700) && errno != EEXIST)
		return err_set(e, -errno, "cannot create %s: %s", full,
			       strerror(errno));
	return 0;
}

int kho_record_save(const char *root, const struct kho_handover *h,
		    struct errbuf *e)
{
	char full[PATH_MAX], tmp[PATH_MAX + 8];
	char dig[2 * KHO_DIGEST_SIZE + 1], base[2 * KHO_DIGEST_SIZE + 1];
	uint8_t d[KHO_DIGEST_SIZE];
	FILE *f;
	int ret;

	if (kho_digest(h, d))
		return err_set(e, -EINVAL, "no KHO FDT to record");
	/* What exec can re-read and compare is the source, not our edit. */
	if (h->edited)
		memcpy(d, h->src_digest, sizeof(d));
	if (strchr(h->src_path, '\n'))
		return err_set(e, -EINVAL, "KHO source path has a newline");
	hex_digest(d, dig);
	hex_digest(h->base_digest, base);
	ret = mkdir_under(root, "/run", e);
	if (!ret)
		ret = mkdir_under(root, KHO_RECORD_DIR, e);
	if (ret)
		return ret;
	ret = fsroot_path(root, KHO_RECORD, full, sizeof(full));
	if (ret)
		return err_set(e, ret, "bad record path %s", KHO_RECORD);
	snprintf(tmp, sizeof(tmp), "%s.tmp", full);
	f = fopen(tmp, "we");
	if (!f)
		return err_set(e, -errno, "cannot create %s: %s", tmp,
			       strerror(errno));
	fprintf(f, "source=%s\npath=%s\nsha256=%s\n", source_name(h->source),
		h->src_path, dig);
	if (h->has_base)
		fprintf(f, "base=%s\n", base);
	if (fflush(f) || fsync(fileno(f)) || ferror(f)) {
		ret = -errno ?: -EIO;
		fclose(f);
		unlink(tmp);
		return err_set(e, ret, "cannot write %s: %s", tmp,
			       strerror(-ret));
	}
	fclose(f);
	if (rename(tmp, full)) {
		ret = -errno;
		unlink(tmp);
		return err_set(e, ret, "cannot rename %s to %s: %s", tmp, full,
			       strerror(-ret));
	}
	return 0;
}

static int parse_record_line(struct kho_record *r, const char *line,
			     size_t len, unsigned *seen)
{
	const char *eq = memchr(line, '=', len);
	size_t klen, vlen;
	const char *v;

	if (!eq)
		return -EINVAL;
	klen = eq - line;
	v = eq + 1;
	vlen = len - klen - 1;
	if (klen == 6 && !memcmp(line, "source", 6)) {
		static const enum kho_fdt_source all[] = {
			KHO_SRC_LIVE, KHO_SRC_DEBUGFS, KHO_SRC_FILE,
		};
		size_t i;

		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			const char *n = source_name(all[i]);

			if (strlen(n) == vlen && !memcmp(v, n, vlen)) {
				r->source = all[i];
				*seen |= 1;
				return 0;
			}
		}
		return -EINVAL;
	}
	if (klen == 4 && !memcmp(line, "path", 4)) {
		if (vlen >= sizeof(r->path))
			return -EINVAL;
		memcpy(r->path, v, vlen);
		r->path[vlen] = '\0';
		*seen |= 2;
		return 0;
	}
	if (klen == 6 && !memcmp(line, "sha256", 6)) {
		*seen |= 4;
		return parse_digest(v, vlen, r->digest);
	}
	if (klen == 4 && !memcmp(line, "base", 4)) {
		r->has_base = true;
		return parse_digest(v, vlen, r->base_digest);
	}
	return -EINVAL;
}

int kho_record_load(const char *root, struct kho_record *r, struct errbuf *e)
{
	size_t len, pos = 0;
	unsigned seen = 0;
	char *buf;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = fsroot_exists(root, KHO_RECORD);
	if (ret == 0)
		return -ENOENT;
	ret = fsroot_read(root, KHO_RECORD, 4096, &buf, &len, e);
	if (ret)
		return ret;
	while (!ret && pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		ret = parse_record_line(r, buf + pos, n, &seen);
		pos += n + 1;
	}
	free(buf);
	if (ret || seen != 7)
		return err_set(e, -EBADMSG, "%s is not a kexec-kho record",
			       KHO_RECORD);
	return 0;
}

static int check_file(const struct kho_record *r, struct errbuf *e)
{
	uint8_t d[KHO_DIGEST_SIZE];
	size_t len;
	void *buf;
	int ret;

	ret = read_file(r->path, KHO_FDT_MAX, &buf, &len, e);
	if (ret)
		return ret;
	sha256(buf, len, d);
	free(buf);
	if (memcmp(d, r->digest, sizeof(d)))
		return err_set(e, -ESTALE,
			       "%s changed since it was loaded: load it again",
			       r->path);
	return 0;
}

int kho_record_check(const char *root, const struct kho_record *r,
		     struct errbuf *e)
{
	struct kho_handover k = { 0 };
	struct errbuf tmp = { 0 };
	uint8_t d[KHO_DIGEST_SIZE];
	int ret = 0;

	switch (r->source) {
	case KHO_SRC_LIVE:
		/* The page itself is never stale; a copy of it (blobs) can be. */
		if (!r->has_base)
			return 0;
		ret = read_kernel_fdt(root, &k, &tmp);
		if (ret) {
			err_set(e, ret,
				"cannot re-read the running kernel's KHO FDT to check the copy loaded: %s",
				err_str(&tmp, ret));
			break;
		}
		kho_digest(&k, d);
		if (memcmp(d, r->base_digest, sizeof(d)))
			ret = err_set(e, -ESTALE,
				      "the running kernel's KHO FDT changed since load (a subsystem added or removed preserved data): the copy loaded with the --kho-blob nodes no longer describes it");
		break;
	case KHO_SRC_FILE:
		ret = check_file(r, e);
		if (ret || !r->has_base)
			return ret;
		ret = read_kernel_fdt(root, &k, &tmp);
		if (ret) {
			err_set(e, ret,
				"cannot re-read the running kernel's KHO FDT to check %s: %s",
				r->path, err_str(&tmp, ret));
			break;
		}
		kho_digest(&k, d);
		if (memcmp(d, r->base_digest, sizeof(d)))
			ret = err_set(e, -ESTALE,
				      "the running kernel's KHO FDT changed since load (a subsystem added or removed preserved data): %s no longer describes it",
				      r->path);
		break;
	case KHO_SRC_DEBUGFS:
		ret = kho_read_debugfs_fdt(root, &k, &tmp);
		/* Truncated now, complete at load: it grew. */
		if (ret == -ENODATA) {
			ret = err_set(e, -ESTALE,
				      "the KHO FDT changed since load: %s",
				      err_str(&tmp, ret));
			break;
		}
		if (ret) {
			err_set(e, ret, "%s", err_str(&tmp, ret));
			break;
		}
		kho_digest(&k, d);
		if (memcmp(d, r->digest, sizeof(d)))
			ret = err_set(e, -ESTALE,
				      "the KHO FDT in %s changed since load (a subsystem added or removed preserved data): load again",
				      KHO_OUT_FDT);
		break;
	default:
		return err_set(e, -EINVAL, "the KHO record has no source");
	}
	free(k.fdt);
	return ret;
}

int kho_record_clear(const char *root, struct errbuf *e)
{
	char full[PATH_MAX];
	int ret;

	ret = fsroot_path(root, KHO_RECORD, full, sizeof(full));
	if (ret)
		return err_set(e, ret, "bad record path %s", KHO_RECORD);
	if (unlink(full) && errno != ENOENT)
		return err_set(e, -errno, "cannot remove %s: %s", full,
			       strerror(errno));
	return 0;
}
