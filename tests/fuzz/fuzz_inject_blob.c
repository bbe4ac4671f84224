// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kho-inject's blob decoders (inject_decode_blob): kexec-metadata,
 * memblock, LUO and kho_test as the kernel's ABI headers lay them out.
 * The first byte picks the blob name, the rest is the blob.
 */
#include <stdlib.h>

#include "inject.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"kexec-metadata", "memblock", "LUO", "kho_test",
	};
	struct inject_lines out = { 0 };

	if (!size)
		return 0;
	inject_decode_blob(names[data[0] % 4], data + 1, size - 1, &out);
	lines_free(&out);
	return 0;
}
