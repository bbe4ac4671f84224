/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_SOURCE_H
#define KEXEC_KHO_SOURCE_H

/*
 * Where a KHO FDT comes from: the running kernel's live page (through
 * /proc/kallsyms and /proc/kcore), its debugfs copy, or a file. Every
 * reader validates what it read (kho_fdt.h) and knows nothing of the
 * handover policy; kho-inject reads the running kernel's FDT with them.
 * Paths are relative to a root ("/" or a test fixture), see fsroot.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct errbuf;

#define KHO_DEBUGFS "/sys/kernel/debug/kho"
#define KHO_OUT_FDT KHO_DEBUGFS "/out/fdt"
#define KHO_SCRATCH_PHYS KHO_DEBUGFS "/out/scratch_phys"
#define KHO_SCRATCH_LEN KHO_DEBUGFS "/out/scratch_len"

enum kho_fdt_source {
	KHO_SRC_NONE,
	KHO_SRC_LIVE,		/* the kernel's own page, found via kcore */
	KHO_SRC_DEBUGFS,	/* a complete out/fdt copy */
	KHO_SRC_FILE,		/* --kho-fdt */
};

/* One KHO FDT as a reader found it. Zero-initialise; kho_fdt_src_free(). */
struct kho_fdt_src {
	enum kho_fdt_source source;
	void *fdt;		/* totalsize bytes, validated */
	size_t fdt_len;
	uint64_t fdt_phys;	/* LIVE: the page; else 0 */
	/* LIVE: one kernel page, as the in-kernel loader says; else fdt_len. */
	uint64_t fdt_size;
	char compatible[32];	/* "kho-vN" */
	uint64_t mem_map;	/* preserved-memory-map */
	/* FILE: the path; DEBUGFS: KHO_OUT_FDT (root-relative); LIVE: "". */
	char src_path[1024];
};

/* Frees the bytes; @f can be read into again. */
void kho_fdt_src_free(struct kho_fdt_src *f);

/*
 * 1 when the running kernel has KHO on (debugfs kho/out/scratch_phys
 * exists), 0 if not. A kernel booted with kho=off (or a kdump kernel)
 * creates no kho/ directory at all. With root "/" and debugfs not
 * mounted, mounts it on /sys/kernel/debug first; a kernel without
 * debugfs (ENODEV) counts as "no KHO" since nothing could be read.
 * Errors: -EACCES/-EPERM and the like when the file or the mount point
 * cannot be looked at or debugfs cannot be mounted.
 */
int kho_running(const char *root, struct errbuf *e);

/*
 * The readers below fill @f only on success (replacing what it held);
 * on failure it is unchanged.
 *
 * Find the live FDT page through /proc/kallsyms (&kho_out) and
 * /proc/kcore (kho_out.fdt, then the page and its physical address).
 * The page must be read the same twice in a row, validate, and, when
 * out/fdt exists, start with exactly its bytes: both are reads of the
 * same memory. Fills fdt (a snapshot of totalsize bytes), fdt_phys,
 * fdt_size = page size.
 * Errors: those of kallsyms_lookup() and kcore_open()/kcore_read()
 * (-ENOENT no symbol, -EPERM/-EACCES not root, ...), -ENODATA
 * (kho_out.fdt is NULL), -EBADMSG (misaligned, or not a valid KHO FDT),
 * -EIO (the page is not what out/fdt shows: a wrong page), -EAGAIN (it
 * kept changing while read), -ENOMEM.
 */
int kho_read_live_fdt(const char *root, struct kho_fdt_src *f,
		      struct errbuf *e);

/*
 * out/fdt, only when complete: the kernel sizes the file once, at init,
 * so a file shorter than the header's totalsize is a truncated prefix.
 * A longer file is accepted and cut to totalsize: subtrees removed after
 * init shrink the FDT, and the file still shows all of it.
 * Errors: -ENOENT (no out/fdt: KHO off, or booted by a KHO kexec),
 * -ENODATA (truncated), -EBADMSG (not a valid KHO FDT), those of
 * fsroot_read(), -ENOMEM.
 */
int kho_read_debugfs_fdt(const char *root, struct kho_fdt_src *f,
			 struct errbuf *e);

/*
 * An --kho-fdt file: a valid KHO FDT of exactly totalsize bytes, at most
 * KHO_FDT_MAX. @path is taken as given (not under a root).
 * Errors: -ENAMETOOLONG (path too long for src_path, or has a newline),
 * those of read_file(), -EBADMSG (not a valid KHO FDT, or trailing bytes).
 */
int kho_read_fdt_file(const char *path, struct kho_fdt_src *f,
		      struct errbuf *e);

/*
 * The running kernel's own FDT, however it can be read: live, else a
 * complete debugfs copy. Errors: those of kho_read_debugfs_fdt(), with
 * its reason in @e (why the live page was not used is dropped).
 */
int kho_read_kernel_fdt(const char *root, struct kho_fdt_src *f,
			struct errbuf *e);

#endif
