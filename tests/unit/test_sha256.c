// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256: the FIPS 180-4 / NIST example vectors, the padding edges, and
 * streaming in any chunk sizes giving the one-shot digest. The purgatory
 * runs this same file, so a mistake here means every checksum fails.
 *
 * Then the loader's hardware SHA-256 (kexec/sha256_hw.c) against the same
 * vectors and the portable code, every length and alignment around the
 * block and padding edges, and the dispatcher against what the CPU says
 * it has. On a CPU without the instructions only the portable path can
 * run; then the dispatcher must not pick the hardware one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"
#include "sha256_hw.h"

static void to_hex(const uint8_t d[SHA256_DIGEST_SIZE], char out[65])
{
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void assert_digest(const void *data, size_t len, const char *want)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[65];

	sha256(data, len, d);
	to_hex(d, hex);
	assert_string_equal(hex, want);
}

static void fips_abc(void **state)
{
	assert_digest("abc", 3,
		      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void fips_448_bit_two_block_padding(void **state)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	assert_digest(m, strlen(m),
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void fips_896_bit(void **state)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	assert_digest(m, strlen(m),
		      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void fips_one_million_a(void **state)
{
	const char *want =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	uint8_t chunk[1000], d[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;
	char *all, hex[65];
	int i;

	all = malloc(1000000);
	assert_non_null(all);
	memset(all, 'a', 1000000);
	assert_digest(all, 1000000, want);
	free(all);

	/* The same million bytes through update, 1000 at a time. */
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&c);
	for (i = 0; i < 1000; i++)
		sha256_update(&c, chunk, sizeof(chunk));
	sha256_final(&c, d);
	to_hex(d, hex);
	assert_string_equal(hex, want);
}

static void empty_input(void **state)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;
	char hex[65];

	assert_digest(NULL, 0,
		      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* Zero-length updates add nothing. */
	sha256_init(&c);
	sha256_update(&c, "", 0);
	sha256_update(&c, NULL, 0);
	sha256_final(&c, d);
	to_hex(d, hex);
	assert_string_equal(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/*
 * 55 bytes is the most that leaves room for 0x80 and the length in one
 * block; 56..63 push the length into a second block; 64 fills a block
 * exactly. References from Python's hashlib over n letters 'a'.
 */
static void padding_edges(void **state)
{
	static const struct {
		size_t n;
		const char *want;
	} v[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
		{ 127, "c57e9278af78fa3cab38667bef4ce29d783787a2f731d4e12200270f0c32320a" },
		{ 128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e" },
	};
	char buf[128];
	size_t i;

	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_digest(buf, v[i].n, v[i].want);
}

static void fill_pattern(uint8_t *p, size_t len)
{
	uint32_t x = 0x12345678;
	size_t i;

	/* xorshift: every byte value, no period a block size divides. */
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

static void streaming_odd_chunks_equals_one_shot(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 31, 55, 56, 63, 64, 65, 127, 200 };
	uint8_t data[3001], one[SHA256_DIGEST_SIZE], streamed[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;
	size_t i, off, n;

	fill_pattern(data, sizeof(data));
	sha256(data, sizeof(data), one);

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		sha256_init(&c);
		for (off = 0; off < sizeof(data); off += n) {
			n = chunks[i];
			if (n > sizeof(data) - off)
				n = sizeof(data) - off;
			sha256_update(&c, data + off, n);
		}
		sha256_final(&c, streamed);
		assert_memory_equal(streamed, one, sizeof(one));
	}

	/* Changing sizes within one stream: 1, 2, 3, ... bytes. */
	sha256_init(&c);
	for (off = 0, n = 1; off < sizeof(data); off += n, n++) {
		if (n > sizeof(data) - off)
			n = sizeof(data) - off;
		sha256_update(&c, data + off, n);
	}
	sha256_final(&c, streamed);
	assert_memory_equal(streamed, one, sizeof(one));
}

static void unaligned_input_same_digest(void **state)
{
	uint8_t buf[600], a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];
	size_t shift;

	fill_pattern(buf, 500);
	sha256(buf, 500, a);
	for (shift = 1; shift < 8; shift++) {
		memmove(buf + shift, buf + shift - 1, 500);
		sha256(buf + shift, 500, b);
		assert_memory_equal(a, b, sizeof(a));
	}
}

static void one_bit_changes_digest(void **state)
{
	uint8_t data[256], a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];

	fill_pattern(data, sizeof(data));
	sha256(data, sizeof(data), a);
	data[200] ^= 1;
	sha256(data, sizeof(data), b);
	assert_memory_not_equal(a, b, sizeof(a));
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
		cmocka_unit_test(fips_abc),
		cmocka_unit_test(fips_448_bit_two_block_padding),
		cmocka_unit_test(fips_896_bit),
		cmocka_unit_test(fips_one_million_a),
		cmocka_unit_test(empty_input),
		cmocka_unit_test(padding_edges),
		cmocka_unit_test(streaming_odd_chunks_equals_one_shot),
		cmocka_unit_test(unaligned_input_same_digest),
		cmocka_unit_test(one_bit_changes_digest),
		cmocka_unit_test(fips_vectors_every_usable_impl),
		cmocka_unit_test(every_length_and_alignment_matches_generic),
		cmocka_unit_test(dispatcher_picks_what_the_cpu_has),
		cmocka_unit_test(fast_equals_generic_on_big_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
