// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Trees built in one pass with libfdt's sequential-write API: merge, the
 * pieces validate checks, and new trees. Copying node by node with
 * fdt_setprop() is quadratic: each call looks the name up in the node and
 * the strings block and moves everything behind it (20,000 properties
 * took 80 s). Here each node is written once, its properties and children
 * matched by name through sorted indexes.
 *
 * A node is written from layers: the same node in the tree merged into
 * (layer 0, when it has it) and in the trees merged in, in order. What a
 * merge does is what fdt_setprop() and fdt_add_subnode() would have done:
 * a property or child of a later layer replaces the first of its name in
 * layer 0, or is added after layer 0's own; a later layer's value wins.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "inject.h"

/*
 * libfdt's sequential writer looks every name up in the strings written
 * so far, byte by byte: quadratic when a tree has many distinct names.
 * Past this many byte comparisons names are not shared.
 */
#define DEDUP_BUDGET	(1ULL << 27)

struct layer {
	const void *fdt;
	const struct inject_kids *k;
	int node;
};

/* A property or child of a later layer, found by name. */
struct entry {
	const char *name;
	int len;
	int seq;		/* position over all later layers */
	int group;		/* entries of one name share a group */
	int off;		/* property or node offset */
	const void *fdt;
	const struct inject_kids *k;
	const void *val;	/* properties */
	int vlen;
};

/* Entries of one name: sorted[start, start + count), by seq. */
struct group {
	int start, count;
	bool used;
	const void *dval;	/* layer 0's value it replaced */
	int dlen;
};

struct index {
	struct entry *e;	/* seq order */
	struct entry **sorted;	/* by name, then seq */
	struct group *g;
	int nr;
};

struct writer {
	void *fdt;
	bool collect;		/* collect conflicts */
	const char *dst_name, *src_name;
	struct inject_lines *conflicts;
	struct errbuf *e;
};

static int cmp_name(const char *a, int alen, const char *b, int blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : alen - blen;
}

static int cmp_sorted(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;
	int c = cmp_name(x->name, x->len, y->name, y->len);

	return c ? c : x->seq - y->seq;
}

static void index_free(struct index *x)
{
	free(x->e);
	free(x->sorted);
	free(x->g);
	memset(x, 0, sizeof(*x));
}

