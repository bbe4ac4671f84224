/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PURGATORY_SHA256_H
#define PURGATORY_SHA256_H

/* One SHA-256 (FIPS 180-4) for the loader and the freestanding purgatory. */
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t block[64];
	size_t fill;
};

/* The 64 round constants. */
extern const uint32_t sha256_k[64];

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

#endif
