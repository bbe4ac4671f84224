// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KHO FDT checks: kho_validate_fdt on the bytes, then the debugfs
 * source (kho_read_debugfs_fdt, truncation included) from a scratch
 * sysroot, and, on an FDT it accepted, adding a --kho-blob node to it.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "kho.h"
#include "fuzz.h"

static void add_blob(struct kho_handover *h)
{
	static const char blob[] = "fuzz blob";
	struct errbuf e = { 0 };
	char spec[4200];
	const char *specs[1] = { spec };

	fuzz_write("blob", blob, sizeof(blob));
	snprintf(spec, sizeof(spec), "fuzz-blob=%s/blob", fuzz_root());
	if (kho_add_blobs(h, specs, 1, &e))
		return;
	if (fdt_check_untrusted(h->fdt, h->fdt_len))
		abort();
	kho_set_blob_phys(h, 0, 0x40000000, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kho_fdt_src f = { 0 };
	struct kho_handover *h;
	struct errbuf e = { 0 };
	char compat[32];
	uint64_t map;

	if (!kho_validate_fdt(data, size, compat, sizeof(compat), &map, &e)) {
		if (!memchr(compat, '\0', sizeof(compat)) ||
		    strncmp(compat, "kho-v", 5) || !map)
			abort();
	}
	kho_validate_fdt(data, size, NULL, 0, NULL, &e);

	h = calloc(1, sizeof(*h));
	if (!h)
		abort();
	fuzz_write("sys/kernel/debug/kho/out/fdt", data, size);
	if (!kho_read_debugfs_fdt(fuzz_root(), &f, &e)) {
		kho_take_fdt(h, &f);
		add_blob(h);
	}
	kho_free(h);
	return 0;
}