static int index_push(struct index *x, int *cap, const struct entry *en)
{
	struct entry *ne;

	if (x->nr == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		ne = realloc(x->e, *cap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		x->e = ne;
	}
	x->e[x->nr] = *en;
	x->e[x->nr].seq = x->nr;
	x->nr++;
	return 0;
}

/* Sort and group the entries pushed so far. */
static int index_finish(struct index *x)
{
	struct entry *en, *prev = NULL;
	int i, g = -1;

	if (!x->nr)
		return 0;
	x->sorted = malloc((x->nr + 1) * sizeof(*x->sorted));
	x->g = malloc((x->nr + 1) * sizeof(*x->g));
	if (!x->sorted || !x->g)
		return -ENOMEM;
	for (i = 0; i < x->nr; i++)
		x->sorted[i] = &x->e[i];
	qsort(x->sorted, x->nr, sizeof(*x->sorted), cmp_sorted);
	for (i = 0; i < x->nr; prev = en, i++) {
		en = x->sorted[i];
		if (!prev || cmp_name(en->name, en->len, prev->name, prev->len))
			x->g[++g] = (struct group){ .start = i };
		x->g[g].count++;
		en->group = g;
	}
	return 0;
}

/* The group of @name, or NULL. */
static struct group *index_find(const struct index *x, const char *name,
				int len)
{
	int lo = 0, hi = x->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp_name(x->sorted[mid]->name, x->sorted[mid]->len,
			     name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->nr && !cmp_name(x->sorted[lo]->name, x->sorted[lo]->len,
				    name, len))
		return &x->g[x->sorted[lo]->group];
	return NULL;
}

/* The entry whose value a group ends with: its last by seq. */
static const struct entry *winner(const struct index *x, const struct group *g)
{
	return x->sorted[g->start + g->count - 1];
}

static int index_props(const struct layer *l, int nr, struct index *x)
{
	struct entry en = { 0 };
	int i, off, cap = 0, ret;

	for (i = 0; i < nr; i++) {
		fdt_for_each_property_offset(off, l[i].fdt, l[i].node) {
			en.val = fdt_getprop_by_offset(l[i].fdt, off, &en.name,
						       &en.vlen);
			if (!en.val)
				continue;
			en.len = (int)strlen(en.name);
			en.off = off;
			en.fdt = l[i].fdt;
			ret = index_push(x, &cap, &en);
			if (ret)
				return ret;
		}
	}
	return index_finish(x);
}

static int index_children(const struct layer *l, int nr, struct index *x)
{
	struct entry en = { 0 };
	int i, off, cap = 0, ret;

	for (i = 0; i < nr; i++) {
		inject_for_each_kid(off, l[i].k, l[i].node) {
			en.name = fdt_get_name(l[i].fdt, off, &en.len);
			if (!en.name)
				continue;
			en.off = off;
			en.fdt = l[i].fdt;
			en.k = l[i].k;
			ret = index_push(x, &cap, &en);
			if (ret)
				return ret;
		}
	}
	return index_finish(x);
}

static int sw_fail(struct writer *w, int err)
{
	if (err == -FDT_ERR_NOSPACE)
		return -ENOSPC;		/* the caller retries bigger */
	return err_set(w->e, -EINVAL, "writing the tree: %s",
		       fdt_check_strerror(err));
}

static int conflict(struct writer *w, const char *path, const struct entry *s,
		    const struct group *g)
{
	char *a, *b, *esc;
	int ret;

	if (g->dlen == s->vlen && !memcmp(g->dval, s->val, s->vlen))
		return 0;
	a = inject_value_str(s->name, g->dval, g->dlen, 80);
	b = inject_value_str(s->name, s->val, s->vlen, 80);
	esc = inject_escape(s->name, s->len);
	ret = a && b && esc ?
	      lines_add(w->conflicts, "%s: property %s: %s in %s, %s in %s",
			path, esc, g->dlen ? a : "(empty)", w->dst_name,
			s->vlen ? b : "(empty)", w->src_name) : -ENOMEM;
	free(a);
	free(b);
	free(esc);
	return ret ? err_set(w->e, ret, "out of memory") : 0;
}

static int put_prop(struct writer *w, const char *name, const void *val,
		    int len)
{
	int ret = fdt_property(w->fdt, name, val, len);

	return ret ? sw_fail(w, ret) : 0;
}

/* @has_dst: l[0] is the node merged into, the rest are merged in. */
static int write_props(struct writer *w, const struct layer *l, int nr,
		       bool has_dst, const char *path)
{
	const struct layer *src = has_dst ? l + 1 : l;
	struct index x = { 0 };
	const char *name;
	const void *val;
	struct group *g;
	int off, len, i, ret;

	ret = index_props(src, nr - has_dst, &x);
	if (ret)
		goto out;
	if (has_dst) {
		fdt_for_each_property_offset(off, l[0].fdt, l[0].node) {
			val = fdt_getprop_by_offset(l[0].fdt, off, &name, &len);
			if (!val)
				continue;
			g = index_find(&x, name, (int)strlen(name));
			if (g && !g->used) {
				g->used = true;
				g->dval = val;
				g->dlen = len;
				ret = put_prop(w, name, winner(&x, g)->val,
					       winner(&x, g)->vlen);
			} else {
				ret = put_prop(w, name, val, len);
			}
			if (ret)
				goto out;
		}
	}
	for (i = 0; i < x.nr; i++) {
		g = &x.g[x.e[i].group];
		if (w->collect && g->dval) {
			ret = conflict(w, path, &x.e[i], g);
			if (ret)
				goto out;
		}
		if (g->used)
			continue;
		g->used = true;
		ret = put_prop(w, x.e[i].name, winner(&x, g)->val,
			       winner(&x, g)->vlen);
		if (ret)
			goto out;
	}
out:
	if (ret == -ENOMEM)
		err_set(w->e, ret, "out of memory");
	index_free(&x);
	return ret;
}

static int write_node(struct writer *w, const struct layer *l, int nr,
		      bool has_dst, const char *path);

/* Layer @first (if any) merged with every later child of group @g. */
static int write_child(struct writer *w, const struct index *x,
		       const struct group *g, const struct layer *first,
		       const char *path)
{
	struct layer *cl;
	const char *name;
	char *cpath;
	int n = 0, i, len, ret;

	cl = malloc(((g ? g->count : 0) + 1) * sizeof(*cl));
	if (!cl)
		return err_set(w->e, -ENOMEM, "out of memory");
	if (first)
		cl[n++] = *first;
	for (i = 0; g && i < g->count; i++)
		cl[n++] = (struct layer){ x->sorted[g->start + i]->fdt,
					  x->sorted[g->start + i]->k,
					  x->sorted[g->start + i]->off };
	/* Paths only name conflicts: not made for every node of a copy. */
	name = fdt_get_name(cl[0].fdt, cl[0].node, &len);
	cpath = name && w->collect ? inject_join(path, name, len) : NULL;
	if (w->collect && !cpath)
		ret = err_set(w->e, -ENOMEM, "out of memory");
	else
		ret = write_node(w, cl, n, first != NULL, cpath ? cpath : path);
	free(cpath);
	free(cl);
	return ret;
}

static int write_children(struct writer *w, const struct layer *l, int nr,
			  bool has_dst, const char *path)
{
	const struct layer *src = has_dst ? l + 1 : l;
	struct index x = { 0 };
	struct layer dl;
	struct group *g;
	const char *name;
	int off, len, i, ret;

	ret = index_children(src, nr - has_dst, &x);
	if (ret) {
		index_free(&x);
		return err_set(w->e, ret, "out of memory");
	}
	if (has_dst) {
		inject_for_each_kid(off, l[0].k, l[0].node) {
			name = fdt_get_name(l[0].fdt, off, &len);
			if (!name)
				continue;
			g = index_find(&x, name, len);
			if (g && g->used)
				g = NULL;
			if (g)
				g->used = true;
			dl = (struct layer){ l[0].fdt, l[0].k, off };
			ret = write_child(w, &x, g, &dl, path);
			if (ret)
				goto out;
		}
	}
	for (i = 0; i < x.nr; i++) {
		g = &x.g[x.e[i].group];
		if (g->used)
			continue;
		g->used = true;
		ret = write_child(w, &x, g, NULL, path);
		if (ret)
			goto out;
	}
out:
	index_free(&x);
	return ret;
}

/*
 * A node of one tree only is copied as it is, duplicates included: the
 * kernel would see its first property of a name, and so does validate.
 */
static int copy_node(struct writer *w, const struct layer *l)
{
	struct layer child = *l;
	const char *name;
	const void *val;
	int off, len, ret;

	fdt_for_each_property_offset(off, l->fdt, l->node) {
		val = fdt_getprop_by_offset(l->fdt, off, &name, &len);
		if (!val)
			continue;
		ret = put_prop(w, name, val, len);
		if (ret)
			return ret;
	}
	inject_for_each_kid(off, l->k, l->node) {
		name = fdt_get_name(l->fdt, off, NULL);
		child.node = off;
		ret = fdt_begin_node(w->fdt, name ? name : "");
		if (ret)
			return sw_fail(w, ret);
		ret = copy_node(w, &child);
		if (ret)
			return ret;
		ret = fdt_end_node(w->fdt);
		if (ret)
			return sw_fail(w, ret);
	}
	return 0;
}

static int write_node(struct writer *w, const struct layer *l, int nr,
		      bool has_dst, const char *path)
{
	const char *name = fdt_get_name(l[0].fdt, l[0].node, NULL);
	int ret;

	ret = fdt_begin_node(w->fdt, name ? name : "");
	if (ret)
		return sw_fail(w, ret);
	if (nr == 1) {
		ret = copy_node(w, l);
	} else {
		ret = write_props(w, l, nr, has_dst, path);
		if (!ret)
			ret = write_children(w, l, nr, has_dst, path);
	}
	if (!ret && (ret = fdt_end_node(w->fdt)))
		ret = sw_fail(w, ret);
	return ret;
}

/* What the subtree at @node holds, to size the buffer once. */
struct extent {
	uint64_t bytes;		/* of the structure block */
	uint64_t props;
	uint64_t names;		/* their lengths, NULs included */
};

static void measure(const void *fdt, int node, struct extent *x)
{
	int off = node, next, depth = 0, len;
	const char *name;
	uint32_t tag;

	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (next < 0 || tag == FDT_END)
			break;
		if (tag == FDT_PROP && fdt_getprop_by_offset(fdt, off, &name, &len)) {
			x->props++;
			x->names += strlen(name) + 1;
		}
		off = next;
		if (tag == FDT_BEGIN_NODE)
			depth++;
		else if (tag == FDT_END_NODE && --depth <= 0)
			break;
	}
	x->bytes += (uint64_t)(off - node);
}

