// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 kernel headers: the Image header (arm64_image_probe/parse), the
 * zboot header (arm64_zboot_probe/parse) and, bounded, a zboot payload's
 * extraction.
 */
#include "errbuf.h"
#include "arm64.h"
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

/* Enough for any header a probe reads; keeps an iteration fast. */
#define FUZZ_INFLATE_MAX (1U << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arm64_image_info info;
	const void *payload;
	size_t payload_len, out_len;
	struct errbuf e = { 0 };
	char comp[ARM64_ZBOOT_COMP_TYPE_LEN + 1];
	void *out = NULL;

	arm64_image_probe(data, size, &e);
	if (!arm64_image_parse(data, size, &info, &e)) {
		if (info.page_size && info.page_size != 4096 &&
		    info.page_size != 16384 && info.page_size != 65536)
			abort();
	}
	arm64_zboot_probe(data, size, &e);
	memset(comp, 0, sizeof(comp));
	if (!arm64_zboot_parse(data, size, &payload, &payload_len, comp,
			       sizeof(comp), &e)) {
		const uint8_t *p = payload;

		if (p < data || payload_len > size ||
		    (size_t)(p - data) > size - payload_len ||
		    !memchr(comp, '\0', sizeof(comp)))
			abort();
	}
	if (!arm64_zboot_extract(data, size, FUZZ_INFLATE_MAX, &out, &out_len,
				 &e)) {
		if (out_len > FUZZ_INFLATE_MAX)
			abort();
		free(out);
	}
	return 0;
}
