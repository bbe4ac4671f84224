// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The blobs subsystems hand over, decoded as Linux 7.3 defines them:
 * include/linux/kho/abi/kexec_metadata.h, memblock.h, luo.h and the
 * kho_test format of lib/test_kho.c. Every field is written by the kernel
 * in the CPU's byte order (fdt_property() of a native variable), so they
 * are read in ours: kho-inject runs on the machine whose kernel wrote them.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fsroot.h"
#include "inject.h"
#include "kho_fdt.h"
#include "kho_source.h"

/* include/linux/kho/abi/kexec_metadata.h, __NEW_UTS_LEN = 64 */
#define KHO_METADATA_NAME	"kexec-metadata"
#define KHO_METADATA_VERSION	1
struct kho_kexec_metadata_abi {
	uint32_t version;
	char previous_release[64 + 1];
	uint32_t kexec_count;
} __attribute__((packed));
_Static_assert(sizeof(struct kho_kexec_metadata_abi) == 73, "kexec-metadata");
_Static_assert(offsetof(struct kho_kexec_metadata_abi, previous_release) == 4,
	       "kexec-metadata release");
_Static_assert(offsetof(struct kho_kexec_metadata_abi, kexec_count) == 69,
	       "kexec-metadata count");

/* include/linux/kho/abi/luo.h: LUO_ABI_COMPAT_LEN = ALIGN(sizeof("luo-v5"), 8) */
#define LUO_NAME		"LUO"
#define LUO_KNOWN_COMPATIBLE	"luo-v5"
struct luo_ser_abi {
	char compatible[8];
	uint64_t liveupdate_num;
	uint64_t sessions_pa;
	uint64_t flbs_pa;
} __attribute__((packed));
_Static_assert(sizeof(struct luo_ser_abi) == 32, "luo_ser");
_Static_assert(offsetof(struct luo_ser_abi, liveupdate_num) == 8, "luo_ser num");
_Static_assert(offsetof(struct luo_ser_abi, sessions_pa) == 16, "luo_ser sessions");
_Static_assert(offsetof(struct luo_ser_abi, flbs_pa) == 24, "luo_ser flbs");

/* include/linux/kho/abi/memblock.h */
#define MEMBLOCK_NAME		"memblock"
#define MEMBLOCK_COMPATIBLE	"memblock-v1"
#define RESERVE_MEM_COMPATIBLE	"reserve-mem-v1"

/* lib/test_kho.c */
#define KHO_TEST_NAME		"kho_test"
#define KHO_TEST_COMPATIBLE	"kho-test-v1"
#define KHO_TEST_MAGIC		0x4b484f21	/* "KHO!" */

/* struct kho_vmalloc of include/linux/kho/abi/kexec_handover.h */
struct kho_vmalloc_abi {
	uint64_t first;
	uint32_t total_pages;
	uint16_t flags;
	uint16_t order;
};
_Static_assert(sizeof(struct kho_vmalloc_abi) == 16, "kho_vmalloc");
_Static_assert(offsetof(struct kho_vmalloc_abi, total_pages) == 8, "kho_vmalloc pages");
_Static_assert(offsetof(struct kho_vmalloc_abi, flags) == 12, "kho_vmalloc flags");
_Static_assert(offsetof(struct kho_vmalloc_abi, order) == 14, "kho_vmalloc order");

static int try_read(const char *root, const char *dir, const char *path,
		    uint64_t size, void **buf, size_t *len)
{
	struct errbuf e = { 0 };
	char *b = NULL;
	void *v = NULL;
	int ret;

	if (dir)
		ret = read_file(path, INJECT_MAX_FDT, &v, len, &e);
	else
		ret = fsroot_read(root, path, INJECT_MAX_FDT, &b, len, &e);
	if (b)
		v = b;
	if (ret)
		return ret;
	/* Same name, other size: a blob of another tree, not this one. */
	if (*len != size) {
		free(v);
		return -ENOENT;
	}
	*buf = v;
	return 0;
}

