/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory, built by the rules in Makefile.am, embedded read-only in
 * the loader. purgatory.bin is found through the assembler's include path.
 */
	.section .rodata.purgatory, "a", %progbits
	.balign	16
	.globl	purgatory_blob
	.type	purgatory_blob, %object
purgatory_blob:
	.incbin	"purgatory.bin"
	.size	purgatory_blob, . - purgatory_blob
	.globl	purgatory_blob_end
	.type	purgatory_blob_end, %object
purgatory_blob_end:
	.size	purgatory_blob_end, 0

	.section .note.GNU-stack, "", %progbits
