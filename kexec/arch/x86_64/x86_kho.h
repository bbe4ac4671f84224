/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ARCH_X86_64_X86_KHO_H
#define KEXEC_ARCH_X86_64_X86_KHO_H

struct bootparam;
struct kexec_load;

/*
 * How x86_64 hands KHO over: one SETUP_KEXEC_KHO setup_data node holding
 * struct kho_data, then the scratch array it points at, then (with
 * --kho-scratch) a zeroed page as the empty preserved-memory map, then
 * (unless the next kernel gets the live FDT page) a copy of the KHO FDT.
 * Each --kho-blob is a segment of its own with a SETUP_INDIRECT node
 * pointing at it. Everything the next kernel needs early is inside
 * setup_data, which it reserves before its first allocation. Called from
 * the bzImage loader when l->kho is set, after the kernel and initrd are
 * placed and before the boot parameters are.
 */
int x86_kho_add(struct kexec_load *l, struct bootparam *b);

#endif
