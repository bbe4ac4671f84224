/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_FSROOT_H
#define KEXEC_FSROOT_H

#include <stddef.h>

struct errbuf;

/*
 * Every /proc, /sys and /run path the loader reads goes through here,
 * relative to a root directory ("/" normally). Unit tests point the root
 * at a fixture tree (option --sysroot, or KEXEC_KHO_SYSROOT), so they need
 * neither root privileges nor a particular kernel.
 */

/* Join root and an absolute path into out; -ENAMETOOLONG if it won't fit. */
int fsroot_path(const char *root, const char *path, char *out, size_t size);

int fsroot_open(const char *root, const char *path, int flags);

/*
 * Read a whole file of at most @max bytes into a NUL-terminated malloc'd
 * buffer. Files under /proc and /sys report a size of 0 or 4096, so this
 * reads until EOF rather than trusting st_size. -EFBIG past @max.
 */
int fsroot_read(const char *root, const char *path, size_t max, char **buf,
		size_t *len, struct errbuf *e);

/* Whether the path exists (any type). */
int fsroot_exists(const char *root, const char *path);

/* Read a regular file (an image, an initrd) that is not under the root. */
int read_file(const char *path, size_t max, void **buf, size_t *len,
	      struct errbuf *e);

#endif
