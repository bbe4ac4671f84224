// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sha256-speed [MIB [REPS]]: MB/s of every SHA-256 the loader has
 * (kexec/sha256_hw.c) and of the purgatory's build of the portable code,
 * side by side over one buffer in one process. Prints one line per
 * implementation: name, MB/s (best of REPS), ratio to "generic". A
 * benchmark, not a test: it checks only that all digests agree.
 *
 * The purgatory's copy is purgatory/sha256.c compiled with the
 * purgatory's flags under other names (pg_*), see sha256-bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sha256_hw.h"

void pg_sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Best of @reps: the least disturbed run says most about the code. */
static double best_mbs(const struct sha256_impl *impl, const uint8_t *buf,
		       size_t len, int reps, uint8_t out[SHA256_DIGEST_SIZE])
{
	double best = 0, t, mbs;
	int r;

	for (r = 0; r < reps; r++) {
		t = now();
		if (impl)
			sha256_with(impl, buf, len, out);
		else
			pg_sha256(buf, len, out);
		t = now() - t;
		mbs = len / t / 1e6;
		if (mbs > best)
			best = mbs;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
	int reps = argc > 2 ? atoi(argv[2]) : 3;
	const struct sha256_impl *const *impl;
	uint8_t ref[SHA256_DIGEST_SIZE], d[SHA256_DIGEST_SIZE];
	double generic = 0, mbs[16];
	const char *name[16];
	size_t len = mib << 20, i, n = 0;
	uint8_t *buf;
	int bad = 0;

	if (!mib || reps < 1)
		return fprintf(stderr, "usage: sha256-speed [MIB [REPS]]\n"), 2;
	buf = malloc(len);
	if (!buf)
		return perror("malloc"), 1;
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	sha256(buf, len, ref);

	for (impl = sha256_impls; *impl; impl++) {
		if (!(*impl)->usable()) {
			printf("%-10s  not supported by this CPU\n", (*impl)->name);
			continue;
		}
		name[n] = (*impl)->name;
		mbs[n] = best_mbs(*impl, buf, len, reps, d);
		bad |= memcmp(d, ref, sizeof(d)) != 0;
		if (!strcmp(name[n], "generic"))
			generic = mbs[n];
		n++;
	}
	name[n] = "purgatory";
	mbs[n] = best_mbs(NULL, buf, len, reps, d);
	bad |= memcmp(d, ref, sizeof(d)) != 0;
	n++;

	printf("# %zu MiB, best of %d; ratio = MB/s / generic's MB/s\n", mib,
	       reps);
	for (i = 0; i < n; i++)
		printf("%-10s  %8.1f MB/s  %5.2fx\n", name[i], mbs[i],
		       generic ? mbs[i] / generic : 0);
	free(buf);
	if (bad) {
		fprintf(stderr, "sha256-speed: digests disagree\n");
		return 1;
	}
	return 0;
}
