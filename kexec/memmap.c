// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The physical memory map: read from /sys/firmware/memmap or /proc/iomem,
 * kept as sorted, merged [start, end) ranges.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errbuf.h"
#include "fsroot.h"
#include "memmap.h"
#include "util.h"

#define FW_MEMMAP_DIR "/sys/firmware/memmap"
#define IOMEM_PATH "/proc/iomem"
/* A sysfs attribute is at most one page. */
#define FW_ATTR_MAX 4096
/* Real /proc/iomem files are tens of KiB even on large servers. */
#define IOMEM_MAX (4u << 20)

/*
 * The strings the kernel uses: e820_type_to_string() in
 * arch/x86/kernel/e820.c for both sources on x86, "System RAM" and
 * "reserved" from the generic resource code elsewhere.
 */
static const char *const type_names[] = {
	[MEM_RAM] = "System RAM",
	[MEM_RESERVED] = "Reserved",
	[MEM_ACPI] = "ACPI Tables",
	[MEM_NVS] = "ACPI Non-volatile Storage",
	[MEM_UNUSABLE] = "Unusable memory",
	[MEM_PMEM] = "Persistent Memory",
	[MEM_PRAM] = "Persistent Memory (legacy)",
	[MEM_SOFT_RESERVED] = "Soft Reserved",
	[MEM_OTHER] = "other",
};

const char *mem_type_name(enum mem_type type)
{
	if ((unsigned int)type >= sizeof(type_names) / sizeof(type_names[0]))
		return "invalid";
	return type_names[type];
}

enum mem_type mem_type_parse(const char *s)
{
	unsigned int i;

	if (!s)
		return MEM_OTHER;
	/*
	 * Case-insensitive: kernels before 5.x (and arm64's generic code)
	 * spell it "reserved"; the full string must match, so "Persistent
	 * Memory (legacy)" never passes for "Persistent Memory".
	 */
	for (i = 0; i < MEM_OTHER; i++)
		if (!strcasecmp(s, type_names[i]))
			return (enum mem_type)i;
	return MEM_OTHER;
}

int memmap_add(struct mem_map *m, uint64_t start, uint64_t end,
	       enum mem_type type)
{
	struct mem_range *r;
	size_t cap;

	if (start >= end)
		return -EINVAL;
	if (m->nr >= MEMMAP_MAX_RANGES)
		return -E2BIG;
	if (m->nr == m->cap) {
		cap = m->cap ? m->cap * 2 : 16;
		if (cap > MEMMAP_MAX_RANGES)
			cap = MEMMAP_MAX_RANGES;
		r = realloc(m->r, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		m->r = r;
		m->cap = cap;
	}
	m->r[m->nr].start = start;
	m->r[m->nr].end = end;
	m->r[m->nr].type = type;
	m->nr++;
	return 0;
}

void memmap_free(struct mem_map *m)
{
	if (!m)
		return;
	free(m->r);
	m->r = NULL;
	m->nr = 0;
	m->cap = 0;
}

/* Hand @src's storage to @dst, dropping what @dst held. */
static void memmap_move(struct mem_map *dst, struct mem_map *src)
{
	memmap_free(dst);
	*dst = *src;
	src->r = NULL;
	src->nr = 0;
	src->cap = 0;
}

/*
 * Shared end of both readers: a map parsed without error is normalised
 * and replaces @m; on any error @m keeps what it had.
 */
static int finish_read(struct mem_map *tmp, struct mem_map *m,
		       const char *full, int ret, struct errbuf *e)
{
	if (!ret) {
		ret = memmap_normalize(tmp, e);
		if (ret)
			err_prefix(e, ret, "%s", full);
	}
	if (ret) {
		memmap_free(tmp);
		return ret;
	}
	memmap_move(m, tmp);
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct mem_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (int)x->type - (int)y->type;
}

int memmap_normalize(struct mem_map *m, struct errbuf *e)
{
	struct mem_range *out, *cur, *r;
	size_t i, n = 0;

	if (m->nr == 0)
		return 0;
	qsort(m->r, m->nr, sizeof(*m->r), range_cmp);
	/* Merge into a copy so a contradiction leaves @m merely sorted. */
	out = malloc(m->nr * sizeof(*out));
	if (!out)
		return -ENOMEM;
	out[0] = m->r[0];
	n = 1;
	for (i = 1; i < m->nr; i++) {
		cur = &out[n - 1];
		r = &m->r[i];
		if (r->start > cur->end ||
		    (r->start == cur->end && r->type != cur->type)) {
			out[n++] = *r;
			continue;
		}
		if (r->type != cur->type) {
			err_set(e, -EINVAL,
				"memory map contradicts itself: [0x%llx, 0x%llx) %s overlaps [0x%llx, 0x%llx) %s",
				(unsigned long long)cur->start,
				(unsigned long long)cur->end,
				mem_type_name(cur->type),
				(unsigned long long)r->start,
				(unsigned long long)r->end,
				mem_type_name(r->type));
			free(out);
			return -EINVAL;
		}
		if (r->end > cur->end)
			cur->end = r->end;
	}
	memcpy(m->r, out, n * sizeof(*out));
	m->nr = n;
	free(out);
	return 0;
}

int memmap_filter(const struct mem_map *in, enum mem_type type,
		  struct mem_map *out)
{
	struct mem_map tmp = { 0 };
	size_t i;
	int ret;

