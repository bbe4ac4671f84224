/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_LOAD_H
#define KEXEC_LOAD_H

#include <stdint.h>

struct kexec_load;
struct kexec_opts;
struct mem_map;
struct kho_request;
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

/*
 * The KHO part of @o as the KHO core takes it; @load_bytes is the arch's
 * estimate of what the kernel and initrd segments will take.
 */
void load_kho_request(const struct kexec_opts *o, uint64_t load_bytes,
		      struct kho_request *r);

/*
 * The MEM_RAM ranges of @in cut to [@min, @max) (@max 0: no limit),
 * added to @out: --mem-min/--mem-max as the one window every segment
 * is placed in. Errors: those of memmap_add().
 */
int load_clip_allowed(const struct mem_map *in, uint64_t min, uint64_t max,
		      struct mem_map *out);

/* The command line to pass: --reuse-cmdline's base plus --append. */
int build_cmdline(const char *root, const struct kexec_opts *o, char **out,
		  struct errbuf *e);

#endif
