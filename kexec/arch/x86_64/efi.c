// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The running kernel's EFI state, read from /sys/firmware/efi, and the
 * SETUP_EFI node that hands it to the next kernel (efi.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootparam.h"
#include "efi.h"
#include "errbuf.h"
#include "fsroot.h"
#include "util.h"

#define EFI_SYSFS "/sys/firmware/efi"
#define RUNTIME_MAP_SYSFS EFI_SYSFS "/runtime-map"

/* "EL64": the 64-bit EFI stub's efi_loader_signature. */
#define EFI64_LOADER_SIGNATURE 0x34364c45u
#define EFI_PAGE_SHIFT 12
/* The kernel's EFI memory maps are a few hundred entries; this is ample. */
#define EFI_RUNTIME_MAP_MAX 4096

/* The systab shows "KEY=0x%lx"; the prefix is optional to us. */
static int systab_hex(const char *s, uint64_t *v)
{
	int err;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	err = hex_parse_u64(&s, v);
	if (!err && *s)
		err = -EINVAL;
	return err;
}

int efi_systab_value(const char *root, const char *key, uint64_t *val,
		     struct errbuf *e)
{
	size_t klen = strlen(key);
	char *buf, *line, *save = NULL;
	int err;

	*val = 0;
	err = read_optional(root, EFI_SYSFS "/systab", 4096, &buf, NULL, e);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, klen) || line[klen] != '=')
			continue;
		err = systab_hex(line + klen + 1, val);
		if (err)
			err = err_set(e, err, EFI_SYSFS "/systab: bad %s value '%s'",
				      key, line + klen + 1);
		break;
	}
	free(buf);
	return err;
}

static int read_runtime_entry(const char *root, int i,
			      struct efi_memory_desc *md, struct errbuf *e)
{
	static const char *const field[] = { "type", "phys_addr", "virt_addr",
					     "num_pages", "attribute" };
	uint64_t v[5];
	char path[128];
	size_t f;
	int err;

	for (f = 0; f < 5; f++) {
		snprintf(path, sizeof(path), RUNTIME_MAP_SYSFS "/%d/%s", i,
			 field[f]);
		err = read_hex_value(root, path, &v[f], e);
		if (err == -ENOENT)
			return err_set(e, -EINVAL, "%s is missing", path);
		if (err)
			return err;
	}
	snprintf(path, sizeof(path), RUNTIME_MAP_SYSFS "/%d", i);
	if (v[0] > UINT32_MAX)
		return err_set(e, -EINVAL, "%s: type 0x%llx is not 32-bit",
			       path, (unsigned long long)v[0]);
	if (v[1] & ((1u << EFI_PAGE_SHIFT) - 1) || !v[3] ||
	    v[3] > (UINT64_MAX - v[1]) >> EFI_PAGE_SHIFT)
		return err_set(e, -EINVAL,
			       "%s: 0x%llx pages at 0x%llx is not a valid region",
			       path, (unsigned long long)v[3],
			       (unsigned long long)v[1]);
	memset(md, 0, sizeof(*md));
	md->type = (uint32_t)v[0];
	md->phys_addr = v[1];
	md->virt_addr = v[2];
	md->num_pages = v[3];
	md->attribute = v[4];
	return 0;
}

int efi_runtime_map_read(const char *root, struct efi_memory_desc **map,
			 size_t *nr, struct errbuf *e)
{
	struct efi_memory_desc *m = NULL, *nm;
	size_t n = 0, cap = 0;
	char path[96];
	int err;

	*map = NULL;
	*nr = 0;
	for (;;) {
		snprintf(path, sizeof(path), RUNTIME_MAP_SYSFS "/%zu", n);
		err = fsroot_exists(root, path);
		if (err < 0) {
			err = err_set(e, err, "cannot look at %s: %s", path,
				      strerror(-err));
			goto fail;
		}
		if (!err)
			break;
		if (n == EFI_RUNTIME_MAP_MAX) {
			err = err_set(e, -E2BIG,
				      RUNTIME_MAP_SYSFS " has more than %d entries",
				      EFI_RUNTIME_MAP_MAX);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nm = realloc(m, cap * sizeof(*m));
			if (!nm) {
				err = err_set(e, -ENOMEM, "out of memory");
				goto fail;
			}
			m = nm;
		}
		err = read_runtime_entry(root, (int)n, &m[n], e);
		if (err)
			goto fail;
		n++;
	}
	*map = m;
	*nr = n;
	return 0;
fail:
	free(m);
	return err;
}

