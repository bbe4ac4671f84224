// SPDX-License-Identifier: GPL-2.0-or-later
/* Option parsing: kexec-tools compatibility and every rejection. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "errbuf.h"
#include "options.h"

#define ARGV(...) ((char *[]){ "kexec", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "kexec", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, e, ...) parse_options(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, e)

static void load_with_initrd_and_append(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "bz", "--initrd", "rd",
			       "--append", "console=ttyS0"), 0);
	assert_int_equal(o.action, ACT_LOAD);
	assert_string_equal(o.kernel, "bz");
	assert_string_equal(o.initrd, "rd");
	assert_string_equal(o.cmdline, "console=ttyS0");
	assert_int_equal(o.syscall, SYSCALL_DEFAULT);
	assert_int_equal(o.kho, KHO_AUTO);
	assert_int_equal(o.checksum, -1);
	free_options(&o);
}

static void repeated_append_joins_with_space(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "bz", "--append=a=1",
			       "--command-line", "b", "--append", "c"), 0);
	assert_string_equal(o.cmdline, "a=1 b c");
	free_options(&o);
}

static void ramdisk_is_initrd_alias(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "--load", "--ramdisk=x", "k"), 0);
	assert_string_equal(o.initrd, "x");
	free_options(&o);
}

static void exec_alone(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-e"), 0);
	assert_int_equal(o.action, ACT_EXEC);
	assert_null(o.kernel);
	free_options(&o);
}

static void kernel_without_action_loads_and_execs(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-f", "bz"), 0);
	assert_int_equal(o.action, ACT_LOAD_EXEC);
	assert_true(o.force);
	free_options(&o);
}

static void nothing_to_do_is_an_error(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(parse_options(1, ARGV(NULL), &o, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "nothing to do"));
	free_options(&o);
}

static void conflicting_actions_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "-u", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "conflicting actions"));
	free_options(&o);
}

static void conflicting_syscalls_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "-s", "-c", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "syscall"));
	free_options(&o);
}

static void syscall_flags(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-ls", "bz"), 0);
	assert_int_equal(o.syscall, SYSCALL_FILE);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-l", "--kexec-syscall", "bz"), 0);
	assert_int_equal(o.syscall, SYSCALL_LOAD);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-la", "bz"), 0);
	assert_int_equal(o.syscall, SYSCALL_AUTO);
	free_options(&o);
}

static void unknown_option_named(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--frobnicate", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "--frobnicate"));
	free_options(&o);
}

/* In "-Zl" getopt is still inside the word: argv[optind - 1] is the one before. */
static void unknown_short_option_named_in_a_cluster(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-Zl", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "'-Z'"));
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "-l", "-Zd", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "'-Z'"));
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "--kho", "-dZ", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "'-Z'"));
	free_options(&o);
	err_clear(&e);
	/* A long option given an argument it does not take: its own word. */
	assert_int_equal(PARSE(&o, &e, "-Zd", "--load=x", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "'-Z'"));
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "--load=x", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "'--load=x'"));
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "-l", "bz", "-dt"), -EINVAL);
	assert_non_null(strstr(e.msg, "'-dt' needs an argument"));
	free_options(&o);
}

static void missing_argument_named(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "bz", "--initrd"), -EINVAL);
	assert_non_null(strstr(e.msg, "--initrd"));
	assert_non_null(strstr(e.msg, "needs an argument"));
	free_options(&o);
}

static void load_without_kernel_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--initrd", "x"), -EINVAL);
	assert_non_null(strstr(e.msg, "no kernel"));
	free_options(&o);
}

static void kernel_with_exec_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-e", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "'bz'"));
	free_options(&o);
}

static void two_kernels_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "a", "b"), -EINVAL);
	assert_non_null(strstr(e.msg, "'b'"));
	free_options(&o);
}

static void mem_limits_parsed_with_suffixes(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--mem-min=16M", "--mem-max",
			       "0x40000000", "bz"), 0);
	assert_int_equal(o.mem_min, 16ULL << 20);
	assert_int_equal(o.mem_max, 0x40000000ULL);
	free_options(&o);
}

static void mem_min_above_max_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--mem-min=2G", "--mem-max=1G",
			       "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "--mem-min"));
	free_options(&o);
}

/* Inside, 0 is "no limit"; a user who typed 0 did not mean that. */
static void mem_max_zero_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--mem-max=0", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "--mem-max '0'"));
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "-l", "--mem-max=0x0K", "bz"), -EINVAL);
	free_options(&o);
}

/* Production build: the fixture root is for plans, never for a real call. */
static void sysroot_needs_dry_run(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--sysroot=/fx", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "--sysroot"));
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "--sysroot=/fx", "-e"), -EINVAL);
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "--sysroot=/fx", "-S"), -EINVAL);
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "--sysroot=/fx", "-u"), -EINVAL);
	free_options(&o);
	err_clear(&e);
	/* The corrupt-segment hook does not exist outside the test build. */
	assert_int_equal(PARSE(&o, &e, "-l", "--dry-run",
			       "--test-corrupt-segment=initrd", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "unknown option"));
	free_options(&o);
}

