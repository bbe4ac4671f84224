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
#include "fsroot.h"
#include "kallsyms.h"
#include "kcore.h"
#include "kho.h"
#include "options.h"
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
	ret = fdt_check_full(fdt, total);
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
	if (!ret) {
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
		return 0;
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
