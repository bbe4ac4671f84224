// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /chosen/stdout-path and /aliases on arm64: the input, split at NUL
 * bytes, is a stdout-path value and then alias name and value pairs,
 * written into a DTB with a PL011 behind a translating bus. The DTB
 * builder must refuse or accept it without following an alias libfdt
 * would follow forever, and the PL011 lookup must come back on both the
 * source and the result.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "arm64.h"
#include "fuzz.h"

#define SIZE 65536
#define PIECES 17

static void ok(int err)
{
	if (err)
		abort();
}

/* Every piece is a string property: the tree must always be buildable. */
static void *make_dtb(char **p, size_t n)
{
	fdt32_t ranges[4] = { 0, 0, cpu_to_fdt32(0x1c000000),
			      cpu_to_fdt32(0x100000) };
	void *fdt = malloc(SIZE);
	int bus, uart, aliases, chosen;
	size_t i;

	if (!fdt)
		abort();
	ok(fdt_create_empty_tree(fdt, SIZE));
	ok(fdt_setprop_u32(fdt, 0, "#address-cells", 2));
	ok(fdt_setprop_u32(fdt, 0, "#size-cells", 2));
	bus = fdt_add_subnode(fdt, 0, "soc");
	ok(bus < 0);
	ok(fdt_setprop_u32(fdt, bus, "#address-cells", 1));
	ok(fdt_setprop_u32(fdt, bus, "#size-cells", 1));
	ok(fdt_setprop(fdt, bus, "ranges", ranges, sizeof(ranges)));
	uart = fdt_add_subnode(fdt, bus, "pl011@90000");
	ok(uart < 0);
	ok(fdt_setprop_string(fdt, uart, "compatible", "arm,pl011"));
	ok(fdt_setprop_u32(fdt, uart, "reg", 0x90000));
	ok(fdt_appendprop_u32(fdt, uart, "reg", 0x1000));
	aliases = fdt_add_subnode(fdt, 0, "aliases");
	ok(aliases < 0);
	for (i = 1; i + 1 < n; i += 2) {
		/* libfdt refuses some names; those pairs are skipped. */
		if (*p[i])
			fdt_setprop_string(fdt, aliases, p[i], p[i + 1]);
	}
	chosen = fdt_add_subnode(fdt, 0, "chosen");
	ok(chosen < 0);
	if (n > 0)
		ok(fdt_setprop_string(fdt, chosen, "stdout-path", p[0]));
	ok(fdt_pack(fdt));
	return fdt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arm64_chosen c = { .cmdline = "console=ttyAMA0" };
	struct errbuf e = { 0 };
	char **p, *store;
	void *src, *out = NULL;
	size_t n, out_len;

	if (size > 4096)
		return 0;
	n = fuzz_split(data, size, &p, &store, PIECES);
	src = make_dtb(p, n);
	arm64_pl011_base(src, "");
	if (!arm64_dtb_build(src, fdt_totalsize(src), &c, &out, &out_len, &e)) {
		if (fdt_check_untrusted(out, out_len))
			abort();
		arm64_pl011_base(out, "");
		free(out);
	} else if (!e.msg[0] || strchr(e.msg, '\n')) {
		/* A refusal is one line. */
		abort();
	}
	free(src);
	free(p);
	free(store);
	return 0;
}
