/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KCORE_H
#define KEXEC_KCORE_H

/*
 * Reading kernel memory through /proc/kcore, an ELF64 core file whose
 * PT_LOAD headers describe kernel virtual ranges. For direct-map RAM
 * (KCORE_RAM) and the kernel image (KCORE_TEXT) p_paddr is the physical
 * address; for everything else (vmalloc, vmemmap, modules) the kernel
 * writes -1 there.
 */
#include <stddef.h>
#include <stdint.h>

struct errbuf;

#define KCORE_PATH "/proc/kcore"
/* A real kcore has a few hundred headers at most (one per RAM range). */
#define KCORE_MAX_PHDRS 8192
#define KCORE_NO_PADDR UINT64_MAX

struct kcore_seg {
	uint64_t vaddr;
	uint64_t paddr;		/* KCORE_NO_PADDR when not direct mapped */
	uint64_t size;		/* p_filesz == p_memsz for every kcore load */
	uint64_t offset;	/* file offset of vaddr */
};

struct kcore {
	int fd;
	const char *what;	/* the path, for messages */
	struct kcore_seg *seg;	/* PT_LOAD segments only */
	size_t nr;
};

/* Open <root>/proc/kcore and parse its headers. */
int kcore_open(struct kcore *k, const char *root, struct errbuf *e);

/*
 * The same on an fd the caller opened: on success the kcore owns it
 * (kcore_close() closes it), on failure the caller still does.
 */
int kcore_open_fd(struct kcore *k, int fd, const char *what,
		  struct errbuf *e);

/*
 * Read [va, va + n) which must lie inside one PT_LOAD segment. A short
 * read (offset past the end of the file) is -EIO.
 */
int kcore_read(const struct kcore *k, uint64_t va, void *buf, size_t n,
	       struct errbuf *e);

/*
 * Physical address of @va from a segment that has one: -EFAULT when no
 * segment covers @va, -EADDRNOTAVAIL when the covering one is not
 * direct mapped.
 */
int kcore_virt_to_phys(const struct kcore *k, uint64_t va, uint64_t *pa,
		       struct errbuf *e);

void kcore_close(struct kcore *k);

#endif
