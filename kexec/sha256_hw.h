/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_SHA256_HW_H
#define KEXEC_SHA256_HW_H

/*
 * SHA-256 in the loader at the speed of the CPU's own instructions (x86
 * SHA-NI, the arm64 SHA2 extension) where it has them, else the portable
 * code in purgatory/sha256.c. The purgatory itself keeps the portable
 * code: it runs freestanding, with no SIMD state to use and, on arm64,
 * with the MMU off.
 *
 * Every implementation gives the same digest for the same bytes; only
 * their speed differs. Which one runs is decided per call from what the
 * CPU reports (cpuid, AT_HWCAP), never from the environment.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

struct sha256_impl {
	const char *name;	/* "sha-ni", "armv8-ce", "generic" */
	/* Whether this CPU can run it. */
	bool (*usable)(void);
	/*
	 * Hash @nblocks whole 64-byte blocks at @p into the state @h (the
	 * h[] of struct sha256_ctx). NULL for the portable code, which has
	 * no block entry point of its own.
	 */
	void (*blocks)(uint32_t h[8], const uint8_t *p, size_t nblocks);
};

/* Every implementation built in, fastest first, the portable one last. */
extern const struct sha256_impl *const sha256_impls[];

/* The fastest implementation this CPU can run; never NULL. */
const struct sha256_impl *sha256_best(void);

/* One-shot digest with @impl, which must be usable on this CPU. */
void sha256_with(const struct sha256_impl *impl, const void *data,
		 size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/* One-shot digest with sha256_best(). */
void sha256_fast(const void *data, size_t len,
		 uint8_t out[SHA256_DIGEST_SIZE]);

#endif
