// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Getting FDTs in and out. Every input is treated as hostile: the header
 * and block bounds are checked by hand (to name the problem precisely)
 * before libfdt's own full check, and nothing walks a tree that failed.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "fsroot.h"
#include "inject.h"
#include "kho_fdt.h"
#include "kho_source.h"
#include "util.h"

#define FDT_HEADER_SIZE		40u	/* struct fdt_header, version 17 */
#define FDT_V16_HEADER_SIZE	36u	/* no size_dt_struct before 17 */
#define FDT_LAST_VERSION	17u
/* libfdt_internal.h: the magic of a tree fdt_create() has not finished */
#define FDT_SW_MAGIC		(~(uint32_t)FDT_MAGIC)

_Static_assert(sizeof(struct fdt_header) == FDT_HEADER_SIZE, "fdt_header");

static uint32_t be32_at(const void *p, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)p + off, sizeof(v));
	return be32toh(v);
}

/* [off, off + size) lies inside [0, total); no overflow possible. */
static bool block_inside(uint64_t off, uint64_t size, uint64_t total)
{
	return off <= total && size <= total - off;
}

static int check_header(const void *buf, size_t len, struct errbuf *e)
{
	uint32_t magic, total, version, last_comp, hdr, off, size;

	if (len < FDT_HEADER_SIZE)
		return err_set(e, -EINVAL,
			       "truncated: %zu bytes, less than the %u-byte FDT header",
			       len, FDT_HEADER_SIZE);
	magic = be32_at(buf, 0);
	if (magic == FDT_SW_MAGIC)
		return err_set(e, -EINVAL, "%s",
			       fdt_check_strerror(-FDT_ERR_BADSTATE));
	if (magic != FDT_MAGIC)
		return err_set(e, -EINVAL,
			       "bad magic 0x%08x: not an FDT (an FDT starts with 0x%08x)",
			       magic, FDT_MAGIC);
	total = be32_at(buf, 4);
	version = be32_at(buf, 20);
	last_comp = be32_at(buf, 24);
	if (version < 16 || last_comp > FDT_LAST_VERSION)
		return err_set(e, -EINVAL,
			       "unsupported FDT version %u (last compatible %u); versions 16 and 17 are read",
			       version, last_comp);
	hdr = version >= 17 ? FDT_HEADER_SIZE : FDT_V16_HEADER_SIZE;
	if (total < hdr)
		return err_set(e, -EINVAL,
			       "header totalsize %u is smaller than the header itself",
			       total);
	if (total > len)
		return err_set(e, -EINVAL,
			       "truncated: header totalsize is %u bytes but only %zu are present",
			       total, len);

	off = be32_at(buf, 16);
	if (off < hdr || !block_inside(off, 16, total))
		return err_set(e, -EINVAL,
			       "memory reservation block offset %u lies outside the FDT (%u bytes)",
			       off, total);
	off = be32_at(buf, 8);
	size = version >= 17 ? be32_at(buf, 36) : 0;
	if (off < hdr || !block_inside(off, size, total))
		return err_set(e, -EINVAL,
			       "structure block (offset %u, size %u) runs past the FDT's %u bytes",
			       off, size, total);
	off = be32_at(buf, 12);
	size = be32_at(buf, 32);
	if (off < hdr || !block_inside(off, size, total))
		return err_set(e, -EINVAL,
			       "strings block (offset %u, size %u) runs past the FDT's %u bytes",
			       off, size, total);
	return 0;
}

/*
 * What fdt_check_full() lets through that the tools below rely on: one
 * root, no property outside a node, bounded nesting (diff, merge and
 * dump recurse).
 */
static int check_tokens(const void *fdt, struct errbuf *e)
{
	int off = 0, next, depth = 0, roots = 0;
	uint32_t tag;

	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (next < 0)
			return err_set(e, -EINVAL, "%s",
				       fdt_check_strerror(next));
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0 && roots++)
				return err_set(e, -EINVAL,
					       "more than one root node in the structure block");
			if (++depth > INJECT_MAX_DEPTH)
				return err_set(e, -EINVAL,
					       "nodes are nested deeper than %d levels",
					       INJECT_MAX_DEPTH);
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return err_set(e, -EINVAL,
					       "%s", fdt_check_strerror(-FDT_ERR_BADSTRUCTURE));
			depth--;
			break;
		case FDT_PROP:
			if (depth == 0)
				return err_set(e, -EINVAL,
					       "a property lies outside any node");
			break;
		case FDT_END:
			if (!roots || depth)
				return err_set(e, -EINVAL,
					       "%s", fdt_check_strerror(-FDT_ERR_BADSTRUCTURE));
			return 0;
		default:
			break;
		}
		off = next;
	}
}

