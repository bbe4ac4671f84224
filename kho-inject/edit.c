// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Edits with libfdt, all or nothing: a batch works on a copy that replaces
 * the caller's tree only when every edit succeeded. libfdt offsets are
 * relative to the structure block, so they survive fdt_open_into() when a
 * tree has to grow.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "inject.h"
#include "kho.h"

/* Path components: non-empty, separated by single slashes. */
static bool path_ok(const char *path)
{
	const char *p;

	if (!path || path[0] != '/')
		return false;
	if (!path[1])
		return true;
	for (p = path; *p; p++)
		if (p[0] == '/' && (p[1] == '/' || !p[1]))
			return false;
	return true;
}

int inject_find_node(const struct inject_fdt *f, const char *path,
		     struct errbuf *e)
{
	int off;

	if (!path_ok(path))
		return err_set(e, -EINVAL,
			       "%s: bad path \"%s\": it must start with / and have no empty components",
			       f->name, path ? path : "");
	off = fdt_path_offset(f->fdt, path);
	if (off == -FDT_ERR_NOTFOUND)
		return err_set(e, -ENOENT, "%s: no node %s", f->name, path);
	if (off < 0)
		return err_set(e, -EINVAL, "%s: path %s: %s", f->name, path,
			       fdt_check_strerror(off));
	return off;
}

/* Retry a libfdt write after growing the tree when it ran out of room. */
static int setprop_grow(struct inject_fdt *f, int off, const char *prop,
			const void *val, size_t len, struct errbuf *e)
{
	int ret;

	if (len > INJECT_MAX_FDT)
		return err_set(e, -EFBIG, "%s: property %s: %zu bytes is too big",
			       f->name, prop, len);
	for (;;) {
		ret = fdt_setprop(f->fdt, off, prop, val, (int)len);
		if (ret != -FDT_ERR_NOSPACE)
			break;
		ret = inject_fdt_grow(f, len + strlen(prop) + 32, e);
		if (ret)
			return ret;
	}
	if (ret < 0)
		return err_set(e, -EINVAL, "%s: setting %s: %s", f->name, prop,
			       fdt_check_strerror(ret));
	return 0;
}

/* The new node's offset, or a negative errno with @e set. */
static int add_subnode_grow(struct inject_fdt *f, int parent,
			    const char *name, int namelen, struct errbuf *e)
{
	int ret;

	for (;;) {
		ret = fdt_add_subnode_namelen(f->fdt, parent, name, namelen);
		if (ret >= 0)
			return ret;
		if (ret == -FDT_ERR_EXISTS)
			return err_set(e, -EEXIST, "%s: node %.*s already exists",
				       f->name, namelen, name);
		if (ret != -FDT_ERR_NOSPACE)
			return err_set(e, -EINVAL, "%s: adding node %.*s: %s",
				       f->name, namelen, name,
				       fdt_check_strerror(ret));
		ret = inject_fdt_grow(f, namelen + 32, e);
		if (ret)
			return ret;
	}
}

int inject_set(struct inject_fdt *f, const char *path, const char *prop,
	       const void *val, size_t len, struct errbuf *e)
{
	int off;

	if (!prop || !inject_prop_name_ok(prop, strlen(prop)))
		return err_set(e, -EINVAL,
			       "%s: bad property name \"%s\" (letters, digits and ,._+?#- only)",
			       f->name, prop ? prop : "");
	off = inject_find_node(f, path, e);
	if (off < 0)
		return off;
	return setprop_grow(f, off, prop, val, len, e);
}

int inject_add_node(struct inject_fdt *f, const char *path, struct errbuf *e)
{
	const char *name;
	char *parent;
	int off, ret;

	if (!path_ok(path) || !path[1])
		return err_set(e, -EINVAL,
			       "%s: bad path \"%s\" for a new node",
			       f->name, path ? path : "");
	name = strrchr(path, '/') + 1;
	if (!inject_node_name_ok(name, strlen(name)))
		return err_set(e, -EINVAL,
			       "%s: bad node name \"%s\" (letters, digits and ,._+- with an optional @unit)",
			       f->name, name);
	parent = strndup(path, name - path > 1 ? name - path - 1 : 1);
	if (!parent)
		return err_set(e, -ENOMEM, "out of memory");
	off = inject_find_node(f, parent, e);
	free(parent);
	if (off < 0)
		return off;
	ret = add_subnode_grow(f, off, name, strlen(name), e);
	if (ret == -EEXIST) {
		err_clear(e);
		return err_set(e, -EEXIST, "%s: node %s already exists",
			       f->name, path);
	}
	return ret < 0 ? ret : 0;
}

