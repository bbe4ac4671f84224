// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kho-inject on a hostile FDT: validate (every problem listed), the
 * checked load, dump (blobs looked up in an empty sysroot), diff against
 * itself and a fresh tree, and a merge into a fresh tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "inject.h"
#include "fuzz.h"

static void use_tree(const struct inject_fdt *f)
{
	struct inject_blobs blobs = { .root = fuzz_root() };
	struct inject_lines lines = { 0 };
	struct inject_fdt fresh = { 0 };
	struct errbuf e = { 0 };
	FILE *null;

	null = fopen("/dev/null", "w");
	if (!null)
		abort();
	inject_dump(null, f, &blobs, &e);
	blobs.incoming = true;
	inject_dump(null, f, &blobs, &e);
	fclose(null);

	/* A tree differs from itself in nothing. */
	if (inject_diff(f, f, &lines) > 0)
		abort();
	lines_free(&lines);
	if (inject_new(&fresh, "kho-v4", 0x1000, &e))
		abort();
	inject_diff(&fresh, f, &lines);
	lines_free(&lines);
	inject_merge(&fresh, f, false, &lines, &e);
	lines_free(&lines);
	inject_merge(&fresh, f, true, &lines, &e);
	lines_free(&lines);
	inject_fdt_free(&fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inject_lines problems = { 0 };
	struct inject_fdt f = { 0 };
	struct errbuf e = { 0 };

	inject_validate(data, size, NULL, &problems);
	lines_free(&problems);
	inject_validate(data, size, "kho-v4", &problems);
	lines_free(&problems);
	if (inject_fdt_from_buf(&f, data, size, "fuzz", &e))
		return 0;
	use_tree(&f);
	inject_fdt_free(&f);
	return 0;
}
