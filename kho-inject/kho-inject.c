// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kho-inject: inspect, validate and edit KHO FDTs. It reads the running
 * kernel's KHO FDT or a file and writes files; it never changes kernel
 * state. The command line layer: the only place that prints or exits.
 * Exit status: 0 success, 1 failure (invalid, different, unreadable),
 * 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "errbuf.h"
#include "inject.h"

#define EXIT_USAGE 2

struct cli {
	const char *input;
	const char *output;
	const char *root;
};

static void usage(FILE *f)
{
	fputs("usage: kho-inject [-i FILE] [-o FILE] [--sysroot DIR] SUBCOMMAND ...\n"
	      "  (-i and -o may also follow the subcommand)\n"
	      "  dump [--blobs DIR]           print the tree, decoding known blobs\n"
	      "  validate [--abi kho-vN]      list every problem; exit 1 if any\n"
	      "  diff [A] B                   list differences; exit 1 if any\n"
	      "  new --abi kho-vN [--mem-map ADDR] [-- EDIT ...]\n"
	      "                               a fresh KHO FDT\n"
	      "  EDIT [-- EDIT ...]           edits, applied all or nothing:\n"
	      "    set PATH PROP VALUE        VALUE: str:TEXT u32:N u64:N cells:<N ...>\n"
	      "                               hex:0a0b @FILE, or a number (u64)\n"
	      "    add-node PATH | del-node PATH | del-prop PATH PROP\n"
	      "    merge [--force] FILE.dtb\n"
	      "Input: -i FILE (\"-\" for stdin), else the running kernel's KHO FDT.\n"
	      "Output (new, edits): -o FILE, else stdout when it is not a terminal.\n"
	      "See kho-inject(8).\n", f);
}

static int fail_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int fail_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("kho-inject: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'kho-inject --help'.\n", stderr);
	return EXIT_USAGE;
}

static int fail(const struct errbuf *e, int err)
{
	fprintf(stderr, "kho-inject: %s\n", err_str(e, err));
	return EXIT_FAILURE;
}

static int load_input(const struct cli *c, struct inject_fdt *f,
		      struct errbuf *e)
{
	char name[128];
	void *buf;
	size_t len;
	int ret;

	if (c->input)
		return inject_fdt_read_file(f, c->input, e);
	ret = inject_read_kernel_raw(c->root, &buf, &len, name, sizeof(name), e);
	if (ret)
		return ret;
	ret = inject_fdt_from_buf(f, buf, len, name, e);
	free(buf);
	return ret;
}

static int cmd_dump(const struct cli *c, int argc, char **argv)
{
	struct inject_blobs blobs = { .root = c->root };
	struct errbuf e = { 0 };
	struct inject_fdt f;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--blobs") && i + 1 < argc)
			blobs.dir = argv[++i];
		else
			return fail_usage("dump: unexpected argument \"%s\"", argv[i]);
	}
	blobs.incoming = c->input && strstr(c->input, "/kho/in/");
	ret = load_input(c, &f, &e);
	if (ret)
		return fail(&e, ret);
	ret = inject_dump(stdout, &f, &blobs, &e);
	inject_fdt_free(&f);
	if (!ret && fflush(stdout))
		ret = err_set(&e, -errno, "cannot write standard output: %s",
			      strerror(errno));
	return ret ? fail(&e, ret) : 0;
}

static int cmd_validate(const struct cli *c, int argc, char **argv)
{
	struct inject_lines p = { 0 };
	struct errbuf e = { 0 };
	const char *abi = NULL;
	char name[128];
	void *buf;
	size_t len, i;
	int n, ret, a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--abi") && a + 1 < argc)
			abi = argv[++a];
		else
			return fail_usage("validate: unexpected argument \"%s\"", argv[a]);
	}
	if (abi && !inject_abi_ok(abi))
		return fail_usage("validate: --abi \"%s\" is not kho-v<N>", abi);
	if (c->input) {
		snprintf(name, sizeof(name), "%s", c->input);
		ret = inject_read_raw(c->input, &buf, &len, &e);
	} else {
		ret = inject_read_kernel_raw(c->root, &buf, &len, name,
					     sizeof(name), &e);
	}
	if (ret)
		return fail(&e, ret);
	n = inject_validate(buf, len, abi, &p);
	free(buf);
	if (n < 0) {
		lines_free(&p);
		return fail(&e, n);
	}
	for (i = 0; i < p.nr; i++)
		printf("%s: %s\n", name, p.line[i]);
	if (!n)
		printf("%s: valid KHO FDT\n", name);
	lines_free(&p);
	return n ? EXIT_FAILURE : 0;
}

