// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared helpers (kexec/util.c). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "errbuf.h"
#include "util.h"

static void align_up_rounds_and_refuses_to_wrap(void **state)
{
	uint64_t v = 1;

	(void)state;
	assert_true(align_up(0, 4096, &v));
	assert_int_equal(v, 0);
	assert_true(align_up(1, 4096, &v));
	assert_int_equal(v, 4096);
	assert_true(align_up(4096, 4096, &v));
	assert_int_equal(v, 4096);
	/* Aligned already: fine at the very top. */
	assert_true(align_up(0xfffffffffffff000ULL, 4096, &v));
	assert_int_equal(v, 0xfffffffffffff000ULL);
	v = 7;
	assert_false(align_up(0xfffffffffffff001ULL, 4096, &v));
	assert_int_equal(v, 7);
	assert_false(is_pow2(0));
	assert_true(is_pow2(1));
	assert_true(is_pow2(1ULL << 63));
	assert_false(is_pow2(6));
}

static void hex_digits_parse_and_stop(void **state)
{
	const char *s = "00ffFF10 rest", *t;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(hex_digit('0'), 0);
	assert_int_equal(hex_digit('a'), 10);
	assert_int_equal(hex_digit('F'), 15);
	assert_int_equal(hex_digit('g'), -1);
	assert_int_equal(hex_digit('x'), -1);
	assert_int_equal(hex_parse_u64(&s, &v), 0);
	assert_int_equal(v, 0xffff10);
	assert_string_equal(s, " rest");
	t = "zz";
	assert_int_equal(hex_parse_u64(&t, &v), -EINVAL);
	assert_string_equal(t, "zz");
	t = "10000000000000000";
	assert_int_equal(hex_parse_u64(&t, &v), -ERANGE);
	/* Leading zeros do not count against the 64 bits. */
	t = "0000ffffffffffffffff";
	assert_int_equal(hex_parse_u64(&t, &v), 0);
	assert_int_equal(v, UINT64_MAX);
}

static void hex_lines_are_the_kernels_format_only(void **state)
{
	/* Input, then what the error says; -EBADMSG unless noted. */
	static const char *const bad[][2] = {
		{ "", "is empty" },
		{ "0x1\n\n", "line 2 is not" },
		{ "0x\n", "line 1 is not" },
		{ "12\n", "line 1 is not" },
		{ "0x1 \n", "line 1 is not" },
		{ "0x1\n0X2\n", "line 2 is not" },
		{ "0x1\n0x2\n0x3\n0x4\n", "more than 3" },
		{ "0x10000000000000000\n", "line 1 is not" },
	};
	int want;
	struct errbuf e = { 0 };
	uint64_t *v = NULL;
	size_t nr = 9, i;
	const char *ok = "0x0\n0xfffffffffffff000\n0x1";

	(void)state;
	assert_int_equal(hex_parse_lines(ok, strlen(ok), "t", 3, &v, &nr, &e), 0);
	assert_int_equal(nr, 3);
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], 0xfffffffffffff000ULL);
	assert_int_equal(v[2], 1);
	free(v);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		v = (uint64_t *)&nr;
		want = !*bad[i][0] ? -ENODATA :
		       strstr(bad[i][1], "more") ? -E2BIG : -EBADMSG;
		if (hex_parse_lines(bad[i][0], strlen(bad[i][0]), "t", 3, &v,
				    &nr, &e) != want || !strstr(e.msg, bad[i][1]))
			fail_msg("\"%s\": \"%s\"", bad[i][0], e.msg);
		assert_null(v);
		assert_int_equal(nr, 0);
	}
}

static char *tmp_root(void)
{
	char *d = strdup("/tmp/kk-util-XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static void put(const char *root, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void hex_value_is_one_line_or_missing(void **state)
{
	static const char *const names[] = { "one", "two", "word" };
	struct errbuf e = { 0 };
	size_t i;
	char *root = tmp_root();
	char path[PATH_MAX];
	uint64_t v = 0;

	(void)state;
	assert_int_equal(read_hex_value(root, "/none", &v, &e), -ENOENT);
	assert_int_equal(e.err, 0);	/* missing is for the caller to judge */
	put(root, "one", "0x7f9ee098\n");
	assert_int_equal(read_hex_value(root, "/one", &v, &e), 0);
	assert_int_equal(v, 0x7f9ee098);
	put(root, "two", "0x1\n0x2\n");
	assert_int_equal(read_hex_value(root, "/two", &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/two: not a hexadecimal number"));
	put(root, "word", "three\n");
	assert_int_equal(read_hex_value(root, "/word", &v, &e), -EINVAL);
	/* A list file that is missing is an error the reader explains. */
	err_clear(&e);
	{
		uint64_t *vals;
		size_t nr;

		assert_int_equal(read_hex_file(root, "/none", 4, &vals, &nr, &e),
				 -ENOENT);
		assert_true(e.err != 0);
	}
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		unlink(path);
	}
	rmdir(root);
	free(root);
}

static void random_fill_fills(void **state)
{
	uint8_t a[64] = { 0 }, b[64] = { 0 }, zero[64] = { 0 };

	(void)state;
	assert_int_equal(random_fill(a, sizeof(a)), 0);
	assert_int_equal(random_fill(b, sizeof(b)), 0);
	/* 2^-512 to fail by chance. */
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_memory_not_equal(a, b, sizeof(a));
}

static void full_reads_and_writes_outlast_short_transfers(void **state)
{
	char in[3000], out[4000];
	int fd[2];
	pid_t pid;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 13);
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* Three writes with pauses: the reader sees short reads. */
		close(fd[0]);
		for (i = 0; i < 3; i++) {
			if (write_full(fd[1], in + i * 1000, 1000))
				_exit(1);
			usleep(20000);
		}
		_exit(0);
	}
	close(fd[1]);
	assert_int_equal(read_full(fd[0], out, sizeof(out)), sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(read_full(fd[0], out, sizeof(out)), 0);
	close(fd[0]);
	assert_int_equal(read_full(-1, out, 1), -EBADF);
	assert_int_equal(write_full(-1, out, 1), -EBADF);
}

static void pread_full_reads_at_an_offset(void **state)
{
	char *root = tmp_root(), path[PATH_MAX], buf[8] = { 0 };
	int fd;

	(void)state;
	put(root, "f", "0123456789");
	snprintf(path, sizeof(path), "%s/f", root);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread_full(fd, buf, 4, 3), 4);
	assert_memory_equal(buf, "3456", 4);
	/* Short only at the end of the file. */
	assert_int_equal(pread_full(fd, buf, 8, 7), 3);
	close(fd);
	unlink(path);
	rmdir(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(align_up_rounds_and_refuses_to_wrap),
		cmocka_unit_test(hex_digits_parse_and_stop),
		cmocka_unit_test(hex_lines_are_the_kernels_format_only),
		cmocka_unit_test(hex_value_is_one_line_or_missing),
		cmocka_unit_test(full_reads_and_writes_outlast_short_transfers),
		cmocka_unit_test(pread_full_reads_at_an_offset),
		cmocka_unit_test(random_fill_fills),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
