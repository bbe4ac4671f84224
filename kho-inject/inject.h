/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KHO_INJECT_INJECT_H
#define KHO_INJECT_INJECT_H

/*
 * kho-inject's library: reading hostile FDTs, editing them with libfdt,
 * validating, comparing and dumping them. Only kho-inject.c prints to the
 * terminal or exits; everything here returns 0 or a negative errno and
 * explains failures in an errbuf, or collects report lines (problems,
 * conflicts, differences) in a struct inject_lines.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kho_fdt.h"
#include "kho_source.h"

struct errbuf;

/* A KHO FDT is one page; this only stops a hostile file eating memory. */
#define INJECT_MAX_FDT		(16u << 20)
/* The KHO ABI is one level deep; DTs seen in the wild stay below 16. */
#define INJECT_MAX_DEPTH	64

/*
 * What "kho-inject new" puts in preserved-memory-map when no --mem-map is
 * given: non-zero and page aligned so the FDT validates, and far above any
 * physical address so a loader can tell it from a real one. kexec replaces
 * it with the address of an empty preserved-memory map it supplies.
 */
#define INJECT_MEM_MAP_PLACEHOLDER	KHO_MEM_MAP_PLACEHOLDER

/* Lines of a report, each one problem, conflict or difference. */
struct inject_lines {
	char **line;
	size_t nr;
};

