// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/kcore: the ELF header and program headers (kcore_open_fd), then
 * translations and reads at the edges of every segment it accepted.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memfd_create */
#endif
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "errbuf.h"
#include "kcore.h"
#include "fuzz.h"

/* Bounds the work per input: a header may claim thousands of segments. */
#define PROBE_SEGS 64

static void probe(const struct kcore *k, uint64_t va)
{
	struct errbuf e = { 0 };
	uint8_t buf[16];
	uint64_t pa;

	kcore_virt_to_phys(k, va, &pa, &e);
	kcore_read(k, va, buf, sizeof(buf), &e);
	kcore_read(k, va, buf, 1, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errbuf e = { 0 };
	struct kcore k;
	size_t i;
	int fd;

	fd = memfd_create("kcore", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	if (kcore_open_fd(&k, fd, "kcore", &e)) {
		close(fd);
		return 0;
	}
	if (!k.nr || k.fd != fd)
		abort();
	for (i = 0; i < k.nr && i < PROBE_SEGS; i++) {
		const struct kcore_seg *s = &k.seg[i];

		probe(&k, s->vaddr);
		probe(&k, s->vaddr + s->size - 1);
		probe(&k, s->vaddr + s->size - 8);
		probe(&k, s->vaddr + s->size);
	}
	probe(&k, 0);
	probe(&k, UINT64_MAX);
	kcore_close(&k);
	return 0;
}
