// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DTB handed to an arm64 kernel: /chosen editing (arm64_dtb_build)
 * with and without a KHO handover, the root cell sizes, and the PL011
 * lookup through /chosen/stdout-path, all on a fuzzed source DTB.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "arm64.h"
#include "fuzz.h"

static void build(const uint8_t *data, size_t size,
		  const struct arm64_chosen *c)
{
	struct errbuf e = { 0 };
	void *out = NULL;
	size_t out_len;
	int a, s;

	if (arm64_dtb_build(data, size, c, &out, &out_len, &e))
		return;
	/* What the loader hands the next kernel must be a sound tree. */
	if (out_len != fdt_totalsize(out) || fdt_check_untrusted(out, out_len))
		abort();
	arm64_dt_root_cells(out, &a, &s, &e);
	arm64_pl011_base(out, c->cmdline);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arm64_chosen c;
	struct errbuf e = { 0 };
	void *copy;
	int a, s;

	memset(&c, 0, sizeof(c));
	c.cmdline = "console=ttyAMA0 earlycon";
	build(data, size, &c);

	c.cmdline = "";
	c.initrd_start = 0x48000000;
	c.initrd_size = 0x100000;
	c.kho_fdt_addr = 0x49000000;
	c.kho_fdt_size = 0x1000;
	c.kho_scratch_addr = 0x49001000;
	c.kho_scratch_size = 0x30;
	c.rsv[0].addr = 0x49000000;
	c.rsv[0].size = 0x2000;
	c.nr_rsv = 1;
	build(data, size, &c);

	/* The readers on the source as the running kernel gave it. */
	if (size < sizeof(struct fdt_header) || fdt_check_untrusted(data, size))
		return 0;
	copy = malloc(size);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	arm64_dt_root_cells(copy, &a, &s, &e);
	arm64_pl011_base(copy, NULL);
	arm64_pl011_base(copy, "earlycon=pl011,0x9000000");
	free(copy);
	return 0;
}
