// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the fuzz targets: a scratch sysroot for parsers that
 * read files, and splitting one input into several strings.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* One per process: libFuzzer runs every input in the same process. */
static char root_dir[PATH_MAX];

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path) ? -1 : 0;
}

static void rm_root(void)
{
	if (root_dir[0])
		nftw(root_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fuzz: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

/*
 * tmpfs first: on a disk-backed /tmp the file writes, not the parsers,
 * set the pace (about 50 times slower).
 */
const char *fuzz_root(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *dirs[] = { "/dev/shm", tmp && tmp[0] ? tmp : "/tmp" };
	size_t i;

	if (root_dir[0])
		return root_dir;
	for (i = 0; i < 2; i++) {
		snprintf(root_dir, sizeof(root_dir), "%s/kexec-kho-fuzz.XXXXXX",
			 dirs[i]);
		if (mkdtemp(root_dir))
			break;
	}
	if (i == 2)
		die("cannot create", root_dir);
	atexit(rm_root);
	return root_dir;
}

static void make_parents(char *path)
{
	char *p;

	for (p = path + strlen(fuzz_root()) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			die("cannot create", path);
		*p = '/';
	}
}

void fuzz_write(const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	const char *b = data;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_root(), rel);
	make_parents(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("cannot create", path);
	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", path);
		b += n;
		len -= (size_t)n;
	}
	close(fd);
}

void fuzz_rmtree(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fuzz_root(), rel);
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		die("cannot remove", path);
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

size_t fuzz_split(const uint8_t *data, size_t size, char ***pieces,
		  char **store, size_t max)
{
	char *s = fuzz_strndup(data, size);
	char **v = calloc(max + 1, sizeof(*v));
	size_t n = 0, pos = 0;

	if (!v)
		abort();
	while (n < max && pos <= size) {
		v[n++] = s + pos;
		pos += strlen(s + pos) + 1;
	}
	*pieces = v;
	*store = s;
	return n;
}
