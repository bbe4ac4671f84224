// SPDX-License-Identifier: GPL-2.0-or-later
/* Test build only: what KEXEC_TEST_SYSCALLS says each kexec syscall returns. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysfault.h"

#ifndef EKEYREJECTED
#define EKEYREJECTED 129
#endif

/* The errnos the kexec syscalls and reboot(2) are documented to return. */
static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "EPERM", EPERM }, { "EBUSY", EBUSY }, { "EINVAL", EINVAL },
	{ "ENOMEM", ENOMEM }, { "EADDRNOTAVAIL", EADDRNOTAVAIL },
	{ "ENOEXEC", ENOEXEC }, { "EKEYREJECTED", EKEYREJECTED },
	{ "EBADMSG", EBADMSG }, { "ENOKEY", ENOKEY }, { "EACCES", EACCES },
	{ "EFAULT", EFAULT }, { "EBADF", EBADF }, { "ENOSYS", ENOSYS },
	{ "EOVERFLOW", EOVERFLOW }, { "EIO", EIO },
};

static int errno_by_name(const char *s, size_t len)
{
	size_t i;

	if (len == 1 && s[0] == '0')
		return 0;
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strlen(errnos[i].name) == len &&
		    !memcmp(errnos[i].name, s, len))
			return -errnos[i].err;
	return -ENOTRECOVERABLE;
}

bool sysfault_fake(const char *call, int *err)
{
	const char *p = getenv("KEXEC_TEST_SYSCALLS");
	size_t clen = strlen(call);

	if (!p)
		return false;
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);

		if (eq && (size_t)(eq - p) == clen && !memcmp(p, call, clen)) {
			*err = errno_by_name(eq + 1, n - (eq + 1 - p));
			return true;
		}
		p += n;
		if (*p)
			p++;
	}
	*err = -ENOSYS;
	return true;
}