int inject_fdt_check(const void *buf, size_t len, struct errbuf *e)
{
	void *copy = NULL;
	int ret;

	ret = check_header(buf, len, e);
	if (ret)
		return ret;
	len = be32_at(buf, 4);
	/* libfdt refuses unaligned trees; a copy is cheap at these sizes. */
	if ((uintptr_t)buf & 7) {
		copy = malloc(len);
		if (!copy)
			return err_set(e, -ENOMEM, "out of memory");
		memcpy(copy, buf, len);
		buf = copy;
	}
	ret = fdt_check_untrusted(buf, len);
	if (ret < 0)
		ret = err_set(e, -EINVAL, "%s", fdt_check_strerror(ret));
	else
		ret = check_tokens(buf, e);
	free(copy);
	return ret;
}

int inject_fdt_from_buf(struct inject_fdt *f, const void *buf, size_t len,
			const char *name, struct errbuf *e)
{
	size_t total;
	int ret;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	ret = inject_fdt_check(buf, len, e);
	if (ret)
		return err_prefix(e, ret, "%s", name);
	total = be32_at(buf, 4);
	f->fdt = malloc(total);
	if (!f->fdt)
		return err_set(e, -ENOMEM, "%s: out of memory", name);
	memcpy(f->fdt, buf, total);
	f->size = total;
	return 0;
}

int inject_read_raw(const char *path, void **buf, size_t *len,
		    struct errbuf *e)
{
	if (!strcmp(path, "-"))
		path = "/dev/stdin";
	return read_file(path, INJECT_MAX_FDT, buf, len, e);
}

int inject_fdt_read_file(struct inject_fdt *f, const char *path,
			 struct errbuf *e)
{
	void *buf;
	size_t len;
	int ret;

	memset(f, 0, sizeof(*f));
	ret = inject_read_raw(path, &buf, &len, e);
	if (ret)
		return ret;
	ret = inject_fdt_from_buf(f, buf, len, path, e);
	free(buf);
	return ret;
}

int inject_read_kernel_raw(const char *root, void **buf, size_t *len,
			   char *name, size_t name_size, struct errbuf *e)
{
	struct errbuf live = { 0 }, dbg = { 0 };
	struct kho_fdt_src f = { 0 };
	int ret, ret2;

	*buf = NULL;
	*len = 0;
	ret = kho_read_live_fdt(root, &f, &live);
	if (!ret) {
		snprintf(name, name_size, "live KHO FDT");
	} else {
		ret2 = kho_read_debugfs_fdt(root, &f, &dbg);
		if (ret2) {
			ret = err_set(e, ret2,
				      "no KHO FDT of the running kernel: live page: %s; debugfs copy: %s",
				      err_str(&live, ret), err_str(&dbg, ret2));
			goto out;
		}
		ret = 0;
		snprintf(name, name_size, "%s/out/fdt", KHO_DEBUGFS);
	}
	if (!f.fdt || !f.fdt_len) {
		ret = err_set(e, -ENODATA, "%s: read returned no data", name);
		goto out;
	}
	/* The caller owns the bytes now. */
	*buf = f.fdt;
	*len = f.fdt_len;
	f.fdt = NULL;
out:
	kho_fdt_src_free(&f);
	return ret;
}

static int write_in_place(const char *path, const void *buf, size_t len,
			  struct errbuf *e)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return err_set(e, ret, "cannot open %s: %s", path,
			       strerror(-ret));
	}
	ret = write_full(fd, buf, len);
	if (close(fd) && !ret)
		ret = -errno;
	if (ret)
		return err_set(e, ret, "cannot write %s: %s", path,
			       strerror(-ret));
	return 0;
}

int inject_fdt_write(const struct inject_fdt *f, const char *path,
		     struct errbuf *e)
{
	size_t len = fdt_totalsize(f->fdt);
	struct stat st, lst;
	char *tmp = NULL, *real = NULL;
	mode_t mask, mode;
	bool exists;
	int fd, ret;

