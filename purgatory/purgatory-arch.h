/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PURGATORY_PURGATORY_ARCH_H
#define PURGATORY_PURGATORY_ARCH_H

/*
 * Inside the purgatory: what purgatory/arch/<arch>/entry.S provides to the
 * arch-neutral C part and what it calls in it.
 */
#include <stdint.h>

#include "purgatory.h"

/* Filled by the loader; the entry code reads entry and arg0 from it. */
extern struct purgatory_params purgatory_params;

/*
 * Called by the entry code on our own stack. Returns when the next kernel
 * may be started; never returns when a segment changed.
 */
void purgatory_main(void);

/*
 * Verify @p: -1 when every region still hashes to the recorded digest (or
 * checksumming is off), else the index of the first region that changed,
 * or nr_regions when only the combined digest differs.
 */
int purgatory_verify(const struct purgatory_params *p);

/* One byte to the console at @base (x86_64: 8250 I/O port; arm64: PL011). */
void arch_serial_putc(uint64_t base, char c);

/* Interrupts off, stop this CPU for good. */
void arch_halt(void) __attribute__((noreturn));

#endif
