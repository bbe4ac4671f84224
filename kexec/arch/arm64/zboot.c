// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmlinuz.efi built with CONFIG_EFI_ZBOOT: a small EFI application that
 * carries the compressed Image. Its DOS header says where the payload is
 * and how it is compressed (drivers/firmware/efi/libstub/zboot-header.S);
 * we take the payload and skip the EFI code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arm64.h"
#include "errbuf.h"

#define PE_HEADER_OFFSET	0x3c	/* DOS e_lfanew */
#define PE_MACHINE_ARM64	0xaa64	/* IMAGE_FILE_MACHINE_ARM64 */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int arm64_zboot_probe(const void *buf, size_t len, struct errbuf *e)
{
	const uint8_t *b = buf;
	uint32_t pe;
	uint16_t machine;

	if (len < ARM64_ZBOOT_HEADER_SIZE || memcmp(b, "MZ", 2) ||
	    memcmp(b + ARM64_ZBOOT_MAGIC_OFFSET, "zimg", 4))
		return err_set(e, -ENOEXEC,
			       "not an EFI zboot image (no \"MZ\" and \"zimg\" at offsets 0 and 4)");
	/* riscv and loongarch build zboot images too: check the PE machine. */
	pe = arm64_le32(b + PE_HEADER_OFFSET);
	if (pe > len || len - pe < 6 || memcmp(b + pe, "PE\0\0", 4))
		return err_set(e, -ENOEXEC,
			       "EFI zboot image has no PE header at the offset 0x%x its DOS header gives",
			       pe);
	machine = le16(b + pe + 4);
	if (machine != PE_MACHINE_ARM64)
		return err_set(e, -ENOEXEC,
			       "EFI zboot image is for PE machine 0x%04x, not arm64 (0xaa64)",
			       machine);
	return 0;
}

int arm64_zboot_parse(const void *buf, size_t len, const void **payload,
		      size_t *payload_len, char *comp, size_t comp_size,
		      struct errbuf *e)
{
	const uint8_t *b = buf;
	const uint8_t *type = b + ARM64_ZBOOT_COMP_TYPE;
	uint32_t off, size;
	size_t n;
	int err;

	err = arm64_zboot_probe(buf, len, e);
	if (err)
		return err;
	n = strnlen((const char *)type, ARM64_ZBOOT_COMP_TYPE_LEN);
	if (n == ARM64_ZBOOT_COMP_TYPE_LEN || n == 0)
		return err_set(e, -ENOEXEC,
			       "EFI zboot header has no NUL-terminated compression type at offset %d",
			       ARM64_ZBOOT_COMP_TYPE);
	for (size_t i = 0; i < n; i++)
		if (type[i] < 0x21 || type[i] > 0x7e)
			return err_set(e, -ENOEXEC,
				       "EFI zboot header's compression type at offset %d is not text",
				       ARM64_ZBOOT_COMP_TYPE);
	if (n >= comp_size)
		return err_set(e, -ENAMETOOLONG,
			       "EFI zboot compression type is %zu characters long",
			       n);
	memcpy(comp, type, n + 1);

	off = arm64_le32(b + ARM64_ZBOOT_PAYLOAD_OFFSET);
	size = arm64_le32(b + ARM64_ZBOOT_PAYLOAD_SIZE);
	if (off < ARM64_ZBOOT_HEADER_SIZE || off > len || size == 0 ||
	    size > len - off)
		return err_set(e, -ENOEXEC,
			       "EFI zboot payload [0x%x, +0x%x) does not lie inside the %zu-byte file after its header",
			       off, size, len);
	*payload = b + off;
	*payload_len = size;
	return 0;
}

int arm64_zboot_extract(const void *buf, size_t len, size_t max, void **out,
			size_t *out_len, struct errbuf *e)
{
	char comp[ARM64_ZBOOT_COMP_TYPE_LEN];
	const void *payload;
	size_t plen;
	int err;

	err = arm64_zboot_parse(buf, len, &payload, &plen, comp, sizeof(comp),
				e);
	if (err)
		return err;
	if (strcmp(comp, "gzip"))
		return err_set(e, -EPROTONOSUPPORT,
			       "EFI zboot image is compressed with '%s'; only gzip is supported (build the kernel with CONFIG_KERNEL_GZIP, or load its uncompressed Image)",
			       comp);
	err = arm64_gunzip(payload, plen, max, false, out, out_len, e);
	if (err)
		return err_prefix(e, err, "EFI zboot payload");
	return 0;
}
