// SPDX-License-Identifier: GPL-2.0-or-later
/* Small helpers shared by every part (util.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include "errbuf.h"
#include "fsroot.h"
#include "util.h"

/* A file of hex lines: 16 digits, "0x" and "\n" each, a thousand and more. */
#define HEX_FILE_MAX 65536

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_parse_u64(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	int d;

	if (hex_digit((unsigned char)*p) < 0)
		return -EINVAL;
	for (; (d = hex_digit((unsigned char)*p)) >= 0; p++) {
		if (x > (UINT64_MAX >> 4))
			return -ERANGE;
		x = (x << 4) | (uint64_t)d;
	}
	*s = p;
	*v = x;
	return 0;
}

/* One "0x<hex>" at @p, ending at @end or a newline; past it. */
static int hex_line(const char *p, const char *end, uint64_t *v,
		    const char **next)
{
	char digits[20];
	const char *q;
	size_t n;

	if (end - p < 3 || p[0] != '0' || p[1] != 'x')
		return -EBADMSG;
	p += 2;
	/* Copied: hex_parse_u64() stops at a NUL, the buffer has none. */
	for (n = 0; p + n < end && p[n] != '\n' && n < sizeof(digits) - 1; n++)
		digits[n] = p[n];
	digits[n] = '\0';
	q = digits;
	if (hex_parse_u64(&q, v) || *q || (p + n < end && p[n] != '\n'))
		return -EBADMSG;
	*next = p + n + 1;
	return 0;
}

int hex_parse_lines(const char *buf, size_t len, const char *what,
		    size_t max, uint64_t **vals, size_t *nr, struct errbuf *e)
{
	const char *p = buf, *end = buf + len;
	uint64_t *v;
	size_t n = 0;

	*vals = NULL;
	*nr = 0;
	if (!len)
		return err_set(e, -ENODATA, "%s is empty", what);
	v = calloc(max ? max : 1, sizeof(*v));
	if (!v)
		return err_set(e, -ENOMEM, "out of memory reading %s", what);
	while (p < end) {
		if (n == max) {
			free(v);
			return err_set(e, -E2BIG, "%s lists more than %zu regions",
				       what, max);
		}
		if (hex_line(p, end, &v[n], &p)) {
			free(v);
			return err_set(e, -EBADMSG,
				       "%s line %zu is not a 0x<hex> number",
				       what, n + 1);
		}
		n++;
	}
	*vals = v;
	*nr = n;
	return 0;
}

int read_optional(const char *root, const char *path, size_t max,
		  char **buf, size_t *len, struct errbuf *e)
{
	struct errbuf local = { 0 };
	int err;

	err = fsroot_read(root, path, max, buf, len, &local);
	if (err == -ENOENT)
		return err;
	if (err)
		return err_set(e, err, "%s", err_str(&local, err));
	return 0;
}

int read_hex_file(const char *root, const char *path, size_t max,
		  uint64_t **vals, size_t *nr, struct errbuf *e)
{
	size_t len;
	char *buf;
	int ret;

	*vals = NULL;
	*nr = 0;
	ret = fsroot_read(root, path, HEX_FILE_MAX, &buf, &len, e);
	if (ret)
		return ret;
	ret = hex_parse_lines(buf, len, path, max, vals, nr, e);
	free(buf);
	return ret;
}

int read_hex_value(const char *root, const char *path, uint64_t *v,
		   struct errbuf *e)
{
	uint64_t *vals;
	size_t len, nr;
	char *buf;
	int ret;

	ret = read_optional(root, path, HEX_FILE_MAX, &buf, &len, e);
	if (ret)
		return ret;
	ret = hex_parse_lines(buf, len, path, 1, &vals, &nr, e);
	free(buf);
	if (ret == -ENODATA || ret == -E2BIG || ret == -EBADMSG) {
		err_clear(e);
		ret = err_set(e, -EINVAL, "%s: not a hexadecimal number", path);
	}
	if (ret)
		return ret;
	*v = vals[0];
	free(vals);
	return 0;
}

enum io_op { IO_READ, IO_PREAD, IO_WRITE, IO_RANDOM };

/* The one EINTR loop: @op until @len bytes, or end of file for reads. */
static ssize_t io_full(enum io_op op, int fd, void *buf, size_t len,
		       uint64_t off)
{
	char *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		switch (op) {
		case IO_READ:
			n = read(fd, p + done, len - done);
			break;
		case IO_PREAD:
			n = pread(fd, p + done, len - done, (off_t)(off + done));
			break;
		case IO_WRITE:
			n = write(fd, p + done, len - done);
			break;
		default:
			n = getrandom(p + done, len - done, 0);
			break;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += n;
	}
	return (ssize_t)done;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	return io_full(IO_READ, fd, buf, len, 0);
}

ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	return io_full(IO_PREAD, fd, buf, len, off);
}

int write_full(int fd, const void *buf, size_t len)
{
	ssize_t n = io_full(IO_WRITE, fd, (void *)buf, len, 0);

	if (n < 0)
		return (int)n;
	/* write(2) returns 0 only for a zero count: cannot happen here. */
	return (size_t)n == len ? 0 : -EIO;
}

int random_fill(void *buf, size_t len)
{
	ssize_t n = io_full(IO_RANDOM, -1, buf, len, 0);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}