/* A debugfs file name the kernel could have made, and no way out of it. */
static bool blob_name_ok(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int inject_blob_read(const struct inject_blobs *b, const char *name,
		     uint64_t size, void **buf, size_t *len, char *where,
		     size_t where_size)
{
	static const char *const out_first[] = { "out", "in" };
	static const char *const in_first[] = { "in", "out" };
	const char *const *sub = b->incoming ? in_first : out_first;
	char path[4096];
	size_t i;

	*buf = NULL;
	*len = 0;
	if (!blob_name_ok(name) || size > INJECT_MAX_FDT)
		return -ENOENT;
	if (b->dir) {
		snprintf(path, sizeof(path), "%s/%s", b->dir, name);
		if (try_read(NULL, b->dir, path, size, buf, len))
			return -ENOENT;
		snprintf(where, where_size, "%s", path);
		return 0;
	}
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s/sub_fdts/%s", KHO_DEBUGFS,
			 sub[i], name);
		if (!try_read(b->root, NULL, path, size, buf, len)) {
			snprintf(where, where_size, "%s", path);
			return 0;
		}
	}
	return -ENOENT;
}

/* A fixed-size char field: its text up to the first NUL, escaped. */
static char *field_str(const char *s, size_t size)
{
	return inject_escape(s, strnlen(s, size));
}

static int decode_metadata(const void *blob, size_t len,
			   struct inject_lines *out)
{
	struct kho_kexec_metadata_abi m;
	char *rel;
	int ret;

	if (len < sizeof(m.version))
		return lines_add(out, "too small (%zu bytes) to hold a version",
				 len) ?: -EINVAL;
	memcpy(&m.version, blob, sizeof(m.version));
	if (m.version != KHO_METADATA_VERSION)
		return lines_add(out, "version %u; only version %u is known",
				 m.version, KHO_METADATA_VERSION) ?: -EINVAL;
	if (len < sizeof(m))
		return lines_add(out, "too small for version %u: %zu < %zu bytes",
				 m.version, len, sizeof(m)) ?: -EINVAL;
	memcpy(&m, blob, sizeof(m));
	rel = field_str(m.previous_release, sizeof(m.previous_release));
	if (!rel)
		return -ENOMEM;
	ret = lines_add(out, "kexec-metadata version %u", m.version);
	if (!ret)
		ret = lines_add(out, "previous release: \"%s\"", rel);
	if (!ret)
		ret = lines_add(out, "kexec count: %u", m.kexec_count);
	free(rel);
	return ret;
}

static int decode_luo(const void *blob, size_t len, struct inject_lines *out)
{
	struct luo_ser_abi l;
	char *compat;
	int ret;

	if (len < sizeof(l))
		return lines_add(out, "too small for struct luo_ser: %zu < %zu bytes",
				 len, sizeof(l)) ?: -EINVAL;
	memcpy(&l, blob, sizeof(l));
	compat = field_str(l.compatible, sizeof(l.compatible));
	if (!compat)
		return -ENOMEM;
	ret = lines_add(out, "compatible: \"%s\"", compat);
	if (!ret && strcmp(compat, LUO_KNOWN_COMPATIBLE)) {
		ret = lines_add(out, "only the %s layout is known; fields not decoded",
				LUO_KNOWN_COMPATIBLE) ?: -EINVAL;
	} else if (!ret) {
		ret = lines_add(out, "live update number: %" PRIu64,
				l.liveupdate_num);
		if (!ret)
			ret = lines_add(out, "sessions at 0x%" PRIx64 "%s",
					l.sessions_pa,
					l.sessions_pa ? "" : " (none)");
		if (!ret)
			ret = lines_add(out, "FLBs at 0x%" PRIx64 "%s", l.flbs_pa,
					l.flbs_pa ? "" : " (none)");
	}
	free(compat);
	return ret;
}

/* The blob as a checked, aligned FDT, or a line saying why not. */
static int blob_fdt(const void *blob, size_t len, const char *compat,
		    void **fdt, struct inject_lines *out)
{
	struct errbuf e = { 0 };
	int ret;

	*fdt = NULL;
	ret = inject_fdt_check(blob, len, &e);
	if (ret)
		return lines_add(out, "not a valid FDT: %s", err_str(&e, ret)) ?:
		       -EINVAL;
	*fdt = malloc(len);
	if (!*fdt)
		return -ENOMEM;
	memcpy(*fdt, blob, len);
	if (fdt_node_check_compatible(*fdt, 0, compat)) {
		free(*fdt);
		*fdt = NULL;
		return lines_add(out, "root is not compatible with \"%s\"; format unknown",
				 compat) ?: -EINVAL;
	}
	return 0;
}

static const void *prop_of(const void *fdt, int node, const char *name,
			   int want)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	return p && len == want ? p : NULL;
}

