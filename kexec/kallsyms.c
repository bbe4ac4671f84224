// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kallsyms.h"
#include "util.h"

#define KALLSYMS_PATH "/proc/kallsyms"
/*
 * Kernel symbol names are at most KSYM_NAME_LEN (512) bytes; a line
 * longer than this is garbage and is skipped whole, never split.
 */
#define KALLSYMS_LINE_MAX 1024
#define KALLSYMS_CHUNK 65536

int kallsyms_parse_line(const char *line, size_t len, uint64_t *addr,
			char *type, const char **sym, size_t *sym_len,
			int *module)
{
	size_t i = 0, start;
	uint64_t v = 0;
	int d;

	/* The kernel prints %px: exactly the pointer width, no prefix. */
	while (i < len && (d = hex_digit((unsigned char)line[i])) >= 0) {
		if (i >= 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
		i++;
	}
	if (i == 0 || i >= len || line[i] != ' ')
		return -EINVAL;
	i++;
	if (i + 2 > len || line[i] == ' ' || line[i] == '\t' ||
	    line[i + 1] != ' ')
		return -EINVAL;
	*type = line[i];
	i += 2;
	start = i;
	while (i < len && line[i] != '\t' && line[i] != ' ')
		i++;
	if (i == start)
		return -EINVAL;
	*addr = v;
	*sym = line + start;
	*sym_len = i - start;
	*module = 0;
	if (i < len) {
		/* "\t[module]" and nothing else. */
		if (line[i] != '\t' || i + 3 > len || line[i + 1] != '[' ||
		    line[len - 1] != ']')
			return -EINVAL;
		*module = 1;
	}
	return 0;
}

struct ksym_search {
	const char *name;
	size_t name_len;
	const char *types;
	bool found;
	uint64_t addr;
	bool ambiguous;
	uint64_t other;
};

static void match_line(struct ksym_search *s, const char *line, size_t len)
{
	const char *sym;
	size_t sym_len;
	uint64_t addr;
	int module;
	char type;

	if (kallsyms_parse_line(line, len, &addr, &type, &sym, &sym_len,
				&module))
		return;
	if (module || sym_len != s->name_len ||
	    memcmp(sym, s->name, sym_len) || !strchr(s->types, type))
		return;
	if (!s->found) {
		s->found = true;
		s->addr = addr;
	} else if (addr != s->addr && !s->ambiguous) {
		s->ambiguous = true;
		s->other = addr;
	}
}

/* Feed complete lines of @buf to match_line(); return bytes consumed. */
static size_t scan_lines(struct ksym_search *s, const char *buf, size_t len,
			 bool *skipping)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n;

		if (!nl)
			break;
		n = nl - (buf + pos);
		if (!*skipping)
			match_line(s, buf + pos, n);
		*skipping = false;
		pos += n + 1;
	}
	return pos;
}

int kallsyms_lookup_fd(int fd, const char *what, const char *name,
		       const char *types, uint64_t *addr, struct errbuf *e)
{
	struct ksym_search s = {
		.name = name, .name_len = strlen(name), .types = types,
	};
	bool skipping = false;
	size_t fill = 0, used, total = 0;
	char *buf;
	ssize_t n;
	int ret = 0;

	buf = malloc(KALLSYMS_CHUNK);
	if (!buf)
		return err_set(e, -ENOMEM, "out of memory reading %s", what);
	for (;;) {
		n = read_full(fd, buf + fill, KALLSYMS_CHUNK - fill);
		if (n < 0) {
			ret = n;
			err_set(e, ret, "cannot read %s: %s", what,
				strerror(-ret));
			goto out;
		}
		if (n == 0)
			break;
		total += n;
		if (total > KALLSYMS_MAX) {
			ret = err_set(e, -EFBIG,
				      "%s goes on past %u MiB: no kernel's symbol table is that long",
				      what, KALLSYMS_MAX >> 20);
			goto out;
		}
		fill += n;
		used = scan_lines(&s, buf, fill, &skipping);
		memmove(buf, buf + used, fill - used);
		fill -= used;
		/* A partial line this long is garbage: drop it to its end. */
		if (fill > KALLSYMS_LINE_MAX) {
			fill = 0;
			skipping = true;
		}
	}
	/* The last line may lack its newline. */
	if (fill && !skipping)
		match_line(&s, buf, fill);

	if (!s.found) {
		ret = err_set(e, -ENOENT,
			      "%s has no symbol %s: the kernel lacks CONFIG_KALLSYMS_ALL or KHO",
			      what, name);
	} else if (!s.addr) {
		ret = err_set(e, -EPERM,
			      "%s shows %s at address 0: reading kernel addresses needs root (kptr_restrict)",
			      what, name);
	} else if (s.ambiguous) {
		ret = err_set(e, -ENOTUNIQ,
			      "%s lists %s twice, at 0x%llx and 0x%llx",
			      what, name, (unsigned long long)s.addr,
			      (unsigned long long)s.other);
	} else {
		*addr = s.addr;
	}
out:
	free(buf);
	return ret;
}

int kallsyms_lookup(const char *root, const char *name, const char *types,
		    uint64_t *addr, struct errbuf *e)
{
	int fd, ret;

	fd = fsroot_open(root, KALLSYMS_PATH, O_RDONLY);
	if (fd < 0)
		return err_set(e, fd, "cannot open %s: %s", KALLSYMS_PATH,
			       strerror(-fd));
	ret = kallsyms_lookup_fd(fd, KALLSYMS_PATH, name, types, addr, e);
	close(fd);
	return ret;
}
