// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Image.gz: the gzip probes and the streaming inflate (arm64_gunzip),
 * bounded both ways: the whole stream and a header-sized prefix.
 */
#include "errbuf.h"
#include "arm64.h"
#include "fuzz.h"

#include <stdlib.h>

#define FUZZ_INFLATE_MAX (1U << 20)
#define FUZZ_PREFIX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errbuf e = { 0 };
	void *out = NULL;
	size_t out_len;

	arm64_gzip_probe(data, size, &e);
	arm64_image_gz_probe(data, size, &e);
	if (!arm64_gunzip(data, size, FUZZ_INFLATE_MAX, false, &out, &out_len,
			  &e)) {
		if (out_len > FUZZ_INFLATE_MAX)
			abort();
		free(out);
	}
	out = NULL;
	if (!arm64_gunzip(data, size, FUZZ_PREFIX, true, &out, &out_len, &e)) {
		if (out_len > FUZZ_PREFIX)
			abort();
		free(out);
	}
	return 0;
}
