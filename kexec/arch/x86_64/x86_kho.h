/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ARCH_X86_64_X86_KHO_H
#define KEXEC_ARCH_X86_64_X86_KHO_H

struct bootparam;
struct kexec_load;

/*
 * How x86_64 hands KHO over: one SETUP_KEXEC_KHO setup_data node holding
 * struct kho_data, then the scratch array it points at, then (unless the
 * next kernel gets the live FDT page) a copy of the KHO FDT. Everything
 * the next kernel needs early is inside the node, which it reserves
 * before its first allocation. Called from the bzImage loader when
 * l->kho is set, before the boot parameters are placed.
 */
int x86_kho_add(struct kexec_load *l, struct bootparam *b);

#endif
