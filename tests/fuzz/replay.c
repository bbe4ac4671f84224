// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay driver for make check: feeds every file of a corpus to the
 * target's LLVMFuzzerTestOneInput() without libFuzzer, so gcc builds run
 * each target over its seeds and regression inputs. A crash or abort
 * kills the process, which the TAP driver reports as a failure.
 *
 *   fuzz_NAME [FILE|DIR]...   default: $FUZZ_CORPUS/NAME, else the
 *                             source tree's tests/fuzz/corpus/NAME
 *
 * One TAP test per target: "ok 1 - NAME: N inputs".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* The largest corpus file replayed: seeds are small by policy. */
#define REPLAY_MAX (4U << 20)

static int read_all(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (st.st_size > REPLAY_MAX) {
		ret = -EFBIG;
		goto out;
	}
	/* A zero-length input is a real case; malloc(0) may return NULL. */
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n ? -errno : -EIO;
			free(*buf);
			goto out;
		}
		got += (size_t)n;
	}
	*len = got;
out:
	close(fd);
	return ret;
}

static int replay_file(const char *path, size_t *count)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	ret = read_all(path, &buf, &len);
	if (ret) {
		printf("# cannot read %s: %s\n", path, strerror(-ret));
		return ret;
	}
	/* Named before it runs: a crash leaves this as the last line. */
	printf("# %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*count)++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, size_t *count)
{
	char **names = NULL, path[PATH_MAX];
	size_t nr = 0, i;
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		printf("# cannot open %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		char **n;

		if (de->d_name[0] == '.')
			continue;
		n = realloc(names, (nr + 1) * sizeof(*names));
		if (!n || !(n[nr] = strdup(de->d_name)))
			abort();
		names = n;
		nr++;
	}
	closedir(d);
	/* Sorted, so a failing log reads the same on every run. */
	qsort(names, nr, sizeof(*names), name_cmp);
	for (i = 0; i < nr; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!ret)
			ret = replay_file(path, count);
		free(names[i]);
	}
	free(names);
	return ret;
}

static int replay(const char *path, size_t *count)
{
	struct stat st;

	if (stat(path, &st)) {
		printf("# cannot stat %s: %s\n", path, strerror(errno));
		return -errno;
	}
	return S_ISDIR(st.st_mode) ? replay_dir(path, count) :
				     replay_file(path, count);
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const char *corpus = getenv("FUZZ_CORPUS");
	char name[128], dflt[PATH_MAX];
	size_t count = 0;
	int i, ret = 0;

#ifdef FUZZ_CORPUS_DIR
	if (!corpus || !corpus[0])
		corpus = FUZZ_CORPUS_DIR;
#endif
	base = base ? base + 1 : argv[0];
	/* libtool-free builds: the binary is fuzz_NAME, its corpus NAME. */
	if (!strncmp(base, "fuzz_", 5))
		base += 5;
	snprintf(name, sizeof(name), "%s", base);
	printf("1..1\n");
	if (argc > 1) {
		for (i = 1; i < argc && !ret; i++)
			ret = replay(argv[i], &count);
	} else if (corpus) {
		snprintf(dflt, sizeof(dflt), "%s/%s", corpus, name);
		ret = replay(dflt, &count);
	} else {
		printf("# give corpus files or directories, or set FUZZ_CORPUS\n");
		ret = -EINVAL;
	}
	/* An empty corpus proves nothing. */
	if (!ret && !count) {
		printf("# no inputs found\n");
		ret = -ENOENT;
	}
	printf("%sok 1 - %s: %zu inputs replayed\n", ret ? "not " : "", name,
	       count);
	return ret ? 1 : 0;
}
