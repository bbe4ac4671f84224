// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "errbuf.h"
#include "fsroot.h"

/* A scratch root per test, removed afterwards. */
struct tmp {
	char dir[64];
};

static void rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/test_fsroot.XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;

	rm_rf(t->dir);
	free(t);
	return 0;
}

/* Write @len bytes of @data to root/rel, creating parent dirs. */
static void put(const char *root, const char *rel, const void *data,
		size_t len)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void path_joins_root_and_absolute_path(void **state)
{
	char out[64];

	assert_int_equal(fsroot_path("/fix/q35", "/proc/iomem", out,
				     sizeof(out)), 0);
	assert_string_equal(out, "/fix/q35/proc/iomem");
	/* A trailing slash on the root does not double up. */
	assert_int_equal(fsroot_path("/fix/q35//", "/proc/iomem", out,
				     sizeof(out)), 0);
	assert_string_equal(out, "/fix/q35/proc/iomem");
}

static void path_under_slash_or_null_root_is_unchanged(void **state)
{
	char out[64];

	assert_int_equal(fsroot_path("/", "/sys/firmware/memmap", out,
				     sizeof(out)), 0);
	assert_string_equal(out, "/sys/firmware/memmap");
	assert_int_equal(fsroot_path(NULL, "/proc/iomem", out, sizeof(out)), 0);
	assert_string_equal(out, "/proc/iomem");
}

static void path_rejects_dotdot_components_only(void **state)
{
	char out[64];

	assert_int_equal(fsroot_path("/r", "/proc/../etc/shadow", out,
				     sizeof(out)), -EINVAL);
	assert_int_equal(fsroot_path("/r", "/..", out, sizeof(out)), -EINVAL);
	assert_int_equal(fsroot_path("/r", "/a/..", out, sizeof(out)), -EINVAL);
	/* Names that merely contain dots are fine. */
	assert_int_equal(fsroot_path("/r", "/a/..b/.c/...", out,
				     sizeof(out)), 0);
	assert_string_equal(out, "/r/a/..b/.c/...");
}

