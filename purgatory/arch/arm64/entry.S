/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm64 purgatory entry. The old kernel's arm64_relocate_new_kernel (or,
 * from EL2, its soft-restart hypercall) branches here with the MMU and the
 * data cache off, after cleaning every copied page to the point of
 * coherency. With the MMU off every data access is Device memory: the C
 * part is built with -mstrict-align, and the stack is 16-byte aligned.
 * Only PC-relative addressing (adr) below: the blob runs wherever the
 * loader placed it.
 */

#define PARAMS_ENTRY	0	/* struct purgatory_params, asserted in purgatory.h */
#define PARAMS_ARG0	8

#define UARTDR		0x00	/* PL011 data register */
#define UARTFR		0x18	/* PL011 flag register */
#define UARTFR_TXFF_BIT	5	/* transmit FIFO full */

	.section .text.entry, "ax", %progbits
	.globl	purgatory_entry
	.type	purgatory_entry, %function
purgatory_entry:
	/* Nothing may interrupt us: there is no vector table we own. */
	msr	daifset, #0xf
	adr	x9, purgatory_stack_top
	mov	sp, x9
	bl	purgatory_main

	/*
	 * Documentation/arch/arm64/booting.rst: x0 = DTB, x1..x3 = 0, MMU
	 * off, D-cache off; we never turned either on.
	 */
	adr	x9, purgatory_params
	ldr	x10, [x9, #PARAMS_ENTRY]
	ldr	x0, [x9, #PARAMS_ARG0]
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x10
	.size	purgatory_entry, . - purgatory_entry

/* void arch_serial_putc(uint64_t base, char c): PL011 by polling TXFF. */
	.text
	.globl	arch_serial_putc
	.hidden	arch_serial_putc
	.type	arch_serial_putc, %function
arch_serial_putc:
1:	ldr	w2, [x0, #UARTFR]
	tbnz	w2, #UARTFR_TXFF_BIT, 1b
	and	w1, w1, #0xff
	str	w1, [x0, #UARTDR]
	ret
	.size	arch_serial_putc, . - arch_serial_putc

/* void arch_halt(void): never returns. */
	.globl	arch_halt
	.hidden	arch_halt
	.type	arch_halt, %function
arch_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b
	.size	arch_halt, . - arch_halt

	.section .note.GNU-stack, "", %progbits
