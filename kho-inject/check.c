// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * validate: every problem, not just the first.
 *
 * The KHO ABI rules belong to kho_validate_fdt(), the loader's own check,
 * which stops at the first problem. To list them all without a second
 * copy of the rules, it is run on pieces: each root property the ABI
 * names and each root subnode, each under an otherwise good root; then
 * on the whole tree with those problems repaired, which leaves the rules
 * that span nodes (duplicates, the subnode count). What kho_validate_fdt() does not look
 * at (property names, duplicate properties, devicetree name syntax) is
 * walked here.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "inject.h"
#include "kho_fdt.h"

/* Any non-zero page-aligned address satisfies the ABI for the pieces. */
#define GOOD_MEM_MAP 0x1000ULL

struct name_ref {
	const char *name;
	int len;
};

static int cmp_name(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : x->len - y->len;
}

/* Doubling: a node may have a million names. */
static int push_name(struct name_ref **v, size_t *n, const char *name,
		     int len)
{
	struct name_ref *nv = *v;

	if (!(*n & (*n - 1)) && *n >= 8) {
		nv = realloc(*v, 2 * *n * sizeof(**v));
	} else if (!*n) {
		nv = malloc(8 * sizeof(**v));
	}
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n].name = name;
	nv[*n].len = len;
	(*n)++;
	return 0;
}

/* Report each name that occurs more than once, once. */
static int report_dups(struct name_ref *v, size_t n, const char *path,
		       const char *what, struct inject_lines *p)
{
	size_t i, j;
	char *esc;
	int ret;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_name);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !cmp_name(&v[i], &v[j]); j++)
			;
		if (j - i < 2)
			continue;
		esc = inject_escape(v[i].name, v[i].len);
		ret = esc ? lines_add(p, "%s: %s \"%s\" appears %zu times; the kernel sees only the first",
				      path, what, esc, j - i) : -ENOMEM;
		free(esc);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_props(const void *fdt, int node, const char *path,
		       struct inject_lines *p)
{
	struct name_ref *v = NULL;
	const char *name;
	size_t n = 0;
	int off, len, ret = 0;
	char *esc;

	fdt_for_each_property_offset(off, fdt, node) {
		if (!fdt_getprop_by_offset(fdt, off, &name, &len))
			continue;
		if (!inject_prop_name_ok(name, strlen(name))) {
			esc = inject_escape(name, strlen(name));
			ret = esc ? lines_add(p, "%s: property name \"%s\" has characters outside [A-Za-z0-9,._+?#-]",
					      path, esc) : -ENOMEM;
			free(esc);
		}
		if (!ret)
			ret = push_name(&v, &n, name, strlen(name));
		if (ret)
			break;
	}
	if (!ret)
		ret = report_dups(v, n, path, "property", p);
	free(v);
	return ret;
}

static bool has_line(const struct inject_lines *p, const char *line)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (!strcmp(p->line[i], line))
			return true;
	return false;
}

static int add_unique(struct inject_lines *p, const char *line)
{
	return has_line(p, line) ? 0 : lines_add(p, "%s", line);
}

/*
 * @kho_failed: root subnodes kho_validate_fdt() already rejected (their
 * names included); the root's duplicate subnodes are its rule too.
 */
static int check_node(const struct inject_kids *k, int node, const char *path,
		      int depth, const struct inject_lines *kho_failed,
		      struct inject_lines *p)
{
	const void *fdt = k->fdt;
	struct name_ref *v = NULL;
	const char *name;
	char *cpath;
	size_t n = 0;
	int child, len, ret;

	ret = check_props(fdt, node, path, p);
	inject_for_each_kid(child, k, node) {
		if (ret)
			break;
		name = fdt_get_name(fdt, child, &len);
		if (!name)
			continue;
		cpath = inject_join(path, name, len);
		if (!cpath) {
			ret = -ENOMEM;
			break;
		}
		if (!inject_node_name_ok(name, len) &&
		    !(depth == 0 && has_line(kho_failed, cpath)))
			ret = lines_add(p, "%s: node name is not name[@unit] of [A-Za-z0-9,._+-]",
					cpath);
		if (!ret)
			ret = push_name(&v, &n, name, len);
		if (!ret)
			ret = check_node(k, child, cpath, depth + 1,
					 kho_failed, p);
		free(cpath);
	}
	if (!ret && depth > 0)
		ret = report_dups(v, n, path, "node", p);
	free(v);
	return ret;
}

