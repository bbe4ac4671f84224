/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_PURGATORY_LOAD_H
#define KEXEC_PURGATORY_LOAD_H

#include <stdbool.h>
#include <stdint.h>

struct kexec_load;

/* The blob embedded by purgatory-blob.S. */
extern const unsigned char purgatory_blob[];
extern const unsigned char purgatory_blob_end[];

/*
 * Add the purgatory as the last segment: it records the digest of every
 * segment placed so far, so call it once all others are in the plan.
 * @entry is the next kernel's entry, @arg0 its boot argument (x86_64:
 * boot_params address; arm64: DTB address). Sets l->entry.
 */
int purgatory_add(struct kexec_load *l, uint64_t entry, uint64_t arg0,
		  uint64_t serial_port, bool checksum);

#endif
