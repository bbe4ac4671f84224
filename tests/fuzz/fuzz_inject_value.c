// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kho-inject's command-line values and edits. The input is split at NUL
 * bytes: the first piece is a value spec ("str:..", "u64:..", "cells:..",
 * "hex:..", a number), the next a property name for the value printer,
 * and all pieces together an edit list (SUBCOMMAND ARGS [-- ...]) applied
 * to a fresh KHO FDT. @FILE values and merges read files the input would
 * name, so those are parsed but not applied.
 */
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "inject.h"
#include "fuzz.h"

#define ARGS_MAX 32

static void value(const char *spec, const char *prop)
{
	struct inject_value v = { 0 };
	struct errbuf e = { 0 };
	uint64_t x;
	char *s;

	inject_parse_u64(spec, UINT64_MAX, &x);
	inject_parse_u64(spec, 0xffff, &x);
	if (spec[0] == '@' || inject_parse_value(spec, &v, &e))
		return;
	s = inject_value_str(prop, v.data, v.len, 0);
	free(s);
	s = inject_value_str(prop, v.data, v.len, 16);
	free(s);
	inject_value_free(&v);
}

static bool safe(const struct inject_edit *ed, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (ed[i].op == INJECT_MERGE)
			return false;
		if (ed[i].op == INJECT_SET && ed[i].value[0] == '@')
			return false;
	}
	return true;
}

static void edits(int argc, char **argv)
{
	struct inject_lines conflicts = { 0 };
	struct inject_fdt f = { 0 };
	struct inject_edit *ed = NULL;
	struct errbuf e = { 0 };
	size_t nr = 0;

	if (inject_parse_edits(argc, argv, &ed, &nr, &e))
		return;
	if (safe(ed, nr)) {
		if (inject_new(&f, "kho-v4", 0x1000, &e))
			abort();
		inject_apply(&f, ed, nr, &conflicts, &e);
		lines_free(&conflicts);
		inject_fdt_free(&f);
	}
	free(ed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **piece, *store;
	size_t n;

	n = fuzz_split(data, size, &piece, &store, ARGS_MAX);
	value(piece[0], n > 1 ? piece[1] : "prop");
	edits((int)n, piece);
	free(piece);
	free(store);
	return 0;
}