/* An empty tree with the given root compatible and a good memory map. */
static int new_root(const char *compat, struct inject_fdt *out,
		    struct errbuf *e)
{
	return inject_new(out, compat, GOOD_MEM_MAP, e);
}

/*
 * A good root with one of the properties the ABI puts on the root taken
 * from @src (or missing, as in @src): one problem per property.
 */
static int isolate_root_prop(const struct inject_fdt *src, const char *prop,
			     const char *compat, struct inject_fdt *out,
			     struct errbuf *e)
{
	const void *val;
	int len, ret;

	ret = new_root(compat, out, e);
	if (ret)
		return ret;
	val = fdt_getprop(src->fdt, 0, prop, &len);
	if (!val)
		return fdt_delprop(out->fdt, 0, prop) ?
		       err_set(e, -EINVAL, "cannot build a root") : 0;
	return inject_set(out, "/", prop, val, len, e);
}

/* Subnode @sub with its subtree under a root that passes the ABI. */
static int isolate_sub(const struct inject_kids *src, int sub,
		       const char *compat, struct inject_fdt *out,
		       struct errbuf *e)
{
	return inject_new_with(out, compat, GOOD_MEM_MAP, src, sub, e);
}

/*
 * The whole tree with the root made good and @failed subnodes removed:
 * what kho_validate_fdt() says about it comes from rules across nodes.
 * Removed in place (NOPs) and packed, so the copy is the tree's own size
 * (a grown one would be reported as too big) and no removal moves the
 * rest of the tree.
 */
static int repaired(const struct inject_fdt *src, const char *compat,
		    const int *failed, size_t nr_failed,
		    struct inject_fdt *out, struct errbuf *e)
{
	uint64_t map = GOOD_MEM_MAP;
	size_t i;
	int ret;

	ret = inject_fdt_dup(out, src, e);
	for (i = 0; !ret && i < nr_failed; i++)
		if (fdt_nop_node(out->fdt, failed[i]))
			ret = err_set(e, -EINVAL, "cannot remove a bad subnode");
	if (!ret)
		ret = inject_fdt_grow(out, 256, e);
	if (!ret && (fdt_setprop_string(out->fdt, 0, "compatible", compat) ||
		     fdt_setprop(out->fdt, 0, "preserved-memory-map", &map,
				 sizeof(map)) ||
		     fdt_pack(out->fdt)))
		ret = err_set(e, -EINVAL, "cannot repair the root");
	return ret;
}

/* 1 when kho_validate_fdt() rejected @t (the line added), 0 if not. */
static int kho_check(const struct inject_fdt *t, const char *where,
		     struct inject_lines *p)
{
	struct errbuf e = { 0 };
	int ret;

	ret = kho_validate_fdt(t->fdt, fdt_totalsize(t->fdt), NULL, 0, NULL, &e);
	if (!ret)
		return 0;
	if (where)
		ret = lines_add(p, "%s: %s", where, err_str(&e, ret));
	else
		ret = add_unique(p, err_str(&e, ret));
	return ret ? ret : 1;
}

/* A valid root compatible for the pieces: the tree's own if it is one. */
static void pick_compat(const void *fdt, char *buf, size_t size)
{
	const char *c;
	int len;

	c = fdt_getprop(fdt, 0, "compatible", &len);
	if (c && len > 0 && !c[len - 1] && inject_abi_ok(c))
		snprintf(buf, size, "%s", c);
	else
		snprintf(buf, size, "kho-v1");
}

