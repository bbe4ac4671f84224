/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_FSROOT_H
#define KEXEC_FSROOT_H

#include <dirent.h>
#include <stddef.h>

struct errbuf;

/*
 * Every /proc, /sys and /run path the loader reads goes through here,
 * relative to a root directory ("/" normally). Unit tests point the root
 * at a fixture tree (kexec --dry-run --sysroot, or any action of the test
 * build kexec-test), so they need neither root privileges nor a
 * particular kernel.
 */

/*
 * Join root and an absolute path into out; -ENAMETOOLONG if it won't fit,
 * -EINVAL if @path is relative or has a ".." component. A NULL root is "/".
 */
int fsroot_path(const char *root, const char *path, char *out, size_t size);

/* open(2) under the root (O_CLOEXEC added): an fd or a negative errno. */
int fsroot_open(const char *root, const char *path, int flags);

/* opendir(3) under the root: 0 with *dir set, or a negative errno. */
int fsroot_opendir(const char *root, const char *path, DIR **dir);

/*
 * Read a whole file of at most @max bytes into a NUL-terminated malloc'd
 * buffer. Files under /proc and /sys report a size of 0 or 4096, so this
 * reads until EOF rather than trusting st_size. -EFBIG past @max.
 */
int fsroot_read(const char *root, const char *path, size_t max, char **buf,
		size_t *len, struct errbuf *e);

/*
 * Whether the path exists (any type, symlinks followed): 1 yes, 0 no
 * (ENOENT/ENOTDIR), a negative errno when that cannot be told.
 */
int fsroot_exists(const char *root, const char *path);

/*
 * Read a regular file (an image, an initrd) that is not under the root;
 * same rules as fsroot_read() (NUL-terminated, -EFBIG past @max).
 */
int read_file(const char *path, size_t max, void **buf, size_t *len,
	      struct errbuf *e);

/*
 * A file's bytes, read-only: a private mapping of a regular file, or a
 * malloc'd copy of anything that cannot be mapped (a pipe, an empty file).
 */
struct file_map {
	const void *data;
	size_t len;
	void *mapping;		/* munmap()ed by unmap_file, else NULL */
	void *copy;		/* free()d by unmap_file, else NULL */
};

/*
 * Kernels and initrds go to kexec_load unchanged: mapping them costs
 * neither a copy nor anonymous memory the size of the file (reading a
 * 64 MiB initrd into fresh pages doubled the loader's peak memory and
 * was most of its run time). At most @max bytes, like read_file().
 */
int map_file(const char *path, size_t max, struct file_map *m,
	     struct errbuf *e);
void unmap_file(struct file_map *m);

#endif