	if (!path) {
		ret = write_full(STDOUT_FILENO, f->fdt, len);
		if (ret)
			return err_set(e, ret, "cannot write standard output: %s",
				       strerror(-ret));
		return 0;
	}
	exists = stat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode))
		return write_in_place(path, f->fdt, len, e);
	/*
	 * rename(2) over a symbolic link would replace the link: follow it
	 * and replace the file it points at (/dev/stdout redirected to a
	 * file is one), beside that file.
	 */
	if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		real = realpath(path, NULL);
		if (!real)
			return err_set(e, -errno, "cannot follow the link %s: %s",
				       path, strerror(errno));
		path = real;
	}
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		free(real);
		return err_set(e, -ENOMEM, "out of memory");
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		err_set(e, ret, "cannot create a temporary file beside %s: %s",
			path, strerror(-ret));
		free(tmp);
		free(real);
		return ret;
	}
	/*
	 * mkstemp makes 0600: keep the mode of the file replaced, else give
	 * what open(2) would have.
	 */
	if (exists) {
		mode = st.st_mode & 0777;	/* not set-id bits: the owner may change */
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	ret = fchmod(fd, mode) ? -errno : 0;
	if (!ret)
		ret = write_full(fd, f->fdt, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		err_set(e, ret, "cannot write %s: %s", path, strerror(-ret));
	}
	free(tmp);
	free(real);
	return ret;
}

int inject_fdt_grow(struct inject_fdt *f, size_t extra, struct errbuf *e)
{
	size_t want = f->size, need;
	void *nbuf;
	int ret;

	need = (size_t)fdt_totalsize(f->fdt) + extra;
	if (need > INJECT_MAX_FDT || extra > INJECT_MAX_FDT)
		return err_set(e, -EFBIG, "%s: would grow past %u bytes",
			       f->name, INJECT_MAX_FDT);
	while (want < need + 256)
		want = want ? want * 2 : 4096;
	if (want > INJECT_MAX_FDT)
		want = INJECT_MAX_FDT;
	nbuf = malloc(want);
	if (!nbuf)
		return err_set(e, -ENOMEM, "out of memory");
	ret = fdt_open_into(f->fdt, nbuf, want);
	if (ret < 0) {
		free(nbuf);
		return err_set(e, -EINVAL, "%s: %s", f->name,
			       fdt_check_strerror(ret));
	}
	free(f->fdt);
	f->fdt = nbuf;
	f->size = want;
	return 0;
}

int inject_fdt_dup(struct inject_fdt *dst, const struct inject_fdt *src,
		   struct errbuf *e)
{
	*dst = *src;
	dst->fdt = malloc(src->size);
	if (!dst->fdt)
		return err_set(e, -ENOMEM, "out of memory");
	memcpy(dst->fdt, src->fdt, src->size);
	return 0;
}

void inject_fdt_free(struct inject_fdt *f)
{
	free(f->fdt);
	f->fdt = NULL;
	f->size = 0;
}

int inject_kids_init(struct inject_kids *k, const void *fdt, struct errbuf *e)
{
	int open[2 * INJECT_MAX_DEPTH + 2];
	int off = 0, next, depth = 0;
	uint32_t tag;

	k->fdt = fdt;
	k->nr = (fdt_totalsize(fdt) - fdt_off_dt_struct(fdt)) / 4 + 1;
	k->end = calloc(k->nr, sizeof(*k->end));
	if (!k->end)
		return err_set(e, -ENOMEM, "out of memory");
	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (next < 0 || tag == FDT_END)
			break;
		if (tag == FDT_BEGIN_NODE) {
			if (depth == (int)(sizeof(open) / sizeof(open[0])))
				break;
			open[depth++] = off;
		} else if (tag == FDT_END_NODE && depth > 0) {
			k->end[open[--depth] / 4] = next;
		}
		off = next;
	}
	if (depth || next < 0) {
		inject_kids_free(k);
		return err_set(e, -EINVAL, "%s",
			       fdt_check_strerror(-FDT_ERR_BADSTRUCTURE));
	}
	return 0;
}

void inject_kids_free(struct inject_kids *k)
{
	free(k->end);
	k->end = NULL;
	k->nr = 0;
}

int inject_kids_first(const struct inject_kids *k, int node)
{
	return fdt_first_subnode(k->fdt, node);
}

int inject_kids_next(const struct inject_kids *k, int child)
{
	int off, next;

	if (child < 0 || child % 4 || (size_t)child / 4 >= k->nr)
		return -FDT_ERR_BADOFFSET;
	/* Past the child's end: a sibling, or the parent's end. */
	for (off = k->end[child / 4];; off = next) {
		switch (fdt_next_tag(k->fdt, off, &next)) {
		case FDT_BEGIN_NODE:
			return off;
		case FDT_END_NODE:
		case FDT_END:
			return -FDT_ERR_NOTFOUND;
		default:
			if (next < 0)
				return next;
		}
	}
}
