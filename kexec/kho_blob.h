/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_BLOB_H
#define KEXEC_KHO_BLOB_H

/*
 * --kho-blob NAME=FILE: a file handed to the next kernel as a KHO
 * subnode NAME whose preserved-data points at a copy the arch code
 * places in memory the next kernel reserves.
 */
#include <stddef.h>
#include <stdint.h>

struct errbuf;
struct kho_handover;

/*
 * Each file at most KHO_BLOB_MAX, all of them together at most
 * KHO_BLOBS_TOTAL_MAX (the copies take the next kernel's memory for
 * good). Names are what the next kernel's debugfs shows.
 */
#define KHO_BLOB_MAX (64U << 20)
#define KHO_BLOBS_TOTAL_MAX (128U << 20)
#define KHO_BLOB_NAME_MAX 63

/* One --kho-blob NAME=FILE. */
struct kho_blob {
	char name[KHO_BLOB_NAME_MAX + 1];
	char seg_name[KHO_BLOB_NAME_MAX + 16];	/* "kho-blob NAME", for plans */
	void *data;
	size_t size;
	uint64_t phys;		/* set by the arch code once placed */
};

/*
 * Read each "NAME=FILE" of @specs (KHO_BLOB_MAX bytes at most, not
 * empty) and add a node NAME to a copy of h->fdt with preserved-data 0
 * (set once placed) and blob-size. NAME is 1..KHO_BLOB_NAME_MAX of
 * [A-Za-z0-9,._+-] and must not name a node the FDT has. Nothing is
 * changed on failure; @nr == 0 does nothing.
 * Errors: -EINVAL (no FDT in @h, a bad NAME=FILE, libfdt refused),
 * -EBUSY (blobs were added already), those of read_file(), -ENODATA
 * (an empty file), -EFBIG (over KHO_BLOBS_TOTAL_MAX together), -EEXIST
 * (NAME or NAME@unit is a node already), -EBADMSG, -ENOMEM.
 */
int kho_add_blobs(struct kho_handover *h, const char *const *specs,
		  size_t nr, struct errbuf *e);

/*
 * For the arch code: blob @i was placed at @phys; its node in h->fdt is
 * updated. Errors: -EINVAL (no blob @i, @phys 0, the node is gone).
 */
int kho_set_blob_phys(struct kho_handover *h, size_t i, uint64_t phys,
		      struct errbuf *e);

#endif
