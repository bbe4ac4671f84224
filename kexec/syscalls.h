/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_SYSCALLS_H
#define KEXEC_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>

struct errbuf;
struct plan;

/* kexec_load(2) with every segment of @p; @flags carries KEXEC_ARCH_*. */
int sys_kexec_load(uint64_t entry, const struct plan *p, unsigned long flags,
		   struct errbuf *e);

/* kexec_file_load(2): the kernel parses and places the image itself. */
int sys_kexec_file_load(const char *kernel, const char *initrd,
			const char *cmdline, struct errbuf *e);

int sys_kexec_unload(unsigned long flags, struct errbuf *e);

/* reboot(LINUX_REBOOT_CMD_KEXEC): does not return on success. */
int sys_kexec_reboot(struct errbuf *e);

/* 1 if a kernel is loaded, 0 if not, per /sys/kernel/kexec_loaded. */
int kexec_loaded(const char *root, struct errbuf *e);

/*
 * The same for the crash kernel (/sys/kernel/kexec_crash_loaded);
 * -ENOENT, said so, when the kernel cannot load one at all.
 */
int kexec_crash_loaded(const char *root, struct errbuf *e);

enum kexec_call {
	KEXEC_CALL_LOAD,	/* kexec_load, also unloading */
	KEXEC_CALL_FILE_LOAD,	/* kexec_file_load */
	KEXEC_CALL_REBOOT,	/* reboot(LINUX_REBOOT_CMD_KEXEC) */
};

/*
 * Explain an errno from one of the kexec syscalls in one phrase: what the
 * kernel refused and what to do. Never NULL.
 */
const char *kexec_errno_reason(int err, enum kexec_call call);

#endif
