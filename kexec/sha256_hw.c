// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 with the CPU's hash instructions. The loader hashes every
 * segment for --checksum (and crash loads), hundreds of MiB for a large
 * initrd: at the portable code's ~250 MB/s that is seconds, at SHA-NI's
 * ~1.5 GB/s a fraction of one. The instructions are enabled per function
 * (target attributes), so the file builds with any -march and the
 * program still runs on a CPU without them.
 */
#include <string.h>

#include "sha256_hw.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static bool sha_ni_usable(void)
{
	unsigned int a, b, c, d;

	/* SHA (leaf 7 EBX bit 29) plus the SSSE3/SSE4.1 shuffles used here. */
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	if (!(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return b & bit_SHA;
}

/*
 * SHA256RNDS2 works on the state split as ABEF and CDGH, two rounds per
 * instruction taking W+K from the low half of its third operand; the
 * message schedule is kept as four vectors of four words, a ring indexed
 * by round group.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void sha_ni_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
					     0x0405060700010203ULL);
	__m128i abef, cdgh, t, m[4], w, abef0, cdgh0;
	int i;

	t = _mm_loadu_si128((const __m128i *)&h[0]);	/* A B C D */
	cdgh = _mm_loadu_si128((const __m128i *)&h[4]);	/* E F G H */
	t = _mm_shuffle_epi32(t, 0xb1);			/* B A D C */
	cdgh = _mm_shuffle_epi32(cdgh, 0x1b);		/* H G F E */
	abef = _mm_alignr_epi8(t, cdgh, 8);		/* F E B A */
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);		/* H G D C */

	for (; nblocks; nblocks--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		for (i = 0; i < 16; i++) {
			if (i < 4) {
				w = _mm_loadu_si128((const __m128i *)(p + 16 * i));
				m[i] = _mm_shuffle_epi8(w, bswap);
			} else {
				/* W[t-16] + s0(W[t-15]) + W[t-7], then s1(W[t-2]). */
				t = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(m[(i + 3) & 3],
								     m[(i + 2) & 3], 4));
				m[i & 3] = _mm_sha256msg2_epu32(t, m[(i + 3) & 3]);
			}
			w = _mm_add_epi32(m[i & 3],
					  _mm_loadu_si128((const __m128i *)&sha256_k[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, w);
			w = _mm_shuffle_epi32(w, 0x0e);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, w);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	t = _mm_shuffle_epi32(abef, 0x1b);		/* A B E F */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);		/* G H C D */
	abef = _mm_blend_epi16(t, cdgh, 0xf0);		/* A B C D */
	cdgh = _mm_alignr_epi8(cdgh, t, 8);		/* E F G H */
	_mm_storeu_si128((__m128i *)&h[0], abef);
	_mm_storeu_si128((__m128i *)&h[4], cdgh);
}

static const struct sha256_impl sha_ni = {
	.name = "sha-ni",
	.usable = sha_ni_usable,
	.blocks = sha_ni_blocks,
};
#endif

#if defined(__aarch64__)
#include <arm_neon.h>
#include <sys/auxv.h>

#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)	/* arch/arm64/include/uapi/asm/hwcap.h */
#endif

static bool armv8_ce_usable(void)
{
	return getauxval(AT_HWCAP) & HWCAP_SHA2;
}

/*
 * SHA256H/SHA256H2 do four rounds on ABCD and EFGH; SHA256SU0/SU1 extend
 * the schedule four words at a time.
 */
__attribute__((target("+crypto")))
static void armv8_ce_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	uint32x4_t abcd, efgh, abcd0, efgh0, m[4], wk, t;
	int i;

	abcd = vld1q_u32(&h[0]);
	efgh = vld1q_u32(&h[4]);
	for (; nblocks; nblocks--, p += 64) {
		abcd0 = abcd;
		efgh0 = efgh;
		for (i = 0; i < 16; i++) {
			if (i < 4)
				m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
			else
				m[i & 3] = vsha256su1q_u32(vsha256su0q_u32(m[i & 3],
									   m[(i + 1) & 3]),
							   m[(i + 2) & 3], m[(i + 3) & 3]);
			wk = vaddq_u32(m[i & 3], vld1q_u32(&sha256_k[4 * i]));
			t = abcd;
			abcd = vsha256hq_u32(abcd, efgh, wk);
			efgh = vsha256h2q_u32(efgh, t, wk);
		}
		abcd = vaddq_u32(abcd, abcd0);
		efgh = vaddq_u32(efgh, efgh0);
	}
	vst1q_u32(&h[0], abcd);
	vst1q_u32(&h[4], efgh);
}

static const struct sha256_impl armv8_ce = {
	.name = "armv8-ce",
	.usable = armv8_ce_usable,
	.blocks = armv8_ce_blocks,
};
#endif

static bool always(void)
{
	return true;
}

static const struct sha256_impl generic = {
	.name = "generic",
	.usable = always,
	.blocks = NULL,
};

const struct sha256_impl *const sha256_impls[] = {
#if defined(__x86_64__)
	&sha_ni,
#endif
#if defined(__aarch64__)
	&armv8_ce,
#endif
	&generic,
	NULL,
};

const struct sha256_impl *sha256_best(void)
{
	const struct sha256_impl *const *i;

	for (i = sha256_impls; *i; i++)
		if ((*i)->usable())
			return *i;
	return &generic;
}

void sha256_with(const struct sha256_impl *impl, const void *data,
		 size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;
	size_t whole = len / 64;

	if (!impl->blocks) {
		sha256(data, len, out);
		return;
	}
	/* Whole blocks in hardware; the tail and padding in the portable code. */
	sha256_init(&c);
	impl->blocks(c.h, data, whole);
	c.len = whole * 64;
	sha256_update(&c, (const uint8_t *)data + whole * 64, len % 64);
	sha256_final(&c, out);
}

void sha256_fast(const void *data, size_t len,
		 uint8_t out[SHA256_DIGEST_SIZE])
{
	sha256_with(sha256_best(), data, len, out);
}