	for (i = 0; i < in->nr; i++) {
		if (in->r[i].type != type)
			continue;
		ret = memmap_add(&tmp, in->r[i].start, in->r[i].end, type);
		if (ret) {
			memmap_free(&tmp);
			return ret;
		}
	}
	memmap_move(out, &tmp);
	return 0;
}

bool memmap_covers(const struct mem_map *m, uint64_t start, uint64_t end,
		   enum mem_type type)
{
	uint64_t pos = start;
	bool moved;
	size_t i;

	if (start >= end)
		return false;
	/*
	 * Walk forward through ranges containing @pos; this does not rely
	 * on the map being normalized (same-type pieces may be split).
	 */
	do {
		moved = false;
		for (i = 0; i < m->nr; i++) {
			const struct mem_range *r = &m->r[i];

			if (r->type == type && r->start <= pos && pos < r->end) {
				pos = r->end;
				moved = true;
				if (pos >= end)
					return true;
			}
		}
	} while (moved);
	return false;
}

uint64_t memmap_total(const struct mem_map *m, enum mem_type type)
{
	uint64_t sum = 0, len;
	size_t i;

	for (i = 0; i < m->nr; i++) {
		if (m->r[i].type != type)
			continue;
		len = m->r[i].end - m->r[i].start;
		sum = len > UINT64_MAX - sum ? UINT64_MAX : sum + len;
	}
	return sum;
}

/* A line quoted for a message: bounded, control bytes shown as '?'. */
static const char *quote(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && s[i] && s[i] != '\n'; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

/*
 * Both sources give an inclusive end. The last byte of the 64-bit space
 * cannot be expressed as an exclusive end; nothing can be placed there,
 * so such a range simply loses that byte.
 */
/*
 * Ranges are kept with exclusive ends, so a range starting at the last
 * address of the 64-bit space (ffffffffffffffff-ffffffffffffffff) has no
 * end to keep; no physical address reaches that high on any CPU.
 */
#define TOP_BYTE_MSG \
	"a range at ffffffffffffffff, the last 64-bit address, where no physical memory can be"

static uint64_t exclusive_end(uint64_t inclusive)
{
	return inclusive == UINT64_MAX ? UINT64_MAX : inclusive + 1;
}

/* ---- /sys/firmware/memmap ---- */

/* The kernel names entries "%d" from a counter: decimal, no sign. */
static bool valid_index_name(const char *name)
{
	unsigned long long v = 0;
	const char *p;

	if (!name[0] || (name[0] == '0' && name[1]))
		return false;
	for (p = name; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > INT_MAX)
			return false;
	}
	return true;
}

static int read_fw_attr(const char *root, const char *idx, const char *attr,
			char **buf, char *full, size_t fullsz,
			struct errbuf *e)
{
	char rel[128];
	size_t len;
	int ret;

	snprintf(rel, sizeof(rel), FW_MEMMAP_DIR "/%s/%s", idx, attr);
	ret = fsroot_path(root, rel, full, fullsz);
	if (ret)
		return err_set(e, ret, "cannot name %s under %s", rel,
			       root ? root : "/");
	ret = fsroot_read(root, rel, FW_ATTR_MAX, buf, &len, e);
	if (ret)
		return ret;
	/* A NUL would hide whatever follows it from every check below. */
	if (strlen(*buf) != len)
		return err_set(e, -EINVAL, "%s: line 1: contains a NUL byte",
			       full);
	return 0;
}

/* The whole attribute must be one line: the value and its newline. */
static int one_line(const char *buf, const char *full, struct errbuf *e)
{
	const char *nl = strchr(buf, '\n');
	char q[64];

	if (nl && nl[1])
		return err_set(e, -EINVAL,
			       "%s: line 2: unexpected \"%s\" after the value",
			       full, quote(nl + 1, q, sizeof(q)));
	return 0;
}

static int parse_fw_addr(const char *buf, const char *full, uint64_t *v,
			 struct errbuf *e)
{
	const char *p = buf;
	char q[64];
	int ret;

