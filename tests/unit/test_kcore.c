// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/kcore and /proc/kallsyms readers, against generated fake roots. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "errbuf.h"
#include "kallsyms.h"
#include "kcore.h"
#include "kho_fixture.h"

static int root_setup(void **state)
{
	*state = fx_root();
	return 0;
}

static int root_teardown(void **state)
{
	fx_rm_root(*state);
	return 0;
}

static const struct fx_kcore plain = { .kho_out_value = FX_FDT_VA };

/* ---- kcore ---- */

static void kcore_reads_bytes_at_a_virtual_address(void **state)
{
	struct errbuf e = { 0 };
	struct kcore k;
	uint8_t page[16] = "kho page bytes!";
	struct fx_kcore fk = plain;
	uint64_t v = 0;
	uint8_t got[16];

	fk.fdt_page = page;
	fk.fdt_page_len = sizeof(page);
	fx_write_kcore(*state, &fk);
	assert_int_equal(kcore_open(&k, *state, &e), 0);
	assert_int_equal(k.nr, 3);
	assert_int_equal(kcore_read(&k, FX_KHO_OUT_VA, &v, 8, &e), 0);
	assert_int_equal(v, FX_FDT_VA);
	assert_int_equal(kcore_read(&k, FX_FDT_VA, got, sizeof(got), &e), 0);
	assert_memory_equal(got, page, sizeof(page));
	kcore_close(&k);
}

static void kcore_translates_direct_map_and_text_to_physical(void **state)
{
	struct errbuf e = { 0 };
	struct kcore k;
	uint64_t pa = 0;

	fx_write_kcore(*state, &plain);
	assert_int_equal(kcore_open(&k, *state, &e), 0);
	assert_int_equal(kcore_virt_to_phys(&k, FX_FDT_VA, &pa, &e), 0);
	assert_int_equal(pa, FX_FDT_PA);
	assert_int_equal(kcore_virt_to_phys(&k, FX_KHO_OUT_VA, &pa, &e), 0);
	assert_int_equal(pa, FX_TEXT_PA + 0x1100);
	kcore_close(&k);
}

static void kcore_refuses_physical_address_of_vmalloc(void **state)
{
	struct errbuf e = { 0 };
	struct kcore k;
	uint64_t pa = 0;

	fx_write_kcore(*state, &plain);
	assert_int_equal(kcore_open(&k, *state, &e), 0);
	assert_int_equal(kcore_virt_to_phys(&k, FX_VMALLOC_VA + 8, &pa, &e),
			 -EADDRNOTAVAIL);
	assert_non_null(strstr(e.msg, "without a physical address"));
	err_clear(&e);
	assert_int_equal(kcore_virt_to_phys(&k, 0xffffea0000000000ULL, &pa,
					    &e), -EFAULT);
	kcore_close(&k);
}

static void kcore_rejects_truncated_elf_header(void **state)
{
	struct errbuf e = { 0 };
	struct fx_kcore fk = plain;
	struct kcore k;

	fk.truncate_at = 40;
	fx_write_kcore(*state, &fk);
	assert_int_equal(kcore_open(&k, *state, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "too short"));
	assert_int_equal(k.fd, -1);
}

static void kcore_rejects_truncated_program_headers(void **state)
{
	struct errbuf e = { 0 };
	struct fx_kcore fk = plain;
	struct kcore k;

	fk.truncate_at = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) + 5;
	fx_write_kcore(*state, &fk);
	assert_int_equal(kcore_open(&k, *state, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "program headers"));
}

static void kcore_rejects_bad_program_header_counts(void **state)
{
	static const int bad[] = { 0, PN_XNUM, KCORE_MAX_PHDRS + 1 };
	struct fx_kcore fk = plain;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct errbuf e = { 0 };
		struct kcore k;

		fk.phnum_override = bad[i] ? bad[i] : -1;
		fx_write_kcore(*state, &fk);
		assert_int_equal(kcore_open(&k, *state, &e), -ENOEXEC);
		assert_non_null(strstr(e.msg, "program header count"));
	}
}

static void kcore_rejects_a_file_that_is_not_elf64_core(void **state)
{
	struct errbuf e = { 0 };
	struct kcore k;
	char junk[128];

	memset(junk, 'x', sizeof(junk));
	fx_put(*state, "proc/kcore", junk, sizeof(junk));
	assert_int_equal(kcore_open(&k, *state, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "not an ELF"));
}

