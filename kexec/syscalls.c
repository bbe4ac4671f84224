// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errbuf.h"
#include "fsroot.h"
#include "placement.h"
#include "syscalls.h"

#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

const char *kexec_errno_reason(int err, bool file_load)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
		return file_load ?
			"not permitted: needs CAP_SYS_BOOT, and kexec must not be disabled (sysctl kernel.kexec_load_disabled) or refused by lockdown or signature policy" :
			"not permitted: needs CAP_SYS_BOOT, and kexec_load must not be disabled (sysctl kernel.kexec_load_disabled, kernel.kexec_load_limit_reboot) or locked down (lockdown forbids kexec_load: try -s with a signed kernel)";
	case EBUSY:
		return "busy: another kexec load or unload is in progress";
	case EINVAL:
		return file_load ?
			"invalid argument: the kernel rejected the image, initrd or command line" :
			"invalid argument: the kernel rejected the segment list (overlap, alignment or entry point)";
	case EADDRNOTAVAIL:
		return "a segment's destination is not usable memory for the kernel";
	case ENOMEM:
		return "not enough memory to stage the segments";
	case ENOEXEC:
		return "the kernel does not support this image format";
	case EKEYREJECTED:
		return "the image signature was rejected";
	case EBADMSG:
		return "the image signature is malformed";
	case ENOSYS:
		return file_load ?
			"the running kernel has no kexec_file_load (CONFIG_KEXEC_FILE)" :
			"the running kernel has no kexec_load (CONFIG_KEXEC; on arm64 it also needs PM_SLEEP_SMP)";
	case ENOENT:
		return "no such file";
	}
	return strerror(err < 0 ? -err : err);
}

int sys_kexec_load(uint64_t entry, const struct plan *p, unsigned long flags,
		   struct errbuf *e)
{
	struct kexec_segment ks[PLAN_MAX_SEGMENTS];
	size_t i;

	if (p->nr > PLAN_MAX_SEGMENTS)
		return err_set(e, -E2BIG, "kexec_load: too many segments");
	for (i = 0; i < p->nr; i++) {
		ks[i].buf = (void *)p->seg[i].buf;
		ks[i].bufsz = p->seg[i].bufsz;
		ks[i].mem = (void *)(uintptr_t)p->seg[i].mem;
		ks[i].memsz = p->seg[i].memsz;
	}
	if (syscall(SYS_kexec_load, (unsigned long)entry, (unsigned long)p->nr,
		    ks, flags) != 0) {
		int err = -errno;

		return err_set(e, err, "kexec_load: %s",
			       kexec_errno_reason(err, false));
	}
	return 0;
}

int sys_kexec_file_load(const char *kernel, const char *initrd,
			const char *cmdline, struct errbuf *e)
{
	unsigned long flags = 0;
	int kfd, ifd = -1, err = 0;

	kfd = open(kernel, O_RDONLY | O_CLOEXEC);
	if (kfd < 0)
		return err_set(e, -errno, "%s: %s", kernel, strerror(errno));
	if (initrd) {
		ifd = open(initrd, O_RDONLY | O_CLOEXEC);
		if (ifd < 0) {
			err = err_set(e, -errno, "%s: %s", initrd,
				      strerror(errno));
			goto out;
		}
	} else {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1,
		    cmdline, flags) != 0) {
		err = -errno;
		err_set(e, err, "kexec_file_load: %s",
			kexec_errno_reason(err, true));
	}
out:
	if (ifd >= 0)
		close(ifd);
	close(kfd);
	return err;
}

int sys_kexec_unload(unsigned long flags, struct errbuf *e)
{
	/* Zero segments unloads whatever either syscall loaded. */
	if (syscall(SYS_kexec_load, 0UL, 0UL, NULL, flags) != 0) {
		int err = -errno;

		return err_set(e, err, "unload: %s",
			       kexec_errno_reason(err, false));
	}
	return 0;
}

int sys_kexec_reboot(struct errbuf *e)
{
	int err;

	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	err = -errno;
	return err_set(e, err, "reboot into the loaded kernel: %s",
		       err == -EINVAL ? "no kernel is loaded" :
				      kexec_errno_reason(err, false));
}

int kexec_loaded(const char *root, struct errbuf *e)
{
	char *buf;
	size_t len;
	int err, loaded;

	err = fsroot_read(root, "/sys/kernel/kexec_loaded", 64, &buf, &len, e);
	if (err)
		return err;
	if (len < 1 || (buf[0] != '0' && buf[0] != '1')) {
		free(buf);
		return err_set(e, -EINVAL,
			       "/sys/kernel/kexec_loaded: unexpected content");
	}
	loaded = buf[0] == '1';
	free(buf);
	return loaded;
}