int lines_add(struct inject_lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Whether some line contains @s. */
bool lines_has(const struct inject_lines *l, const char *s);
void lines_free(struct inject_lines *l);

/* A tree being worked on: a malloc'd, checked FDT with room to grow. */
struct inject_fdt {
	void *fdt;
	size_t size;		/* bytes allocated; >= fdt_totalsize() */
	char name[256];		/* names it in messages: a file, "live KHO FDT" */
};

/* ---- fdtio.c: reading, checking and writing ---- */

/*
 * The checks every input gets before libfdt walks it: header, block
 * bounds, totalsize against @len, the structure (fdt_check_full), and a
 * nesting limit. -EINVAL with one sentence (no file name) in @e.
 */
int inject_fdt_check(const void *buf, size_t len, struct errbuf *e);

/* Copy @buf into @f after inject_fdt_check(); messages start with @name. */
int inject_fdt_from_buf(struct inject_fdt *f, const void *buf, size_t len,
			const char *name, struct errbuf *e);

/* Read a raw file ("-" is stdin) of at most INJECT_MAX_FDT bytes. */
int inject_read_raw(const char *path, void **buf, size_t *len,
		    struct errbuf *e);

int inject_fdt_read_file(struct inject_fdt *f, const char *path,
			 struct errbuf *e);

/*
 * The running kernel's KHO FDT, found as the loader finds it: the live
 * page (kho_read_live_fdt), else a complete debugfs copy. Raw bytes and
 * a name for messages, not yet checked.
 */
int inject_read_kernel_raw(const char *root, void **buf, size_t *len,
			   char *name, size_t name_size, struct errbuf *e);

/*
 * Write the packed FDT to @path through a temporary file and rename(2),
 * so @path is either untouched or complete, with the mode of the file it
 * replaces. A symbolic link is followed: the file it points at is
 * replaced, the link kept. A @path that exists and is not a regular
 * file (a terminal, a pipe) is written in place. NULL is fd 1.
 */
int inject_fdt_write(const struct inject_fdt *f, const char *path,
		     struct errbuf *e);

/* Make room for at least @extra more bytes (fdt_open_into). */
int inject_fdt_grow(struct inject_fdt *f, size_t extra, struct errbuf *e);

int inject_fdt_dup(struct inject_fdt *dst, const struct inject_fdt *src,
		   struct errbuf *e);
void inject_fdt_free(struct inject_fdt *f);


/*
 * Children of every node of a checked tree, found without walking what
 * lies between: fdt_next_subnode() walks the subtree it skips, so a walk
 * of the whole tree with it costs its size times its depth. One pass
 * records where each node ends.
 */
struct inject_kids {
	const void *fdt;
	int *end;		/* by structure offset / 4: after FDT_END_NODE */
	size_t nr;
};

int inject_kids_init(struct inject_kids *k, const void *fdt, struct errbuf *e);
void inject_kids_free(struct inject_kids *k);
/* Like fdt_first_subnode() and fdt_next_subnode(): an offset, or < 0. */
int inject_kids_first(const struct inject_kids *k, int node);
int inject_kids_next(const struct inject_kids *k, int child);
#define inject_for_each_kid(child, k, node)				\
	for ((child) = inject_kids_first((k), (node)); (child) >= 0;	\
	     (child) = inject_kids_next((k), (child)))

/* ---- value.c: typed values and formatting ---- */

struct inject_value {
	void *data;
	size_t len;
};

/*
 * str:TEXT, u32:N, u64:N (CPU byte order, as the kernel writes KHO
 * properties), cells:<N N> or cells:N,N (big-endian, the DT convention),
 * hex:0a0b, @FILE, or a plain number (u64). -EINVAL with a message.
 */
int inject_parse_value(const char *spec, struct inject_value *v,
		       struct errbuf *e);
void inject_value_free(struct inject_value *v);

/* 0x1f or decimal, no sign, no trailing text; -ERANGE past @max. */
int inject_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* "4 KiB", "1.50 MiB", "405 bytes" */
const char *inject_size_str(uint64_t n, char *buf, size_t size);

/* The KHO u64 properties: preserved-memory-map, preserved-data, blob-size. */
bool inject_is_kho_u64(const char *prop);
uint64_t inject_get_u64(const void *p);

/*
 * A property value the way dump shows it (without the name): "text",
 * u64:0x..., <cells>, [bytes]. @max_chars > 0 shortens long values with
 * "...". malloc'd; NULL on ENOMEM.
 */
char *inject_value_str(const char *prop, const void *val, size_t len,
		       size_t max_chars);

/*
 * Names from a tree made safe to print: bytes outside printable ASCII
 * and backslashes become \xNN. malloc'd; NULL on ENOMEM.
 */
char *inject_escape(const char *s, size_t len);
/* "@parent/@name" with @name escaped; "/" + name under the root. */
char *inject_join(const char *parent, const char *name, size_t len);

/* Names per the devicetree spec's character sets (no length limit). */
bool inject_node_name_ok(const char *name, size_t len);
bool inject_prop_name_ok(const char *name, size_t len);

/* ---- edit.c: edits and batches; build.c: merge and new trees ---- */

enum inject_op {
	INJECT_SET,
	INJECT_ADD_NODE,
	INJECT_DEL_NODE,
	INJECT_DEL_PROP,
	INJECT_MERGE,
};

struct inject_edit {
	enum inject_op op;
	const char *path;	/* set, add-node, del-node, del-prop */
	const char *prop;	/* set, del-prop */
	const char *value;	/* set: a value spec for inject_parse_value() */
	const char *file;	/* merge */
	bool force;		/* merge --force */
};

/* The offset of the node at absolute @path (no aliases), or -errno. */
int inject_find_node(const struct inject_fdt *f, const char *path,
		     struct errbuf *e);

int inject_set(struct inject_fdt *f, const char *path, const char *prop,
	       const void *val, size_t len, struct errbuf *e);
int inject_add_node(struct inject_fdt *f, const char *path, struct errbuf *e);
int inject_del_node(struct inject_fdt *f, const char *path, struct errbuf *e);
int inject_del_prop(struct inject_fdt *f, const char *path, const char *prop,
		    struct errbuf *e);

/*
 * Copy every node and property of @src into @dst. A property present in
 * both with different values is a conflict: each one goes to @conflicts,
 * and unless @force nothing is changed and -EEXIST returned.
 */
int inject_merge(struct inject_fdt *dst, const struct inject_fdt *src,
		 bool force, struct inject_lines *conflicts, struct errbuf *e);

/*
 * Apply @nr edits to a copy of @f and replace @f with the result only
 * when all succeeded, packed. The failing edit is named in @e.
 */
int inject_apply(struct inject_fdt *f, const struct inject_edit *edits,
		 size_t nr, struct inject_lines *conflicts, struct errbuf *e);

/*
 * Parse "SUBCOMMAND ARGS [-- SUBCOMMAND ARGS]..." of edit subcommands.
 * @edits points into @argv. -EINVAL (a usage error) with a message.
 */
int inject_parse_edits(int argc, char **argv, struct inject_edit **edits,
		       size_t *nr, struct errbuf *e);

/* "kho-v<N>" as kexec and the kernel take it (kho_validate_fdt). */
bool inject_abi_ok(const char *abi);

/* A fresh KHO FDT: compatible @abi, preserved-memory-map @mem_map. */
int inject_new(struct inject_fdt *f, const char *abi, uint64_t mem_map,
	       struct errbuf *e);
/*
 * The same with a copy of node @node (and its subtree) of the tree @kids
 * was made for under the root.
 */
int inject_new_with(struct inject_fdt *f, const char *abi, uint64_t mem_map,
		    const struct inject_kids *kids, int node, struct errbuf *e);

/* ---- check.c: validate ---- */

/*
 * Every problem of @buf as a KHO FDT, one line each: the header and
 * structure, node and property names, duplicates, the KHO ABI (through
 * kho_validate_fdt), and the root compatible against @abi when given.
 * Returns the number of problems, or -ENOMEM.
 */
int inject_validate(const void *buf, size_t len, const char *abi,
		    struct inject_lines *problems);

/* ---- diff.c ---- */

/*
 * Nodes and properties added ("+"), removed ("-") and changed ("~") from
 * @a to @b, one line each. Returns the number of differences or -errno.
 */
int inject_diff(const struct inject_fdt *a, const struct inject_fdt *b,
		struct inject_lines *out);

/* ---- dump.c and blobs.c ---- */

/* Where blob contents come from: @dir if set, else debugfs under @root. */
struct inject_blobs {
	const char *root;
	const char *dir;
	/*
	 * The FDT is the one this kernel received (kho/in/fdt): its blobs
	 * are under in/sub_fdts. out/ holds this kernel's own, which may
	 * have the same names and sizes but newer content.
	 */
	bool incoming;
};

/*
 * The content of blob @name if one of the places holds exactly @size
 * bytes under that name (so it belongs to this FDT). 0, -ENOENT, or
 * another negative errno; @where names the file found.
 */
int inject_blob_read(const struct inject_blobs *b, const char *name,
		     uint64_t size, void **buf, size_t *len, char *where,
		     size_t where_size);

/*
 * Decode blob @name as the kernel's ABI headers define it (kexec-metadata,
 * memblock, LUO, kho_test), one line per fact. -ENOENT for a name that
 * has no known format, -EINVAL (with a line saying why) for a bad blob.
 */
int inject_decode_blob(const char *name, const void *blob, size_t len,
		       struct inject_lines *out);

int inject_dump(FILE *out, const struct inject_fdt *f,
		const struct inject_blobs *blobs, struct errbuf *e);

#endif
