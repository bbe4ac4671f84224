// SPDX-License-Identifier: GPL-2.0-or-later
/* --kho-blob (kho_blob.h): files handed over as KHO subnodes. */
#include <ctype.h>
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kho_internal.h"

/* Devicetree node-name characters, without '@': see add_blob_nodes(). */
static bool blob_name_ok(const char *name, size_t len)
{
	size_t i;

	if (!len || len > KHO_BLOB_NAME_MAX)
		return false;
	/* libfdt refuses these two as node names: say so up front. */
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (!isalnum(c) && !strchr(",._+-", c))
			return false;
	}
	return true;
}

static int read_blob(const char *spec, struct kho_blob *b, struct errbuf *e)
{
	const char *eq = strchr(spec, '=');
	size_t n = eq ? (size_t)(eq - spec) : 0;
	int ret;

	if (!eq || !blob_name_ok(spec, n))
		return err_set(e, -EINVAL,
			       "--kho-blob '%.*s=...': NAME must be 1 to %d of A-Z a-z 0-9 , . _ + -, and not . or ..",
			       (int)(n < 80 ? n : 80), spec, KHO_BLOB_NAME_MAX);
	memcpy(b->name, spec, n);
	b->name[n] = '\0';
	snprintf(b->seg_name, sizeof(b->seg_name), "kho-blob %s", b->name);
	ret = read_file(eq + 1, KHO_BLOB_MAX, &b->data, &b->size, e);
	if (ret)
		return err_prefix(e, ret, "--kho-blob %s", b->name);
	if (!b->size)
		return err_set(e, -ENODATA, "--kho-blob %s: %s is empty",
			       b->name, eq + 1);
	return 0;
}

/*
 * The kernel finds a subsystem's node with fdt_subnode_offset(), which
 * also matches "NAME@unit": such a node is taken as NAME too.
 */
static int blob_conflict(const void *fdt, const char *name, struct errbuf *e)
{
	size_t n = strlen(name);
	const char *other;
	int node, len;

	fdt_for_each_subnode(node, fdt, 0) {
		other = fdt_get_name(fdt, node, &len);
		if (!other || (size_t)len < n || memcmp(other, name, n))
			continue;
		if ((size_t)len == n || other[n] == '@')
			return err_set(e, -EEXIST,
				       "--kho-blob %s: the KHO FDT already has a node \"%.*s\"",
				       name, len, other);
	}
	return 0;
}

/* preserved-data 0 until the arch code places the blob. */
static int add_blob_node(void *fdt, const struct kho_blob *b,
			 struct errbuf *e)
{
	uint64_t zero = 0, size = b->size;
	int node, ret;

	ret = blob_conflict(fdt, b->name, e);
	if (ret)
		return ret;
	node = fdt_add_subnode(fdt, 0, b->name);
	ret = node < 0 ? node : fdt_setprop(fdt, node, KHO_DATA_PROP, &zero,
					    sizeof(zero));
	if (!ret)
		ret = fdt_setprop(fdt, node, KHO_SIZE_PROP, &size, sizeof(size));
	if (ret)
		return err_set(e, -EINVAL, "--kho-blob %s: cannot add its node: %s",
			       b->name, fdt_strerror(ret));
	return 0;
}

static int add_blob_nodes(struct kho_handover *h, const struct kho_blob *b,
			  size_t nr, struct errbuf *e)
{
	/* A node: header, name, two 8-byte properties; the strings once. */
	size_t room = h->fdt_len + 64 + nr * (KHO_BLOB_NAME_MAX + 96);
	void *buf;
	size_t i;
	int ret;

	buf = malloc(room);
	if (!buf)
		return err_set(e, -ENOMEM, "out of memory adding KHO blobs");
	ret = fdt_open_into(h->fdt, buf, room);
	if (ret) {
		free(buf);
		return err_set(e, -EBADMSG, "cannot edit the KHO FDT: %s",
			       fdt_strerror(ret));
	}
	for (i = 0; i < nr && !ret; i++)
		ret = add_blob_node(buf, &b[i], e);
	if (!ret && fdt_pack(buf))
		ret = err_set(e, -EINVAL, "cannot pack the KHO FDT");
	if (!ret)
		ret = kho_validate_fdt(buf, fdt_totalsize(buf), NULL, 0, NULL,
				       e);
	if (ret) {
		free(buf);
		return ret;
	}
	kho_mark_edited(h);
	free(h->fdt);
	h->fdt = buf;
	h->fdt_len = fdt_totalsize(buf);
	h->fdt_size = h->fdt_len;
	return 0;
}

void kho_free_blobs(struct kho_blob *b, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(b[i].data);
	free(b);
}

int kho_add_blobs(struct kho_handover *h, const char *const *specs,
		  size_t nr, struct errbuf *e)
{
	struct kho_blob *b;
	uint64_t total = 0;
	size_t i;
	int ret = 0;

	if (!nr)
		return 0;
	if (!h->fdt || !h->fdt_len)
		return err_set(e, -EINVAL, "--kho-blob: no KHO FDT to add to");
	if (h->blobs)
		return err_set(e, -EBUSY, "--kho-blob: blobs were added already");
	b = calloc(nr, sizeof(*b));
	if (!b)
		return err_set(e, -ENOMEM, "out of memory reading KHO blobs");
	for (i = 0; i < nr && !ret; i++) {
		ret = read_blob(specs[i], &b[i], e);
		total += b[i].size;
		if (!ret && total > KHO_BLOBS_TOTAL_MAX)
			ret = err_set(e, -EFBIG,
				      "--kho-blob: the blobs take more than the %u MiB allowed together",
				      KHO_BLOBS_TOTAL_MAX >> 20);
	}
	if (!ret)
		ret = add_blob_nodes(h, b, nr, e);
	if (ret) {
		kho_free_blobs(b, nr);
		return ret;
	}
	h->blobs = b;
	h->nr_blobs = nr;
	return 0;
}

int kho_set_blob_phys(struct kho_handover *h, size_t i, uint64_t phys,
		      struct errbuf *e)
{
	int node, ret;

	if (i >= h->nr_blobs || !phys)
		return err_set(e, -EINVAL, "KHO: no blob %zu to place at 0x%llx",
			       i, (unsigned long long)phys);
	node = fdt_subnode_offset(h->fdt, 0, h->blobs[i].name);
	ret = node < 0 ? node : set_u64_prop(h->fdt, node, KHO_DATA_PROP, phys);
	if (ret)
		return err_set(e, -EINVAL, "KHO: cannot point node %s at its blob: %s",
			       h->blobs[i].name, fdt_strerror(ret));
	h->blobs[i].phys = phys;
	return 0;
}
