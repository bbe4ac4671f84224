/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_LOAD_H
#define KEXEC_LOAD_H

struct kexec_load;
struct kexec_opts;
struct errbuf;

/* Largest files we will read into memory. */
#define MAX_KERNEL_SIZE (512ULL << 20)
#define MAX_INITRD_SIZE (2ULL << 30)
#define MAX_CMDLINE_SIZE 65536

/*
 * Build a kexec_load plan from the options: read the kernel, initrd and
 * command line, the memory map and (unless declined) the KHO state, then
 * let the image's loader add its segments. Nothing touches the kernel;
 * on failure @l holds nothing worth loading and must still be freed.
 */
int load_prepare(struct kexec_load *l, const struct kexec_opts *o,
		 const char *root, struct errbuf *e);

/* The command line to pass: --reuse-cmdline's base plus --append. */
int build_cmdline(const char *root, const struct kexec_opts *o, char **out,
		  struct errbuf *e);

#endif
