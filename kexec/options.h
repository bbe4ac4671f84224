/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_OPTIONS_H
#define KEXEC_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "kho.h"

struct errbuf;
struct load_request;

enum kexec_action {
	ACT_NONE,
	ACT_LOAD,		/* -l */
	ACT_EXEC,		/* -e */
	ACT_UNLOAD,		/* -u */
	ACT_LOAD_EXEC,		/* no action given: load then exec, as kexec-tools */
	ACT_STATUS,		/* -S */
	ACT_HELP,
	ACT_VERSION,
};

enum kexec_syscall {
	SYSCALL_AUTO,		/* -a: file syscall first, kexec_load on failure */
	SYSCALL_LOAD,		/* -c: kexec_load */
	SYSCALL_FILE,		/* -s: kexec_file_load */
	SYSCALL_DEFAULT,	/* none given: kexec_load (KHO is our reason to exist) */
};

#define OPT_MAX_KHO_BLOBS 8
#define OPT_MAX_KHO_SCRATCH KHO_MAX_SCRATCH_SPECS

/*
 * What the user asked for, parsed once. main.c owns it (a local, not a
 * global); load.c turns it into what the core takes (struct kexec_load,
 * struct kho_request), and nothing below sees it.
 */
struct kexec_opts {
	enum kexec_action action;
	enum kexec_syscall syscall;
	bool force;		/* -f: exec without shutdown; or override checks */
	bool no_ifdown;		/* -x */
	bool no_sync;		/* -y */
	int debug;		/* -d, repeatable */
	bool dry_run;
	/*
	 * -S: which image ACT_STATUS reports. kexec-tools' meaning: the crash
	 * image, or the normal one when -l is given too.
	 */
	bool status_normal;
	const char *type;	/* -t */
	const char *kernel;	/* positional */
	const char *initrd;
	const char *cmdline;	/* --append / --command-line, joined */
	bool reuse_cmdline;
	const char *dtb;
	uint64_t mem_min;
	uint64_t mem_max;	/* 0: no limit */
	int checksum;		/* -1: arch default; 0 --no-checksum; 1 --checksum */
	enum kho_mode kho;
	const char *kho_fdt;
	const char *kho_blob[OPT_MAX_KHO_BLOBS]; /* NAME=FILE */
	int nr_kho_blobs;
	/*
	 * --kho-scratch: hand over from a kernel without KHO, with these
	 * scratch regions ([0] low memory, [1] global, [2..] more), or
	 * sized by the loader with "auto".
	 */
	struct kho_scratch_spec kho_scratch[OPT_MAX_KHO_SCRATCH];
	int nr_kho_scratch;
	bool kho_scratch_auto;
	/* Load even when the next kernel cannot (or may not) take the handover. */
	bool kho_accept_loss;
	const char *sysroot;	/* root for /proc, /sys, /run: --dry-run or test build */
	const char *corrupt;	/* test build: corrupt segment NAME after hashing */

	/* Owned strings (joined --append pieces). */
	char *cmdline_buf;
};

/*
 * Parse argv into @o. Returns 0, or a negative errno with the reason in
 * @e (unknown option, missing argument, conflicting actions, bad number).
 * Does not print and does not exit.
 */
int parse_options(int argc, char **argv, struct kexec_opts *o,
		  struct errbuf *e);
void free_options(struct kexec_opts *o);

/* Parse a size/address with optional K/M/G suffix, hex or decimal. */
int parse_u64(const char *s, uint64_t *out);

/* Whether --kho-scratch was given (entries or auto). */
bool opt_kho_scratch_given(const struct kexec_opts *o);

/* What of @o a load acts on, as load_prepare() takes it. */
void opts_load_request(const struct kexec_opts *o, struct load_request *r);

extern const char kexec_usage[];

#endif
