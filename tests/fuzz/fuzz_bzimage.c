// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64 bzImage: setup-header parse and validation (bzimage_parse), and
 * the earlyprintk/console serial-port parse of a command line.
 */
#include "errbuf.h"
#include "bzimage.h"
#include "fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bzimage_info bi;
	struct errbuf e = { 0 };
	char *cmdline;

	if (!bzimage_parse(data, size, &bi, &e)) {
		/* What a successful parse promises the loader. */
		if (bi.payload < data || bi.payload_size > size ||
		    (size_t)(bi.payload - data) > size - bi.payload_size ||
		    bi.memsz < bi.payload_size)
			abort();
	}
	cmdline = fuzz_strndup(data, size < 4096 ? size : 4096);
	x86_serial_port(cmdline);
	free(cmdline);
	return 0;
}
