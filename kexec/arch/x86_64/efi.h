/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ARCH_X86_64_EFI_H
#define KEXEC_ARCH_X86_64_EFI_H

/*
 * EFI on x86_64: what the running kernel was told by the firmware, and
 * handing it to the next kernel the way the kernel's own kexec_file
 * loader does. Missing sysfs files are not errors (a BIOS boot, or
 * CONFIG_EFI_RUNTIME_MAP off): the next kernel then boots without EFI.
 */
#include <stddef.h>
#include <stdint.h>

#include "bootparam.h"

struct errbuf;

/*
 * Hand the running kernel's EFI state over when the firmware is 64-bit
 * EFI and /sys/firmware/efi shows all of it: efi_info, secure_boot and a
 * SETUP_EFI node with the runtime map. @cur is the running kernel's zero
 * page. Errors: those of the readers below, -ENOMEM, and those of
 * bootparam_add_setup_data().
 */
int bootparam_set_efi(struct bootparam *b, const char *root,
		      const struct boot_params *cur, struct errbuf *e);

/*
 * /sys/firmware/efi/runtime-map/N/{type,phys_addr,virt_addr,num_pages,
 * attribute} as efi_memory_desc version-1 descriptors, N = 0, 1, ...
 * *nr is 0 when the directory is missing.
 */
int efi_runtime_map_read(const char *root, struct efi_memory_desc **map,
			 size_t *nr, struct errbuf *e);

/*
 * A "KEY=0x..." line of /sys/firmware/efi/systab (ACPI20, ACPI, SMBIOS);
 * *val is 0 when the file or the line is missing.
 */
int efi_systab_value(const char *root, const char *key, uint64_t *val,
		     struct errbuf *e);

#endif
