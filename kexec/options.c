// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "load.h"
#include "options.h"

enum {
	OPT_INITRD = 256,
	OPT_APPEND,
	OPT_REUSE_CMDLINE,
	OPT_DTB,
	OPT_MEM_MIN,
	OPT_MEM_MAX,
	OPT_DRY_RUN,
	OPT_KHO,
	OPT_NO_KHO,
	OPT_KHO_FDT,
	OPT_KHO_BLOB,
	OPT_KHO_SCRATCH,
	OPT_KHO_ACCEPT_LOSS,
	OPT_LOAD_PANIC,
	OPT_CHECKSUM,
	OPT_NO_CHECKSUM,
	OPT_SYSROOT,
	OPT_CORRUPT,
};

static const struct option long_opts[] = {
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, OPT_LOAD_PANIC },
	{ "exec", no_argument, NULL, 'e' },
	{ "unload", no_argument, NULL, 'u' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "status", no_argument, NULL, 'S' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "debug", no_argument, NULL, 'd' },
	{ "type", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_APPEND },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "mem-min", required_argument, NULL, OPT_MEM_MIN },
	{ "mem-max", required_argument, NULL, OPT_MEM_MAX },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "kho", no_argument, NULL, OPT_KHO },
	{ "no-kho", no_argument, NULL, OPT_NO_KHO },
	{ "kho-fdt", required_argument, NULL, OPT_KHO_FDT },
	{ "kho-blob", required_argument, NULL, OPT_KHO_BLOB },
	{ "kho-scratch", required_argument, NULL, OPT_KHO_SCRATCH },
	{ "kho-accept-loss", no_argument, NULL, OPT_KHO_ACCEPT_LOSS },
	{ "checksum", no_argument, NULL, OPT_CHECKSUM },
	{ "no-checksum", no_argument, NULL, OPT_NO_CHECKSUM },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
#ifdef KEXEC_TEST_HOOKS
	{ "test-corrupt-segment", required_argument, NULL, OPT_CORRUPT },
#endif
	{ NULL, 0, NULL, 0 },
};

const char kexec_usage[] =
	"Usage: kexec [OPTION]... [KERNEL]\n"
	"Load a kernel to boot with kexec, boot it, or unload it.\n"
	"With no action, KERNEL is loaded and booted at once.\n"
	"\n"
	"Actions:\n"
	"  -l, --load                 load KERNEL for a later kexec -e\n"
	"  -e, --exec                 boot the loaded kernel now\n"
	"  -u, --unload               unload the loaded kernel\n"
	"  -S, --status               exit 1 if the crash kernel (with -l: the\n"
	"                             normal kernel) is loaded, 0 if not\n"
	"  -h, --help                 show this help\n"
	"  -v, --version              show the version\n"
	"\n"
	"Loading:\n"
	"  -t, --type=TYPE            image type (default: probed)\n"
	"      --initrd=FILE          initial ramdisk (also --ramdisk)\n"
	"      --append=STRING        kernel command line (also --command-line)\n"
	"      --reuse-cmdline        start from the running kernel's command line\n"
	"      --dtb=FILE             device tree to pass (arm64)\n"
	"      --mem-min=ADDR         lowest physical address to use\n"
	"      --mem-max=ADDR         highest physical address to use\n"
	"  -c, --kexec-syscall        load with kexec_load (the default)\n"
	"  -s, --kexec-file-syscall   load with kexec_file_load\n"
	"  -a, --kexec-syscall-auto   try kexec_file_load, then kexec_load\n"
	"      --checksum             purgatory checks every segment's SHA-256\n"
	"      --no-checksum          purgatory jumps without checking\n"
	"      --dry-run              do everything but the syscall; print the plan\n"
	"\n"
	"Kexec HandOver (kexec_load path):\n"
	"      --kho                  require a KHO handover (error if impossible)\n"
	"      --no-kho               do not hand over, even when KHO is on\n"
	"      --kho-fdt=FILE         hand over this KHO FDT (a copy)\n"
	"      --kho-blob=NAME=FILE   add a KHO node NAME preserving FILE's bytes\n"
	"      --kho-scratch=SIZE[@ADDR][,SIZE[@ADDR]]...|auto\n"
	"                             hand over from a kernel without KHO (with\n"
	"                             --kho-fdt): these scratch regions, low first\n"
	"      --kho-accept-loss      load even if the next kernel cannot (or may\n"
	"                             not) take the handover: its state is lost\n"
	"\n"
	"Booting:\n"
	"  -f, --force                with no action: boot without shutting down;\n"
	"                             with -e: ignore a stale KHO FDT;\n"
	"                             with -l: load even if KHO scratch gets tight\n"
	"  -x, --no-ifdown            do not bring network interfaces down\n"
	"  -y, --no-sync              do not sync file systems\n"
	"  -d, --debug                explain what is done (repeat for more)\n";