static void kcore_read_fails_when_no_segment_covers_the_range(void **state)
{
	struct errbuf e = { 0 };
	struct kcore k;
	uint8_t b[16];

	fx_write_kcore(*state, &plain);
	assert_int_equal(kcore_open(&k, *state, &e), 0);
	assert_int_equal(kcore_read(&k, 0xffff888100000000ULL, b, 8, &e),
			 -EFAULT);
	err_clear(&e);
	/* Starts inside the text segment, runs past its end. */
	assert_int_equal(kcore_read(&k, FX_TEXT_VA + FX_TEXT_SIZE - 8, b, 16,
				    &e), -EFAULT);
	err_clear(&e);
	/* va + n wraps around. */
	assert_int_equal(kcore_read(&k, UINT64_MAX - 4, b, 16, &e), -EFAULT);
	kcore_close(&k);
}

static void kcore_read_fails_past_end_of_file(void **state)
{
	struct errbuf e = { 0 };
	struct fx_kcore fk = plain;
	struct kcore k;
	uint8_t b[8];

	/* Headers intact; data stops inside the text segment. */
	fk.truncate_at = 0x1000 + 0x800;
	fx_write_kcore(*state, &fk);
	assert_int_equal(kcore_open(&k, *state, &e), 0);
	assert_int_equal(kcore_read(&k, FX_KHO_OUT_VA, b, 8, &e), -EIO);
	assert_non_null(strstr(e.msg, "ends before"));
	kcore_close(&k);
}

static void kcore_rejects_wrapping_segment(void **state)
{
	struct errbuf e = { 0 };
	struct kcore k;
	Elf64_Phdr ph;
	int fd;
	char path[512];

	fx_write_kcore(*state, &plain);
	snprintf(path, sizeof(path), "%s/proc/kcore", (char *)*state);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	/* Second PT_LOAD: make vaddr + memsz wrap. */
	assert_int_equal(pread(fd, &ph, sizeof(ph), sizeof(Elf64_Ehdr) +
			       2 * sizeof(ph)), sizeof(ph));
	ph.p_memsz = ph.p_filesz = UINT64_MAX - ph.p_vaddr + 2;
	assert_int_equal(pwrite(fd, &ph, sizeof(ph), sizeof(Elf64_Ehdr) +
				2 * sizeof(ph)), sizeof(ph));
	close(fd);
	assert_int_equal(kcore_open(&k, *state, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "wraps"));
}

static void kcore_missing_file_says_why(void **state)
{
	struct errbuf e = { 0 };
	struct kcore k;

	assert_int_equal(kcore_open(&k, *state, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "CONFIG_PROC_KCORE"));
}

/* ---- kallsyms ---- */

static void kallsyms_finds_a_data_symbol(void **state)
{
	struct errbuf e = { 0 };
	uint64_t a = 0;

	fx_puts(*state, "proc/kallsyms",
		"ffffffff81000000 T _text\n"
		"ffffffff82a3b4c0 d kho_out\n"
		"ffffffff82a3b600 b kho_in\n");
	assert_int_equal(kallsyms_lookup(*state, "kho_out", "dDbB", &a, &e),
			 0);
	assert_int_equal(a, 0xffffffff82a3b4c0ULL);
}

static void kallsyms_absent_symbol_is_enoent(void **state)
{
	struct errbuf e = { 0 };
	uint64_t a = 0;

	fx_puts(*state, "proc/kallsyms",
		"ffffffff81000000 T _text\nffffffff82000000 d kho_outer\n");
	assert_int_equal(kallsyms_lookup(*state, "kho_out", "dDbB", &a, &e),
			 -ENOENT);
	assert_non_null(strstr(e.msg, "CONFIG_KALLSYMS_ALL"));
}

static void kallsyms_zero_addresses_mean_not_root(void **state)
{
	struct errbuf e = { 0 };
	uint64_t a = 1;

	fx_puts(*state, "proc/kallsyms",
		"0000000000000000 T _text\n0000000000000000 d kho_out\n");
	assert_int_equal(kallsyms_lookup(*state, "kho_out", "dDbB", &a, &e),
			 -EPERM);
	assert_non_null(strstr(e.msg, "kptr_restrict"));
	assert_int_equal(a, 1);
}

static void kallsyms_skips_garbage_and_overlong_lines(void **state)
{
	struct errbuf e = { 0 };
	size_t n = 200000, i;
	uint64_t a = 0;
	char *text;

	text = malloc(n + 256);
	assert_non_null(text);
	/* An overlong line that ends in the right text must not match. */
	for (i = 0; i < n; i++)
		text[i] = 'f';
	strcpy(text + n, " d kho_out\n"
	       "garbage\n\n  \n"
	       "ffffffff8zzzzzzz d kho_out\n"
	       "ffffffff8100000000 d kho_out\n"
	       "ffffffff81000000 dd kho_out\n"
	       "ffffffff82a3b4c0 d kho_out");	/* last line: no newline */
	fx_puts(*state, "proc/kallsyms", text);
	free(text);
	assert_int_equal(kallsyms_lookup(*state, "kho_out", "dDbB", &a, &e),
			 0);
	assert_int_equal(a, 0xffffffff82a3b4c0ULL);
}

