// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The loader's hardware SHA-256 against the FIPS 180-4 vectors and the
 * portable code, every length and alignment around the block and padding
 * edges, and the dispatcher against what the CPU says it has. On a CPU
 * without the instructions only the portable path can be run; then the
 * dispatcher must not pick the hardware one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sha256_hw.h"

static void to_hex(const uint8_t d[SHA256_DIGEST_SIZE], char out[65])
{
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void fill_pattern(uint8_t *p, size_t len)
{
	uint32_t x = 0x9e3779b9;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

/* The CPU flag the kernel shows in /proc/cpuinfo for @impl, or NULL. */
static const char *cpu_flag(const struct sha256_impl *impl)
{
	if (!strcmp(impl->name, "sha-ni"))
		return " sha_ni";
	if (!strcmp(impl->name, "armv8-ce"))
		return " sha2";
	return NULL;
}

static int cpuinfo_has(const char *flag)
{
	char line[8192];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line) - 1, f)) {
		if (strncmp(line, "flags", 5) && strncmp(line, "Features", 8))
			continue;
		line[strcspn(line, "\n")] = ' ';
		strcat(line, " ");
		found = strstr(line, flag) && strstr(line, flag)[strlen(flag)] == ' ';
		break;
	}
	fclose(f);
	return found;
}

static void fips_vectors_every_usable_impl(void **state)
{
	static const struct {
		const char *msg;
		const char *want;
	} v[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	const struct sha256_impl *const *impl;
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[65], *million;
	size_t i;
	int ran = 0;

	million = malloc(1000000);
	assert_non_null(million);
	memset(million, 'a', 1000000);
	for (impl = sha256_impls; *impl; impl++) {
		if (!(*impl)->usable())
			continue;
		ran++;
		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			sha256_with(*impl, v[i].msg, strlen(v[i].msg), d);
			to_hex(d, hex);
			assert_string_equal(hex, v[i].want);
		}
		sha256_with(*impl, million, 1000000, d);
		to_hex(d, hex);
		assert_string_equal(hex,
			"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
	free(million);
	assert_true(ran >= 1);
}

/* Every length to 1100 at four alignments: the tail hand-off and padding. */
static void every_length_and_alignment_matches_generic(void **state)
{
	const struct sha256_impl *const *impl;
	uint8_t *buf, a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];
	size_t len, off;

	buf = malloc(1100 + 4);
	assert_non_null(buf);
	fill_pattern(buf, 1100 + 4);
	for (impl = sha256_impls; *impl; impl++) {
		if (!(*impl)->usable() || !(*impl)->blocks)
			continue;
		for (off = 0; off < 4; off++)
			for (len = 0; len <= 1100; len++) {
				sha256(buf + off, len, a);
				sha256_with(*impl, buf + off, len, b);
				assert_memory_equal(a, b, sizeof(a));
			}
	}
	free(buf);
}

static void dispatcher_picks_what_the_cpu_has(void **state)
{
	const struct sha256_impl *best = sha256_best();
	const struct sha256_impl *const *impl;
	const char *flag;
	int has;

	assert_non_null(best);
	assert_true(best->usable());
	for (impl = sha256_impls; *impl; impl++) {
		flag = cpu_flag(*impl);
		if (!flag)
			continue;
		has = cpuinfo_has(flag);
		if (has < 0)
			continue;	/* no /proc here: nothing to compare with */
		/* The CPU's own report and our probe agree... */
		assert_int_equal(has, (*impl)->usable());
		/* ...and a usable hardware path is the one chosen. */
		if (has)
			assert_string_equal(best->name, (*impl)->name);
	}
	/* The portable code is always there, last. */
	for (impl = sha256_impls; impl[1]; impl++)
		;
	assert_string_equal((*impl)->name, "generic");
}

static void fast_equals_generic_on_big_buffer(void **state)
{
	uint8_t *buf, a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];
	size_t len = (3 << 20) + 17;

	buf = malloc(len);
	assert_non_null(buf);
	fill_pattern(buf, len);
	sha256(buf, len, a);
	sha256_fast(buf, len, b);
	assert_memory_equal(a, b, sizeof(a));
	buf[len / 2] ^= 0x40;
	sha256_fast(buf, len, b);
	assert_memory_not_equal(a, b, sizeof(a));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fips_vectors_every_usable_impl),
		cmocka_unit_test(every_length_and_alignment_matches_generic),
		cmocka_unit_test(dispatcher_picks_what_the_cpu_has),
		cmocka_unit_test(fast_equals_generic_on_big_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