static int check_abi(const struct inject_fdt *f, const struct inject_kids *k,
		     struct inject_lines *p, struct inject_lines *failed_paths)
{
	static const char *const root_props[] = {
		"compatible", "preserved-memory-map",
	};
	struct inject_fdt t = { 0 };
	struct errbuf e = { 0 };
	const char *name;
	int *failed = NULL, *nf;
	size_t nr = 0, seen = 0, i;
	char compat[32], *path;
	int sub, len, ret = 0;

	pick_compat(f->fdt, compat, sizeof(compat));
	for (i = 0; ret >= 0 && i < 2; i++) {
		ret = isolate_root_prop(f, root_props[i], compat, &t, &e);
		if (!ret)
			ret = kho_check(&t, "/", p);
		inject_fdt_free(&t);
	}
	inject_for_each_kid(sub, k, 0) {
		/* Past the limit the whole-tree check says "too many". */
		if (ret < 0 || ++seen > KHO_MAX_SUBNODES)
			break;
		name = fdt_get_name(f->fdt, sub, &len);
		path = name ? inject_join("/", name, len) : NULL;
		if (!path) {
			ret = -ENOMEM;
			break;
		}
		err_clear(&e);
		ret = isolate_sub(k, sub, compat, &t, &e);
		if (!ret)
			ret = kho_check(&t, path, p);
		inject_fdt_free(&t);
		if (ret == 1) {
			nf = realloc(failed, (nr + 1) * sizeof(*failed));
			ret = nf ? lines_add(failed_paths, "%s", path) : -ENOMEM;
			if (nf) {
				failed = nf;
				failed[nr++] = sub;
			}
		}
		free(path);
	}
	if (ret >= 0) {
		err_clear(&e);
		ret = repaired(f, compat, failed, nr, &t, &e);
		if (!ret)
			ret = kho_check(&t, NULL, p);
		inject_fdt_free(&t);
	}
	free(failed);
	if (ret < 0 && ret != -ENOMEM)
		ret = lines_add(p, "cannot check the KHO ABI: %s",
				err_str(&e, ret));
	return ret < 0 ? ret : 0;
}

static int check_root(const void *fdt, const char *abi, struct inject_lines *p)
{
	const char *name, *c;
	char *esc;
	int len, ret;

	name = fdt_get_name(fdt, 0, &len);
	if (name && len) {
		esc = inject_escape(name, len);
		ret = esc ? lines_add(p, "/: the root node is named \"%s\"; a root has an empty name",
				      esc) : -ENOMEM;
		free(esc);
		if (ret)
			return ret;
	}
	if (!abi)
		return 0;
	c = fdt_getprop(fdt, 0, "compatible", &len);
	/* A compatible that is no kho-v<N> at all is the ABI check's. */
	if (c && len > 0 && !c[len - 1] && inject_abi_ok(c) && strcmp(c, abi)) {
		esc = inject_escape(c, len - 1);
		ret = esc ? lines_add(p, "/: compatible is \"%s\", not \"%s\" (--abi)",
				      esc, abi) : -ENOMEM;
		free(esc);
		return ret;
	}
	return 0;
}

int inject_validate(const void *buf, size_t len, const char *abi,
		    struct inject_lines *problems)
{
	struct inject_lines kho_failed = { 0 };
	struct inject_kids k = { 0 };
	size_t before = problems->nr;
	struct errbuf e = { 0 };
	struct inject_fdt f;
	const char *m;
	int ret;

	ret = inject_fdt_from_buf(&f, buf, len, "", &e);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		/* Past the empty name prefix err_prefix() put in front. */
		m = err_str(&e, ret);
		if (!strncmp(m, ": ", 2))
			m += 2;
		return lines_add(problems, "%s", m) ?: 1;
	}
	ret = inject_kids_init(&k, f.fdt, &e);
	if (!ret)
		ret = check_root(f.fdt, abi, problems);
	if (!ret)
		ret = check_abi(&f, &k, problems, &kho_failed);
	if (!ret)
		ret = check_node(&k, 0, "/", 0, &kho_failed, problems);
	inject_kids_free(&k);
	lines_free(&kho_failed);
	inject_fdt_free(&f);
	if (ret)
		return ret;
	return (int)(problems->nr - before);
}