	ret = one_line(buf, full, e);
	if (ret)
		return ret;
	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		goto bad;
	p += 2;
	ret = hex_parse_u64(&p, v);
	if (ret == -ERANGE)
		return err_set(e, -ERANGE, "%s: line 1: \"%s\" does not fit in 64 bits",
			       full, quote(buf, q, sizeof(q)));
	if (ret || (*p && *p != '\n'))
		goto bad;
	return 0;
bad:
	return err_set(e, -EINVAL,
		       "%s: line 1: expected a hex number like 0x1000, got \"%s\"",
		       full, quote(buf, q, sizeof(q)));
}

static int read_fw_entry(const char *root, const char *idx, struct mem_map *m,
			 struct errbuf *e)
{
	char full[PATH_MAX], q[64];
	char *sbuf = NULL, *ebuf = NULL, *tbuf = NULL, *nl;
	uint64_t start, end;
	enum mem_type type;
	int ret;

	ret = read_fw_attr(root, idx, "start", &sbuf, full, sizeof(full), e);
	if (!ret)
		ret = parse_fw_addr(sbuf, full, &start, e);
	if (ret)
		goto out;
	ret = read_fw_attr(root, idx, "end", &ebuf, full, sizeof(full), e);
	if (!ret)
		ret = parse_fw_addr(ebuf, full, &end, e);
	if (ret)
		goto out;
	ret = read_fw_attr(root, idx, "type", &tbuf, full, sizeof(full), e);
	if (!ret)
		ret = one_line(tbuf, full, e);
	if (ret)
		goto out;
	nl = strchr(tbuf, '\n');
	if (nl)
		*nl = '\0';
	if (!tbuf[0] || strlen(tbuf) != strcspn(tbuf, "\r\t")) {
		ret = err_set(e, -EINVAL, "%s: line 1: bad type \"%s\"", full,
			      quote(tbuf, q, sizeof(q)));
		goto out;
	}
	/* Unknown types ("Unknown E820 type") stay in the map as MEM_OTHER. */
	type = mem_type_parse(tbuf);

	/*
	 * The kernel stores end = start + size - 1, so an empty entry shows
	 * end == start - 1; anything lower is corruption.
	 */
	if (start > 0 && end == start - 1)
		goto out;
	if (end < start) {
		/* @full names .../type; the entry is its directory. */
		*strrchr(full, '/') = '\0';
		ret = err_set(e, -EINVAL, "%s: end 0x%llx is below start 0x%llx",
			      full, (unsigned long long)end,
			      (unsigned long long)start);
		goto out;
	}
	ret = memmap_add(m, start, exclusive_end(end), type);
	if (ret == -EINVAL) {
		*strrchr(full, '/') = '\0';
		ret = err_set(e, ret, "%s: %s", full, TOP_BYTE_MSG);
	} else if (ret == -E2BIG)
		ret = err_set(e, ret, "%s: more than %d ranges", FW_MEMMAP_DIR,
			      MEMMAP_MAX_RANGES);
	else if (ret)
		ret = err_set(e, ret, "out of memory reading " FW_MEMMAP_DIR);
out:
	free(sbuf);
	free(ebuf);
	free(tbuf);
	return ret;
}

int memmap_read_firmware(const char *root, struct mem_map *m,
			 struct errbuf *e)
{
	struct mem_map tmp = { 0 };
	char full[PATH_MAX];
	struct dirent *de;
	size_t entries = 0;
	DIR *d;
	int ret;

	ret = fsroot_path(root, FW_MEMMAP_DIR, full, sizeof(full));
	if (ret)
		return err_set(e, ret, "cannot name " FW_MEMMAP_DIR " under %s",
			       root ? root : "/");
	ret = fsroot_opendir(root, FW_MEMMAP_DIR, &d);
	if (ret)
		return err_set(e, ret, "cannot open %s: %s", full,
			       strerror(-ret));
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			ret = -errno;
			if (ret)
				err_set(e, ret, "cannot list %s: %s", full,
					strerror(-ret));
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!valid_index_name(de->d_name)) {
			char q[64];

			ret = err_set(e, -EINVAL,
				      "%s: unexpected entry \"%s\" (the kernel names entries 0, 1, 2, ...)",
				      full, quote(de->d_name, q, sizeof(q)));
			break;
		}
		/* Counted apart from ranges: empty entries add none. */
		if (++entries > MEMMAP_MAX_RANGES) {
			ret = err_set(e, -E2BIG, "%s: more than %d entries",
				      full, MEMMAP_MAX_RANGES);
			break;
		}
		ret = read_fw_entry(root, de->d_name, &tmp, e);
		if (ret)
			break;
	}
	closedir(d);
	if (!ret && tmp.nr == 0)
		ret = err_set(e, -ENODATA, "%s lists no memory ranges", full);
	return finish_read(&tmp, m, full, ret, e);
}

/* ---- /proc/iomem ---- */

