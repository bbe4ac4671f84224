// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"

int err_set(struct errbuf *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->err)
		return err;
	e->err = err;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return err;
}

int err_prefix(struct errbuf *e, int err, const char *fmt, ...)
{
	char prefix[256], old[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return err;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (!e->err) {
		e->err = err;
		snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix,
			 strerror(err < 0 ? -err : err));
		return err;
	}
	memcpy(old, e->msg, sizeof(old));
	/* A message cut short is still better than none. */
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old) < 0)
		e->msg[0] = '\0';
	return err;
}

void err_append(struct errbuf *e, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (!e || !e->err)
		return;
	used = strlen(e->msg);
	if (used + 1 >= sizeof(e->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg + used, sizeof(e->msg) - used, fmt, ap);
	va_end(ap);
}

void err_clear(struct errbuf *e)
{
	if (!e)
		return;
	e->err = 0;
	e->msg[0] = '\0';
}

const char *err_str(const struct errbuf *e, int err)
{
	if (e && e->err && e->msg[0])
		return e->msg;
	return strerror(err < 0 ? -err : err);
}
