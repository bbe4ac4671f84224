// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump: the tree in a dts-like form. Values use the same typed syntax as
 * "set" where dts has none (u64:0x... for the KHO properties, which are
 * CPU byte order, not big-endian cells), so a value can be copied into an
 * edit. What the ABI headers tell about a subnode's blob follows as
 * comments.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "inject.h"

static void indent(FILE *out, int depth)
{
	while (depth-- > 0)
		fputc('\t', out);
}

static const char *u64_comment(const char *prop, uint64_t v, char *buf,
			       size_t size)
{
	char sz[32];

	if (!strcmp(prop, "blob-size"))
		snprintf(buf, size, "%s", inject_size_str(v, sz, sizeof(sz)));
	else if (!strcmp(prop, "preserved-memory-map") &&
		 v == INJECT_MEM_MAP_PLACEHOLDER)
		snprintf(buf, size, "placeholder: the loader supplies an empty map");
	else
		snprintf(buf, size, "physical address");
	return buf;
}

static int dump_props(FILE *out, const void *fdt, int node, int depth)
{
	const char *name;
	const void *val;
	char *s, *esc, c[64];
	int off, len;

	fdt_for_each_property_offset(off, fdt, node) {
		val = fdt_getprop_by_offset(fdt, off, &name, &len);
		if (!val)
			continue;
		s = inject_value_str(name, val, len, 0);
		esc = inject_escape(name, strlen(name));
		if (!s || !esc) {
			free(s);
			free(esc);
			return -ENOMEM;
		}
		indent(out, depth);
		if (!len)
			fprintf(out, "%s;\n", esc);
		else if (len == 8 && inject_is_kho_u64(name))
			fprintf(out, "%s = %s;\t// %s\n", esc, s,
				u64_comment(name, inject_get_u64(val), c,
					    sizeof(c)));
		else
			fprintf(out, "%s = %s;\n", esc, s);
		free(s);
		free(esc);
	}
	return 0;
}

static void dump_lines(FILE *out, int depth, const struct inject_lines *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		indent(out, depth);
		fprintf(out, "//   %s\n", l->line[i]);
	}
}

/* For a KHO subnode: where its blob is and what it says. */
static int dump_blob(FILE *out, const void *fdt, int node, int depth,
		     const struct inject_blobs *blobs)
{
	struct inject_lines l = { 0 };
	const void *data, *size;
	char where[4200], *name;
	const char *raw;
	void *blob;
	size_t len;
	int nlen, ret;

	data = fdt_getprop(fdt, node, "preserved-data", &nlen);
	if (!data || nlen != 8)
		return 0;
	size = fdt_getprop(fdt, node, "blob-size", &nlen);
	if (!size || nlen != 8)
		return 0;
	raw = fdt_get_name(fdt, node, &nlen);
	if (!raw)
		return 0;
	name = strndup(raw, nlen);
	if (!name)
		return -ENOMEM;
	ret = inject_blob_read(blobs, name, inject_get_u64(size), &blob, &len,
			       where, sizeof(where));
	if (ret == -ENOMEM)
		goto out;
	indent(out, depth);
	if (ret) {
		fprintf(out, "// blob: content not available (no sub_fdts file of blob-size bytes)\n");
		ret = 0;
		goto out;
	}
	ret = inject_decode_blob(name, blob, len, &l);
	free(blob);
	if (ret == -ENOMEM)
		goto out;
	if (ret == -ENOENT)
		fprintf(out, "// blob: %s (no known format)\n", where);
	else
		fprintf(out, "// blob: %s%s\n", where,
			ret ? " (does not decode)" : "");
	dump_lines(out, depth, &l);
	ret = 0;
out:
	lines_free(&l);
	free(name);
	return ret;
}

static int dump_node(FILE *out, const struct inject_kids *k, int node,
		     int depth, const struct inject_blobs *blobs)
{
	const void *fdt = k->fdt;
	const char *name;
	char *esc;
	int child, len, ret;

	name = fdt_get_name(fdt, node, &len);
	if (!name)
		return 0;
	esc = depth ? inject_escape(name, len) : strdup("/");
	if (!esc)
		return -ENOMEM;
	indent(out, depth);
	fprintf(out, "%s {\n", esc);
	free(esc);
	ret = dump_props(out, fdt, node, depth + 1);
	if (!ret && depth == 1 && blobs)
		ret = dump_blob(out, fdt, node, depth + 1, blobs);
	inject_for_each_kid(child, k, node) {
		if (ret)
			break;
		ret = dump_node(out, k, child, depth + 1, blobs);
	}
	indent(out, depth);
	fputs("};\n", out);
	return ret;
}

int inject_dump(FILE *out, const struct inject_fdt *f,
		const struct inject_blobs *blobs, struct errbuf *e)
{
	struct inject_kids k = { 0 };
	uint64_t addr, size;
	int i, n, ret;

	fprintf(out, "// %s: %u bytes, FDT version %u\n", f->name,
		fdt_totalsize(f->fdt), fdt_version(f->fdt));
	n = fdt_num_mem_rsv(f->fdt);
	for (i = 0; i < n; i++) {
		if (fdt_get_mem_rsv(f->fdt, i, &addr, &size) == 0)
			fprintf(out, "/memreserve/ 0x%" PRIx64 " 0x%" PRIx64 ";\n",
				addr, size);
	}
	ret = inject_kids_init(&k, f->fdt, e);
	if (ret)
		return ret;
	ret = dump_node(out, &k, 0, 0, blobs);
	inject_kids_free(&k);
	if (ret)
		return err_set(e, ret, "out of memory");
	if (ferror(out))
		return err_set(e, -EIO, "cannot write the dump");
	return 0;
}