/* What a build writes: @nr layers of the root (or of one node). */
struct build {
	const struct layer *l;
	int nr;
	bool has_dst;
	/* new trees: a root of these two properties, the layers under it */
	const char *abi;
	uint64_t mem_map;
	const void *rsv;	/* the tree whose reservations are kept */
	size_t max;
};

static int write_root(struct writer *w, const struct build *b)
{
	int i, ret;

	if (!b->abi)
		return write_node(w, b->l, b->nr, b->has_dst, "/");
	/* Built the way the kernel builds its own, in the same order. */
	ret = fdt_begin_node(w->fdt, "");
	if (!ret)
		ret = fdt_property_string(w->fdt, "compatible", b->abi);
	if (!ret)
		ret = fdt_property(w->fdt, "preserved-memory-map", &b->mem_map,
				   sizeof(b->mem_map));
	if (ret)
		return sw_fail(w, ret);
	/* No conflicts are collected here, so the path is never shown. */
	for (i = 0; !ret && i < b->nr; i++)
		ret = write_node(w, &b->l[i], 1, false, "/");
	if (!ret && (ret = fdt_end_node(w->fdt)))
		ret = sw_fail(w, ret);
	return ret;
}

static int write_tree(struct writer *w, const struct build *b, size_t size,
		      uint32_t flags)
{
	uint64_t a, s;
	int i, n, ret;

	ret = fdt_create_with_flags(w->fdt, (int)size, flags);
	n = b->rsv ? fdt_num_mem_rsv(b->rsv) : 0;
	for (i = 0; !ret && i < n; i++) {
		ret = fdt_get_mem_rsv(b->rsv, i, &a, &s);
		if (!ret)
			ret = fdt_add_reservemap_entry(w->fdt, a, s);
	}
	if (!ret)
		ret = fdt_finish_reservemap(w->fdt);
	if (ret)
		return sw_fail(w, ret);
	ret = write_root(w, b);
	if (!ret && (ret = fdt_finish(w->fdt)))
		ret = sw_fail(w, ret);
	return ret;
}