static void bad_number_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--mem-max=12Q", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "12Q"));
	free_options(&o);
}

static void parse_u64_edges(void **state)
{
	uint64_t v;

	assert_int_equal(parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(parse_u64("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_u64("1T", &v), 0);
	assert_int_equal(v, 1ULL << 40);
	assert_int_equal(parse_u64("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse_u64("18446744073709551616", &v), -EINVAL);
	assert_int_equal(parse_u64("16777216T", &v), -ERANGE);
	assert_int_equal(parse_u64("-1", &v), -EINVAL);
	assert_int_equal(parse_u64("", &v), -EINVAL);
	assert_int_equal(parse_u64("1MB", &v), -EINVAL);
	assert_int_equal(parse_u64(" 1", &v), -EINVAL);
}

static void kho_flags(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--kho", "bz"), 0);
	assert_int_equal(o.kho, KHO_REQUIRE);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-l", "--no-kho", "bz"), 0);
	assert_int_equal(o.kho, KHO_OFF);
	free_options(&o);
}

static void kho_and_no_kho_conflict(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--kho", "--no-kho", "bz"),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "conflict"));
	free_options(&o);
}

static void kho_fdt_with_no_kho_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--no-kho", "--kho-fdt=f", "bz"),
			 -EINVAL);
	free_options(&o);
}

static void kho_fdt_with_file_syscall_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "-s", "--kho-fdt=f", "bz"),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "kexec_load"));
	free_options(&o);
}

static void kho_blob_needs_name_and_file(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--kho-blob=x=/f", "bz"), 0);
	assert_int_equal(o.nr_kho_blobs, 1);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-l", "--kho-blob=nofile", "bz"),
			 -EINVAL);
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "-l", "--kho-blob==f", "bz"), -EINVAL);
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "-l", "--kho-blob=n=", "bz"), -EINVAL);
	free_options(&o);
}

static void too_many_kho_blobs(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--kho-blob=a=1", "--kho-blob=b=1",
			       "--kho-blob=c=1", "--kho-blob=d=1",
			       "--kho-blob=e=1", "--kho-blob=f=1",
			       "--kho-blob=g=1", "--kho-blob=h=1",
			       "--kho-blob=i=1", "bz"), -E2BIG);
	free_options(&o);
}

static void kho_scratch_entries_parsed_in_order(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--kho-fdt=f",
			       "--kho-scratch=256M@0x10000000,1G,0x400000",
			       "bz"), 0);
	assert_true(opt_kho_scratch_given(&o));
	assert_false(o.kho_scratch_auto);
	assert_int_equal(o.nr_kho_scratch, 3);
	assert_int_equal(o.kho_scratch[0].size, 256ULL << 20);
	assert_true(o.kho_scratch[0].has_addr);
	assert_int_equal(o.kho_scratch[0].addr, 0x10000000);
	assert_int_equal(o.kho_scratch[1].size, 1ULL << 30);
	assert_false(o.kho_scratch[1].has_addr);
	assert_int_equal(o.kho_scratch[2].size, 0x400000);
	free_options(&o);

	assert_int_equal(PARSE(&o, &e, "-l", "--kho-fdt=f", "--kho-scratch",
			       "auto", "bz"), 0);
	assert_true(o.kho_scratch_auto);
	assert_int_equal(o.nr_kho_scratch, 0);
	assert_true(opt_kho_scratch_given(&o));
	free_options(&o);

	assert_int_equal(PARSE(&o, &e, "-l", "bz"), 0);
	assert_false(opt_kho_scratch_given(&o));
	free_options(&o);
}

static void kho_scratch_needs_kho_fdt_and_kexec_load(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--kho-scratch=auto", "bz"),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "needs --kho-fdt"));
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "-l", "--no-kho", "--kho-fdt=f",
			       "--kho-scratch=auto", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "--no-kho conflicts"));
	free_options(&o);
	err_clear(&e);
	assert_int_equal(PARSE(&o, &e, "-l", "-s", "--kho-fdt=f",
			       "--kho-scratch=64M", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "kexec_load"));
	free_options(&o);
}

static void kho_scratch_hostile_syntax_rejected(void **state)
{
	static const char *const bad[] = {
		"", "0", "64M,0", ",", "64M,", ",64M", "64M@", "@0x1000",
		"64M@0x1000@0x2000", "-1", "64M@-1", "64Q", "Auto", "auto,64M",
		"8M@0xfffffffffff00000", "1,2,3,4,5,6,7,8,9",
		"99999999999999999999", "64M@99999999999999999999",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct kexec_opts o;
	struct errbuf e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char arg[128];

		err_clear(&e);
		snprintf(arg, sizeof(arg), "--kho-scratch=%s", bad[i]);
		if (PARSE(&o, &e, "-l", "--kho-fdt=f", arg, "bz") >= 0)
			fail_msg("--kho-scratch '%s' accepted", bad[i]);
		assert_non_null(strstr(e.msg, "--kho-scratch"));
		free_options(&o);
	}
}

