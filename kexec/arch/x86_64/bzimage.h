/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ARCH_X86_64_BZIMAGE_H
#define KEXEC_ARCH_X86_64_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "bootparam.h"

struct errbuf;

/* Lowest address for any segment: below is the BIOS and real-mode world. */
#define BZ_MIN_ADDR 0x100000ULL

/* What the loader needs from a bzImage, checked once. */
struct bzimage_info {
	struct setup_header hdr;	/* copied; absent fields zero */
	size_t hdr_end;			/* 0x202 + byte at 0x201 */
	size_t setup_size;		/* boot sector + setup code */
	const uint8_t *payload;		/* the protected-mode kernel */
	size_t payload_size;
	uint64_t memsz;			/* max(payload_size, init_size) */
	bool above_4g;			/* XLF_CAN_BE_LOADED_ABOVE_4G */
};

/* Validate @buf as a 64-bit bzImage; the reason for a refusal in @e. */
int bzimage_parse(const void *buf, size_t len, struct bzimage_info *bi,
		  struct errbuf *e);

/*
 * The legacy I/O port of the serial console the command line asks for
 * (console=ttyS0 -> 0x3f8, ttyS1 -> 0x2f8, ..., console=/earlycon=
 * uart[8250],io,ADDR, earlyprintk=serial[,ttySN|,ADDR]); the last one
 * wins; 0 when there is none. The purgatory prints there.
 */
uint64_t x86_serial_port(const char *cmdline);

extern const struct image_type bzimage_type;

#endif