struct iomem_line {
	unsigned int depth;
	uint64_t start;
	uint64_t end;		/* inclusive, as printed */
	const char *name;
};

/*
 * "%*s%0*llx-%0*llx : %s" from r_show() in kernel/resource.c: two spaces
 * per nesting level, hex without 0x, inclusive end, then the name.
 */
static int parse_iomem_line(const char *s, struct iomem_line *l)
{
	size_t sp = strspn(s, " ");

	if (sp % 2)
		return -EINVAL;
	l->depth = sp / 2;
	s += sp;
	if (hex_parse_u64(&s, &l->start) || *s++ != '-')
		return -EINVAL;
	if (hex_parse_u64(&s, &l->end) || strncmp(s, " : ", 3))
		return -EINVAL;
	l->name = s + 3;
	if (strcspn(l->name, "\r\t") != strlen(l->name))
		return -EINVAL;
	if (l->end < l->start)
		return -ERANGE;
	return 0;
}

static int parse_iomem(char *buf, size_t len, const char *full,
		       struct mem_map *m, struct errbuf *e)
{
	char *line = buf, *nl, q[64];
	bool all_zero = true;
	unsigned int lineno = 0;
	struct iomem_line l;
	enum mem_type type;
	int ret;

	while (line < buf + len) {
		lineno++;
		nl = memchr(line, '\n', buf + len - line);
		if (nl)
			*nl = '\0';
		else
			nl = buf + len;
		if ((size_t)(nl - line) != strlen(line))
			return err_set(e, -EINVAL, "%s: line %u: contains a NUL byte",
				       full, lineno);
		ret = parse_iomem_line(line, &l);
		if (ret == -ERANGE)
			return err_set(e, -EINVAL,
				       "%s: line %u: end is below start in \"%s\"",
				       full, lineno, quote(line, q, sizeof(q)));
		if (ret)
			return err_set(e, -EINVAL,
				       "%s: line %u: expected \"start-end : name\", got \"%s\"",
				       full, lineno, quote(line, q, sizeof(q)));
		if (l.start || l.end)
			all_zero = false;
		line = nl + 1;
		/*
		 * Only top-level entries describe memory as the firmware set
		 * it up; nested ones are how the running kernel uses it
		 * (Kernel code, Crash kernel, device BARs).
		 */
		if (l.depth)
			continue;
		/*
		 * Top-level entries that are not memory (PCI bus windows,
		 * ROMs, IOAPIC, HPET) are not RAM to place into, and the
		 * firmware-provided reservations inside them still show as
		 * nested entries the next kernel rediscovers from ACPI: leave
		 * them out rather than invent a type for them.
		 */
		type = mem_type_parse(l.name);
		if (type == MEM_OTHER)
			continue;
		ret = memmap_add(m, l.start, exclusive_end(l.end), type);
		if (ret == -EINVAL)
			return err_set(e, ret, "%s: line %u: %s", full, lineno,
				       TOP_BYTE_MSG);
		if (ret == -E2BIG)
			return err_set(e, ret, "%s: more than %d memory ranges",
				       full, MEMMAP_MAX_RANGES);
		if (ret)
			return err_set(e, ret, "out of memory reading %s", full);
	}
	if (lineno && all_zero)
		return err_set(e, -EPERM,
			       "%s shows every address as 0: reading the memory map needs root (CAP_SYS_ADMIN)",
			       full);
	if (m->nr == 0)
		return err_set(e, -ENODATA, "%s lists no memory ranges", full);
	return 0;
}

int memmap_read_iomem(const char *root, struct mem_map *m, struct errbuf *e)
{
	struct mem_map tmp = { 0 };
	char full[PATH_MAX];
	char *buf;
	size_t len;
	int ret;

	ret = fsroot_path(root, IOMEM_PATH, full, sizeof(full));
	if (ret)
		return err_set(e, ret, "cannot name " IOMEM_PATH " under %s",
			       root ? root : "/");
	ret = fsroot_read(root, IOMEM_PATH, IOMEM_MAX, &buf, &len, e);
	if (ret)
		return ret;
	ret = parse_iomem(buf, len, full, &tmp, e);
	free(buf);
	return finish_read(&tmp, m, full, ret, e);
}

int memmap_read(const char *root, struct mem_map *m, struct errbuf *e)
{
	int ret;

	ret = fsroot_exists(root, FW_MEMMAP_DIR);
	if (ret < 0)
		return err_set(e, ret, "cannot tell whether " FW_MEMMAP_DIR
			       " exists under %s: %s", root ? root : "/",
			       strerror(-ret));
	/*
	 * Fall back only when the kernel has no firmware map at all
	 * (arm64, or FIRMWARE_MEMMAP off); a broken one is reported.
	 */
	if (ret)
		return memmap_read_firmware(root, m, e);
	return memmap_read_iomem(root, m, e);
}
