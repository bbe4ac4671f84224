// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where a KHO FDT comes from (kho_source.h): the live page, the debugfs
 * copy, a file.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kallsyms.h"
#include "kcore.h"
#include "kho_fdt.h"
#include "kho_source.h"

#define KHO_OUT_SYMBOL "kho_out"
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

static int take_fdt(struct kho_fdt_src *f, const void *fdt, size_t len)
{
	void *copy = malloc(len);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, fdt, len);
	free(f->fdt);
	f->fdt = copy;
	f->fdt_len = len;
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

/* The FDT is a page of its own: its address (@phys or virtual) says so. */
static int check_page(uint64_t addr, size_t psz, bool phys, struct errbuf *e)
{
	if (!(addr & (psz - 1)))
		return 0;
	if (phys)
		return err_set(e, -EBADMSG,
			       "/proc/kcore maps the KHO FDT to 0x%llx, not page aligned",
			       (unsigned long long)addr);
	return err_set(e, -EBADMSG,
		       "kho_out.fdt (0x%llx) is not page aligned: not a KHO FDT page",
		       (unsigned long long)addr);
}

int kho_read_live_fdt(const char *root, struct kho_fdt_src *f,
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
	ret = check_page(fdt_va, psz, false, e);
	if (!ret)
		ret = kcore_virt_to_phys(&k, fdt_va, &pa, e);
	if (!ret)
		ret = check_page(pa, psz, true, e);
	if (ret)
		goto out;
	page = malloc(psz);
	if (!page) {
		ret = err_set(e, -ENOMEM, "out of memory reading the KHO FDT");
		goto out;
	}
	ret = read_live_page(root, &k, fdt_va, page, psz, e);
	if (ret)
		goto out;
	ret = kho_validate_fdt(page, psz, f->compatible,
			       sizeof(f->compatible), &f->mem_map, e);
	if (ret) {
		err_prefix(e, ret, "the page at 0x%llx that kho_out.fdt points to",
			   (unsigned long long)pa);
		goto out;
	}
	ret = take_fdt(f, page, fdt_totalsize(page));
	if (ret) {
		err_set(e, ret, "out of memory reading the KHO FDT");
		goto out;
	}
	f->source = KHO_SRC_LIVE;
	f->fdt_phys = pa;
	/* kho_fill_kimage() + the arch code hand over one PAGE_SIZE. */
	f->fdt_size = psz;
	f->src_path[0] = '\0';
out:
	free(page);
	kcore_close(&k);
	return ret;
}

int kho_read_debugfs_fdt(const char *root, struct kho_fdt_src *f,
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
	ret = kho_validate_fdt(buf, total, f->compatible,
			       sizeof(f->compatible), &f->mem_map, e);
	if (ret) {
		err_prefix(e, ret, "%s", KHO_OUT_FDT);
		goto out;
	}
	ret = take_fdt(f, buf, total);
	if (ret) {
		err_set(e, ret, "out of memory reading %s", KHO_OUT_FDT);
		goto out;
	}
	f->source = KHO_SRC_DEBUGFS;
	f->fdt_phys = 0;
	f->fdt_size = total;
	snprintf(f->src_path, sizeof(f->src_path), "%s", KHO_OUT_FDT);
out:
	free(buf);
	return ret;
}

int kho_read_fdt_file(const char *path, struct kho_fdt_src *f,
		      struct errbuf *e)
{
	size_t len;
	void *buf;
	int ret;

	if (strlen(path) >= sizeof(f->src_path) || strchr(path, '\n'))
		return err_set(e, -ENAMETOOLONG,
			       "--kho-fdt path is too long or has a newline");
	ret = read_file(path, KHO_FDT_MAX, &buf, &len, e);
	if (ret)
		return ret;
	ret = kho_validate_fdt(buf, len, f->compatible, sizeof(f->compatible),
			       &f->mem_map, e);
	if (!ret && fdt_totalsize(buf) != len)
		ret = err_set(e, -EBADMSG,
			      "KHO FDT is %u bytes but the file has %zu",
			      fdt_totalsize(buf), len);
	if (ret) {
		err_prefix(e, ret, "%s", path);
		free(buf);
		return ret;
	}
	free(f->fdt);
	f->fdt = buf;
	f->fdt_len = len;
	f->source = KHO_SRC_FILE;
	f->fdt_phys = 0;
	f->fdt_size = len;
	snprintf(f->src_path, sizeof(f->src_path), "%s", path);
	return 0;
}

int kho_read_kernel_fdt(const char *root, struct kho_fdt_src *f,
			struct errbuf *e)
{
	struct errbuf tmp = { 0 };
	int ret;

	ret = kho_read_live_fdt(root, f, &tmp);
	if (ret)
		ret = kho_read_debugfs_fdt(root, f, e);
	return ret;
}

void kho_fdt_src_free(struct kho_fdt_src *f)
{
	free(f->fdt);
	f->fdt = NULL;
	f->fdt_len = 0;
}