/*
 * -S is no action of its own in kexec-tools: alone it asks about the crash
 * image, with -l (in either order) about the normal one, and nothing is
 * loaded. So -l after -S, and -S after -l, make a status of the normal one.
 */
static int set_action(struct kexec_opts *o, enum kexec_action a,
		      struct errbuf *e)
{
	if ((a == ACT_STATUS && o->action == ACT_LOAD) ||
	    (a == ACT_LOAD && o->action == ACT_STATUS)) {
		o->action = ACT_STATUS;
		o->status_normal = true;
		return 0;
	}
	if (o->action != ACT_NONE && o->action != a)
		return err_set(e, -EINVAL,
			       "conflicting actions: give one of -l, -e, -u, -S");
	o->action = a;
	return 0;
}

static int set_syscall(struct kexec_opts *o, enum kexec_syscall s,
		       struct errbuf *e)
{
	if (o->syscall != SYSCALL_DEFAULT && o->syscall != s)
		return err_set(e, -EINVAL,
			       "conflicting syscall choices: give one of -c, -s, -a");
	o->syscall = s;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v, mul = 1;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	}
	if (*end)
		return -EINVAL;
	if (v && mul > UINT64_MAX / v)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

/* kexec-tools joins repeated --append pieces with a space; so do we. */
static int append_cmdline(struct kexec_opts *o, const char *piece,
			  struct errbuf *e)
{
	size_t old = o->cmdline_buf ? strlen(o->cmdline_buf) : 0;
	size_t add = strlen(piece);
	char *n;

	if (old + add + 2 > 1 << 20)
		return err_set(e, -E2BIG, "--append: command line too long");
	n = realloc(o->cmdline_buf, old + add + 2);
	if (!n)
		return err_set(e, -ENOMEM, "out of memory");
	if (old)
		n[old++] = ' ';
	memcpy(n + old, piece, add + 1);
	o->cmdline_buf = n;
	o->cmdline = n;
	return 0;
}

static int add_kho_blob(struct kexec_opts *o, const char *arg,
			struct errbuf *e)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		return err_set(e, -EINVAL,
			       "--kho-blob '%s': expected NAME=FILE", arg);
	if (o->nr_kho_blobs >= OPT_MAX_KHO_BLOBS)
		return err_set(e, -E2BIG, "--kho-blob: at most %d blobs",
			       OPT_MAX_KHO_BLOBS);
	o->kho_blob[o->nr_kho_blobs++] = arg;
	return 0;
}

bool opt_kho_scratch_given(const struct kexec_opts *o)
{
	return o->kho_scratch_auto || o->nr_kho_scratch > 0;
}

void opts_load_request(const struct kexec_opts *o, struct load_request *r)
{
	memset(r, 0, sizeof(*r));
	r->kernel = o->kernel;
	r->initrd = o->initrd;
	r->type = o->type;
	r->append = o->cmdline;
	r->reuse_cmdline = o->reuse_cmdline;
	r->dtb = o->dtb;
	r->mem_min = o->mem_min;
	r->mem_max = o->mem_max;
	r->checksum = o->checksum < 0 ? LOAD_CHECKSUM_DEFAULT :
		      o->checksum ? LOAD_CHECKSUM_ON : LOAD_CHECKSUM_OFF;
	r->force = o->force;
	r->kho_accept_loss = o->kho_accept_loss;
	r->corrupt = o->corrupt;
	r->kho.mode = o->kho;
	r->kho.fdt_file = o->kho_fdt;
	r->kho.blobs = o->kho_blob;
	r->kho.nr_blobs = o->nr_kho_blobs;
	r->kho.scratch = o->kho_scratch;
	r->kho.nr_scratch = o->nr_kho_scratch;
	r->kho.scratch_auto = o->kho_scratch_auto;
}

/* One "SIZE[@ADDR]" piece of --kho-scratch, @len bytes at @s. */
static int parse_scratch_entry(const char *s, size_t len,
			       struct kho_scratch_spec *out, struct errbuf *e)
{
	char buf[64], *at;

	if (!len || len >= sizeof(buf))
		return err_set(e, -EINVAL,
			       "--kho-scratch: '%.*s' is not SIZE[@ADDR]",
			       (int)(len < 64 ? len : 64), s);
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	at = strchr(buf, '@');
	if (at) {
		*at++ = '\0';
		if (parse_u64(at, &out->addr))
			return err_set(e, -EINVAL,
				       "--kho-scratch: address '%s' is not a number",
				       at);
		out->has_addr = true;
	}
	if (parse_u64(buf, &out->size))
		return err_set(e, -EINVAL,
			       "--kho-scratch: size '%s' is not a number", buf);
	if (!out->size)
		return err_set(e, -EINVAL,
			       "--kho-scratch: a region of size 0 is no scratch");
	if (out->has_addr && out->addr > UINT64_MAX - out->size)
		return err_set(e, -ERANGE,
			       "--kho-scratch: 0x%llx bytes at 0x%llx run past the end of the address space",
			       (unsigned long long)out->size,
			       (unsigned long long)out->addr);
	return 0;
}

