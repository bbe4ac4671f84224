/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_UTIL_H
#define KEXEC_UTIL_H

/*
 * The small helpers every part needs once: checked alignment, hex
 * numbers as the kernel prints them, whole reads and writes that outlast
 * signals, and random bytes. No state; errors are negative errnos, and
 * only the file readers explain theirs in an errbuf.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct errbuf;

static inline bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* @x rounded up to @align (a power of two); false when that wraps. */
static inline bool align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	uint64_t rem = x & (align - 1);

	if (!rem) {
		*out = x;
		return true;
	}
	if (x > UINT64_MAX - (align - rem))
		return false;
	*out = x + (align - rem);
	return true;
}

/* The value of hex digit @c (either case), or -1. */
int hex_digit(int c);

/*
 * Hex digits at *s, no prefix: at least one, leading zeros fine. On
 * success *s points past the last digit. Errors: -EINVAL (no digit),
 * -ERANGE (more than 64 bits).
 */
int hex_parse_u64(const char **s, uint64_t *v);

/*
 * "0x<hex>" lines as the kernel's seq_printf("0x%llx\n") and sysfs
 * write them (the last newline optional), at most @max of them, into a
 * malloc()ed array (NULL and 0 on failure). @what names the input in
 * messages. Errors: -ENODATA (empty), -E2BIG (more than @max lines),
 * -EBADMSG (a line that is not one such number), -ENOMEM.
 */
int hex_parse_lines(const char *buf, size_t len, const char *what,
		    size_t max, uint64_t **vals, size_t *nr, struct errbuf *e);

/*
 * fsroot_read() of a file that may be missing: -ENOENT with @e
 * untouched when it is, other failures explained in @e.
 */
int read_optional(const char *root, const char *path, size_t max,
		  char **buf, size_t *len, struct errbuf *e);

/*
 * A file under @root of hex_parse_lines() lines: @vals as there.
 * Errors: those of fsroot_read() and hex_parse_lines().
 * read_hex_value() wants exactly one line: -EINVAL for anything else,
 * -ENOENT with @e untouched for a missing file (an optional value).
 */
int read_hex_file(const char *root, const char *path, size_t max,
		  uint64_t **vals, size_t *nr, struct errbuf *e);
int read_hex_value(const char *root, const char *path, uint64_t *v,
		   struct errbuf *e);

/*
 * read(2)/pread(2) until @len bytes or end of file, retrying EINTR: the
 * bytes read (short only at end of file), or -errno.
 */
ssize_t read_full(int fd, void *buf, size_t len);
ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off);

/* write(2) all @len bytes, retrying EINTR: 0 or -errno. */
int write_full(int fd, const void *buf, size_t len);

/*
 * @len random bytes for the next kernel's seeds, from getrandom(2)
 * without GRND_NONBLOCK: a seed is only worth handing over if it is
 * random, and after early boot (when kexec runs) the pool is ready and
 * the call never waits; before it, waiting beats booting the next
 * kernel with no KASLR and no RNG seed. Errors: -errno of getrandom().
 */
int random_fill(void *buf, size_t len);

#endif
