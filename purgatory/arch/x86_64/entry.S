/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86_64 purgatory entry. The old kernel's relocate_kernel jumps here in
 * 64-bit mode, interrupts off, on page tables that identity map all RAM
 * and every segment, with its own GDT in a page we do not own and a stack
 * we must not rely on. Everything below is RIP-relative: the blob is
 * linked at 0 and runs wherever the loader placed it.
 */

#define BOOT_CS		0x10	/* __BOOT_CS, arch/x86/include/asm/segment.h */
#define BOOT_DS		0x18	/* __BOOT_DS */

#define PARAMS_ENTRY	0	/* struct purgatory_params, asserted in purgatory.h */
#define PARAMS_ARG0	8

#define UART_LSR	5	/* 8250 line status register */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */

	.code64
	.section .text.entry, "ax", @progbits
	.globl	purgatory_entry
	.type	purgatory_entry, @function
purgatory_entry:
	cli
	leaq	purgatory_stack_top(%rip), %rsp
	/* Known flags: DF clear for the C code, AC and IF off. */
	pushq	$0
	popfq

	/* GDTR on the stack: the GDT's address is only known now. */
	leaq	gdt(%rip), %rax
	pushq	%rax
	pushw	$(gdt_end - gdt - 1)
	lgdt	(%rsp)
	addq	$10, %rsp

	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	/* CS changes only through a far transfer. */
	leaq	1f(%rip), %rax
	pushq	$BOOT_CS
	pushq	%rax
	lretq
1:
	/* Stack is 16-byte aligned here, as the SysV ABI wants at a call. */
	call	purgatory_main

	/*
	 * 64-bit boot protocol (Documentation/arch/x86/boot.rst): CS/DS/ES/SS
	 * as above, interrupts off, %rsi = boot_params. Clear everything else
	 * so nothing of ours leaks into the next kernel's first instructions.
	 */
	leaq	purgatory_params(%rip), %rax
	movq	PARAMS_ARG0(%rax), %rsi
	movq	PARAMS_ENTRY(%rax), %rax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	jmp	*%rax
	.size	purgatory_entry, . - purgatory_entry

/* void arch_serial_putc(uint64_t port, char c): 8250 by polling LSR. */
	.text
	.globl	arch_serial_putc
	.hidden	arch_serial_putc
	.type	arch_serial_putc, @function
arch_serial_putc:
	leaq	UART_LSR(%rdi), %rdx
1:	inb	%dx, %al
	testb	$UART_LSR_THRE, %al
	jnz	2f
	pause
	jmp	1b
2:	movq	%rdi, %rdx
	movl	%esi, %eax
	outb	%al, %dx
	ret
	.size	arch_serial_putc, . - arch_serial_putc

/* void arch_halt(void): never returns, not even after an NMI. */
	.globl	arch_halt
	.hidden	arch_halt
	.type	arch_halt, @function
arch_halt:
	cli
1:	hlt
	jmp	1b
	.size	arch_halt, . - arch_halt

/*
 * Flat 4 GiB segments for the boot protocol, accessed bit preset so the
 * CPU never writes to this table.
 */
	.section .rodata
	.balign	16
gdt:
	.quad	0			/* null */
	.quad	0			/* 0x08: unused */
	.quad	0x00af9b000000ffff	/* BOOT_CS: 64-bit code, execute/read */
	.quad	0x00cf93000000ffff	/* BOOT_DS: data, read/write */
gdt_end:

	.section .note.GNU-stack, "", @progbits