static void kho_scratch_given_twice_rejected(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--kho-fdt=f", "--kho-scratch=64M",
			       "--kho-scratch=auto", "bz"), -EINVAL);
	assert_non_null(strstr(e.msg, "twice"));
	free_options(&o);
}

static void checksum_flags(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--checksum", "bz"), 0);
	assert_int_equal(o.checksum, 1);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-l", "--no-checksum", "bz"), 0);
	assert_int_equal(o.checksum, 0);
	free_options(&o);
}

static void dry_run_needs_load(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "--dry-run", "bz"), 0);
	assert_true(o.dry_run);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-u", "--dry-run"), -EINVAL);
	free_options(&o);
}

static void misc_flags_and_debug_count(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-e", "-x", "-y", "-d", "-d"), 0);
	assert_true(o.no_ifdown);
	assert_true(o.no_sync);
	assert_int_equal(o.debug, 2);
	free_options(&o);
}

static void type_dtb_reuse_and_sysroot(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-l", "-t", "bzImage", "--dtb", "d.dtb",
			       "--reuse-cmdline", "--sysroot=/fx", "--dry-run", "bz"), 0);
	assert_string_equal(o.type, "bzImage");
	assert_string_equal(o.dtb, "d.dtb");
	assert_true(o.reuse_cmdline);
	assert_string_equal(o.sysroot, "/fx");
	free_options(&o);
}

static void status_help_version(void **state)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };

	assert_int_equal(PARSE(&o, &e, "-S"), 0);
	assert_int_equal(o.action, ACT_STATUS);
	assert_false(o.status_normal);	/* alone: the crash kernel */
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-l", "-S"), 0);
	assert_int_equal(o.action, ACT_STATUS);
	assert_true(o.status_normal);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-S", "-u"), -EINVAL);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "--help"), 0);
	assert_int_equal(o.action, ACT_HELP);
	free_options(&o);
	assert_int_equal(PARSE(&o, &e, "-v"), 0);
	assert_int_equal(o.action, ACT_VERSION);
	free_options(&o);
}

static void errbuf_keeps_first_error_and_prefixes(void **state)
{
	struct errbuf e = { 0 };

	assert_int_equal(err_set(&e, -EINVAL, "first %d", 1), -EINVAL);
	assert_int_equal(err_set(&e, -ENOMEM, "second"), -ENOMEM);
	assert_string_equal(e.msg, "first 1");
	assert_int_equal(err_prefix(&e, -EINVAL, "file.img"), -EINVAL);
	assert_string_equal(e.msg, "file.img: first 1");
	err_append(&e, " (%s)", "more");
	assert_string_equal(e.msg, "file.img: first 1 (more)");
	err_clear(&e);
	err_append(&e, "ignored");
	assert_string_equal(e.msg, "");
	assert_string_equal(err_str(&e, -ENOENT), strerror(ENOENT));
	assert_int_equal(err_set(NULL, -EIO, "x"), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_with_initrd_and_append),
		cmocka_unit_test(repeated_append_joins_with_space),
		cmocka_unit_test(ramdisk_is_initrd_alias),
		cmocka_unit_test(exec_alone),
		cmocka_unit_test(kernel_without_action_loads_and_execs),
		cmocka_unit_test(nothing_to_do_is_an_error),
		cmocka_unit_test(conflicting_actions_rejected),
		cmocka_unit_test(conflicting_syscalls_rejected),
		cmocka_unit_test(syscall_flags),
		cmocka_unit_test(unknown_option_named),
		cmocka_unit_test(unknown_short_option_named_in_a_cluster),
		cmocka_unit_test(missing_argument_named),
		cmocka_unit_test(load_without_kernel_rejected),
		cmocka_unit_test(kernel_with_exec_rejected),
		cmocka_unit_test(two_kernels_rejected),
		cmocka_unit_test(mem_limits_parsed_with_suffixes),
		cmocka_unit_test(mem_min_above_max_rejected),
		cmocka_unit_test(mem_max_zero_rejected),
		cmocka_unit_test(sysroot_needs_dry_run),
		cmocka_unit_test(bad_number_rejected),
		cmocka_unit_test(parse_u64_edges),
		cmocka_unit_test(kho_flags),
		cmocka_unit_test(kho_and_no_kho_conflict),
		cmocka_unit_test(kho_fdt_with_no_kho_rejected),
		cmocka_unit_test(kho_fdt_with_file_syscall_rejected),
		cmocka_unit_test(kho_blob_needs_name_and_file),
		cmocka_unit_test(too_many_kho_blobs),
		cmocka_unit_test(kho_scratch_entries_parsed_in_order),
		cmocka_unit_test(kho_scratch_needs_kho_fdt_and_kexec_load),
		cmocka_unit_test(kho_scratch_hostile_syntax_rejected),
		cmocka_unit_test(kho_scratch_given_twice_rejected),
		cmocka_unit_test(checksum_flags),
		cmocka_unit_test(dry_run_needs_load),
		cmocka_unit_test(misc_flags_and_debug_count),
		cmocka_unit_test(type_dtb_reuse_and_sysroot),
		cmocka_unit_test(status_help_version),
		cmocka_unit_test(errbuf_keeps_first_error_and_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
