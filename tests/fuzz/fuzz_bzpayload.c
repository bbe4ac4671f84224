// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64 bzImage payloads: the compression probe and the bounded
 * streaming decompression into the KHO ABI scanner (bz_payload_scan),
 * and the scanner itself: the input scanned whole and in chunks (sizes
 * from its first byte) must show the same ABIs.
 */
#include <stdlib.h>
#include <string.h>

#include "bzpayload.h"
#include "fuzz.h"
#include "kho_abi.h"

/* Small enough that a decompression bomb costs milliseconds. */
#define FUZZ_MAX_OUT (4U << 20)

static void same_found(const struct kho_abi_scan *a,
		       const struct kho_abi_scan *b)
{
	size_t i;

	if (a->nr_found != b->nr_found || a->has_want != b->has_want ||
	    a->more != b->more)
		abort();
	for (i = 0; i < a->nr_found; i++)
		if (strcmp(a->found[i], b->found[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kho_abi_scan whole, parts;
	size_t step, off;

	bz_payload_scan(data, size, FUZZ_MAX_OUT, "kho-v4", &whole);
	if (whole.state != KHO_ABI_READ && whole.state != KHO_ABI_UNREADABLE)
		abort();
	if (whole.state == KHO_ABI_UNREADABLE && !whole.why[0])
		abort();

	/* Without a wanted ABI the scan never stops early: compare all. */
	kho_abi_scan_buffer(&whole, "", data, size);
	step = size ? data[0] % 17 + 1 : 1;
	kho_abi_scan_start(&parts, "");
	for (off = 0; off < size; off += step)
		kho_abi_scan_feed(&parts, data + off,
				  size - off < step ? size - off : step);
	kho_abi_scan_end(&parts);
	same_found(&whole, &parts);
	return 0;
}
