// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kcore.h"
#include "util.h"

#if defined(__x86_64__)
#define KCORE_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define KCORE_MACHINE EM_AARCH64
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KCORE_DATA ELFDATA2LSB
#else
#define KCORE_DATA ELFDATA2MSB
#endif

/* File offsets go to pread(), which takes a signed off_t. */
#define KCORE_MAX_OFFSET ((uint64_t)INT64_MAX)

/* All @n bytes at @off: a short read means the file is not what it says. */
static int pread_exact(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t r = pread_full(fd, buf, n, off);

	if (r < 0)
		return (int)r;
	return (size_t)r == n ? 0 : -EIO;
}

static int check_ehdr(const Elf64_Ehdr *eh, const char *what,
		      struct errbuf *e)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return err_set(e, -ENOEXEC, "%s is not an ELF file", what);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != KCORE_DATA ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT)
		return err_set(e, -ENOEXEC,
			       "%s is not a native-endian ELF64 file", what);
	if (eh->e_type != ET_CORE)
		return err_set(e, -ENOEXEC, "%s is not an ELF core file (type %u)",
			       what, eh->e_type);
#ifdef KCORE_MACHINE
	if (eh->e_machine != KCORE_MACHINE)
		return err_set(e, -ENOEXEC,
			       "%s is for machine %u, not this one (%u)",
			       what, eh->e_machine, KCORE_MACHINE);
#endif
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return err_set(e, -ENOEXEC,
			       "%s has program headers of %u bytes, not %zu",
			       what, eh->e_phentsize, sizeof(Elf64_Phdr));
	/* PN_XNUM (extended numbering) is never used by kcore. */
	if (eh->e_phnum == 0 || eh->e_phnum >= PN_XNUM ||
	    eh->e_phnum > KCORE_MAX_PHDRS)
		return err_set(e, -ENOEXEC,
			       "%s has an implausible program header count %u",
			       what, eh->e_phnum);
	if (eh->e_phoff < sizeof(*eh) ||
	    eh->e_phoff > KCORE_MAX_OFFSET - (uint64_t)eh->e_phnum *
					     sizeof(Elf64_Phdr))
		return err_set(e, -ENOEXEC,
			       "%s has program headers at a bad offset 0x%llx",
			       what, (unsigned long long)eh->e_phoff);
	return 0;
}

static int add_load(struct kcore *k, const Elf64_Phdr *ph, size_t i,
		    struct errbuf *e)
{
	struct kcore_seg *s;

	/* An empty range can hold nothing; kcore does not emit them. */
	if (!ph->p_memsz && !ph->p_filesz)
		return 0;
	if (ph->p_filesz != ph->p_memsz)
		return err_set(e, -ENOEXEC,
			       "%s: segment %zu has file size 0x%llx and memory size 0x%llx",
			       k->what, i, (unsigned long long)ph->p_filesz,
			       (unsigned long long)ph->p_memsz);
	if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr ||
	    ph->p_offset > KCORE_MAX_OFFSET ||
	    ph->p_filesz > KCORE_MAX_OFFSET - ph->p_offset)
		return err_set(e, -ENOEXEC,
			       "%s: segment %zu (vaddr 0x%llx size 0x%llx offset 0x%llx) wraps around",
			       k->what, i, (unsigned long long)ph->p_vaddr,
			       (unsigned long long)ph->p_memsz,
			       (unsigned long long)ph->p_offset);
	if (ph->p_paddr != KCORE_NO_PADDR &&
	    ph->p_paddr + ph->p_memsz < ph->p_paddr)
		return err_set(e, -ENOEXEC,
			       "%s: segment %zu has a physical range that wraps around",
			       k->what, i);
	s = &k->seg[k->nr++];
	s->vaddr = ph->p_vaddr;
	s->paddr = ph->p_paddr;
	s->size = ph->p_memsz;
	s->offset = ph->p_offset;
	return 0;
}

int kcore_open_fd(struct kcore *k, int fd, const char *what,
		  struct errbuf *e)
{
	Elf64_Phdr *ph = NULL;
	Elf64_Ehdr eh;
	size_t i;
	int ret;

	memset(k, 0, sizeof(*k));
	k->fd = -1;
	k->what = what;
	ret = pread_exact(fd, &eh, sizeof(eh), 0);
	if (ret == -EIO)
		return err_set(e, -ENOEXEC, "%s is too short for an ELF header",
			       what);
	if (ret)
		return err_set(e, ret, "cannot read %s: %s", what,
			       strerror(-ret));
	ret = check_ehdr(&eh, what, e);
	if (ret)
		return ret;