/*
 * Build into @out, in a buffer sized from what the layers hold; doubled
 * should libfdt still run out of room, up to @b->max.
 */
static int build(struct writer *w, const struct build *b, const char *name,
		 struct inject_fdt *out)
{
	struct extent x = { 0 };
	uint64_t strings = 0, size;
	uint32_t flags = 0;
	int i, ret;

	for (i = 0; i < b->nr; i++) {
		measure(b->l[i].fdt, b->l[i].node, &x);
		strings += fdt_size_dt_strings(b->l[i].fdt);
	}
	if (x.props * strings > DEDUP_BUDGET)
		flags = FDT_CREATE_FLAG_NO_NAME_DEDUP;
	size = 4096 + x.bytes + (flags || x.names < strings ? x.names : strings);
	if (b->rsv)
		size += (uint64_t)fdt_num_mem_rsv(b->rsv) * 16;
	if (size > b->max)
		size = b->max;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	for (;;) {
		w->fdt = malloc(size);
		if (!w->fdt)
			return err_set(w->e, -ENOMEM, "out of memory");
		if (w->collect)
			lines_free(w->conflicts);
		ret = write_tree(w, b, size, flags);
		if (ret != -ENOSPC || size >= b->max)
			break;
		free(w->fdt);
		size = size * 2 > b->max ? b->max : size * 2;
	}
	if (ret == -ENOSPC)
		ret = err_set(w->e, -EFBIG, "%s would be larger than %zu bytes",
			      name, b->max);
	if (ret) {
		free(w->fdt);
		return ret;
	}
	out->fdt = w->fdt;
	out->size = size;
	return 0;
}

