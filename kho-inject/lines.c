// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject.h"

int lines_add(struct inject_lines *l, const char *fmt, ...)
{
	char **nl, *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	nl = realloc(l->line, (l->nr + 1) * sizeof(*nl));
	if (!nl) {
		free(s);
		return -ENOMEM;
	}
	nl[l->nr++] = s;
	l->line = nl;
	return 0;
}

bool lines_has(const struct inject_lines *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (strstr(l->line[i], s))
			return true;
	return false;
}

void lines_free(struct inject_lines *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->line[i]);
	free(l->line);
	l->line = NULL;
	l->nr = 0;
}