/* The EFI memory map lives in the SETUP_EFI node; point efi_info at it. */
static int efi_fill(void *ctx, void *payload, uint32_t len, uint64_t phys,
		    struct errbuf *e)
{
	struct boot_params *bp = bootparam_zero_page(ctx);
	uint64_t map = phys + sizeof(struct efi_setup_data);

	bp->efi_info.efi_memmap = (uint32_t)map;
	bp->efi_info.efi_memmap_hi = (uint32_t)(map >> 32);
	bp->efi_info.efi_memmap_size = len - sizeof(struct efi_setup_data);
	return 0;
}

/* fw_vendor, runtime, config_table: all needed, else no EFI handover. */
static int read_efi_tables(const char *root, struct efi_setup_data *esd,
			   bool *ok, struct errbuf *e)
{

	uint64_t vendor, runtime, tables, smbios;
	int err;

	*ok = false;
	err = read_hex_value(root, EFI_SYSFS "/fw_vendor", &vendor, e);
	if (!err)
		err = read_hex_value(root, EFI_SYSFS "/runtime", &runtime, e);
	if (!err)
		err = read_hex_value(root, EFI_SYSFS "/config_table", &tables,
				    e);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	/* efi_reuse_config() patches the SMBIOS entry with this one. */
	err = efi_systab_value(root, "SMBIOS", &smbios, e);
	if (err)
		return err;
	esd->fw_vendor = vendor;
	esd->runtime = runtime;
	esd->tables = tables;
	esd->smbios = smbios;
	*ok = true;
	return 0;
}

/*
 * Hand the running kernel's EFI state over the way the kernel's own
 * kexec_file loader does (setup_efi_state()): same systab, the runtime
 * regions at the virtual addresses already in use (the firmware allows
 * SetVirtualAddressMap() once per boot), and the table addresses the
 * running kernel found before it switched them to virtual. Anything
 * missing and the next kernel boots without EFI, as with noefi.
 */
int bootparam_set_efi(struct bootparam *b, const char *root,
		      const struct boot_params *cur, struct errbuf *e)
{
	const struct efi_info *ci = &cur->efi_info;
	struct efi_memory_desc *map = NULL;
	struct efi_setup_data esd = { 0 };
	uint8_t *payload = NULL;
	size_t nr, len;
	bool ok;
	int err;

	err = fsroot_exists(root, EFI_SYSFS);
	if (err <= 0)
		return err < 0 ? err_set(e, err, "cannot look at " EFI_SYSFS)
			       : 0;
	/* 32-bit firmware (mixed mode) keeps no runtime services over kexec. */
	if (ci->efi_loader_signature != EFI64_LOADER_SIGNATURE ||
	    !ci->efi_memmap_size || ci->efi_memdesc_version != 1)
		return 0;
	err = read_efi_tables(root, &esd, &ok, e);
	if (err || !ok)
		return err;
	err = efi_runtime_map_read(root, &map, &nr, e);
	if (err || !nr)
		goto out;

	len = sizeof(esd) + nr * sizeof(*map);
	payload = malloc(len);
	if (!payload) {
		err = err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	memcpy(payload, &esd, sizeof(esd));
	memcpy(payload + sizeof(esd), map, nr * sizeof(*map));
	/*
	 * The map rides in the SETUP_EFI node, past the struct the kernel
	 * reads: setup_data is memblock-reserved before any allocation and
	 * avoided by KASLR, while memory merely next to the zero page is
	 * neither.
	 */
	err = bootparam_add_setup_data(b, SETUP_EFI, payload, (uint32_t)len, 8,
				       efi_fill, b, e);
	if (err)
		goto out;
	b->bp.efi_info.efi_loader_signature = ci->efi_loader_signature;
	b->bp.efi_info.efi_systab = ci->efi_systab;
	b->bp.efi_info.efi_systab_hi = ci->efi_systab_hi;
	b->bp.efi_info.efi_memdesc_version = ci->efi_memdesc_version;
	b->bp.efi_info.efi_memdesc_size = sizeof(*map);
	b->bp.secure_boot = cur->secure_boot;
out:
	free(payload);
	free(map);
	return err;
}
