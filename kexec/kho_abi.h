/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KHO_ABI_H
#define KEXEC_KHO_ABI_H

/*
 * Can the next kernel take the handover? A kernel with KHO accepts the
 * handed-over FDT only if its root compatible is the kernel's own
 * KHO_FDT_COMPATIBLE ("kho-v4" in 7.3, fdt_node_check_compatible() in
 * kho_populate()); any other ABI, or a kernel without KHO, boots with
 * "disabling KHO revival" and the preserved state is gone. That string
 * sits NUL-terminated in the kernel's read-only data; a kernel built
 * without CONFIG_KEXEC_HANDOVER has none. So the ABI is read by finding
 * every "kho-v<digits>\0" in the uncompressed kernel's bytes: the arch
 * image code feeds them (streaming, for payloads it only decompresses to
 * look), the load policy decides.
 */
#include <stdbool.h>
#include <stddef.h>

struct errbuf;
struct kho_handover;
struct kho_request;

#define KHO_ABI_PREFIX "kho-v"
#define KHO_ABI_PREFIX_LEN 5
/* "kho-v" and at most 9 digits: longer runs are not an ABI we can name. */
#define KHO_ABI_MAX_DIGITS 9
#define KHO_ABI_STR_MAX (KHO_ABI_PREFIX_LEN + KHO_ABI_MAX_DIGITS + 1)
/* Distinct ABIs remembered; a real kernel has one. */
#define KHO_ABI_MAX_FOUND 4

enum kho_abi_state {
	KHO_ABI_UNREAD,		/* nobody looked (the image type cannot) */
	KHO_ABI_READING,	/* kho_abi_scan_start() was called */
	KHO_ABI_READ,		/* the whole kernel was seen, or @want in it */
	KHO_ABI_UNREADABLE,	/* could not decompress; @why says why */
};

/* What one image showed, and the matcher's state between chunks. */
struct kho_abi_scan {
	enum kho_abi_state state;
	char want[KHO_ABI_STR_MAX];	/* the handover's ABI: stop once seen */
	bool has_want;
	char found[KHO_ABI_MAX_FOUND][KHO_ABI_STR_MAX];
	size_t nr_found;
	bool more;			/* more distinct ABIs than fit */
	char why[160];			/* UNREADABLE: a phrase, no period */
	/* Set by kho_abi_check(): for -d and --dry-run, and for stderr. */
	char verdict[256];
	char warning[400];
	/* "kho-v" and digits matched so far, across chunk boundaries. */
	char cur[KHO_ABI_STR_MAX];
	size_t cur_len;
};

/*
 * Start a scan for the handover ABI @want (a "kho-vN" string, copied;
 * longer than KHO_ABI_STR_MAX - 1 is never found).
 */
void kho_abi_scan_start(struct kho_abi_scan *s, const char *want);

/*
 * Feed the next @len bytes of the uncompressed kernel. Returns true once
 * @want was seen: the caller may stop decompressing (state is READ).
 */
bool kho_abi_scan_feed(struct kho_abi_scan *s, const void *buf, size_t len);

/* The last byte was fed: state READ (unless already UNREADABLE). */
void kho_abi_scan_end(struct kho_abi_scan *s);

/* Why the kernel's bytes could not be had: state UNREADABLE. */
void kho_abi_scan_fail(struct kho_abi_scan *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* start + feed all of @buf + end: for kernels already in memory. */
void kho_abi_scan_buffer(struct kho_abi_scan *s, const char *want,
			 const void *buf, size_t len);

/*
 * The policy, once the image was scanned (or not), for the handover @h
 * of the kernel file @kernel:
 *  - the image holds h->compatible: 0;
 *  - it holds other kho-vN only, or none (and was read whole): the next
 *    kernel drops the state; -EPROTONOSUPPORT (other ABI) or -ENOPROTOOPT
 *    (no KHO) with one line, unless @accept_loss, which turns it into a
 *    warning;
 *  - it could not be read (UNREAD, UNREADABLE): "could not tell". With
 *    @strict (the user asked for the handover: --kho, --kho-fdt,
 *    --kho-blob, --kho-scratch) -EPROTO unless @accept_loss; otherwise a
 *    warning.
 * Fills s->verdict, and s->warning when the load goes on at a risk.
 */
/* Whether the user asked for the handover rather than getting it by default. */
bool kho_abi_strict(const struct kho_request *r);

int kho_abi_check(const struct kho_handover *h, struct kho_abi_scan *s,
		  const char *kernel, bool strict, bool accept_loss,
		  struct errbuf *e);

#endif