/* Syntax only: alignment, RAM and overlaps need the memory map (kho.c). */
static int parse_kho_scratch(struct kexec_opts *o, const char *arg,
			     struct errbuf *e)
{
	const char *p = arg;
	int err;

	if (opt_kho_scratch_given(o))
		return err_set(e, -EINVAL, "--kho-scratch given twice");
	if (!strcmp(arg, "auto")) {
		o->kho_scratch_auto = true;
		return 0;
	}
	for (;;) {
		size_t n = strcspn(p, ",");

		if (o->nr_kho_scratch >= OPT_MAX_KHO_SCRATCH)
			return err_set(e, -E2BIG,
				       "--kho-scratch: at most %d regions",
				       OPT_MAX_KHO_SCRATCH);
		err = parse_scratch_entry(p, n,
					  &o->kho_scratch[o->nr_kho_scratch], e);
		if (err)
			return err;
		o->nr_kho_scratch++;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int parse_addr_opt(const char *name, const char *arg, uint64_t *out,
			  struct errbuf *e)
{
	if (parse_u64(arg, out))
		return err_set(e, -EINVAL, "%s '%s': not a number", name, arg);
	return 0;
}

/* mem_max 0 means "no limit" inside; from the user it would mean no memory. */
static int parse_mem_max(struct kexec_opts *o, const char *arg,
			 struct errbuf *e)
{
	int err = parse_addr_opt("--mem-max", arg, &o->mem_max, e);

	if (!err && !o->mem_max)
		return err_set(e, -EINVAL,
			       "--mem-max '%s': no memory lies below address 0 (leave --mem-max out for no limit)",
			       arg);
	return err;
}

static int parse_one(struct kexec_opts *o, int c, const char *arg,
		     struct errbuf *e)
{
	switch (c) {
	case 'l': return set_action(o, ACT_LOAD, e);
	case 'p':
	case OPT_LOAD_PANIC:
		/*
		 * kexec-tools' crash kernel load. Say what it is and where to
		 * get it: "unknown option" would read like a typo to kdump.
		 */
		return err_set(e, -EOPNOTSUPP,
			       "-p (--load-panic) is not supported by kexec-kho yet: crash kernels need kexec-tools' kexec");
	case 'e': return set_action(o, ACT_EXEC, e);
	case 'u': return set_action(o, ACT_UNLOAD, e);
	case 'S': return set_action(o, ACT_STATUS, e);
	case 'h': return set_action(o, ACT_HELP, e);
	case 'v': return set_action(o, ACT_VERSION, e);
	case 's': return set_syscall(o, SYSCALL_FILE, e);
	case 'c': return set_syscall(o, SYSCALL_LOAD, e);
	case 'a': return set_syscall(o, SYSCALL_AUTO, e);
	case 'f': o->force = true; return 0;
	case 'x': o->no_ifdown = true; return 0;
	case 'y': o->no_sync = true; return 0;
	case 'd': o->debug++; return 0;
	case 't': o->type = arg; return 0;
	case OPT_INITRD: o->initrd = arg; return 0;
	case OPT_APPEND: return append_cmdline(o, arg, e);
	case OPT_REUSE_CMDLINE: o->reuse_cmdline = true; return 0;
	case OPT_DTB: o->dtb = arg; return 0;
	case OPT_MEM_MIN: return parse_addr_opt("--mem-min", arg, &o->mem_min, e);
	case OPT_MEM_MAX: return parse_mem_max(o, arg, e);
	case OPT_DRY_RUN: o->dry_run = true; return 0;
	case OPT_KHO:
		if (o->kho == KHO_OFF)
			return err_set(e, -EINVAL, "--kho and --no-kho conflict");
		o->kho = KHO_REQUIRE;
		return 0;
	case OPT_NO_KHO:
		if (o->kho == KHO_REQUIRE)
			return err_set(e, -EINVAL, "--kho and --no-kho conflict");
		o->kho = KHO_OFF;
		return 0;
	case OPT_KHO_FDT: o->kho_fdt = arg; return 0;
	case OPT_KHO_BLOB: return add_kho_blob(o, arg, e);
	case OPT_KHO_SCRATCH: return parse_kho_scratch(o, arg, e);
	case OPT_KHO_ACCEPT_LOSS: o->kho_accept_loss = true; return 0;
	case OPT_CHECKSUM: o->checksum = 1; return 0;
	case OPT_NO_CHECKSUM: o->checksum = 0; return 0;
	case OPT_SYSROOT: o->sysroot = arg; return 0;
	case OPT_CORRUPT: o->corrupt = arg; return 0;
	}
	return err_set(e, -EINVAL, "unknown option (try --help)");
}

/* Rules that involve several options, checked once all are known. */
static int check_combination(struct kexec_opts *o, struct errbuf *e)
{
	bool loads = o->action == ACT_LOAD || o->action == ACT_LOAD_EXEC;
	bool kho_extra = o->kho_fdt || o->nr_kho_blobs ||
			 opt_kho_scratch_given(o);

	if (loads && !o->kernel)
		return err_set(e, -EINVAL, "no kernel image given to load");
	if (!loads && o->kernel)
		return err_set(e, -EINVAL,
			       "unexpected argument '%s' (a kernel is only given with -l or no action)",
			       o->kernel);
	if (o->mem_max && o->mem_min >= o->mem_max)
		return err_set(e, -EINVAL, "--mem-min must be below --mem-max");
	if (kho_extra && o->kho == KHO_OFF)
		return err_set(e, -EINVAL,
			       "--no-kho conflicts with --kho-fdt, --kho-blob and --kho-scratch");
	if (kho_extra && o->syscall == SYSCALL_FILE)
		return err_set(e, -EINVAL,
			       "--kho-fdt, --kho-blob and --kho-scratch need kexec_load; -s hands over the kernel's own FDT");
	/* A kernel without KHO has no FDT to start from, nor an ABI number. */
	if (opt_kho_scratch_given(o) && !o->kho_fdt)
		return err_set(e, -EINVAL,
			       "--kho-scratch needs --kho-fdt FILE (kho-inject new --abi kho-vN makes one)");
	if (o->dry_run && !loads)
		return err_set(e, -EINVAL, "--dry-run goes with loading a kernel");
#ifndef KEXEC_TEST_HOOKS
	/*
	 * A fixture root makes plans for tests; a real load, exec, unload
	 * or status of a root process reads the running system, always.
	 */
	if (o->sysroot && !o->dry_run)
		return err_set(e, -EINVAL,
			       "--sysroot goes with --dry-run only: a real load, exec, unload or status reads the running system");
#endif
	return 0;
}

#define SHORT_OPTS ":lpeusScafxydt:hv"

/*
 * The option getopt stopped at. In "-Zl" it is still inside argv[optind]
 * and argv[optind - 1] is the word before, so a short option is named by
 * optopt; a long one, or a known short option (--load=x, a missing -t
 * argument, which always ends its word), by the word getopt moved past.
 */
static const char *bad_option(char **argv, char *buf, size_t size)
{
	if (optopt > 0 && optopt < 256 && optopt != ':' &&
	    !strchr(SHORT_OPTS, optopt)) {
		snprintf(buf, size, "-%c", optopt);
		return buf;
	}
	return argv[optind - 1];
}

int parse_options(int argc, char **argv, struct kexec_opts *o,
		  struct errbuf *e)
{
	char name[8];
	int c, err;

	memset(o, 0, sizeof(*o));
	o->syscall = SYSCALL_DEFAULT;
	o->checksum = -1;
	o->kho = KHO_AUTO;

	optind = 0;	/* rescan from the start: tests parse many times */
	opterr = 0;
	while ((c = getopt_long(argc, argv, SHORT_OPTS, long_opts,
				NULL)) != -1) {
		if (c == '?')
			return err_set(e, -EINVAL, "unknown option '%s' (try --help)",
				       bad_option(argv, name, sizeof(name)));
		if (c == ':')
			return err_set(e, -EINVAL, "option '%s' needs an argument",
				       bad_option(argv, name, sizeof(name)));
		err = parse_one(o, c, optarg, e);
		if (err)
			return err;
	}
	if (optind < argc)
		o->kernel = argv[optind++];
	if (optind < argc)
		return err_set(e, -EINVAL, "unexpected argument '%s'",
			       argv[optind]);
	if (o->action == ACT_HELP || o->action == ACT_VERSION)
		return 0;
	if (o->action == ACT_NONE) {
		if (!o->kernel)
			return err_set(e, -EINVAL,
				       "nothing to do: give a kernel, or -l, -e, -u, -S (try --help)");
		o->action = ACT_LOAD_EXEC;
	}
	return check_combination(o, e);
}

void free_options(struct kexec_opts *o)
{
	free(o->cmdline_buf);
	o->cmdline_buf = NULL;
	o->cmdline = NULL;
}