static int cmd_diff(const struct cli *c, int argc, char **argv)
{
	struct inject_fdt a = { 0 }, b = { 0 };
	struct inject_lines d = { 0 };
	struct errbuf e = { 0 };
	struct cli one = *c;
	size_t i;
	int n;

	if (argc < 2 || argc > 3)
		return fail_usage("diff takes [A] B (%s)",
				  argc < 2 ? "nothing to compare" : "too many files");
	if (argc == 3 && c->input)
		return fail_usage("diff: -i %s and two files: compare two at most",
				  c->input);
	if (argc == 3)
		one.input = argv[1];
	n = load_input(&one, &a, &e);
	if (!n)
		n = inject_fdt_read_file(&b, argv[argc - 1], &e);
	if (!n) {
		n = inject_diff(&a, &b, &d);
		if (n < 0)
			err_set(&e, n, "out of memory");
	}
	inject_fdt_free(&a);
	inject_fdt_free(&b);
	if (n < 0) {
		lines_free(&d);
		return fail(&e, n);
	}
	for (i = 0; i < d.nr; i++)
		printf("%s\n", d.line[i]);
	lines_free(&d);
	return n ? EXIT_FAILURE : 0;
}

static void warn_if_invalid(const struct inject_fdt *f, const char *out)
{
	struct inject_lines p = { 0 };
	int n;

	n = inject_validate(f->fdt, f->size, NULL, &p);
	if (n > 0)
		fprintf(stderr, "kho-inject: warning: %s is not a valid KHO FDT (%d problem%s, first: %s)\n",
			out ? out : "the output", n, n == 1 ? "" : "s",
			p.line[0]);
	lines_free(&p);
}

/* Apply the edits in argv (if any) to @f and write it out. */
static int edit_and_write(const struct cli *c, struct inject_fdt *f,
			  int argc, char **argv)
{
	struct inject_lines conflicts = { 0 };
	struct inject_edit *edits = NULL;
	struct errbuf e = { 0 };
	size_t nr = 0, i;
	int ret = 0;

	if (argc > 0) {
		ret = inject_parse_edits(argc, argv, &edits, &nr, &e);
		if (ret)
			return fail_usage("%s", err_str(&e, ret));
		ret = inject_apply(f, edits, nr, &conflicts, &e);
	}
	/* A refused merge fails with -EEXIST; a forced one overrides. */
	for (i = 0; (!ret || ret == -EEXIST) && i < conflicts.nr; i++)
		fprintf(stderr, "kho-inject: %s: %s\n",
			ret == -EEXIST ? "conflict" : "overridden",
			conflicts.line[i]);
	lines_free(&conflicts);
	free(edits);
	if (!ret)
		ret = inject_fdt_write(f, c->output, &e);
	if (ret)
		return fail(&e, ret);
	warn_if_invalid(f, c->output);
	return 0;
}

static int cmd_new(const struct cli *c, int argc, char **argv)
{
	uint64_t mem_map = INJECT_MEM_MAP_PLACEHOLDER;
	struct errbuf e = { 0 };
	const char *abi = NULL;
	struct inject_fdt f;
	int i, ret;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--abi") && i + 1 < argc) {
			abi = argv[++i];
		} else if (!strcmp(argv[i], "--mem-map") && i + 1 < argc) {
			i++;
			if (inject_parse_u64(argv[i], UINT64_MAX, &mem_map) ||
			    !mem_map)
				return fail_usage("new: --mem-map \"%s\" is not a non-zero address",
						  argv[i]);
		} else {
			return fail_usage("new: unexpected argument \"%s\"", argv[i]);
		}
	}
	if (!abi)
		return fail_usage("%s", "new needs --abi kho-vN (e.g. kho-v4, what the next kernel expects)");
	if (!inject_abi_ok(abi))
		return fail_usage("new: --abi \"%s\" is not kho-v<N>", abi);
	if (i < argc && i + 1 == argc)
		return fail_usage("%s", "new: \"--\" must be followed by an edit");
	ret = inject_new(&f, abi, mem_map, &e);
	if (ret)
		return fail(&e, ret);
	ret = edit_and_write(c, &f, i < argc ? argc - i - 1 : 0, argv + i + 1);
	inject_fdt_free(&f);
	return ret;
}

