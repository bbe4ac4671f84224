// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * FDTs of a given shape and size for bench/kho-inject-bench.sh, written
 * with libfdt's sequential-write API:
 *   fdt-shapes SHAPE BYTES OUT
 * props  one node with many properties of distinct names
 * nodes  one node with many children, each with a property
 * deep   chains of nodes nested 60 deep (kho-inject allows 64)
 * huge   one property of nearly BYTES
 * Under a KHO root (compatible "kho-v1", a preserved-memory-map), so
 * kho-inject reads them as it reads a kernel's.
 */
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEEP 60

static void *fdt;

static void ok(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "fdt-shapes: %s: %s\n", what, fdt_strerror(err));
		exit(1);
	}
}

/* Room left for the rest of the tree and fdt_finish(). */
static int room(size_t target)
{
	return fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt) +
	       fdt_size_dt_strings(fdt) + 4096 < target;
}

static void shape_props(size_t target)
{
	char name[32];
	uint32_t v = 0;
	unsigned long i;

	ok(fdt_begin_node(fdt, "big"), "begin");
	for (i = 0; room(target); i++) {
		snprintf(name, sizeof(name), "p%lu", i);
		ok(fdt_property(fdt, name, &v, sizeof(v)), "property");
	}
	ok(fdt_end_node(fdt), "end");
}

static void shape_nodes(size_t target)
{
	char name[32];
	uint32_t v = 0;
	unsigned long i;

	ok(fdt_begin_node(fdt, "many"), "begin");
	for (i = 0; room(target); i++) {
		snprintf(name, sizeof(name), "n@%lx", i);
		ok(fdt_begin_node(fdt, name), "begin");
		ok(fdt_property(fdt, "reg", &v, sizeof(v)), "property");
		ok(fdt_end_node(fdt), "end");
	}
	ok(fdt_end_node(fdt), "end");
}

static void shape_deep(size_t target)
{
	char name[32];
	uint32_t v = 0;
	int i, chain;

	ok(fdt_begin_node(fdt, "deep"), "begin");
	for (chain = 0; room(target); chain++) {
		snprintf(name, sizeof(name), "chain@%x", chain);
		for (i = 0; i < DEEP; i++) {
			ok(fdt_begin_node(fdt, i ? "d" : name), "begin");
			ok(fdt_property(fdt, "level", &v, sizeof(v)), "property");
		}
		for (i = 0; i < DEEP; i++)
			ok(fdt_end_node(fdt), "end");
	}
	ok(fdt_end_node(fdt), "end");
}

static void shape_huge(size_t target)
{
	size_t len = target - 8192;
	char *v = calloc(1, len);

	if (!v)
		exit(1);
	ok(fdt_begin_node(fdt, "huge"), "begin");
	ok(fdt_property(fdt, "data", v, (int)len), "property");
	ok(fdt_end_node(fdt), "end");
	free(v);
}

int main(int argc, char **argv)
{
	uint64_t map = 0x1000;
	size_t target;
	FILE *f;

	if (argc != 4) {
		fputs("usage: fdt-shapes props|nodes|deep|huge BYTES OUT\n", stderr);
		return 2;
	}
	target = strtoul(argv[2], NULL, 0);
	fdt = malloc(target);
	if (!fdt || target < 16384)
		return 1;
	/* Distinct names: libfdt's search for a shared one would be slow. */
	ok(fdt_create_with_flags(fdt, (int)target,
				 strcmp(argv[1], "props") ? 0 :
				 FDT_CREATE_FLAG_NO_NAME_DEDUP), "create");
	ok(fdt_finish_reservemap(fdt), "reservemap");
	ok(fdt_begin_node(fdt, ""), "root");
	ok(fdt_property_string(fdt, "compatible", "kho-v1"), "compatible");
	ok(fdt_property(fdt, "preserved-memory-map", &map, sizeof(map)), "map");
	if (!strcmp(argv[1], "props"))
		shape_props(target);
	else if (!strcmp(argv[1], "nodes"))
		shape_nodes(target);
	else if (!strcmp(argv[1], "deep"))
		shape_deep(target);
	else if (!strcmp(argv[1], "huge"))
		shape_huge(target);
	else
		return 2;
	ok(fdt_end_node(fdt), "root");
	ok(fdt_finish(fdt), "finish");
	f = fopen(argv[3], "wb");
	if (!f || fwrite(fdt, 1, fdt_totalsize(fdt), f) != fdt_totalsize(fdt) ||
	    fclose(f))
		return 1;
	free(fdt);
	return 0;
}
