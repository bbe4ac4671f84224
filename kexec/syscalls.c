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
#include "sysfault.h"

#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

/* What kexec_load or kexec_file_load refused, and what to do about it. */
static const char *load_reason(int err, bool file)
{
	switch (err) {
	case EPERM:
		return file ?
			"not permitted: run as root (CAP_SYS_BOOT); kexec may be disabled (sysctl kernel.kexec_load_disabled), and under lockdown or signature enforcement the kernel image must be signed by a trusted key" :
			"not permitted: run as root (CAP_SYS_BOOT); kexec_load may be disabled (sysctl kernel.kexec_load_disabled, kernel.kexec_load_limit_reboot) or locked down: then load a signed kernel with kexec -s";
	case EBUSY:
		return "busy: another kexec load, unload or reboot holds the kexec lock; wait for it and run kexec again";
	case EINVAL:
		return file ?
			"invalid argument: the kernel rejected the image, initrd or command line; check the files, or load with kexec_load (-c)" :
			"invalid argument: the kernel rejected the segment list (overlapping segments, one segment or all of them taking more than half of RAM, or flags it does not know); see the plan with --dry-run -d";
	case EADDRNOTAVAIL:
		return "address not available: a segment is not page aligned or lies above the kernel's kexec destination limit; see the plan with --dry-run -d and report it, the loader should never ask for that";
	case ENOMEM:
		return "out of memory: the kernel could not allocate the pages to stage the segments; free memory (or use a smaller initrd) and load again";
	case ENOEXEC:
		return file ?
			"exec format error: the running kernel's kexec_file_load does not know this image format; load with kexec_load (-c, the default)" :
			"exec format error: the kernel refused the image; check it is a kernel for this machine";
	case EKEYREJECTED:
		return "signature rejected: the image is unsigned or signed by a key the kernel does not trust; sign it, or boot without signature enforcement (then kexec_load, -c, works too)";
	case EBADMSG:
		return "bad signature: the image's signature is malformed; sign the image again";
	case ENOKEY:
		return "unknown key: the image is signed by a key in none of the kernel's keyrings; add the key or sign with a trusted one";
	case EACCES:
		return "permission denied by a security policy (IMA appraisal or an LSM): the policy must allow this kexec image";
	case EBADF:
		return "bad file descriptor: the kernel could not read the image or initrd file";
	case EFAULT:
		return "bad address: the kernel could not read what the loader passed; report this as a loader bug";
	case ENOSYS:
		return file ?
			"not implemented: the running kernel has no kexec_file_load (CONFIG_KEXEC_FILE); load with kexec_load (-c, the default)" :
			"not implemented: the running kernel has no kexec_load (CONFIG_KEXEC; on arm64 it also needs PM_SLEEP_SMP); try kexec -s";
	case ENOENT:
		return "no such file";
	}
	return NULL;
}

/* reboot(LINUX_REBOOT_CMD_KEXEC): kernel_kexec() in kernel/kexec_core.c. */
static const char *reboot_reason(int err)
{
	switch (err) {
	case EINVAL:
		return "no kernel is loaded; load one with kexec -l first";
	case EBUSY:
		return "busy: a kexec load or unload holds the kexec lock, or tasks could not be frozen; wait and run kexec -e again";
	case EPERM:
		return "not permitted: run as root (CAP_SYS_BOOT in the initial user namespace)";
	case ENOSYS:
		return "not implemented: the running kernel has no kexec (CONFIG_KEXEC_CORE)";
	}
	return NULL;
}

const char *kexec_errno_reason(int err, enum kexec_call call)
{
	const char *r;

	err = err < 0 ? -err : err;
	r = call == KEXEC_CALL_REBOOT ? reboot_reason(err) :
		load_reason(err, call == KEXEC_CALL_FILE_LOAD);
	if (r)
		return r;
	/* Past a loaded image, reboot fails only where LUO serializes. */
	if (call == KEXEC_CALL_REBOOT)
		return "the kernel could not prepare the handover (the Live Update Orchestrator failed to serialize its sessions); see dmesg, nothing was booted";
	return strerror(err);
}

/*
 * Every kexec syscall goes through here: the test build's seam
 * (sysfault.h) may answer instead of the kernel.
 */
static long call_kernel(const char *name, long nr, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4,
			unsigned long a5)
{
	int err;

	if (sysfault_fake(name, &err)) {
		errno = -err;
		return err ? -1 : 0;
	}
	return syscall(nr, a1, a2, a3, a4, a5);
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
	if (call_kernel("kexec_load", SYS_kexec_load, (unsigned long)entry,
			(unsigned long)p->nr, (unsigned long)ks, flags, 0) != 0) {
		int err = -errno;

		return err_set(e, err, "kexec_load: %s",
			       kexec_errno_reason(err, KEXEC_CALL_LOAD));
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
	if (call_kernel("kexec_file_load", SYS_kexec_file_load,
			(unsigned long)kfd, (unsigned long)ifd,
			strlen(cmdline) + 1, (unsigned long)cmdline,
			flags) != 0) {
		err = -errno;
		err_set(e, err, "kexec_file_load: %s",
			kexec_errno_reason(err, KEXEC_CALL_FILE_LOAD));
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
	if (call_kernel("kexec_unload", SYS_kexec_load, 0, 0, 0, flags, 0) != 0) {
		int err = -errno;

		return err_set(e, err, "unload: %s",
			       kexec_errno_reason(err, KEXEC_CALL_LOAD));
	}
	return 0;
}

int sys_kexec_reboot(struct errbuf *e)
{
	int err;

	if (call_kernel("reboot", SYS_reboot, LINUX_REBOOT_MAGIC1,
			LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, 0, 0) == 0)
		return err_set(e, -EIO, "reboot into the loaded kernel: the kernel returned without booting it");
	err = -errno;
	return err_set(e, err, "reboot into the loaded kernel: %s",
		       kexec_errno_reason(err, KEXEC_CALL_REBOOT));
}

static int read_loaded_flag(const char *root, const char *path,
			    struct errbuf *e)
{
	char *buf;
	size_t len;
	int err, loaded;

	err = fsroot_read(root, path, 64, &buf, &len, e);
	if (err)
		return err;
	if (len < 1 || (buf[0] != '0' && buf[0] != '1')) {
		free(buf);
		return err_set(e, -EINVAL, "%s: unexpected content", path);
	}
	loaded = buf[0] == '1';
	free(buf);
	return loaded;
}

int kexec_loaded(const char *root, struct errbuf *e)
{
	return read_loaded_flag(root, "/sys/kernel/kexec_loaded", e);
}

int kexec_crash_loaded(const char *root, struct errbuf *e)
{
	static const char path[] = "/sys/kernel/kexec_crash_loaded";
	int ret = read_loaded_flag(root, path, e);

	if (ret == -ENOENT) {
		err_clear(e);
		return err_set(e, ret,
			       "%s does not exist: this kernel cannot load a crash kernel (CONFIG_CRASH_DUMP); kexec -l -S asks about the normal one",
			       path);
	}
	return ret;
}