	ph = calloc(eh.e_phnum, sizeof(*ph));
	k->seg = calloc(eh.e_phnum, sizeof(*k->seg));
	if (!ph || !k->seg) {
		ret = err_set(e, -ENOMEM, "out of memory reading %s", what);
		goto out;
	}
	ret = pread_exact(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff);
	if (ret == -EIO)
		ret = err_set(e, -ENOEXEC,
			      "%s ends inside its %u program headers", what,
			      eh.e_phnum);
	else if (ret)
		ret = err_set(e, ret, "cannot read %s: %s", what,
			      strerror(-ret));
	for (i = 0; !ret && i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD)
			ret = add_load(k, &ph[i], i, e);
	}
	if (!ret && !k->nr)
		ret = err_set(e, -ENOEXEC, "%s has no PT_LOAD segment", what);
	if (!ret)
		k->fd = fd;
out:
	free(ph);
	if (ret) {
		free(k->seg);
		memset(k, 0, sizeof(*k));
		k->fd = -1;
	}
	return ret;
}

int kcore_open(struct kcore *k, const char *root, struct errbuf *e)
{
	int fd, ret;

	memset(k, 0, sizeof(*k));
	k->fd = -1;
	fd = fsroot_open(root, KCORE_PATH, O_RDONLY);
	if (fd < 0) {
		/* EPERM also comes from lockdown, which refuses kcore. */
		return err_set(e, fd, "cannot open %s: %s%s", KCORE_PATH,
			       strerror(-fd),
			       fd == -EPERM || fd == -EACCES ?
			       " (needs root and no kernel lockdown)" :
			       fd == -ENOENT ?
			       " (kernel built without CONFIG_PROC_KCORE)" : "");
	}
	ret = kcore_open_fd(k, fd, KCORE_PATH, e);
	if (ret)
		close(fd);
	return ret;
}

static const struct kcore_seg *find_seg(const struct kcore *k, uint64_t va,
					uint64_t n)
{
	size_t i;

	for (i = 0; i < k->nr; i++) {
		const struct kcore_seg *s = &k->seg[i];

		if (va >= s->vaddr && va - s->vaddr < s->size &&
		    n <= s->size - (va - s->vaddr))
			return s;
	}
	return NULL;
}

int kcore_read(const struct kcore *k, uint64_t va, void *buf, size_t n,
	       struct errbuf *e)
{
	const struct kcore_seg *s;
	int ret;

	s = find_seg(k, va, n);
	if (!s)
		return err_set(e, -EFAULT,
			       "%s has no segment holding 0x%zx bytes at 0x%llx",
			       k->what, n, (unsigned long long)va);
	ret = pread_exact(k->fd, buf, n, s->offset + (va - s->vaddr));
	if (ret == -EIO)
		return err_set(e, ret,
			       "%s ends before 0x%llx, the data of 0x%llx",
			       k->what,
			       (unsigned long long)(s->offset + (va - s->vaddr)),
			       (unsigned long long)va);
	if (ret)
		return err_set(e, ret, "cannot read 0x%llx from %s: %s",
			       (unsigned long long)va, k->what,
			       strerror(-ret));
	return 0;
}

int kcore_virt_to_phys(const struct kcore *k, uint64_t va, uint64_t *pa,
		       struct errbuf *e)
{
	bool covered = false;
	size_t i;

	/*
	 * Segments do not overlap in a real kcore, but nothing forces a
	 * file to be real: take the first one that knows its physical side.
	 */
	for (i = 0; i < k->nr; i++) {
		const struct kcore_seg *s = &k->seg[i];

		if (va < s->vaddr || va - s->vaddr >= s->size)
			continue;
		covered = true;
		if (s->paddr == KCORE_NO_PADDR)
			continue;
		*pa = s->paddr + (va - s->vaddr);
		return 0;
	}
	if (covered)
		return err_set(e, -EADDRNOTAVAIL,
			       "%s maps 0x%llx only in segments without a physical address",
			       k->what, (unsigned long long)va);
	return err_set(e, -EFAULT, "%s has no segment covering 0x%llx",
		       k->what, (unsigned long long)va);
}

void kcore_close(struct kcore *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->seg);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}
