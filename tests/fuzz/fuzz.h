/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_FUZZ_H
#define KEXEC_KHO_FUZZ_H
/*
 * Fuzz targets: each file defines LLVMFuzzerTestOneInput(), linked either
 * with libFuzzer (./configure --enable-fuzzing CC=clang) or with replay.c,
 * which feeds it a committed corpus under make check.
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A private directory that lives until the process exits, for parsers
 * that only read files below a sysroot. Aborts if it cannot be made:
 * a target that cannot build its input must not pass on nothing.
 */
const char *fuzz_root(void);

/* Write @len bytes to <fuzz_root()>/@rel, making its directories. */
void fuzz_write(const char *rel, const void *data, size_t len);

/* Remove <fuzz_root()>/@rel and everything below it, if it exists. */
void fuzz_rmtree(const char *rel);

/*
 * Split @data at NUL bytes into at most @max NUL-terminated pieces in
 * malloc'd storage (*pieces[i] point into *store). Returns the count.
 */
size_t fuzz_split(const uint8_t *data, size_t size, char ***pieces,
		  char **store, size_t max);

/* A NUL-terminated malloc'd copy of @data. */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