static void kallsyms_finds_symbol_across_read_chunks(void **state)
{
	const char *line = "ffffffff81000000 t some_function_name\n";
	size_t ll = strlen(line), n = 3000, i;
	uint64_t a = 0;
	struct errbuf e = { 0 };
	char *text = malloc(ll * n + 64);

	assert_non_null(text);
	for (i = 0; i < n; i++)
		memcpy(text + i * ll, line, ll);
	strcpy(text + ll * n, "ffffffff82a3b4c0 B kho_out\n");
	fx_puts(*state, "proc/kallsyms", text);
	free(text);
	assert_int_equal(kallsyms_lookup(*state, "kho_out", "dDbB", &a, &e),
			 0);
	assert_int_equal(a, 0xffffffff82a3b4c0ULL);
}

static void kallsyms_ignores_wrong_types_and_modules(void **state)
{
	struct errbuf e = { 0 };
	uint64_t a = 0;

	fx_puts(*state, "proc/kallsyms",
		"ffffffff81000100 t kho_out\n"
		"ffffffffc0001000 d kho_out\t[some_mod]\n");
	assert_int_equal(kallsyms_lookup(*state, "kho_out", "dDbB", &a, &e),
			 -ENOENT);
}

static void kallsyms_two_addresses_are_ambiguous(void **state)
{
	struct errbuf e = { 0 };
	uint64_t a = 0;

	fx_puts(*state, "proc/kallsyms",
		"ffffffff82a3b4c0 d kho_out\nffffffff82a3c000 b kho_out\n");
	assert_int_equal(kallsyms_lookup(*state, "kho_out", "dDbB", &a, &e),
			 -ENOTUNIQ);
}

static void kallsyms_parse_line_accepts_only_the_kernel_format(void **state)
{
	static const char *bad[] = {
		"", "ffff", "ffff d", "ffff d ", " ffff d x", "ffff  d x",
		"ffff d x\t", "ffff d x\t[m", "ffff d x y",
		"00000000000000000 d x",
	};
	const char *sym;
	size_t sl, i;
	uint64_t a;
	char t;
	int mod;

	(void)state;
	assert_int_equal(kallsyms_parse_line("ffff d x\t[m]", 12, &a, &t, &sym,
					     &sl, &mod), 0);
	assert_int_equal(a, 0xffff);
	assert_int_equal(t, 'd');
	assert_int_equal(sl, 1);
	assert_int_equal(mod, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kallsyms_parse_line(bad[i], strlen(bad[i]),
						     &a, &t, &sym, &sl, &mod),
				 -EINVAL);
}

/* An endless kallsyms (here /dev/zero) stops at KALLSYMS_MAX, named. */
static void kallsyms_endless_file_stops_at_its_bound(void **state)
{
	struct errbuf e = { 0 };
	uint64_t a = 0;
	int fd = open("/dev/zero", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(kallsyms_lookup_fd(fd, "/proc/kallsyms", "kho_out",
					    "dDbB", &a, &e), -EFBIG);
	close(fd);
	assert_non_null(strstr(e.msg, "/proc/kallsyms goes on past 256 MiB"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, root_setup, root_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(kcore_reads_bytes_at_a_virtual_address),
		T(kcore_translates_direct_map_and_text_to_physical),
		T(kcore_refuses_physical_address_of_vmalloc),
		T(kcore_rejects_truncated_elf_header),
		T(kcore_rejects_truncated_program_headers),
		T(kcore_rejects_bad_program_header_counts),
		T(kcore_rejects_a_file_that_is_not_elf64_core),
		T(kcore_read_fails_when_no_segment_covers_the_range),
		T(kcore_read_fails_past_end_of_file),
		T(kcore_rejects_wrapping_segment),
		T(kcore_missing_file_says_why),
		T(kallsyms_finds_a_data_symbol),
		T(kallsyms_absent_symbol_is_enoent),
		T(kallsyms_zero_addresses_mean_not_root),
		T(kallsyms_skips_garbage_and_overlong_lines),
		T(kallsyms_finds_symbol_across_read_chunks),
		T(kallsyms_ignores_wrong_types_and_modules),
		T(kallsyms_two_addresses_are_ambiguous),
		T(kallsyms_parse_line_accepts_only_the_kernel_format),
		T(kallsyms_endless_file_stops_at_its_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
