/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_RECORD_H
#define KEXEC_KHO_RECORD_H

/*
 * Staleness of a handed-over copy. The FDT handed over as a copy is a
 * snapshot: if a subsystem adds or removes a subtree between load and
 * exec the copy lies. Load saves a record of what it handed over; exec
 * checks it. A LIVE handover is never stale (the next kernel reads the
 * page itself) unless it was handed over as an edited copy.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kho_source.h"

struct errbuf;
struct kho_handover;

/* Where load leaves what it handed over, for exec to check staleness. */
#define KHO_RECORD_DIR "/run/kexec-kho"
#define KHO_RECORD KHO_RECORD_DIR "/loaded"
#define KHO_DIGEST_SIZE 32	/* SHA-256 */

struct kho_record {
	enum kho_fdt_source source;
	char path[1024];			/* h->src_path */
	uint8_t digest[KHO_DIGEST_SIZE];	/* of the bytes handed over */
	bool has_base;
	uint8_t base_digest[KHO_DIGEST_SIZE];	/* kernel FDT at load */
};

/* SHA-256 of the FDT bytes (h->fdt, h->fdt_len); -EINVAL without any. */
int kho_digest(const struct kho_handover *h, uint8_t out[KHO_DIGEST_SIZE]);

/*
 * Write <root>/run/kexec-kho/loaded (atomically, creating the dir).
 * Errors: -EINVAL (no FDT; a path with a newline), those of mkdir(),
 * fopen(), write, fsync() and rename() as -errno, -ENAMETOOLONG.
 */
int kho_record_save(const char *root, const struct kho_handover *h,
		    struct errbuf *e);

/*
 * Errors: -ENOENT when there is no record (nothing loaded, or not with
 * KHO; @e untouched), -EBADMSG (not a record we wrote), those of
 * fsroot_read().
 */
int kho_record_load(const char *root, struct kho_record *r,
		    struct errbuf *e);

/*
 * 0 when what was handed over still describes the running kernel;
 * -ESTALE with the reason when not; other errors when it cannot tell
 * (those of the readers in kho_source.h, -EINVAL for a record without a
 * source). DEBUGFS: out/fdt re-read and hashed. FILE: the file
 * re-hashed, and the kernel's own FDT compared with the one seen at load
 * when there was one. LIVE: the kernel's FDT compared with the one the
 * edited copy was made from, if it was one.
 */
int kho_record_check(const char *root, const struct kho_record *r,
		     struct errbuf *e);

/* Remove the record (unload); no record is not an error. */
int kho_record_clear(const char *root, struct errbuf *e);

#endif