static int decode_memblock(const void *blob, size_t len,
			   struct inject_lines *out)
{
	const void *start, *size;
	const char *name;
	char sz[32], *esc;
	void *fdt;
	int node, nlen, ret, n = 0;

	ret = blob_fdt(blob, len, MEMBLOCK_COMPATIBLE, &fdt, out);
	if (ret)
		return ret;
	ret = lines_add(out, "compatible: \"%s\"", MEMBLOCK_COMPATIBLE);
	fdt_for_each_subnode(node, fdt, 0) {
		if (ret)
			break;
		name = fdt_get_name(fdt, node, &nlen);
		esc = name ? inject_escape(name, nlen) : NULL;
		if (!esc) {
			ret = -ENOMEM;
			break;
		}
		start = prop_of(fdt, node, "start", 8);
		size = prop_of(fdt, node, "size", 8);
		n++;
		if (fdt_node_check_compatible(fdt, node, RESERVE_MEM_COMPATIBLE))
			ret = lines_add(out, "node \"%s\": not compatible with \"%s\"",
					esc, RESERVE_MEM_COMPATIBLE);
		else if (!start || !size)
			ret = lines_add(out, "reserve_mem \"%s\": start or size missing or not 8 bytes",
					esc);
		else
			ret = lines_add(out, "reserve_mem \"%s\": start 0x%" PRIx64
					", size 0x%" PRIx64 " (%s)", esc,
					inject_get_u64(start), inject_get_u64(size),
					inject_size_str(inject_get_u64(size), sz,
							sizeof(sz)));
		free(esc);
	}
	if (!ret && !n)
		ret = lines_add(out, "no reserve_mem regions");
	free(fdt);
	return ret;
}

static uint32_t get_u32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int decode_kho_test(const void *blob, size_t len,
			   struct inject_lines *out)
{
	const void *magic, *nr, *info, *csum;
	struct kho_vmalloc_abi v;
	void *fdt;
	int data, ret;

	ret = blob_fdt(blob, len, KHO_TEST_COMPATIBLE, &fdt, out);
	if (ret)
		return ret;
	magic = prop_of(fdt, 0, "magic", 4);
	ret = lines_add(out, "compatible: \"%s\"", KHO_TEST_COMPATIBLE);
	if (!ret && !magic)
		ret = lines_add(out, "magic missing or not 4 bytes");
	else if (!ret)
		ret = lines_add(out, "magic: 0x%08x%s", get_u32(magic),
				get_u32(magic) == KHO_TEST_MAGIC ? " (KHO!)" :
				" (wrong: expected 0x4b484f21)");
	data = fdt_subnode_offset(fdt, 0, "data");
	if (!ret && data < 0) {
		ret = lines_add(out, "no /data node");
		goto out;
	}
	nr = prop_of(fdt, data, "nr_folios", 4);
	info = prop_of(fdt, data, "folios_info", sizeof(v));
	csum = prop_of(fdt, data, "csum", 4);
	if (!ret)
		ret = nr ? lines_add(out, "nr_folios: %u", get_u32(nr)) :
			   lines_add(out, "nr_folios missing or not 4 bytes");
	if (!ret && info) {
		memcpy(&v, info, sizeof(v));
		ret = lines_add(out, "folios_info: vmalloc of %u page%s at chunk 0x%"
				PRIx64 ", order %u, flags 0x%x", v.total_pages,
				v.total_pages == 1 ? "" : "s", v.first, v.order,
				v.flags);
	} else if (!ret) {
		ret = lines_add(out, "folios_info missing or not %zu bytes",
				sizeof(v));
	}
	if (!ret)
		ret = csum ? lines_add(out, "csum: 0x%08x", get_u32(csum)) :
			     lines_add(out, "csum missing or not 4 bytes");
out:
	free(fdt);
	return ret;
}

int inject_decode_blob(const char *name, const void *blob, size_t len,
		       struct inject_lines *out)
{
	if (!strcmp(name, KHO_METADATA_NAME))
		return decode_metadata(blob, len, out);
	if (!strcmp(name, MEMBLOCK_NAME))
		return decode_memblock(blob, len, out);
	if (!strcmp(name, LUO_NAME))
		return decode_luo(blob, len, out);
	if (!strcmp(name, KHO_TEST_NAME))
		return decode_kho_test(blob, len, out);
	return -ENOENT;
}
