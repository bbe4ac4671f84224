// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdt_check_untrusted(), the gate in front of every FDT from outside, and
 * what passing it promises: libfdt can copy and edit the tree without it
 * changing. Each tree that passes is opened into a bigger buffer (what
 * every editor here does first), given a node, and packed; every
 * property must keep its name and value (a version-16 tree whose names
 * ran past size_dt_strings came out with renamed properties). The input
 * is tried as it is and with its header made version 16.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "fdtcheck.h"
#include "fuzz.h"

/* Property @i of the tree in structure order, or NULL past the last. */
static const char *nth_prop(const void *fdt, int i, const void **val,
			    int *len)
{
	int node, off, n = 0;
	const char *name;

	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		fdt_for_each_property_offset(off, fdt, node) {
			if (n++ != i)
				continue;
			*val = fdt_getprop_by_offset(fdt, off, &name, len);
			if (!*val)
				abort();
			return name;
		}
	}
	return NULL;
}

static void same_props(const void *a, const void *b, int limit)
{
	const void *va, *vb;
	const char *na, *nb;
	int i, la, lb;

	for (i = 0; i < limit; i++) {
		na = nth_prop(a, i, &va, &la);
		nb = nth_prop(b, i, &vb, &lb);
		if (!na)
			return;
		if (!nb || strcmp(na, nb) || la != lb || memcmp(va, vb, la))
			abort();
	}
}

static void try(uint8_t *fdt, size_t size)
{
	size_t room = size + 4096;
	void *copy;
	int node;

	if (fdt_check_untrusted(fdt, size))
		return;
	copy = malloc(room);
	if (!copy)
		abort();
	if (!fdt_open_into(fdt, copy, (int)room)) {
		/* Quadratic in properties: a few dozen say enough. */
		same_props(fdt, copy, 64);
		/* A node adds no property: the list must stay the same. */
		node = fdt_add_subnode(copy, 0, "fuzz-added");
		if ((node < 0 && node != -FDT_ERR_EXISTS) || fdt_pack(copy) ||
		    fdt_check_untrusted(copy, fdt_totalsize(copy)))
			abort();
		same_props(fdt, copy, 64);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	if (size < sizeof(struct fdt_header) || size > 65536)
		return 0;
	/* libfdt wants 8-byte alignment. */
	buf = malloc(size);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	try(buf, size);
	fdt_set_version(buf, 16);
	fdt_set_last_comp_version(buf, 16);
	try(buf, size);
	free(buf);
	return 0;
}