static int cmd_edit(const struct cli *c, int argc, char **argv)
{
	struct inject_edit *edits;
	struct errbuf e = { 0 };
	struct inject_fdt f;
	size_t nr;
	int ret;

	/* Usage errors first: they should not wait for (or need) input. */
	ret = inject_parse_edits(argc, argv, &edits, &nr, &e);
	if (ret)
		return fail_usage("%s", err_str(&e, ret));
	free(edits);
	ret = load_input(c, &f, &e);
	if (ret)
		return fail(&e, ret);
	ret = edit_and_write(c, &f, argc, argv);
	inject_fdt_free(&f);
	return ret;
}

/* "-o F", "-oF", "--output F" or "--output=F" at argv[i]: its value. */
static const char *io_value(int argc, char **argv, int *i, const char *s,
			    const char *l)
{
	const char *a = argv[*i];
	size_t n = strlen(l);

	if (!strcmp(a, s) || !strcmp(a, l))
		return *i + 1 < argc ? argv[++*i] : "";
	if (!strncmp(a, s, 2) && a[2])
		return a + 2;
	if (!strncmp(a, l, n) && a[n] == '=')
		return a + n + 1;
	return NULL;
}

/*
 * -i and -o after the subcommand, as people type them ("new --abi kho-v4
 * -o F"): taken out of the subcommand's arguments wherever they are. No
 * value of a subcommand starts with "-i" or "-o" (values are typed,
 * paths absolute), so nothing else is mistaken for them.
 */
static int take_io(struct cli *c, int *argc, char **argv)
{
	const char *v, **slot;
	int i, n = 1;

	for (i = 1; i < *argc; i++) {
		slot = NULL;
		if ((v = io_value(*argc, argv, &i, "-i", "--input")))
			slot = &c->input;
		else if ((v = io_value(*argc, argv, &i, "-o", "--output")))
			slot = &c->output;
		if (!slot) {
			argv[n++] = argv[i];
			continue;
		}
		if (!*v)
			return fail_usage("%s needs a file", argv[i]);
		if (*slot)
			return fail_usage("%s given twice (\"%s\" and \"%s\")",
					  slot == &c->input ? "-i" : "-o",
					  *slot, v);
		*slot = v;
	}
	*argc = n;
	return 0;
}

static bool is_text_cmd(const char *cmd)
{
	return !strcmp(cmd, "dump") || !strcmp(cmd, "validate") ||
	       !strcmp(cmd, "diff");
}

static bool is_fdt_cmd(const char *cmd)
{
	static const char *const names[] = {
		"new", "set", "add-node", "del-node", "del-prop", "merge",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(cmd, names[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "sysroot", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { 0 };
	const char *cmd;
	int opt;

	while ((opt = getopt_long(argc, argv, "+i:o:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i': c.input = optarg; break;
		case 'o': c.output = optarg; break;
		case 'r': c.root = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': puts("kho-inject " PACKAGE_VERSION); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (!c.root)
		c.root = getenv("KEXEC_KHO_SYSROOT");
	if (optind >= argc)
		return fail_usage("%s", "no subcommand given");
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (!is_text_cmd(cmd) && !is_fdt_cmd(cmd))
		return fail_usage("unknown subcommand \"%s\"", cmd);
	opt = take_io(&c, &argc, argv);
	if (opt)
		return opt;
	if (is_text_cmd(cmd) && c.output)
		return fail_usage("-o is for FDT output; %s prints text to standard output",
				  cmd);
	if (!is_text_cmd(cmd) && !c.output && isatty(STDOUT_FILENO))
		return fail_usage("%s", "refusing to write a binary FDT to a terminal: give -o FILE or redirect standard output");
	if (!strcmp(cmd, "dump"))
		return cmd_dump(&c, argc, argv);
	if (!strcmp(cmd, "validate"))
		return cmd_validate(&c, argc, argv);
	if (!strcmp(cmd, "diff"))
		return cmd_diff(&c, argc, argv);
	if (!strcmp(cmd, "new"))
		return cmd_new(&c, argc, argv);
	return cmd_edit(&c, argc, argv);
}