int inject_merge(struct inject_fdt *dst, const struct inject_fdt *src,
		 bool force, struct inject_lines *conflicts, struct errbuf *e)
{
	struct inject_kids dk = { 0 }, sk = { 0 };
	struct layer l[2] = { { dst->fdt, &dk, 0 }, { src->fdt, &sk, 0 } };
	struct build b = { .l = l, .nr = 2, .has_dst = true, .rsv = dst->fdt,
			   .max = INJECT_MAX_FDT };
	struct inject_lines local = { 0 };
	struct writer w = {
		.collect = true, .dst_name = dst->name, .src_name = src->name,
		.conflicts = &local, .e = e,
	};
	struct inject_fdt out;
	size_t i;
	int ret;

	ret = inject_kids_init(&dk, dst->fdt, e);
	if (!ret)
		ret = inject_kids_init(&sk, src->fdt, e);
	if (!ret)
		ret = build(&w, &b, dst->name, &out);
	inject_kids_free(&dk);
	inject_kids_free(&sk);
	for (i = 0; !ret && conflicts && i < local.nr; i++)
		ret = lines_add(conflicts, "%s", local.line[i]) ?
		      err_set(e, -ENOMEM, "out of memory") : 0;
	if (!ret && local.nr && !force) {
		ret = err_set(e, -EEXIST,
			      "merging %s into %s: %zu conflicting propert%s (use merge --force to take %s's values)",
			      src->name, dst->name, local.nr,
			      local.nr == 1 ? "y" : "ies", src->name);
		inject_fdt_free(&out);
	}
	lines_free(&local);
	if (ret)
		return ret;
	inject_fdt_free(dst);
	*dst = out;
	return 0;
}

int inject_new_with(struct inject_fdt *f, const char *abi, uint64_t mem_map,
		    const struct inject_kids *kids, int node, struct errbuf *e)
{
	struct layer l = { kids ? kids->fdt : NULL, kids, node };
	/* A piece of a tree of INJECT_MAX_FDT has its new root on top. */
	struct build b = { .l = &l, .nr = kids ? 1 : 0, .abi = abi,
			   .mem_map = mem_map, .max = INJECT_MAX_FDT + 65536 };
	struct writer w = { .e = e };

	if (!inject_abi_ok(abi))
		return err_set(e, -EINVAL,
			       "bad ABI \"%s\": it is kho-v<N> with 1 to 9 digits, e.g. kho-v4",
			       abi ? abi : "");
	return build(&w, &b, "new KHO FDT", f);
}

int inject_new(struct inject_fdt *f, const char *abi, uint64_t mem_map,
	       struct errbuf *e)
{
	return inject_new_with(f, abi, mem_map, NULL, 0, e);
}
