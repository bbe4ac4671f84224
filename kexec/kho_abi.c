// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The next kernel's KHO ABI, read from its image: see kho_abi.h. The
 * matcher is a small state machine so that decompressors can feed it
 * chunk by chunk and never hold the whole kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "kho.h"
#include "kho_abi.h"

void kho_abi_scan_start(struct kho_abi_scan *s, const char *want)
{
	memset(s, 0, sizeof(*s));
	s->state = KHO_ABI_READING;
	if (strlen(want) < sizeof(s->want))
		strcpy(s->want, want);
}

static void saw(struct kho_abi_scan *s, const char *abi)
{
	size_t i;

	if (s->want[0] && !strcmp(abi, s->want))
		s->has_want = true;
	for (i = 0; i < s->nr_found; i++)
		if (!strcmp(s->found[i], abi))
			return;
	if (s->nr_found < KHO_ABI_MAX_FOUND)
		strcpy(s->found[s->nr_found++], abi);
	else
		s->more = true;
}

/*
 * One byte after a partial match: extend it, complete it (a NUL after
 * at least one digit), or drop it. Returns whether @c was used; when it
 * was not, the caller looks at it again as a possible new start.
 */
static bool step(struct kho_abi_scan *s, char c)
{
	if (s->cur_len < KHO_ABI_PREFIX_LEN) {
		if (c != KHO_ABI_PREFIX[s->cur_len]) {
			s->cur_len = 0;
			return false;
		}
		s->cur[s->cur_len++] = c;
		return true;
	}
	if (c >= '0' && c <= '9' &&
	    s->cur_len < KHO_ABI_PREFIX_LEN + KHO_ABI_MAX_DIGITS) {
		s->cur[s->cur_len++] = c;
		return true;
	}
	if (!c && s->cur_len > KHO_ABI_PREFIX_LEN) {
		s->cur[s->cur_len] = '\0';
		saw(s, s->cur);
		s->cur_len = 0;
		return true;
	}
	s->cur_len = 0;
	return false;
}

bool kho_abi_scan_feed(struct kho_abi_scan *s, const void *buf, size_t len)
{
	const char *p = buf, *end = p + len;

	while (p < end && !s->has_want) {
		if (!s->cur_len) {
			/* "kho-v" has no repeated letter: restart at a 'k'. */
			p = memchr(p, 'k', end - p);
			if (!p)
				break;
		}
		if (step(s, *p))
			p++;
	}
	if (s->has_want)
		s->state = KHO_ABI_READ;
	return s->has_want;
}

void kho_abi_scan_end(struct kho_abi_scan *s)
{
	if (s->state == KHO_ABI_READING)
		s->state = KHO_ABI_READ;
}

void kho_abi_scan_fail(struct kho_abi_scan *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	s->state = KHO_ABI_UNREADABLE;
}

void kho_abi_scan_buffer(struct kho_abi_scan *s, const char *want,
			 const void *buf, size_t len)
{
	kho_abi_scan_start(s, want);
	kho_abi_scan_feed(s, buf, len);
	kho_abi_scan_end(s);
}

/* "kho-v9" or "kho-v8, kho-v9[, ...]" */
static void found_list(const struct kho_abi_scan *s, char *out, size_t size)
{
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < s->nr_found && n < size; i++)
		n += snprintf(out + n, size - n, "%s%s", i ? ", " : "",
			      s->found[i]);
	if (s->more && n < size)
		snprintf(out + n, size - n, ", ...");
}

static const char *handed_by(const struct kho_handover *h)
{
	return h->source == KHO_SRC_FILE ? "the --kho-fdt file hands over" :
					   "the running kernel hands over";
}

/* The image holds other ABIs only, or none: the next kernel drops it all. */
static int cannot_take(const struct kho_handover *h, struct kho_abi_scan *s,
		       const char *kernel, bool accept_loss, struct errbuf *e)
{
	char what[96], list[KHO_ABI_MAX_FOUND * (KHO_ABI_STR_MAX + 2) + 8];
	int err;

	if (s->nr_found) {
		found_list(s, list, sizeof(list));
		snprintf(what, sizeof(what), "its KHO ABI is %s", list);
		err = -EPROTONOSUPPORT;
	} else {
		snprintf(what, sizeof(what),
			 "it has no KHO (no kho-vN string in the kernel: built without CONFIG_KEXEC_HANDOVER)");
		err = -ENOPROTOOPT;
	}
	snprintf(s->verdict, sizeof(s->verdict),
		 "the next kernel cannot take %s: %s", h->compatible, what);
	if (!accept_loss)
		return err_set(e, err,
			       "%s: %s, %s %s; it would boot with \"disabling KHO revival\" and the preserved state lost: load a kernel built with %s, or give --kho-accept-loss to lose the state",
			       kernel, what, handed_by(h), h->compatible,
			       h->compatible);
	snprintf(s->warning, sizeof(s->warning),
		 "%s: %s, %s %s: the next kernel will drop the preserved state (--kho-accept-loss)",
		 kernel, what, handed_by(h), h->compatible);
	return 0;
}

static int cannot_tell(const struct kho_handover *h, struct kho_abi_scan *s,
		       const char *kernel, bool strict, bool accept_loss,
		       struct errbuf *e)
{
	const char *why = s->state == KHO_ABI_UNREADABLE ?
				  s->why :
				  "kexec-kho cannot look inside this image type";

	snprintf(s->verdict, sizeof(s->verdict),
		 "could not tell whether the next kernel takes %s: %s",
		 h->compatible, why);
	if (strict && !accept_loss)
		return err_set(e, -EPROTO,
			       "%s: could not tell whether it can take the KHO handover (%s), %s %s: give --kho-accept-loss to load it anyway, at the risk of losing the preserved state",
			       kernel, why, handed_by(h), h->compatible);
	snprintf(s->warning, sizeof(s->warning),
		 "%s: could not tell whether it can take the KHO handover (%s): if it lacks %s, the preserved state is lost%s",
		 kernel, why, h->compatible,
		 accept_loss ? " (--kho-accept-loss)" :
			       " (--kho makes this an error)");
	return 0;
}

int kho_abi_check(const struct kho_handover *h, struct kho_abi_scan *s,
		  const char *kernel, bool strict, bool accept_loss,
		  struct errbuf *e)
{
	s->verdict[0] = '\0';
	s->warning[0] = '\0';
	if (s->state == KHO_ABI_READ && s->has_want &&
	    !strcmp(s->want, h->compatible)) {
		snprintf(s->verdict, sizeof(s->verdict),
			 "the next kernel takes %s", h->compatible);
		return 0;
	}
	if (s->state == KHO_ABI_READ)
		return cannot_take(h, s, kernel, accept_loss, e);
	return cannot_tell(h, s, kernel, strict, accept_loss, e);
}

bool kho_abi_strict(const struct kho_request *r)
{
	return r->mode == KHO_REQUIRE || r->fdt_file || r->nr_blobs ||
	       kho_request_own_scratch(r);
}
