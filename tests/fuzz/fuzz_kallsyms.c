// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/kallsyms: every line through kallsyms_parse_line, and the whole
 * input through kallsyms_lookup_fd (read in chunks, lines across them).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memfd_create */
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "errbuf.h"
#include "kallsyms.h"
#include "fuzz.h"

static void parse_lines(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *sym = NULL;
		size_t sym_len = 0;
		uint64_t addr;
		char type;
		int module;

		if (!kallsyms_parse_line(p, len, &addr, &type, &sym, &sym_len,
					 &module)) {
			/* The symbol must lie inside the line it came from. */
			if (sym < p || sym_len > len ||
			    (size_t)(sym - p) > len - sym_len)
				abort();
		}
		p += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errbuf e = { 0 };
	uint64_t addr;
	int fd;

	parse_lines(data, size);
	fd = memfd_create("kallsyms", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	kallsyms_lookup_fd(fd, "kallsyms", "kho_out", "dDbB", &addr, &e);
	lseek(fd, 0, SEEK_SET);
	kallsyms_lookup_fd(fd, "kallsyms", "_text", "tT", &addr, &e);
	close(fd);
	return 0;
}
