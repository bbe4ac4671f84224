/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_SYSFAULT_H
#define KEXEC_SYSFAULT_H

#include <stdbool.h>

/*
 * The seam under the kexec syscalls, for tests: only the test build
 * (kexec/kexec-test, compiled with KEXEC_TEST_HOOKS) has it. There the
 * environment variable KEXEC_TEST_SYSCALLS, a comma-separated list of
 * CALL=ERRNO (CALL one of kexec_load, kexec_unload, kexec_file_load,
 * reboot; ERRNO a name such as EBUSY, or 0 for success), decides what
 * each call returns instead of the kernel. While it is set, a call it
 * does not name fails with ENOSYS: a test never reaches the real kernel
 * by accident. A production build reads no such variable.
 */
#ifdef KEXEC_TEST_HOOKS
/*
 * Whether @call is faked; if so *err is 0 or a negative errno. An entry
 * that cannot be parsed fakes -ENOTRECOVERABLE, so a typo fails the test.
 */
bool sysfault_fake(const char *call, int *err);
#else
static inline bool sysfault_fake(const char *call, int *err)
{
	(void)call;
	(void)err;
	return false;
}
#endif

#endif
