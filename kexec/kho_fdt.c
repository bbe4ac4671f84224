// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KHO FDT ABI checks (kho_fdt.h): what a next kernel reads, and the
 * shape a kernel-made FDT always has.
 */
#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "errbuf.h"
#include "fdtcheck.h"
#include "kho_fdt.h"
#include "kho_internal.h"

#define KHO_NAME_MAX 255

static bool compat_ok(const char *s, int len)
{
	int i, n = sizeof(KHO_COMPAT_PREFIX) - 1;

	/* One NUL-terminated string, "kho-v" and 1..9 decimal digits. */
	if (len < n + 2 || len > n + 10 || s[len - 1] != '\0' ||
	    strncmp(s, KHO_COMPAT_PREFIX, n))
		return false;
	for (i = n; i < len - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* Subsystem names become debugfs file names in the next kernel. */
static bool name_ok(const char *name, int len)
{
	int i;

	if (len <= 0 || len > KHO_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c <= ' ' || c >= 0x7f || c == '/')
			return false;
	}
	return !(len == 1 && name[0] == '.') &&
	       !(len == 2 && name[0] == '.' && name[1] == '.');
}

static int check_u64_prop(const void *fdt, int node, const char *node_name,
			  const char *prop, uint64_t *val, struct errbuf *e)
{
	const void *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p)
		return err_set(e, -EBADMSG,
			       "KHO FDT node \"%s\" has no %s property",
			       node_name, prop);
	if (len != sizeof(uint64_t))
		return err_set(e, -EBADMSG,
			       "KHO FDT node \"%s\" property %s is %d bytes, not 8",
			       node_name, prop, len);
	*val = get_u64(p);
	return 0;
}

static int check_subnode(const void *fdt, int node, struct errbuf *e)
{
	uint64_t data, size;
	const char *name;
	int len, ret;

	name = fdt_get_name(fdt, node, &len);
	if (!name || !name_ok(name, len))
		return err_set(e, -EBADMSG,
			       "KHO FDT has a subnode with an unusable name");
	ret = check_u64_prop(fdt, node, name, KHO_DATA_PROP, &data, e);
	if (!ret)
		ret = check_u64_prop(fdt, node, name, KHO_SIZE_PROP, &size, e);
	if (ret)
		return ret;
	if (data + size < data)
		return err_set(e, -EBADMSG,
			       "KHO FDT node \"%s\": blob at 0x%llx of 0x%llx bytes wraps around",
			       name, (unsigned long long)data,
			       (unsigned long long)size);
	return 0;
}

/*
 * The kernel adds subtrees only under the root and looks them up by
 * name with fdt_subnode_offset(), which finds the first of duplicates:
 * a second node of the same name, or a deeper level, is never produced
 * and would be ignored; it means the blob was not made by a kernel.
 */
static int check_subnodes(const void *fdt, struct errbuf *e)
{
	int node, other, depth = 0, count = 0, ret;

	for (node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (depth > 1)
			return err_set(e, -EBADMSG,
				       "KHO FDT has a node nested below \"%s\": the ABI has one level",
				       fdt_get_name(fdt, fdt_parent_offset(fdt, node),
						    NULL) ?: "?");
		if (++count > KHO_MAX_SUBNODES)
			return err_set(e, -EBADMSG,
				       "KHO FDT has more than %d subnodes",
				       KHO_MAX_SUBNODES);
		ret = check_subnode(fdt, node, e);
		if (ret)
			return ret;
		for (other = fdt_first_subnode(fdt, 0); other >= 0 &&
		     other < node; other = fdt_next_subnode(fdt, other)) {
			if (!strcmp(fdt_get_name(fdt, node, NULL),
				    fdt_get_name(fdt, other, NULL)))
				return err_set(e, -EBADMSG,
					       "KHO FDT has two subnodes named \"%s\"",
					       fdt_get_name(fdt, node, NULL));
		}
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return err_set(e, -EBADMSG, "KHO FDT structure is broken: %s",
			       fdt_strerror(node));
	return 0;
}

int kho_validate_fdt(const void *fdt, size_t len, char *compatible,
		     size_t compatible_size, uint64_t *mem_map,
		     struct errbuf *e)
{
	const char *compat;
	uint32_t total;
	uint64_t map;
	int clen, ret;

	if (!fdt || len < sizeof(struct fdt_header))
		return err_set(e, -EBADMSG,
			       "KHO FDT is %zu bytes, too short for an FDT header",
			       len);
	if (fdt_magic(fdt) != FDT_MAGIC)
		return err_set(e, -EBADMSG,
			       "KHO FDT has magic 0x%08x, not an FDT (0x%08x)",
			       fdt_magic(fdt), FDT_MAGIC);
	total = fdt_totalsize(fdt);
	if (total > len)
		return err_set(e, -EBADMSG,
			       "KHO FDT is truncated: %zu of %u bytes", len,
			       total);
	if (total > KHO_FDT_MAX)
		return err_set(e, -EBADMSG,
			       "KHO FDT claims %u bytes, more than the %u allowed",
			       total, KHO_FDT_MAX);
	ret = fdt_check_untrusted(fdt, total);
	if (ret)
		return err_set(e, -EBADMSG, "KHO FDT structure is broken: %s (%s)",
			       fdt_check_strerror(ret), fdt_strerror(ret));

	compat = fdt_getprop(fdt, 0, "compatible", &clen);
	if (!compat)
		return err_set(e, -EBADMSG,
			       "KHO FDT root has no \"compatible\" property");
	if (!compat_ok(compat, clen))
		return err_set(e, -EBADMSG,
			       "KHO FDT root compatible \"%.*s\" is not \"kho-v<N>\"",
			       clen > 0 ? (int)strnlen(compat, clen) : 0,
			       compat);
	if (compatible && (size_t)clen > compatible_size)
		return err_set(e, -ENAMETOOLONG,
			       "KHO FDT compatible \"%s\" does not fit", compat);

	ret = check_u64_prop(fdt, 0, "/", KHO_MEM_MAP_PROP, &map, e);
	if (ret)
		return ret;
	/* The next kernel takes 0 as "no map" and drops the handover. */
	if (!map)
		return err_set(e, -EBADMSG, "KHO FDT preserved-memory-map is 0");
	/* The map's root is one radix-tree page. */
	if (map & (KHO_SCRATCH_ALIGN - 1))
		return err_set(e, -EBADMSG,
			       "KHO FDT preserved-memory-map 0x%llx is not page aligned",
			       (unsigned long long)map);

	ret = check_subnodes(fdt, e);
	if (ret)
		return ret;
	if (compatible)
		memcpy(compatible, compat, clen);
	if (mem_map)
		*mem_map = map;
	return 0;
}