int inject_del_node(struct inject_fdt *f, const char *path, struct errbuf *e)
{
	int off, ret;

	off = inject_find_node(f, path, e);
	if (off < 0)
		return off;
	if (off == 0)
		return err_set(e, -EINVAL, "%s: the root node cannot be deleted",
			       f->name);
	ret = fdt_del_node(f->fdt, off);
	if (ret < 0)
		return err_set(e, -EINVAL, "%s: deleting %s: %s", f->name, path,
			       fdt_check_strerror(ret));
	return 0;
}

int inject_del_prop(struct inject_fdt *f, const char *path, const char *prop,
		    struct errbuf *e)
{
	int off, ret;

	off = inject_find_node(f, path, e);
	if (off < 0)
		return off;
	ret = fdt_delprop(f->fdt, off, prop);
	if (ret == -FDT_ERR_NOTFOUND)
		return err_set(e, -ENOENT, "%s: node %s has no property %s",
			       f->name, path, prop);
	if (ret < 0)
		return err_set(e, -EINVAL, "%s: deleting %s %s: %s", f->name,
			       path, prop, fdt_check_strerror(ret));
	return 0;
}

static const char *op_name(enum inject_op op)
{
	switch (op) {
	case INJECT_SET: return "set";
	case INJECT_ADD_NODE: return "add-node";
	case INJECT_DEL_NODE: return "del-node";
	case INJECT_DEL_PROP: return "del-prop";
	case INJECT_MERGE: return "merge";
	}
	return "?";
}

static int apply_one(struct inject_fdt *f, const struct inject_edit *ed,
		     struct inject_lines *conflicts, struct errbuf *e)
{
	struct inject_value v;
	struct inject_fdt src;
	int ret;

	switch (ed->op) {
	case INJECT_SET:
		ret = inject_parse_value(ed->value, &v, e);
		if (ret)
			return ret;
		ret = inject_set(f, ed->path, ed->prop, v.data, v.len, e);
		inject_value_free(&v);
		return ret;
	case INJECT_ADD_NODE:
		return inject_add_node(f, ed->path, e);
	case INJECT_DEL_NODE:
		return inject_del_node(f, ed->path, e);
	case INJECT_DEL_PROP:
		return inject_del_prop(f, ed->path, ed->prop, e);
	case INJECT_MERGE:
		ret = inject_fdt_read_file(&src, ed->file, e);
		if (ret)
			return ret;
		ret = inject_merge(f, &src, ed->force, conflicts, e);
		inject_fdt_free(&src);
		return ret;
	}
	return err_set(e, -EINVAL, "unknown edit");
}

int inject_apply(struct inject_fdt *f, const struct inject_edit *edits,
		 size_t nr, struct inject_lines *conflicts, struct errbuf *e)
{
	struct inject_fdt work;
	size_t i;
	int ret;

	ret = inject_fdt_dup(&work, f, e);
	if (ret)
		return ret;
	/* libfdt edits version 17 only; fdt_open_into() converts a 16. */
	if (fdt_version(work.fdt) < 17) {
		ret = inject_fdt_grow(&work, 0, e);
		if (ret) {
			inject_fdt_free(&work);
			return ret;
		}
	}
	for (i = 0; i < nr; i++) {
		ret = apply_one(&work, &edits[i], conflicts, e);
		if (ret) {
			err_prefix(e, ret, "edit %zu (%s)", i + 1,
				   op_name(edits[i].op));
			inject_fdt_free(&work);
			return ret;
		}
	}
	ret = fdt_pack(work.fdt);
	if (ret < 0) {
		inject_fdt_free(&work);
		return err_set(e, -EINVAL, "%s: %s", f->name,
			       fdt_check_strerror(ret));
	}
	inject_fdt_free(f);
	*f = work;
	return 0;
}