static void path_rejects_relative_path(void **state)
{
	char out[64];

	assert_int_equal(fsroot_path("/r", "proc/iomem", out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(fsroot_path("/r", "", out, sizeof(out)), -EINVAL);
}

static void path_too_long_is_enametoolong(void **state)
{
	char out[16];

	/* "/root" + "/proc/iomem" + NUL is 17 bytes. */
	assert_int_equal(fsroot_path("/root", "/proc/iomem", out, sizeof(out)),
			 -ENAMETOOLONG);
	assert_int_equal(fsroot_path("/roo", "/proc/iomem", out, sizeof(out)),
			 0);
	assert_string_equal(out, "/roo/proc/iomem");
}

static void read_returns_whole_file_nul_terminated(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	char *buf = NULL;
	size_t len = 0;

	put(t->dir, "/proc/iomem", "00000000-00000fff : Reserved\n", 29);
	assert_int_equal(fsroot_read(t->dir, "/proc/iomem", 4096, &buf, &len,
				     &e), 0);
	assert_int_equal(len, 29);
	assert_string_equal(buf, "00000000-00000fff : Reserved\n");
	free(buf);
}

static void read_goes_past_one_page_to_eof(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	size_t n = 3 * 4096 + 17, i, len = 0;
	char *data = malloc(n), *buf = NULL;

	assert_non_null(data);
	for (i = 0; i < n; i++)
		data[i] = 'a' + i % 26;
	put(t->dir, "/big", data, n);
	assert_int_equal(fsroot_read(t->dir, "/big", n, &buf, &len, &e), 0);
	assert_int_equal(len, n);
	assert_memory_equal(buf, data, n);
	assert_int_equal(buf[n], '\0');
	free(buf);
	free(data);
}

static void read_of_empty_file_gives_empty_string(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	char *buf = NULL;
	size_t len = 99;

	put(t->dir, "/empty", "", 0);
	assert_int_equal(fsroot_read(t->dir, "/empty", 10, &buf, &len, &e), 0);
	assert_int_equal(len, 0);
	assert_non_null(buf);
	assert_string_equal(buf, "");
	free(buf);
}

static void read_past_max_is_efbig_and_exact_max_is_fine(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	char *buf = NULL;
	size_t len;

	put(t->dir, "/f", "0123456789", 10);
	assert_int_equal(fsroot_read(t->dir, "/f", 9, &buf, &len, &e), -EFBIG);
	assert_null(buf);
	assert_non_null(strstr(e.msg, "/f"));
	err_clear(&e);
	assert_int_equal(fsroot_read(t->dir, "/f", 10, &buf, &len, &e), 0);
	assert_int_equal(len, 10);
	free(buf);
}

static void read_missing_file_is_enoent_naming_joined_path(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	char want[PATH_MAX];
	char *buf = NULL;

	assert_int_equal(fsroot_read(t->dir, "/proc/iomem", 4096, &buf, NULL,
				     &e), -ENOENT);
	assert_null(buf);
	assert_int_equal(e.err, -ENOENT);
	snprintf(want, sizeof(want), "%s/proc/iomem", t->dir);
	assert_non_null(strstr(e.msg, want));
}

static void read_unreadable_file_is_eacces(void **state)
{
	struct tmp *t = *state;
	char path[PATH_MAX];
	int status;
	pid_t pid;

	put(t->dir, "/secret", "x", 1);
	snprintf(path, sizeof(path), "%s/secret", t->dir);
	assert_int_equal(chmod(path, 0), 0);
	/* Root reads mode 000 files: drop to nobody in a child to see it fail. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct errbuf e = { 0 };
		char *buf = NULL;
		int ret;

		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(2);
		ret = fsroot_read(t->dir, "/secret", 10, &buf, NULL, &e);
		_exit(ret == -EACCES && !buf && strstr(e.msg, path) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void read_of_directory_fails_naming_it(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	char *buf = NULL;

	put(t->dir, "/sys/x", "1", 1);
	assert_int_equal(fsroot_read(t->dir, "/sys", 10, &buf, NULL, &e),
			 -EISDIR);
	assert_null(buf);
	assert_non_null(strstr(e.msg, "/sys"));
}

static void read_rejects_dotdot_without_touching_disk(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	char *buf = NULL;

	put(t->dir, "/f", "x", 1);
	assert_int_equal(fsroot_read(t->dir, "/sub/../f", 10, &buf, NULL, &e),
			 -EINVAL);
	assert_null(buf);
	assert_non_null(strstr(e.msg, ".."));
}

static void exists_tells_present_from_absent(void **state)
{
	struct tmp *t = *state;

	put(t->dir, "/sys/firmware/memmap/0/start", "0x0\n", 4);
	assert_int_equal(fsroot_exists(t->dir, "/sys/firmware/memmap"), 1);
	assert_int_equal(fsroot_exists(t->dir, "/sys/firmware/memmap/0/start"),
			 1);
	assert_int_equal(fsroot_exists(t->dir, "/sys/kernel"), 0);
	/* A path through a regular file is absent, not an error. */
	assert_int_equal(fsroot_exists(t->dir,
				       "/sys/firmware/memmap/0/start/x"), 0);
	assert_int_equal(fsroot_exists(t->dir, "/sys/../etc"), -EINVAL);
}

static void open_and_opendir_work_under_root(void **state)
{
	struct tmp *t = *state;
	char c = 0;
	DIR *d = NULL;
	int fd;

	put(t->dir, "/a/b", "z", 1);
	fd = fsroot_open(t->dir, "/a/b", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, &c, 1), 1);
	assert_int_equal(c, 'z');
	close(fd);
	assert_int_equal(fsroot_open(t->dir, "/a/none", O_RDONLY), -ENOENT);
	assert_int_equal(fsroot_opendir(t->dir, "/a", &d), 0);
	assert_non_null(d);
	closedir(d);
	assert_int_equal(fsroot_opendir(t->dir, "/none", &d), -ENOENT);
	assert_null(d);
}

static void read_file_reads_a_path_outside_any_root(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	char path[PATH_MAX];
	void *buf = NULL;
	size_t len = 0;

	put(t->dir, "/bzImage", "MZ\0\1", 4);
	snprintf(path, sizeof(path), "%s/bzImage", t->dir);
	assert_int_equal(read_file(path, 1 << 20, &buf, &len, &e), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, "MZ\0\1", 4);
	free(buf);
	assert_int_equal(read_file(path, 3, &buf, &len, &e), -EFBIG);
	assert_null(buf);
	err_clear(&e);
	snprintf(path, sizeof(path), "%s/initrd", t->dir);
	assert_int_equal(read_file(path, 10, &buf, &len, &e), -ENOENT);
	assert_non_null(strstr(e.msg, path));
}

static void map_file_maps_regular_files_read_only(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	struct file_map m;
	char path[PATH_MAX], big[10000];

	memset(big, 0xa5, sizeof(big));
	put(t->dir, "/initrd", big, sizeof(big));
	snprintf(path, sizeof(path), "%s/initrd", t->dir);
	assert_int_equal(map_file(path, 1 << 20, &m, &e), 0);
	assert_non_null(m.mapping);
	assert_null(m.copy);
	assert_ptr_equal(m.data, m.mapping);
	assert_int_equal(m.len, sizeof(big));
	assert_memory_equal(m.data, big, sizeof(big));
	unmap_file(&m);
	assert_null(m.data);
	assert_int_equal(m.len, 0);

	assert_int_equal(map_file(path, sizeof(big) - 1, &m, &e), -EFBIG);
	assert_non_null(strstr(e.msg, path));
	assert_null(m.data);
	err_clear(&e);
	snprintf(path, sizeof(path), "%s/missing", t->dir);
	assert_int_equal(map_file(path, 10, &m, &e), -ENOENT);
	assert_non_null(strstr(e.msg, path));
}

/* What cannot be mapped (empty files, pipes, /proc) is read instead. */
static void map_file_reads_what_cannot_be_mapped(void **state)
{
	struct tmp *t = *state;
	struct errbuf e = { 0 };
	struct file_map m;
	char path[PATH_MAX];

	put(t->dir, "/empty", "", 0);
	snprintf(path, sizeof(path), "%s/empty", t->dir);
	assert_int_equal(map_file(path, 10, &m, &e), 0);
	assert_null(m.mapping);
	assert_int_equal(m.len, 0);
	unmap_file(&m);

	assert_int_equal(map_file("/proc/self/stat", 1 << 20, &m, &e), 0);
	assert_null(m.mapping);
	assert_non_null(m.copy);
	assert_true(m.len > 0);
	assert_memory_equal(m.data, m.copy, m.len);
	unmap_file(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_joins_root_and_absolute_path),
		cmocka_unit_test(path_under_slash_or_null_root_is_unchanged),
		cmocka_unit_test(path_rejects_dotdot_components_only),
		cmocka_unit_test(path_rejects_relative_path),
		cmocka_unit_test(path_too_long_is_enametoolong),
		cmocka_unit_test_setup_teardown(read_returns_whole_file_nul_terminated,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(read_goes_past_one_page_to_eof,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(read_of_empty_file_gives_empty_string,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(read_past_max_is_efbig_and_exact_max_is_fine,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(read_missing_file_is_enoent_naming_joined_path,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(read_unreadable_file_is_eacces,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(read_of_directory_fails_naming_it,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(read_rejects_dotdot_without_touching_disk,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(exists_tells_present_from_absent,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(open_and_opendir_work_under_root,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(read_file_reads_a_path_outside_any_root,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(map_file_maps_regular_files_read_only,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(map_file_reads_what_cannot_be_mapped,
						tmp_setup, tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
