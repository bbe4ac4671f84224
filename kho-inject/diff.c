// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff: nodes and properties are matched by exact name, in name order, so
 * the report does not depend on the order a kernel happened to add
 * subtrees in, and a hostile tree with many entries costs n log n.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "inject.h"

#define DIFF_VALUE_CHARS 80

struct entry {
	const char *name;
	int len;		/* name length */
	int off;		/* node offset, or property offset */
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : x->len - y->len;
}

static int push(struct entry **v, size_t *n, const char *name, int len,
		int off)
{
	struct entry *nv = *v;

	/* Doubling at powers of two: a node may have a million entries. */
	if (!(*n & (*n - 1)))
		nv = realloc(*v, (*n ? 2 * *n : 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n].name = name;
	nv[*n].len = len;
	nv[*n].off = off;
	(*n)++;
	return 0;
}

static int list_props(const void *fdt, int node, struct entry **v, size_t *n)
{
	const char *name;
	int off, len, ret;

	*v = NULL;
	*n = 0;
	fdt_for_each_property_offset(off, fdt, node) {
		if (!fdt_getprop_by_offset(fdt, off, &name, &len))
			continue;
		ret = push(v, n, name, strlen(name), off);
		if (ret)
			return ret;
	}
	if (*n > 1)
		qsort(*v, *n, sizeof(**v), cmp_entry);
	return 0;
}

static int list_nodes(const struct inject_kids *k, int node, struct entry **v,
		      size_t *n)
{
	const char *name;
	int off, len, ret;

	*v = NULL;
	*n = 0;
	inject_for_each_kid(off, k, node) {
		name = fdt_get_name(k->fdt, off, &len);
		if (!name)
			continue;
		ret = push(v, n, name, len, off);
		if (ret)
			return ret;
	}
	if (*n > 1)
		qsort(*v, *n, sizeof(**v), cmp_entry);
	return 0;
}

static int prop_line(struct inject_lines *out, char sign, const char *path,
		     const void *fdt, int off)
{
	const char *name;
	const void *val;
	char *s, *esc;
	int len, ret;

	val = fdt_getprop_by_offset(fdt, off, &name, &len);
	s = inject_value_str(name, val, len, DIFF_VALUE_CHARS);
	esc = inject_escape(name, strlen(name));
	if (!s || !esc)
		ret = -ENOMEM;
	else if (len)
		ret = lines_add(out, "%c %s %s = %s", sign, path, esc, s);
	else
		ret = lines_add(out, "%c %s %s (empty)", sign, path, esc);
	free(s);
	free(esc);
	return ret;
}

static int changed_line(struct inject_lines *out, const char *path,
			const void *afdt, int aoff, const void *bfdt, int boff)
{
	const void *av, *bv;
	const char *name;
	int alen, blen, ret;
	char *a, *b, *esc;

	av = fdt_getprop_by_offset(afdt, aoff, &name, &alen);
	bv = fdt_getprop_by_offset(bfdt, boff, NULL, &blen);
	if (alen == blen && !memcmp(av, bv, alen))
		return 0;
	a = inject_value_str(name, av, alen, DIFF_VALUE_CHARS);
	b = inject_value_str(name, bv, blen, DIFF_VALUE_CHARS);
	esc = inject_escape(name, strlen(name));
	ret = a && b && esc ?
	      lines_add(out, "~ %s %s: %s -> %s", path, esc,
			alen ? a : "(empty)", blen ? b : "(empty)") : -ENOMEM;
	free(a);
	free(b);
	free(esc);
	return ret;
}

static int node_line(struct inject_lines *out, char sign, const char *path,
		     const struct entry *c)
{
	char *p = inject_join(path, c->name, c->len);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = lines_add(out, "%c %s/ (node)", sign, p);
	free(p);
	return ret;
}

static int diff_node(const struct inject_kids *a, int aoff,
		     const struct inject_kids *b, int boff, const char *path,
		     struct inject_lines *out);

static int diff_props(const void *a, int aoff, const void *b, int boff,
		      const char *path, struct inject_lines *out)
{
	struct entry *av, *bv;
	size_t an, bn, i = 0, j = 0;
	int c, ret;

	ret = list_props(a, aoff, &av, &an);
	if (!ret)
		ret = list_props(b, boff, &bv, &bn);
	else
		bv = NULL;
	while (!ret && (i < an || j < bn)) {
		c = i == an ? 1 : j == bn ? -1 : cmp_entry(&av[i], &bv[j]);
		if (c < 0)
			ret = prop_line(out, '-', path, a, av[i++].off);
		else if (c > 0)
			ret = prop_line(out, '+', path, b, bv[j++].off);
		else
			ret = changed_line(out, path, a, av[i++].off, b,
					   bv[j++].off);
	}
	free(av);
	free(bv);
	return ret;
}

static int diff_children(const struct inject_kids *a, int aoff,
			 const struct inject_kids *b, int boff, const char *path,
			 struct inject_lines *out)
{
	struct entry *av, *bv;
	size_t an, bn, i = 0, j = 0;
	char *cpath;
	int c, ret;

	ret = list_nodes(a, aoff, &av, &an);
	if (!ret)
		ret = list_nodes(b, boff, &bv, &bn);
	else
		bv = NULL;
	while (!ret && (i < an || j < bn)) {
		c = i == an ? 1 : j == bn ? -1 : cmp_entry(&av[i], &bv[j]);
		if (c < 0) {
			ret = node_line(out, '-', path, &av[i++]);
		} else if (c > 0) {
			ret = node_line(out, '+', path, &bv[j++]);
		} else {
			cpath = inject_join(path, av[i].name, av[i].len);
			ret = cpath ? diff_node(a, av[i].off, b, bv[j].off,
						cpath, out) : -ENOMEM;
			free(cpath);
			i++;
			j++;
		}
	}
	free(av);
	free(bv);
	return ret;
}

static int diff_node(const struct inject_kids *a, int aoff,
		     const struct inject_kids *b, int boff, const char *path,
		     struct inject_lines *out)
{
	int ret = diff_props(a->fdt, aoff, b->fdt, boff, path, out);

	return ret ? ret : diff_children(a, aoff, b, boff, path, out);
}

/* Reservations are compared entry by entry, in order. */
static int diff_memreserve(const void *a, const void *b,
			   struct inject_lines *out)
{
	uint64_t aa = 0, as = 0, ba = 0, bs = 0;
	int an = fdt_num_mem_rsv(a), bn = fdt_num_mem_rsv(b);
	int i, ret = 0;

	if (an < 0 || bn < 0)
		return 0;
	for (i = 0; !ret && (i < an || i < bn); i++) {
		if (i < an)
			fdt_get_mem_rsv(a, i, &aa, &as);
		if (i < bn)
			fdt_get_mem_rsv(b, i, &ba, &bs);
		if (i >= bn)
			ret = lines_add(out, "- /memreserve/ 0x%" PRIx64 " 0x%" PRIx64, aa, as);
		else if (i >= an)
			ret = lines_add(out, "+ /memreserve/ 0x%" PRIx64 " 0x%" PRIx64, ba, bs);
		else if (aa != ba || as != bs)
			ret = lines_add(out, "~ /memreserve/ 0x%" PRIx64 " 0x%" PRIx64
					" -> 0x%" PRIx64 " 0x%" PRIx64, aa, as, ba, bs);
	}
	return ret;
}

int inject_diff(const struct inject_fdt *a, const struct inject_fdt *b,
		struct inject_lines *out)
{
	struct inject_kids ka = { 0 }, kb = { 0 };
	size_t before = out->nr;
	int ret;

	ret = inject_kids_init(&ka, a->fdt, NULL);
	if (!ret)
		ret = inject_kids_init(&kb, b->fdt, NULL);
	if (!ret)
		ret = diff_memreserve(a->fdt, b->fdt, out);
	if (!ret)
		ret = diff_node(&ka, 0, &kb, 0, "/", out);
	inject_kids_free(&ka);
	inject_kids_free(&kb);
	if (ret)
		return ret;
	return (int)(out->nr - before);
}