static int want_args(const char *cmd, int have, int want, const char *usage,
		     struct errbuf *e)
{
	if (have == want)
		return 0;
	return err_set(e, -EINVAL, "%s takes %s (%d argument%s given)", cmd,
		       usage, have, have == 1 ? "" : "s");
}

static int parse_one(char **a, int n, struct inject_edit *ed, struct errbuf *e)
{
	const char *cmd = a[0];
	int ret;

	memset(ed, 0, sizeof(*ed));
	n--;
	a++;
	if (!strcmp(cmd, "set")) {
		ed->op = INJECT_SET;
		ret = want_args(cmd, n, 3, "PATH PROP VALUE", e);
		if (!ret) {
			ed->path = a[0];
			ed->prop = a[1];
			ed->value = a[2];
		}
	} else if (!strcmp(cmd, "add-node") || !strcmp(cmd, "del-node")) {
		ed->op = cmd[0] == 'a' ? INJECT_ADD_NODE : INJECT_DEL_NODE;
		ret = want_args(cmd, n, 1, "PATH", e);
		if (!ret)
			ed->path = a[0];
	} else if (!strcmp(cmd, "del-prop")) {
		ed->op = INJECT_DEL_PROP;
		ret = want_args(cmd, n, 2, "PATH PROP", e);
		if (!ret) {
			ed->path = a[0];
			ed->prop = a[1];
		}
	} else if (!strcmp(cmd, "merge")) {
		ed->op = INJECT_MERGE;
		if (n > 0 && (!strcmp(a[0], "--force") || !strcmp(a[0], "-f"))) {
			ed->force = true;
			n--;
			a++;
		}
		ret = want_args(cmd, n, 1, "[--force] FILE", e);
		if (!ret)
			ed->file = a[0];
	} else {
		ret = err_set(e, -EINVAL,
			      "\"%s\" is not an edit (set, add-node, del-node, del-prop, merge)",
			      cmd);
	}
	return ret;
}

int inject_parse_edits(int argc, char **argv, struct inject_edit **edits,
		       size_t *nr, struct errbuf *e)
{
	struct inject_edit *ed;
	int i, start = 0;
	size_t n = 0;
	int ret;

	*edits = NULL;
	*nr = 0;
	if (argc < 1)
		return err_set(e, -EINVAL, "no edit given");
	ed = calloc(argc, sizeof(*ed));
	if (!ed)
		return err_set(e, -ENOMEM, "out of memory");
	for (i = 0; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "--"))
			continue;
		if (i == start) {
			ret = err_set(e, -EINVAL,
				      "an empty edit: \"--\" separates edits and must have one on each side");
			goto fail;
		}
		ret = parse_one(argv + start, i - start, &ed[n], e);
		if (ret)
			goto fail;
		n++;
		start = i + 1;
	}
	*edits = ed;
	*nr = n;
	return 0;
fail:
	free(ed);
	return ret;
}

/*
 * The loader's own rule decides, not a copy of it: a root holding just
 * this compatible must pass kho_validate_fdt(), so "new" makes no tree
 * that validate and kexec refuse.
 */
bool inject_abi_ok(const char *abi)
{
	uint64_t buf[32], map = 0x1000;	/* 8-byte aligned for libfdt */
	int ret;

	if (!abi || strlen(abi) > 64)
		return false;
	ret = fdt_create(buf, sizeof(buf));
	if (!ret)
		ret = fdt_finish_reservemap(buf);
	if (!ret)
		ret = fdt_begin_node(buf, "");
	if (!ret)
		ret = fdt_property_string(buf, "compatible", abi);
	if (!ret)
		ret = fdt_property(buf, "preserved-memory-map", &map, sizeof(map));
	if (!ret)
		ret = fdt_end_node(buf);
	if (!ret)
		ret = fdt_finish(buf);
	return !ret && !kho_validate_fdt(buf, fdt_totalsize(buf), NULL, 0,
					 NULL, NULL);
}
