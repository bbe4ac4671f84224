/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ERRBUF_H
#define KEXEC_ERRBUF_H

/*
 * Library code never prints: it returns a negative errno and, where the
 * errno alone would leave the user guessing, leaves one sentence here for
 * the CLI layer to show.
 */
struct errbuf {
	int err;		/* negative errno of the first failure */
	char msg[512];
};

/*
 * Record the first failure (later ones are usually consequences of it) and
 * return @err so callers can write "return err_set(e, -EINVAL, ...)".
 * @e may be NULL.
 */
int err_set(struct errbuf *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message with context, e.g. the file name. */
int err_prefix(struct errbuf *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Add a clause to the recorded message (no-op when none is recorded). */
void err_append(struct errbuf *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void err_clear(struct errbuf *e);

/* The message, or strerror(-err) when none was recorded. */
const char *err_str(const struct errbuf *e, int err);

#endif
