// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kho-inject's library: hostile input, typed values, edits and batches,
 * merge, validate, diff, and dump with the kernel's blob formats. Trees
 * are built here with libfdt's sequential-write API, the way the kernel
 * builds its own, or corrupted byte by byte.
 */
#include <endian.h>
#include <errno.h>
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "fsroot.h"
#include "inject.h"

#define BUF_SIZE 8192

/* ---- building trees ---- */

static void prop_u64(void *fdt, const char *name, uint64_t v)
{
	assert_int_equal(fdt_property(fdt, name, &v, sizeof(v)), 0);
}

static void begin(void *fdt, const char *compat, uint64_t map)
{
	assert_int_equal(fdt_create(fdt, BUF_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	if (compat)
		assert_int_equal(fdt_property_string(fdt, "compatible", compat), 0);
	prop_u64(fdt, "preserved-memory-map", map);
}

static void blob_node(void *fdt, const char *name, uint64_t data,
		      uint64_t size)
{
	assert_int_equal(fdt_begin_node(fdt, name), 0);
	prop_u64(fdt, "preserved-data", data);
	prop_u64(fdt, "blob-size", size);
	assert_int_equal(fdt_end_node(fdt), 0);
}

static void finish(void *fdt)
{
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
}

/* A KHO FDT like 7.3 makes: kho-v4, kexec-metadata and memblock. */
static void *kernel_like(void)
{
	void *fdt = malloc(BUF_SIZE);

	assert_non_null(fdt);
	begin(fdt, "kho-v4", 0x1234000);
	blob_node(fdt, "kexec-metadata", 0x2000000, 73);
	blob_node(fdt, "memblock", 0x3000000, 4096);
	finish(fdt);
	return fdt;
}

static void load(struct inject_fdt *f, const void *fdt)
{
	struct errbuf e = { 0 };

	assert_int_equal(inject_fdt_from_buf(f, fdt, fdt_totalsize(fdt),
					     "t.fdt", &e), 0);
}

static void put_be32(void *buf, size_t off, uint32_t v)
{
	v = htobe32(v);
	memcpy((char *)buf + off, &v, 4);
}

static int check(const void *buf, size_t len, struct errbuf *e)
{
	err_clear(e);
	return inject_fdt_check(buf, len, e);
}

static char *tmpdir(void)
{
	char *d = strdup("/tmp/test_kho_inject.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static void rmtree(char *d)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
	free(d);
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void mkdirs(const char *root, const char *rel)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

/* ---- hostile input ---- */

static void short_buffer_is_truncated_header(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();

	assert_int_equal(check(fdt, 10, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_non_null(strstr(e.msg, "10 bytes"));
	free(fdt);
}

static void wrong_magic_is_named(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();

	put_be32(fdt, 0, 0x12345678);
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	assert_non_null(strstr(e.msg, "bad magic 0x12345678"));
	free(fdt);
}

static void totalsize_past_buffer_is_truncated(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();
	size_t len = fdt_totalsize(fdt);

	/* A debugfs prefix: the header promises more than is there. */
	assert_int_equal(check(fdt, len - 20, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "truncated"));
	/* Oversized totalsize in a full buffer: the same failure. */
	put_be32(fdt, 4, 0x7fffffff);
	assert_int_equal(check(fdt, len, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "2147483647"));
	free(fdt);
}

static void structure_block_past_end_is_refused(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();

	put_be32(fdt, 36, fdt_totalsize(fdt));	/* size_dt_struct */
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	assert_non_null(strstr(e.msg, "structure block"));
	free(fdt);
}

static void strings_block_past_end_is_refused(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();

	put_be32(fdt, 12, 0xfffffff0);	/* off_dt_strings: would wrap */
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	assert_non_null(strstr(e.msg, "strings block"));
	free(fdt);
}

static void property_name_outside_strings_is_refused(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();
	uint32_t off = fdt_off_dt_struct(fdt);

	/* First token: BEGIN_NODE "" (8 bytes); then PROP, len, nameoff. */
	assert_int_equal(be32toh(*(uint32_t *)((char *)fdt + off + 8)), FDT_PROP);
	put_be32(fdt, off + 16, 0x100000);
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	free(fdt);
}

static void property_length_wrapping_is_refused(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();
	uint32_t off = fdt_off_dt_struct(fdt);

	/* A length that would run the walk round past the buffer. */
	put_be32(fdt, off + 12, 0xfffffff8);
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	free(fdt);
}

/*
 * Length -12 brings libfdt's walk back to the same tag: fdt_check_full()
 * looped forever on it.
 */
static void property_length_making_no_progress_is_refused(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();
	uint32_t off = fdt_off_dt_struct(fdt);

	put_be32(fdt, off + 12, 0xfffffff4);
	assert_int_equal(fdt_check_untrusted(fdt, fdt_totalsize(fdt)),
			 -FDT_ERR_BADSTRUCTURE);
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	/* -1 moves the walk on, and fdt_getprop() gave length -1. */
	put_be32(fdt, off + 12, 0xffffffff);
	assert_int_equal(fdt_check_untrusted(fdt, fdt_totalsize(fdt)),
			 -FDT_ERR_BADSTRUCTURE);
	free(fdt);
}

static void unbalanced_nodes_are_refused(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like();
	uint32_t off = fdt_off_dt_struct(fdt), size = fdt_size_dt_struct(fdt);

	/* The root's END_NODE (just before FDT_END) becomes a NOP. */
	assert_int_equal(be32toh(*(uint32_t *)((char *)fdt + off + size - 8)),
			 FDT_END_NODE);
	put_be32(fdt, off + size - 8, FDT_NOP);
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	assert_true(e.msg[0] != '\0');
	free(fdt);
}

static void deep_nesting_is_refused(void **state)
{
	void *fdt = malloc(BUF_SIZE);
	struct errbuf e = { 0 };
	int i;

	assert_int_equal(fdt_create(fdt, BUF_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	for (i = 0; i < INJECT_MAX_DEPTH + 1; i++)
		assert_int_equal(fdt_begin_node(fdt, "n"), 0);
	for (i = 0; i < INJECT_MAX_DEPTH + 1; i++)
		assert_int_equal(fdt_end_node(fdt), 0);
	finish(fdt);
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	assert_non_null(strstr(e.msg, "nested deeper"));
	free(fdt);
}

static void unfinished_tree_is_refused(void **state)
{
	void *fdt = malloc(BUF_SIZE);
	struct errbuf e = { 0 };

	assert_int_equal(fdt_create(fdt, BUF_SIZE), 0);
	assert_int_equal(check(fdt, BUF_SIZE, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "unfinished"));
	free(fdt);
}

static void trailing_bytes_are_accepted(void **state)
{
	struct inject_fdt f;
	struct errbuf e = { 0 };
	void *fdt = kernel_like();

	/* A page-sized copy of a smaller tree: totalsize wins. */
	assert_int_equal(inject_fdt_from_buf(&f, fdt, BUF_SIZE, "page", &e), 0);
	assert_int_equal(fdt_totalsize(f.fdt), fdt_totalsize(fdt));
	inject_fdt_free(&f);
	free(fdt);
}

static void errors_name_the_file(void **state)
{
	struct inject_fdt f;
	struct errbuf e = { 0 };
	void *fdt = kernel_like();

	put_be32(fdt, 0, 0);
	assert_int_equal(inject_fdt_from_buf(&f, fdt, 100, "in.fdt", &e), -EINVAL);
	assert_int_equal(strncmp(e.msg, "in.fdt: bad magic", 17), 0);
	err_clear(&e);
	assert_int_not_equal(inject_fdt_read_file(&f, "/nonexistent/x.fdt", &e), 0);
	assert_non_null(strstr(e.msg, "/nonexistent/x.fdt"));
	free(fdt);
}

/* ---- values ---- */

static void value_types_encode_as_documented(void **state)
{
	struct inject_value v;
	struct errbuf e = { 0 };
	uint32_t u32;
	uint64_t u64;

	assert_int_equal(inject_parse_value("str:kho-v4", &v, &e), 0);
	assert_int_equal(v.len, 7);
	assert_memory_equal(v.data, "kho-v4", 7);
	inject_value_free(&v);

	/* u32/u64: CPU byte order, as the kernel writes KHO properties. */
	assert_int_equal(inject_parse_value("u32:0x4b484f21", &v, &e), 0);
	assert_int_equal(v.len, 4);
	memcpy(&u32, v.data, 4);
	assert_int_equal(u32, 0x4b484f21);
	inject_value_free(&v);
	assert_int_equal(inject_parse_value("u64:18446744073709551615", &v, &e), 0);
	memcpy(&u64, v.data, 8);
	assert_true(u64 == UINT64_MAX);
	inject_value_free(&v);

	/* A plain number is a u64. */
	assert_int_equal(inject_parse_value("0x1000", &v, &e), 0);
	assert_int_equal(v.len, 8);
	assert_true(inject_get_u64(v.data) == 0x1000);
	inject_value_free(&v);
}

static void cells_are_big_endian_in_both_syntaxes(void **state)
{
	static const uint8_t want[] = { 0, 0, 0, 1, 0, 0, 0x10, 0 };
	struct inject_value v;
	struct errbuf e = { 0 };

	assert_int_equal(inject_parse_value("cells:<1 0x1000>", &v, &e), 0);
	assert_int_equal(v.len, 8);
	assert_memory_equal(v.data, want, 8);
	inject_value_free(&v);
	assert_int_equal(inject_parse_value("cells:1,4096", &v, &e), 0);
	assert_memory_equal(v.data, want, 8);
	inject_value_free(&v);
	assert_int_equal(inject_parse_value("cells:<>", &v, &e), 0);
	assert_int_equal(v.len, 0);
	inject_value_free(&v);
	assert_int_equal(inject_parse_value("cells:<1 2", &v, &e), -EINVAL);
	assert_int_equal(inject_parse_value("cells:1, 4096", &v, &e), 0);
	assert_memory_equal(v.data, want, 8);
	inject_value_free(&v);
	/* An empty cell is a typo, not nothing. */
	err_clear(&e);
	assert_int_equal(inject_parse_value("cells:1,,2", &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "empty cell"));
	assert_int_equal(inject_parse_value("cells:,1", &v, &e), -EINVAL);
	assert_int_equal(inject_parse_value("cells:<1 , ,2>", &v, &e), -EINVAL);
	err_clear(&e);
	assert_int_equal(inject_parse_value("cells:1,", &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "end with a comma"));
	err_clear(&e);
	assert_int_equal(inject_parse_value("cells:0x100000000", &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "32 bits"));
}

static void hex_bytes_and_files(void **state)
{
	static const uint8_t want[] = { 0x0a, 0x0b, 0xff };
	struct inject_value v;
	struct errbuf e = { 0 };
	char *d = tmpdir(), path[256], spec[260];

	assert_int_equal(inject_parse_value("hex:0a0bFF", &v, &e), 0);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.data, want, 3);
	inject_value_free(&v);
	assert_int_equal(inject_parse_value("hex:0a:0b ff", &v, &e), 0);
	assert_memory_equal(v.data, want, 3);
	inject_value_free(&v);
	assert_int_equal(inject_parse_value("hex:", &v, &e), 0);
	assert_int_equal(v.len, 0);
	inject_value_free(&v);
	assert_int_equal(inject_parse_value("hex:0a0", &v, &e), -EINVAL);
	err_clear(&e);
	assert_int_equal(inject_parse_value("hex:0 a", &v, &e), -EINVAL);
	err_clear(&e);

	snprintf(path, sizeof(path), "%s/blob", d);
	write_file(path, want, 3);
	snprintf(spec, sizeof(spec), "@%s", path);
	assert_int_equal(inject_parse_value(spec, &v, &e), 0);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.data, want, 3);
	inject_value_free(&v);
	rmtree(d);
}

static void bad_values_are_refused_with_a_reason(void **state)
{
	struct inject_value v;
	struct errbuf e = { 0 };
	uint64_t x;

	assert_int_equal(inject_parse_value("hello", &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "str:"));
	err_clear(&e);
	assert_int_equal(inject_parse_value("u32:0x100000000", &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "32 bits"));
	err_clear(&e);
	assert_int_equal(inject_parse_value("u64:-1", &v, &e), -EINVAL);
	err_clear(&e);
	assert_int_equal(inject_parse_value("u64:", &v, &e), -EINVAL);
	err_clear(&e);
	assert_int_equal(inject_parse_value("@/nonexistent/blob", &v, &e), -ENOENT);
	assert_int_equal(inject_parse_u64("0x0x1", UINT64_MAX, &x), -EINVAL);
	assert_int_equal(inject_parse_u64("12abc", UINT64_MAX, &x), -EINVAL);
	assert_int_equal(inject_parse_u64(" 1", UINT64_MAX, &x), -EINVAL);
	assert_int_equal(inject_parse_u64("18446744073709551616", UINT64_MAX, &x),
			 -ERANGE);
	assert_int_equal(inject_parse_u64("010", UINT64_MAX, &x), 0);
	assert_true(x == 10);	/* decimal, never octal */
}

static void sizes_and_values_print_readably(void **state)
{
	static const uint8_t bytes[] = { 1, 2, 3 };
	static const uint32_t cells[] = { 0x01000000, 0x02000000 };
	uint64_t map = 0x1234000;
	char buf[32], *s;

	assert_string_equal(inject_size_str(73, buf, sizeof(buf)), "73 bytes");
	assert_string_equal(inject_size_str(4096, buf, sizeof(buf)), "4 KiB");
	assert_string_equal(inject_size_str(0x400000, buf, sizeof(buf)), "4 MiB");
	assert_string_equal(inject_size_str(0x1800, buf, sizeof(buf)), "6 KiB");
	assert_string_equal(inject_size_str(1536 * 1024 + 1, buf, sizeof(buf)),
			    "1.50 MiB");

	s = inject_value_str("preserved-memory-map", &map, 8, 0);
	assert_string_equal(s, "u64:0x1234000");
	free(s);
	s = inject_value_str("compatible", "a\0b", 4, 0);
	assert_string_equal(s, "\"a\", \"b\"");
	free(s);
	s = inject_value_str("x", cells, 8, 0);
	assert_string_equal(s, "<0x1 0x2>");
	free(s);
	s = inject_value_str("x", bytes, 3, 0);
	assert_string_equal(s, "[01 02 03]");
	free(s);
	s = inject_value_str("x", "\033[2J", 5, 0);	/* never raw */
	assert_null(strchr(s, '\033'));
	free(s);
}

/* ---- edits ---- */

static void set_creates_replaces_and_grows(void **state)
{
	struct inject_fdt f;
	struct errbuf e = { 0 };
	void *fdt = kernel_like();
	static char big[8192];
	const void *p;
	int len;

	load(&f, fdt);
	assert_int_equal(inject_set(&f, "/memblock", "note", "x", 2, &e), 0);
	assert_int_equal(inject_set(&f, "/memblock", "note", "yy", 3, &e), 0);
	p = fdt_getprop(f.fdt, fdt_path_offset(f.fdt, "/memblock"), "note", &len);
	assert_int_equal(len, 3);
	assert_string_equal(p, "yy");
	/* Bigger than the tree: it has to grow. */
	memset(big, 0xab, sizeof(big));
	assert_int_equal(inject_set(&f, "/", "big", big, sizeof(big), &e), 0);
	p = fdt_getprop(f.fdt, 0, "big", &len);
	assert_int_equal(len, sizeof(big));
	assert_memory_equal(p, big, sizeof(big));
	inject_fdt_free(&f);
	free(fdt);
}

static void edits_on_missing_things_name_them(void **state)
{
	struct inject_fdt f;
	struct errbuf e = { 0 };
	void *fdt = kernel_like();

	load(&f, fdt);
	assert_int_equal(inject_set(&f, "/nope", "p", "", 0, &e), -ENOENT);
	assert_string_equal(e.msg, "t.fdt: no node /nope");
	err_clear(&e);
	assert_int_equal(inject_del_prop(&f, "/memblock", "nope", &e), -ENOENT);
	assert_string_equal(e.msg, "t.fdt: node /memblock has no property nope");
	err_clear(&e);
	assert_int_equal(inject_set(&f, "memblock", "p", "", 0, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "must start with /"));
	err_clear(&e);
	assert_int_equal(inject_set(&f, "/memblock//", "p", "", 0, &e), -EINVAL);
	err_clear(&e);
	assert_int_equal(inject_set(&f, "/", "bad name", "", 0, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "bad property name"));
	inject_fdt_free(&f);
	free(fdt);
}

static void add_and_delete_nodes(void **state)
{
	struct inject_fdt f;
	struct errbuf e = { 0 };
	void *fdt = kernel_like();

	load(&f, fdt);
	assert_int_equal(inject_add_node(&f, "/test", &e), 0);
	assert_int_equal(inject_add_node(&f, "/test/deeper@1", &e), 0);
	assert_true(fdt_path_offset(f.fdt, "/test/deeper@1") > 0);
	assert_int_equal(inject_add_node(&f, "/test", &e), -EEXIST);
	assert_string_equal(e.msg, "t.fdt: node /test already exists");
	err_clear(&e);
	assert_int_equal(inject_add_node(&f, "/missing/child", &e), -ENOENT);
	err_clear(&e);
	assert_int_equal(inject_add_node(&f, "/a b", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "bad node name"));
	err_clear(&e);
	assert_int_equal(inject_add_node(&f, "/", &e), -EINVAL);
	err_clear(&e);
	/* Deleting a node takes its subtree with it. */
	assert_int_equal(inject_del_node(&f, "/test", &e), 0);
	assert_int_equal(fdt_path_offset(f.fdt, "/test/deeper@1"),
			 -FDT_ERR_NOTFOUND);
	assert_int_equal(inject_del_node(&f, "/", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "root"));
	inject_fdt_free(&f);
	free(fdt);
}

static void parse_edits_splits_on_double_dash(void **state)
{
	char *argv[] = { "set", "/", "foo", "u32:1", "--", "add-node", "/bar",
			 "--", "del-prop", "/x", "y", "--", "merge", "--force",
			 "m.dtb", "--", "del-node", "/z" };
	struct inject_edit *ed;
	struct errbuf e = { 0 };
	size_t n;

	assert_int_equal(inject_parse_edits(18, argv, &ed, &n, &e), 0);
	assert_int_equal(n, 5);
	assert_int_equal(ed[0].op, INJECT_SET);
	assert_string_equal(ed[0].value, "u32:1");
	assert_int_equal(ed[1].op, INJECT_ADD_NODE);
	assert_string_equal(ed[1].path, "/bar");
	assert_int_equal(ed[2].op, INJECT_DEL_PROP);
	assert_string_equal(ed[2].prop, "y");
	assert_int_equal(ed[3].op, INJECT_MERGE);
	assert_true(ed[3].force);
	assert_string_equal(ed[3].file, "m.dtb");
	assert_int_equal(ed[4].op, INJECT_DEL_NODE);
	free(ed);
}

static void parse_edits_refuses_malformed_batches(void **state)
{
	char *trailing[] = { "add-node", "/a", "--" };
	char *empty[] = { "add-node", "/a", "--", "--", "add-node", "/b" };
	char *count[] = { "set", "/", "foo" };
	char *unknown[] = { "frob", "/" };
	struct inject_edit *ed;
	struct errbuf e = { 0 };
	size_t n;

	assert_int_equal(inject_parse_edits(3, trailing, &ed, &n, &e), -EINVAL);
	err_clear(&e);
	assert_int_equal(inject_parse_edits(6, empty, &ed, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "empty edit"));
	err_clear(&e);
	assert_int_equal(inject_parse_edits(3, count, &ed, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "PATH PROP VALUE"));
	err_clear(&e);
	assert_int_equal(inject_parse_edits(2, unknown, &ed, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "frob"));
}

static void batch_is_all_or_nothing(void **state)
{
	struct inject_edit ed[] = {
		{ .op = INJECT_ADD_NODE, .path = "/bar" },
		{ .op = INJECT_SET, .path = "/bar", .prop = "p", .value = "u32:1" },
		{ .op = INJECT_DEL_PROP, .path = "/", .prop = "missing" },
	};
	struct inject_fdt f;
	struct errbuf e = { 0 };
	void *fdt = kernel_like(), *before;
	size_t len;

	load(&f, fdt);
	len = fdt_totalsize(f.fdt);
	before = malloc(len);
	memcpy(before, f.fdt, len);
	assert_int_equal(inject_apply(&f, ed, 3, NULL, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "edit 3 (del-prop)"));
	assert_int_equal(fdt_totalsize(f.fdt), len);
	assert_memory_equal(f.fdt, before, len);
	/* Without the failing edit, both land and the result is packed. */
	err_clear(&e);
	assert_int_equal(inject_apply(&f, ed, 2, NULL, &e), 0);
	assert_true(fdt_path_offset(f.fdt, "/bar") > 0);
	len = fdt_totalsize(f.fdt);
	assert_int_equal(fdt_pack(f.fdt), 0);
	assert_int_equal(fdt_totalsize(f.fdt), len);
	inject_fdt_free(&f);
	free(before);
	free(fdt);
}

/* ---- merge ---- */

static void merge_adds_and_keeps_equal_values(void **state)
{
	struct inject_lines c = { 0 };
	struct inject_fdt dst, src;
	struct errbuf e = { 0 };
	void *a = kernel_like(), *b = malloc(BUF_SIZE);

	begin(b, "kho-v4", 0x1234000);		/* same root values */
	blob_node(b, "kho_test", 0x5000000, 512);
	finish(b);
	load(&dst, a);
	load(&src, b);
	assert_int_equal(inject_merge(&dst, &src, false, &c, &e), 0);
	assert_int_equal(c.nr, 0);
	assert_true(fdt_path_offset(dst.fdt, "/kho_test") > 0);
	assert_true(fdt_path_offset(dst.fdt, "/memblock") > 0);
	inject_fdt_free(&dst);
	inject_fdt_free(&src);
	free(a);
	free(b);
}

static void merge_conflict_is_refused_unless_forced(void **state)
{
	struct inject_lines c = { 0 };
	struct inject_fdt dst, src;
	struct errbuf e = { 0 };
	void *a = kernel_like(), *b = malloc(BUF_SIZE), *before;
	const void *p;
	size_t len;
	int plen;

	begin(b, "kho-v3", 0x1234000);
	blob_node(b, "memblock", 0x3000000, 8192);
	blob_node(b, "extra", 0x6000000, 16);
	finish(b);
	load(&dst, a);
	load(&src, b);
	len = fdt_totalsize(dst.fdt);
	before = malloc(len);
	memcpy(before, dst.fdt, len);
	assert_int_equal(inject_merge(&dst, &src, false, &c, &e), -EEXIST);
	assert_int_equal(c.nr, 2);
	assert_true(lines_has(&c, "/: property compatible: \"kho-v4\" in t.fdt, \"kho-v3\" in t.fdt"));
	assert_true(lines_has(&c, "/memblock: property blob-size: u64:0x1000"));
	assert_non_null(strstr(e.msg, "2 conflicting properties"));
	/* Nothing changed, not even the non-conflicting node. */
	assert_memory_equal(dst.fdt, before, len);

	lines_free(&c);
	err_clear(&e);
	assert_int_equal(inject_merge(&dst, &src, true, &c, &e), 0);
	assert_int_equal(c.nr, 2);
	p = fdt_getprop(dst.fdt, 0, "compatible", &plen);
	assert_string_equal(p, "kho-v3");
	assert_true(fdt_path_offset(dst.fdt, "/extra") > 0);
	lines_free(&c);
	inject_fdt_free(&dst);
	inject_fdt_free(&src);
	free(before);
	free(a);
	free(b);
}

/* ---- version 16 ---- */

/* kernel_like() as a version-16 tree: no size_dt_struct. */
static void *kernel_like_v16(void)
{
	void *fdt = kernel_like();

	fdt_set_version(fdt, 16);
	fdt_set_last_comp_version(fdt, 16);
	return fdt;
}

/*
 * libfdt bounds a version-16 name by totalsize only: a name past
 * size_dt_strings passed, and fdt_open_into() cut it off, renaming the
 * property after whatever string an edit added next.
 */
static void v16_name_past_the_strings_block_is_refused(void **state)
{
	struct errbuf e = { 0 };
	void *fdt = kernel_like_v16();

	assert_int_equal(fdt_check_untrusted(fdt, fdt_totalsize(fdt)), 0);
	/* The last name ("blob-size" or "compatible") now lies past the end. */
	fdt_set_size_dt_strings(fdt, fdt_size_dt_strings(fdt) - 4);
	assert_int_equal(fdt_check_untrusted(fdt, fdt_totalsize(fdt)),
			 -FDT_ERR_BADOFFSET);
	assert_non_null(strstr(fdt_check_strerror(-FDT_ERR_BADOFFSET),
			       "strings block"));
	assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
	assert_non_null(strstr(e.msg, "strings block"));
	/* A name whose NUL lies past the block: the same. */
	fdt_set_size_dt_strings(fdt, fdt_size_dt_strings(fdt) + 3);
	assert_int_equal(fdt_check_untrusted(fdt, fdt_totalsize(fdt)),
			 -FDT_ERR_BADOFFSET);
	free(fdt);
}

static void v16_trees_are_edited(void **state)
{
	struct inject_edit ed = { .op = INJECT_SET, .path = "/memblock",
				  .prop = "note", .value = "str:hi" };
	struct inject_lines c = { 0 };
	void *fdt = kernel_like_v16();
	struct errbuf e = { 0 };
	struct inject_fdt f;
	const char *p;
	int len;

	load(&f, fdt);
	assert_int_equal(inject_apply(&f, &ed, 1, &c, &e), 0);
	assert_int_equal(fdt_version(f.fdt), 17);
	p = fdt_getprop(f.fdt, fdt_path_offset(f.fdt, "/memblock"), "note", &len);
	assert_non_null(p);
	assert_string_equal(p, "hi");
	assert_non_null(fdt_getprop(f.fdt, 0, "compatible", &len));
	inject_fdt_free(&f);
	free(fdt);
}

/*
 * fdt_check_full() passes a structure block with no node, or one whose
 * root is not at offset 0, where libfdt looks for it.
 */
static void root_must_open_the_structure_block(void **state)
{
	static const uint32_t first[] = { FDT_END, FDT_NOP };
	struct errbuf e = { 0 };
	void *fdt;
	size_t i;

	for (i = 0; i < 2; i++) {
		fdt = kernel_like();
		put_be32(fdt, fdt_off_dt_struct(fdt), first[i]);
		assert_int_equal(fdt_check_untrusted(fdt, fdt_totalsize(fdt)),
				 -FDT_ERR_BADSTRUCTURE);
		assert_int_equal(check(fdt, fdt_totalsize(fdt), &e), -EINVAL);
		free(fdt);
	}
}

/* ---- big trees ---- */

/*
 * A valid tree over 512 KiB: validate checked a copy grown to twice the
 * size and reported that as too big for a KHO FDT.
 */
static void validate_of_a_big_valid_tree_reports_nothing(void **state)
{
	const size_t size = 1024 * 1024, pad = 600 * 1024;
	struct inject_lines p = { 0 };
	void *fdt = malloc(size), *zero = calloc(1, pad);

	assert_non_null(fdt);
	assert_non_null(zero);
	assert_int_equal(fdt_create(fdt, size), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "kho-v4"), 0);
	prop_u64(fdt, "preserved-memory-map", 0x1234000);
	assert_int_equal(fdt_property(fdt, "pad", zero, pad), 0);
	blob_node(fdt, "memblock", 0x3000000, 4096);
	finish(fdt);
	assert_int_equal(inject_validate(fdt, fdt_totalsize(fdt), NULL, &p), 0);
	lines_free(&p);
	free(zero);
	free(fdt);
}

/*
 * Merge writes the tree once, with what property by property copying
 * gave: the first of a name in the tree merged into takes the other's
 * value, new ones come after, order and reservations are kept.
 */
static void merge_keeps_order_and_replaces_the_first(void **state)
{
	struct inject_lines c = { 0 };
	void *a = malloc(BUF_SIZE), *b = malloc(BUF_SIZE);
	struct inject_fdt dst, src;
	struct errbuf e = { 0 };
	const char *name;
	uint64_t ra, rs;
	int node, off, len, i;
	static const char *const order[] = { "x", "y", "z", "w" };

	begin(a, "kho-v4", 0x1234000);
	assert_int_equal(fdt_begin_node(a, "n"), 0);
	prop_u64(a, "x", 1);
	prop_u64(a, "y", 2);
	assert_int_equal(fdt_end_node(a), 0);
	blob_node(a, "keep", 0x5000, 8);
	finish(a);
	assert_int_equal(fdt_open_into(a, a, BUF_SIZE), 0);
	assert_int_equal(fdt_add_mem_rsv(a, 0x8000, 0x1000), 0);
	begin(b, "kho-v4", 0x1234000);
	assert_int_equal(fdt_begin_node(b, "n"), 0);
	prop_u64(b, "z", 4);
	prop_u64(b, "y", 3);
	prop_u64(b, "w", 5);
	assert_int_equal(fdt_end_node(b), 0);
	blob_node(b, "new", 0x6000, 8);
	finish(b);
	load(&dst, a);
	load(&src, b);
	assert_int_equal(inject_merge(&dst, &src, true, &c, &e), 0);
	assert_int_equal(c.nr, 1);
	assert_true(lines_has(&c, "/n: property y:"));
	node = fdt_path_offset(dst.fdt, "/n");
	i = 0;
	fdt_for_each_property_offset(off, dst.fdt, node) {
		assert_non_null(fdt_getprop_by_offset(dst.fdt, off, &name, &len));
		assert_true(i < 4);
		assert_string_equal(name, order[i++]);
	}
	assert_int_equal(i, 4);
	assert_int_equal(inject_get_u64(fdt_getprop(dst.fdt, node, "y", &len)), 3);
	assert_true(fdt_path_offset(dst.fdt, "/keep") > 0);
	assert_true(fdt_path_offset(dst.fdt, "/new") > fdt_path_offset(dst.fdt, "/keep"));
	assert_int_equal(fdt_num_mem_rsv(dst.fdt), 1);
	assert_int_equal(fdt_get_mem_rsv(dst.fdt, 0, &ra, &rs), 0);
	assert_true(ra == 0x8000 && rs == 0x1000);
	assert_int_equal(fdt_check_untrusted(dst.fdt, fdt_totalsize(dst.fdt)), 0);
	lines_free(&c);
	inject_fdt_free(&dst);
	inject_fdt_free(&src);
	free(a);
	free(b);
}

/* ---- new and validate ---- */

static void new_makes_a_valid_kho_fdt(void **state)
{
	struct inject_lines p = { 0 };
	struct inject_fdt f;
	struct errbuf e = { 0 };
	const char *c;
	int len;

	assert_int_equal(inject_new(&f, "kho-v4", INJECT_MEM_MAP_PLACEHOLDER,
				    &e), 0);
	c = fdt_getprop(f.fdt, 0, "compatible", &len);
	assert_string_equal(c, "kho-v4");
	assert_true(inject_get_u64(fdt_getprop(f.fdt, 0, "preserved-memory-map",
					       &len)) == INJECT_MEM_MAP_PLACEHOLDER);
	assert_int_equal(inject_validate(f.fdt, fdt_totalsize(f.fdt), "kho-v4",
					 &p), 0);
	inject_fdt_free(&f);
	assert_int_equal(inject_new(&f, "kho-v4", 0x7000, &e), 0);
	assert_true(inject_get_u64(fdt_getprop(f.fdt, 0, "preserved-memory-map",
					       &len)) == 0x7000);
	inject_fdt_free(&f);
	assert_int_equal(inject_new(&f, "kho-4", 0x7000, &e), -EINVAL);
	assert_false(inject_abi_ok("kho-v"));
	assert_false(inject_abi_ok("kho-v4a"));
	assert_true(inject_abi_ok("kho-v12"));
	/* What kexec refuses (1 to 9 digits), new refuses too. */
	assert_true(inject_abi_ok("kho-v123456789"));
	assert_false(inject_abi_ok("kho-v1234567890"));
	assert_int_equal(inject_new(&f, "kho-v1234567890", 0x7000, &e), -EINVAL);
}

static void validate_accepts_a_kernel_like_tree(void **state)
{
	struct inject_lines p = { 0 };
	void *fdt = kernel_like();

	assert_int_equal(inject_validate(fdt, fdt_totalsize(fdt), NULL, &p), 0);
	assert_int_equal(inject_validate(fdt, fdt_totalsize(fdt), "kho-v4", &p), 0);
	assert_int_equal(p.nr, 0);
	free(fdt);
}

static void validate_reports_every_problem(void **state)
{
	struct inject_lines p = { 0 };
	void *fdt = malloc(BUF_SIZE);
	uint32_t four = 4;
	int n;

	begin(fdt, "kho-vX", 0);
	assert_int_equal(fdt_begin_node(fdt, "no-size"), 0);
	prop_u64(fdt, "preserved-data", 0x1000);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "short"), 0);
	assert_int_equal(fdt_property(fdt, "preserved-data", &four, 4), 0);
	prop_u64(fdt, "blob-size", 16);
	assert_int_equal(fdt_end_node(fdt), 0);
	blob_node(fdt, "fine", 0x2000, 16);
	finish(fdt);

	n = inject_validate(fdt, fdt_totalsize(fdt), "kho-v4", &p);
	assert_int_equal(n, 4);
	/* Both root problems, not just the first, and no --abi noise. */
	assert_true(lines_has(&p, "/: KHO FDT root compatible \"kho-vX\""));
	assert_true(lines_has(&p, "/: KHO FDT preserved-memory-map is 0"));
	assert_false(lines_has(&p, "--abi"));
	assert_true(lines_has(&p, "/no-size: "));
	assert_true(lines_has(&p, "blob-size"));
	assert_true(lines_has(&p, "/short: "));
	assert_false(lines_has(&p, "/fine"));
	lines_free(&p);
	free(fdt);
}

static void validate_reports_abi_mismatch(void **state)
{
	struct inject_lines p = { 0 };
	void *fdt = kernel_like();

	assert_int_equal(inject_validate(fdt, fdt_totalsize(fdt), "kho-v3", &p), 1);
	assert_string_equal(p.line[0], "/: compatible is \"kho-v4\", not \"kho-v3\" (--abi)");
	lines_free(&p);
	free(fdt);
}

static void validate_finds_duplicates_and_bad_names(void **state)
{
	struct inject_lines p = { 0 };
	void *fdt = malloc(BUF_SIZE);

	begin(fdt, "kho-v4", 0x1000);
	prop_u64(fdt, "preserved-memory-map", 0x1000);	/* again */
	assert_int_equal(fdt_property(fdt, "bad=name", "", 0), 0);
	blob_node(fdt, "twice", 0x2000, 16);
	blob_node(fdt, "twice", 0x3000, 16);
	finish(fdt);

	assert_int_equal(inject_validate(fdt, fdt_totalsize(fdt), NULL, &p), 3);
	assert_true(lines_has(&p, "/: property \"preserved-memory-map\" appears 2 times"));
	assert_true(lines_has(&p, "property name \"bad=name\""));
	assert_true(lines_has(&p, "two subnodes named \"twice\""));
	lines_free(&p);
	free(fdt);
}

static void validate_reports_nesting_and_hostile_header(void **state)
{
	struct inject_lines p = { 0 };
	void *fdt = malloc(BUF_SIZE);

	begin(fdt, "kho-v4", 0x1000);
	assert_int_equal(fdt_begin_node(fdt, "outer"), 0);
	prop_u64(fdt, "preserved-data", 0x2000);
	prop_u64(fdt, "blob-size", 16);
	assert_int_equal(fdt_begin_node(fdt, "in ner"), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	finish(fdt);
	assert_int_equal(inject_validate(fdt, fdt_totalsize(fdt), NULL, &p), 2);
	assert_true(lines_has(&p, "/outer: KHO FDT has a node nested"));
	assert_true(lines_has(&p, "/outer/in ner: node name"));
	lines_free(&p);

	/* A broken header is one problem; nothing else can be trusted. */
	put_be32(fdt, 0, 0xdeadbeef);
	assert_int_equal(inject_validate(fdt, 100, NULL, &p), 1);
	assert_non_null(strstr(p.line[0], "bad magic 0xdeadbeef"));
	lines_free(&p);
	free(fdt);
}

/* ---- diff ---- */

static void diff_lists_added_removed_changed(void **state)
{
	struct inject_lines d = { 0 };
	struct inject_fdt a, b;
	void *x = kernel_like(), *y = malloc(BUF_SIZE);

	begin(y, "kho-v4", 0x1234000);
	blob_node(y, "kexec-metadata", 0x2000000, 80);
	blob_node(y, "LUO", 0x4000000, 32);
	finish(y);
	load(&a, x);
	load(&b, y);
	assert_int_equal(inject_diff(&a, &a, &d), 0);
	assert_int_equal(inject_diff(&a, &b, &d), 3);
	assert_true(lines_has(&d, "~ /kexec-metadata blob-size: u64:0x49 -> u64:0x50"));
	assert_true(lines_has(&d, "- /memblock/ (node)"));
	assert_true(lines_has(&d, "+ /LUO/ (node)"));
	lines_free(&d);
	inject_fdt_free(&a);
	inject_fdt_free(&b);
	free(x);
	free(y);
}

/* ---- blobs and dump ---- */

struct metadata {
	uint32_t version;
	char release[65];
	uint32_t count;
} __attribute__((packed));

static void metadata_blob_decodes(void **state)
{
	struct inject_lines l = { 0 };
	struct metadata m = { .version = 1, .release = "7.3.4", .count = 2 };

	assert_int_equal(sizeof(m), 73);
	assert_int_equal(inject_decode_blob("kexec-metadata", &m, sizeof(m), &l), 0);
	assert_true(lines_has(&l, "previous release: \"7.3.4\""));
	assert_true(lines_has(&l, "kexec count: 2"));
	lines_free(&l);
	m.version = 2;
	assert_int_equal(inject_decode_blob("kexec-metadata", &m, sizeof(m), &l),
			 -EINVAL);
	assert_true(lines_has(&l, "version 2"));
	lines_free(&l);
	m.version = 1;
	assert_int_equal(inject_decode_blob("kexec-metadata", &m, 40, &l), -EINVAL);
	assert_true(lines_has(&l, "too small"));
	lines_free(&l);
	/* A release with no NUL stops at the field's end. */
	memset(m.release, 'A', sizeof(m.release));
	assert_int_equal(inject_decode_blob("kexec-metadata", &m, sizeof(m), &l), 0);
	lines_free(&l);
	assert_int_equal(inject_decode_blob("unknown", &m, sizeof(m), &l), -ENOENT);
}

static void memblock_blob_decodes(void **state)
{
	struct inject_lines l = { 0 };
	void *fdt = malloc(BUF_SIZE);

	assert_int_equal(fdt_create(fdt, BUF_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "memblock-v1"), 0);
	assert_int_equal(fdt_begin_node(fdt, "oops"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "reserve-mem-v1"), 0);
	prop_u64(fdt, "start", 0x3c000000);
	prop_u64(fdt, "size", 0x400000);
	assert_int_equal(fdt_end_node(fdt), 0);
	finish(fdt);
	assert_int_equal(inject_decode_blob("memblock", fdt, fdt_totalsize(fdt), &l), 0);
	assert_true(lines_has(&l, "reserve_mem \"oops\": start 0x3c000000, size 0x400000 (4 MiB)"));
	lines_free(&l);
	/* A blob that is not an FDT says so instead of decoding garbage. */
	assert_int_equal(inject_decode_blob("memblock", "junk", 4, &l), -EINVAL);
	assert_true(lines_has(&l, "not a valid FDT"));
	lines_free(&l);
	free(fdt);
}

static void luo_and_kho_test_blobs_decode(void **state)
{
	struct inject_lines l = { 0 };
	uint64_t luo[4] = { 0, 3, 0x7000000, 0 };
	struct { uint64_t first; uint32_t pages; uint16_t flags, order; } v =
		{ 0x8000000, 5, 0, 0 };
	void *fdt = malloc(BUF_SIZE);
	uint32_t magic = 0x4b484f21, nr = 7, csum = 0xabcd;

	memcpy(luo, "luo-v5", 7);
	assert_int_equal(inject_decode_blob("LUO", luo, sizeof(luo), &l), 0);
	assert_true(lines_has(&l, "compatible: \"luo-v5\""));
	assert_true(lines_has(&l, "live update number: 3"));
	assert_true(lines_has(&l, "sessions at 0x7000000"));
	assert_true(lines_has(&l, "FLBs at 0x0 (none)"));
	lines_free(&l);

	assert_int_equal(fdt_create(fdt, BUF_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "kho-test-v1"), 0);
	assert_int_equal(fdt_property(fdt, "magic", &magic, 4), 0);
	assert_int_equal(fdt_begin_node(fdt, "data"), 0);
	assert_int_equal(fdt_property(fdt, "nr_folios", &nr, 4), 0);
	assert_int_equal(fdt_property(fdt, "folios_info", &v, sizeof(v)), 0);
	assert_int_equal(fdt_property(fdt, "csum", &csum, 4), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	finish(fdt);
	assert_int_equal(inject_decode_blob("kho_test", fdt, fdt_totalsize(fdt), &l), 0);
	assert_true(lines_has(&l, "magic: 0x4b484f21 (KHO!)"));
	assert_true(lines_has(&l, "nr_folios: 7"));
	assert_true(lines_has(&l, "vmalloc of 5 pages at chunk 0x8000000"));
	assert_true(lines_has(&l, "csum: 0x0000abcd"));
	lines_free(&l);
	free(fdt);
}

static void dump_decodes_blobs_from_debugfs(void **state)
{
	struct metadata m = { .version = 1, .release = "7.3.4", .count = 1 };
	struct inject_blobs blobs;
	struct inject_fdt f;
	struct errbuf e = { 0 };
	char *d = tmpdir(), path[512], *out = NULL;
	void *fdt = kernel_like();
	size_t n = 0;
	FILE *s;

	mkdirs(d, "sys/kernel/debug/kho/out/sub_fdts");
	mkdirs(d, "sys/kernel/debug/kho/in/sub_fdts");
	snprintf(path, sizeof(path), "%s/sys/kernel/debug/kho/out/sub_fdts/kexec-metadata", d);
	write_file(path, &m, sizeof(m));
	/* Same name, wrong size: another tree's blob, not shown. */
	snprintf(path, sizeof(path), "%s/sys/kernel/debug/kho/in/sub_fdts/memblock", d);
	write_file(path, "xx", 2);

	blobs.root = d;
	blobs.dir = NULL;
	load(&f, fdt);
	s = open_memstream(&out, &n);
	assert_int_equal(inject_dump(s, &f, &blobs, &e), 0);
	fclose(s);
	assert_non_null(strstr(out, "// t.fdt: "));
	assert_non_null(strstr(out, "compatible = \"kho-v4\";"));
	assert_non_null(strstr(out, "preserved-memory-map = u64:0x1234000;\t// physical address"));
	assert_non_null(strstr(out, "blob-size = u64:0x49;\t// 73 bytes"));
	assert_non_null(strstr(out, "blob-size = u64:0x1000;\t// 4 KiB"));
	assert_non_null(strstr(out, "// blob: /sys/kernel/debug/kho/out/sub_fdts/kexec-metadata"));
	assert_non_null(strstr(out, "//   kexec count: 1"));
	assert_non_null(strstr(out, "content not available"));
	free(out);
	inject_fdt_free(&f);
	free(fdt);
	rmtree(d);
}

static void dump_escapes_hostile_names(void **state)
{
	struct inject_blobs blobs = { .root = "/nonexistent" };
	struct inject_fdt f;
	struct errbuf e = { 0 };
	void *fdt = malloc(BUF_SIZE);
	char *out = NULL;
	size_t n = 0;
	FILE *s;

	begin(fdt, "kho-v4", 0x1000);
	blob_node(fdt, "evil\033]0;x\007", 0x2000, 16);
	finish(fdt);
	load(&f, fdt);
	s = open_memstream(&out, &n);
	assert_int_equal(inject_dump(s, &f, &blobs, &e), 0);
	fclose(s);
	assert_null(strchr(out, '\033'));
	assert_non_null(strstr(out, "evil\\x1b]0;x\\x07 {"));
	free(out);
	inject_fdt_free(&f);
	free(fdt);
}

static void write_replaces_atomically(void **state)
{
	struct inject_fdt f;
	struct errbuf e = { 0 };
	char *d = tmpdir(), path[512];
	void *fdt = kernel_like(), *back;
	size_t len;
	struct stat st;

	load(&f, fdt);
	snprintf(path, sizeof(path), "%s/out.fdt", d);
	write_file(path, "old", 3);
	assert_int_equal(inject_fdt_write(&f, path, &e), 0);
	assert_int_equal(read_file(path, 1 << 20, &back, &len, &e), 0);
	assert_int_equal(len, fdt_totalsize(fdt));
	assert_memory_equal(back, fdt, len);
	free(back);
	/* No temporary file is left beside it. */
	snprintf(path, sizeof(path), "ls '%s' | grep -qv '^out.fdt$'", d);
	assert_int_not_equal(system(path), 0);
	/* A directory that cannot take the temporary: an error, no file. */
	snprintf(path, sizeof(path), "%s/nodir/out.fdt", d);
	assert_int_not_equal(inject_fdt_write(&f, path, &e), 0);
	assert_int_not_equal(stat(path, &st), 0);
	inject_fdt_free(&f);
	free(fdt);
	rmtree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_buffer_is_truncated_header),
		cmocka_unit_test(wrong_magic_is_named),
		cmocka_unit_test(totalsize_past_buffer_is_truncated),
		cmocka_unit_test(structure_block_past_end_is_refused),
		cmocka_unit_test(strings_block_past_end_is_refused),
		cmocka_unit_test(property_name_outside_strings_is_refused),
		cmocka_unit_test(property_length_wrapping_is_refused),
		cmocka_unit_test(property_length_making_no_progress_is_refused),
		cmocka_unit_test(unbalanced_nodes_are_refused),
		cmocka_unit_test(deep_nesting_is_refused),
		cmocka_unit_test(unfinished_tree_is_refused),
		cmocka_unit_test(trailing_bytes_are_accepted),
		cmocka_unit_test(errors_name_the_file),
		cmocka_unit_test(value_types_encode_as_documented),
		cmocka_unit_test(cells_are_big_endian_in_both_syntaxes),
		cmocka_unit_test(hex_bytes_and_files),
		cmocka_unit_test(bad_values_are_refused_with_a_reason),
		cmocka_unit_test(sizes_and_values_print_readably),
		cmocka_unit_test(set_creates_replaces_and_grows),
		cmocka_unit_test(edits_on_missing_things_name_them),
		cmocka_unit_test(add_and_delete_nodes),
		cmocka_unit_test(parse_edits_splits_on_double_dash),
		cmocka_unit_test(parse_edits_refuses_malformed_batches),
		cmocka_unit_test(batch_is_all_or_nothing),
		cmocka_unit_test(merge_adds_and_keeps_equal_values),
		cmocka_unit_test(merge_conflict_is_refused_unless_forced),
		cmocka_unit_test(merge_keeps_order_and_replaces_the_first),
		cmocka_unit_test(v16_name_past_the_strings_block_is_refused),
		cmocka_unit_test(v16_trees_are_edited),
		cmocka_unit_test(root_must_open_the_structure_block),
		cmocka_unit_test(validate_of_a_big_valid_tree_reports_nothing),
		cmocka_unit_test(new_makes_a_valid_kho_fdt),
		cmocka_unit_test(validate_accepts_a_kernel_like_tree),
		cmocka_unit_test(validate_reports_every_problem),
		cmocka_unit_test(validate_reports_abi_mismatch),
		cmocka_unit_test(validate_finds_duplicates_and_bad_names),
		cmocka_unit_test(validate_reports_nesting_and_hostile_header),
		cmocka_unit_test(diff_lists_added_removed_changed),
		cmocka_unit_test(metadata_blob_decodes),
		cmocka_unit_test(memblock_blob_decodes),
		cmocka_unit_test(luo_and_kho_test_blobs_decode),
		cmocka_unit_test(dump_decodes_blobs_from_debugfs),
		cmocka_unit_test(dump_escapes_hostile_names),
		cmocka_unit_test(write_replaces_atomically),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
