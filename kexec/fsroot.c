// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "fsroot.h"
#include "util.h"

/*
 * A ".." component would let a path from a hostile source (a sysfs
 * attribute naming another file, an option) escape the fixture root.
 */
static bool has_dotdot(const char *path)
{
	const char *p = path;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return true;
		if (!slash)
			break;
		p = slash + 1;
	}
	return false;
}

int fsroot_path(const char *root, const char *path, char *out, size_t size)
{
	size_t rlen, plen;

	if (!path || path[0] != '/' || has_dotdot(path))
		return -EINVAL;
	if (!root)
		root = "/";
	rlen = strlen(root);
	/* "/" and "a/b/" both join without a doubled slash. */
	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	plen = strlen(path);
	if (rlen >= size || plen >= size - rlen)
		return -ENAMETOOLONG;
	memcpy(out, root, rlen);
	memcpy(out + rlen, path, plen + 1);
	return 0;
}

int fsroot_open(const char *root, const char *path, int flags)
{
	char full[PATH_MAX];
	int ret, fd;

	ret = fsroot_path(root, path, full, sizeof(full));
	if (ret)
		return ret;
	fd = open(full, flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
}

int fsroot_opendir(const char *root, const char *path, DIR **dir)
{
	char full[PATH_MAX];
	int ret;

	*dir = NULL;
	ret = fsroot_path(root, path, full, sizeof(full));
	if (ret)
		return ret;
	*dir = opendir(full);
	if (!*dir)
		return -errno;
	return 0;
}

int fsroot_exists(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;
	int ret;

	ret = fsroot_path(root, path, full, sizeof(full));
	if (ret)
		return ret;
	if (stat(full, &st) == 0)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	return -errno;
}

/*
 * Read @fd to EOF. @hint is the expected size (st_size of a regular file)
 * so a big image is read into one allocation; 0 when unknown.
 */
static int read_fd(int fd, size_t max, size_t hint, char **out, size_t *outlen)
{
	size_t limit, room, len = 0;
	char *buf, *nbuf;
	ssize_t n;

	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;
	/* Reading one byte past @max is how a too-big file shows itself. */
	limit = max + 1;
	/* hint + 1 lets the final read() see EOF without growing. */
	room = hint && hint < limit ? hint + 1 : 4096;
	if (room > limit)
		room = limit;
	buf = malloc(room + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == room) {
			if (room == limit)
				break;
			room = room > limit / 2 ? limit : room * 2;
			nbuf = realloc(buf, room + 1);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
		}
		n = read_full(fd, buf + len, room - len);
		if (n < 0) {
			free(buf);
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > max) {
		free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';
	*out = buf;
	if (outlen)
		*outlen = len;
	return 0;
}

static int read_path(const char *full, size_t max, char **buf, size_t *len,
		     struct errbuf *e)
{
	struct stat st;
	size_t hint = 0;
	int fd, ret;

	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return err_set(e, ret, "cannot open %s: %s", full,
			       strerror(-ret));
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		hint = (uintmax_t)st.st_size < SIZE_MAX ? (size_t)st.st_size : 0;
	ret = read_fd(fd, max, hint, buf, len);
	close(fd);
	if (ret == -EFBIG)
		return err_set(e, ret, "%s is larger than the %zu bytes allowed",
			       full, max);
	if (ret)
		return err_set(e, ret, "cannot read %s: %s", full,
			       strerror(-ret));
	return 0;
}

int fsroot_read(const char *root, const char *path, size_t max, char **buf,
		size_t *len, struct errbuf *e)
{
	char full[PATH_MAX];
	int ret;

	*buf = NULL;
	if (len)
		*len = 0;
	ret = fsroot_path(root, path, full, sizeof(full));
	if (ret == -ENAMETOOLONG)
		return err_set(e, ret, "path %s%s is too long",
			       root ? root : "", path);
	if (ret)
		return err_set(e, ret,
			       "refusing path %s: it must be absolute and contain no \"..\"",
			       path ? path : "(null)");
	return read_path(full, max, buf, len, e);
}

int read_file(const char *path, size_t max, void **buf, size_t *len,
	      struct errbuf *e)
{
	char *b = NULL;
	int ret;

	*buf = NULL;
	if (len)
		*len = 0;
	ret = read_path(path, max, &b, len, e);
	if (ret)
		return ret;
	*buf = b;
	return 0;
}

int map_file(const char *path, size_t max, struct file_map *m,
	     struct errbuf *e)
{
	struct stat st;
	void *p;
	int fd, ret;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return err_set(e, ret, "cannot open %s: %s", path,
			       strerror(-ret));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0)
		goto copy;
	if ((uintmax_t)st.st_size > max) {
		close(fd);
		return err_set(e, -EFBIG, "%s is larger than the %zu bytes allowed",
			       path, max);
	}
	/*
	 * Read-only, so populating it shares the page cache; a writable
	 * private mapping would copy every page.
	 */
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		goto copy;
	close(fd);
	m->mapping = p;
	m->data = p;
	m->len = st.st_size;
	return 0;
copy:
	close(fd);
	ret = read_file(path, max, &m->copy, &m->len, e);
	m->data = m->copy;
	return ret;
}

void unmap_file(struct file_map *m)
{
	if (m->mapping)
		munmap(m->mapping, m->len);
	free(m->copy);
	memset(m, 0, sizeof(*m));
}
