// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The staleness record (/run/kexec-kho/loaded) that exec reads back:
 * kho_record_load from a scratch sysroot, then kho_record_check against
 * a sysroot with no KHO, which must fail cleanly rather than trust it.
 * A FILE record's path is replaced by a file of ours: exec reads that
 * path, and a fuzzer must not read whatever the input names (/dev/stdin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "kho.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kho_record r;
	struct errbuf e = { 0 };

	fuzz_write(&KHO_RECORD[1], data, size);
	if (kho_record_load(fuzz_root(), &r, &e))
		return 0;
	if (!memchr(r.path, '\0', sizeof(r.path)))
		abort();
	if (r.source == KHO_SRC_FILE) {
		fuzz_write("handover.fdt", data, size);
		snprintf(r.path, sizeof(r.path), "%s/handover.fdt",
			 fuzz_root());
	}
	kho_record_check(fuzz_root(), &r, &e);
	return 0;
}
