// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The zero page and its setup_data chain: the setup header copy, the E820
 * table, the chain's pointers after placement, what is carried over from
 * the running kernel (tests/fixtures/x86_64-boot-params), and EFI.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bootparam.h"
#include "bzimage.h"
#include "efi.h"
#include "errbuf.h"
#include "load.h"
#include "x86_fixture.h"

#define FX "x86_64-boot-params"

static const uint64_t ram[] = { 1 * MiB, 2 * GiB, 4 * GiB, 6 * GiB };

/* A builder started from a default synthetic image. */
static void bp_new(struct bootparam *b)
{
	struct errbuf e = { 0 };
	struct bz_opts o;
	size_t len;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	assert_int_equal(bootparam_init(b, k, len, &e), 0);
	free(k);
}

/* Place @b in a load over @ram; the load keeps the buffer. */
static void bp_place(struct bootparam *b, struct kexec_load *l,
		     struct errbuf *e)
{
	struct segment tmpl = { .min = 1 * MiB, .top_down = true };

	xl_init(l, e, fixture("empty"), ram, 2, NULL, 0, "");
	assert_int_equal(bootparam_place(b, l, &tmpl, true), 0);
	assert_int_equal(b->phys, seg_named(l, "bootparams")->mem);
}

static void *read_fixture(const char *rel, size_t *len)
{
	char path[4096];
	uint8_t *buf = malloc(1 << 16);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fixture(FX), rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

/* A root holding the fixture's boot_params/data changed by @edit. */
static char *root_with_data(void (*edit)(struct boot_params *bp))
{
	struct boot_params bp;
	char *root = xr_root();
	size_t len;
	void *d = read_fixture("sys/kernel/boot_params/data", &len);

	assert_int_equal(len, sizeof(bp));
	memcpy(&bp, d, sizeof(bp));
	free(d);
	if (edit)
		edit(&bp);
	xr_put(root, "sys/kernel/boot_params/data", &bp, sizeof(bp));
	return root;
}

static void copy_efi(const char *root, bool runtime_map)
{
	static const char *const files[] = {
		"sys/firmware/efi/systab", "sys/firmware/efi/fw_vendor",
		"sys/firmware/efi/runtime", "sys/firmware/efi/config_table",
	};
	static const char *const fields[] = {
		"type", "phys_addr", "virt_addr", "num_pages", "attribute",
	};
	char rel[128];
	size_t i, j;

	for (i = 0; i < 4; i++)
		xr_copy(root, FX, files[i]);
	for (i = 0; runtime_map && i < 3; i++) {
		for (j = 0; j < 5; j++) {
			snprintf(rel, sizeof(rel),
				 "sys/firmware/efi/runtime-map/%zu/%s", i,
				 fields[j]);
			xr_copy(root, FX, rel);
		}
	}
}

static void init_copies_only_the_setup_header(void **state)
{
	struct errbuf e = { 0 };
	struct bootparam b;
	const uint8_t *z = (const uint8_t *)&b.bp;
	struct bz_opts o;
	size_t len, i;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	assert_int_equal(bootparam_init(&b, k, len, &e), 0);
	assert_memory_equal(z + 0x1f1, k + 0x1f1, 0x26c - 0x1f1);
	for (i = 0; i < 0x1f1; i++)
		assert_int_equal(z[i], 0);	/* sentinel included */
	for (i = 0x26c; i < sizeof(b.bp); i++)
		assert_int_equal(z[i], 0);
	bootparam_free(&b);

	/* A 2.12-era header stops before kernel_info_offset: so does the copy. */
	k[0x201] = 0x66;
	assert_int_equal(bootparam_init(&b, k, len, &e), 0);
	assert_int_equal(b.bp.hdr.handover_offset, 0);
	assert_int_equal(b.bp.hdr.kernel_info_offset, 0);
	assert_int_equal(b.bp.hdr.init_size, o.init_size);
	bootparam_free(&b);
	free(k);
}

static void cmdline_limit_excludes_the_nul(void **state)
{
	struct errbuf e = { 0 };
	struct bootparam b;

	bp_new(&b);
	assert_int_equal(bootparam_set_cmdline(&b, "abcd", 4, &e), 0);
	assert_int_equal(b.cmdline_len, 5);
	assert_int_equal(bootparam_set_cmdline(&b, "abcde", 4, &e), -E2BIG);
	assert_string_equal(e.msg,
			    "command line is 5 bytes, the kernel accepts at most 4");
	bootparam_free(&b);
}

static void e820_types_follow_the_firmware_map(void **state)
{
	static const struct {
		enum mem_type t;
		uint32_t e820;
	} map[] = {
		{ MEM_RAM, 1 }, { MEM_RESERVED, 2 }, { MEM_ACPI, 3 },
		{ MEM_NVS, 4 }, { MEM_UNUSABLE, 5 }, { MEM_PMEM, 7 },
		{ MEM_PRAM, 12 }, { MEM_SOFT_RESERVED, 0xefffffff },
		{ MEM_OTHER, 0 },
	};
	struct errbuf e = { 0 };
	struct mem_map m = { 0 };
	struct bootparam b;
	size_t i;

	for (i = 0; i < 9; i++) {
		assert_int_equal(e820_type_of(map[i].t), map[i].e820);
		assert_int_equal(memmap_add(&m, (i + 1) * GiB,
					    (i + 1) * GiB + 4096, map[i].t), 0);
	}
	assert_int_equal(memmap_add(&m, 0, 0x9fc00, MEM_RAM), 0);
	assert_int_equal(memmap_add(&m, 1 * MiB, 512 * MiB, MEM_RAM), 0);
	assert_int_equal(memmap_normalize(&m, NULL), 0);
	bp_new(&b);
	assert_int_equal(bootparam_set_e820(&b, &m, &e), 0);
	/* MEM_OTHER is left out: 10 entries of 11. */
	assert_int_equal(b.bp.e820_entries, 10);
	assert_int_equal(b.bp.e820_table[0].addr, 0);
	assert_int_equal(b.bp.e820_table[0].size, 0x9fc00);
	assert_int_equal(b.bp.e820_table[0].type, 1);
	assert_int_equal(b.bp.e820_table[1].addr, 1 * MiB);
	assert_int_equal(b.bp.e820_table[1].size, 511 * MiB);
	for (i = 0; i < 8; i++) {
		assert_int_equal(b.bp.e820_table[2 + i].addr, (i + 1) * GiB);
		assert_int_equal(b.bp.e820_table[2 + i].size, 4096);
		assert_int_equal(b.bp.e820_table[2 + i].type, map[i].e820);
	}
	/* KiB above 1 MiB of the RAM range that spans it, capped at 64 MiB. */
	assert_int_equal(b.bp.alt_mem_k, (512 * MiB - 1) / 1024 - 1024);
	assert_int_equal(b.bp.screen_info.ext_mem_k, 0xfc00);
	assert_null(bootparam_find(&b, SETUP_E820_EXT));
	bootparam_free(&b);
	memmap_free(&m);
}

static void e820_beyond_128_entries_goes_into_setup_e820_ext(void **state)
{
	struct errbuf e = { 0 };
	struct mem_map m = { 0 };
	struct boot_e820_entry ent;
	struct bootparam b;
	struct bp_node *n;
	size_t i;

	/* 300 ranges, alternately RAM and reserved so none merge. */
	for (i = 0; i < 300; i++)
		assert_int_equal(memmap_add(&m, i * 2 * MiB,
					    i * 2 * MiB + 1 * MiB,
					    i % 2 ? MEM_RESERVED : MEM_RAM), 0);
	assert_int_equal(memmap_normalize(&m, NULL), 0);
	bp_new(&b);
	assert_int_equal(bootparam_set_e820(&b, &m, &e), 0);
	assert_int_equal(b.bp.e820_entries, 128);
	assert_int_equal(b.bp.e820_table[127].addr, 127 * 2 * MiB);
	n = bootparam_find(&b, SETUP_E820_EXT);
	assert_non_null(n);
	assert_int_equal(n->len, 172 * sizeof(struct boot_e820_entry));
	memcpy(&ent, n->data, sizeof(ent));
	assert_int_equal(ent.addr, 128 * 2 * MiB);
	assert_int_equal(ent.size, 1 * MiB);
	assert_int_equal(ent.type, E820_TYPE_RAM);
	memcpy(&ent, (uint8_t *)n->data + 171 * sizeof(ent), sizeof(ent));
	assert_int_equal(ent.addr, 299 * 2 * MiB);
	assert_int_equal(ent.type, E820_TYPE_RESERVED);
	bootparam_free(&b);
	memmap_free(&m);
}

static uint64_t filled_at;

static int record_fill(void *ctx, void *payload, uint32_t len, uint64_t phys,
		       struct errbuf *e)
{
	filled_at = phys;
	memcpy(payload, &phys, sizeof(phys));
	*(int *)ctx += 1;
	return 0;
}

static void chain_pointers_are_final_after_placement(void **state)
{
	static const uint32_t aligns[] = { 8, 64, 4096, 0 };
	struct kexec_load l;
	struct errbuf e = { 0 };
	struct sd_seen sd[8];
	struct bootparam b;
	const struct boot_params *bp;
	uint8_t data[100];
	int calls = 0;
	size_t i, n;

	bp_new(&b);
	assert_int_equal(bootparam_set_cmdline(&b, "a=b", 100, &e), 0);
	for (i = 0; i < 4; i++) {
		memset(data, 0x10 + (int)i, sizeof(data));
		assert_int_equal(bootparam_add_setup_data(&b, 100 + (uint32_t)i,
			data, 13 + (uint32_t)i, aligns[i],
			i == 2 ? record_fill : NULL, &calls, &e), 0);
	}
	bp_place(&b, &l, &e);
	bp = xl_zero_page(&l);
	assert_int_equal(bp->hdr.cmd_line_ptr, (uint32_t)(b.phys + 4096));
	n = xl_chain(&l, sd, 8);
	assert_int_equal(n, 4);
	for (i = 0; i < 4; i++) {
		uint64_t payload = sd[i].phys + sizeof(struct setup_data);

		assert_int_equal(sd[i].type, 100 + i);
		assert_int_equal(sd[i].len, 13 + i);
		assert_int_equal(sd[i].phys % 8, 0);
		assert_int_equal(payload % (aligns[i] ? aligns[i] : 8), 0);
		if (i != 2)
			assert_int_equal(sd[i].data[12], 0x10 + i);
		if (i)	/* in chain order, none overlapping */
			assert_true(sd[i].phys >= sd[i - 1].phys + 16 +
						     sd[i - 1].len);
	}
	/* The callback ran once, with the payload's physical address. */
	assert_int_equal(calls, 1);
	assert_int_equal(filled_at, sd[2].phys + 16);
	assert_memory_equal(sd[2].data, &filled_at, 8);
	/* Nothing may join the chain once it is placed. */
	assert_int_equal(bootparam_add_setup_data(&b, 1, NULL, 0, 0, NULL,
						  NULL, &e), -EBUSY);
	bootparam_free(&b);
	xl_free(&l);
}

static void add_setup_data_refuses_bad_requests(void **state)
{
	struct errbuf e = { 0 };
	struct bootparam b;
	size_t i;

	bp_new(&b);
	assert_int_equal(bootparam_add_setup_data(&b, 1, NULL, 8, 4, NULL,
						  NULL, &e), -EINVAL);
	assert_int_equal(bootparam_add_setup_data(&b, 1, NULL, 8, 24, NULL,
						  NULL, &e), -EINVAL);
	assert_int_equal(bootparam_add_setup_data(&b, 1, NULL, 8, 8192, NULL,
						  NULL, &e), -EINVAL);
	assert_int_equal(bootparam_add_setup_data(&b, 1, NULL,
						  BP_MAX_NODE_LEN + 1, 0, NULL,
						  NULL, &e), -E2BIG);
	for (i = 0; i < BP_MAX_NODES; i++)
		assert_int_equal(bootparam_add_setup_data(&b, 1, NULL, 0, 0,
							  NULL, NULL, &e), 0);
	assert_int_equal(bootparam_add_setup_data(&b, 1, NULL, 0, 0, NULL,
						  NULL, &e), -E2BIG);
	bootparam_free(&b);
}

static void carried_setup_data_types_are_the_ones_still_true(void **state)
{
	assert_false(setup_data_carried(SETUP_NONE));
	assert_false(setup_data_carried(SETUP_E820_EXT));
	assert_true(setup_data_carried(SETUP_DTB));
	assert_true(setup_data_carried(SETUP_PCI));
	assert_false(setup_data_carried(SETUP_EFI));
	assert_true(setup_data_carried(SETUP_APPLE_PROPERTIES));
	assert_true(setup_data_carried(SETUP_JAILHOUSE));
	assert_true(setup_data_carried(SETUP_CC_BLOB));
	assert_false(setup_data_carried(SETUP_IMA));
	assert_false(setup_data_carried(SETUP_RNG_SEED));
	assert_false(setup_data_carried(SETUP_KEXEC_KHO));
	assert_false(setup_data_carried(11));
	assert_false(setup_data_carried(SETUP_INDIRECT | SETUP_PCI));
}

static void carry_keeps_pci_jailhouse_cc_blob_and_dtb(void **state)
{
	static const struct {
		uint32_t type;
		int sysfs;	/* node number in the fixture */
	} want[] = {
		{ SETUP_PCI, 1 }, { SETUP_JAILHOUSE, 4 },
		{ SETUP_CC_BLOB, 5 }, { SETUP_DTB, 9 },
	};
	struct errbuf e = { 0 };
	struct bootparam b;
	char rel[96];
	size_t i, len;
	void *d;

	bp_new(&b);
	assert_int_equal(bootparam_carry_setup_data(&b, fixture(FX), &e), 0);
	/*
	 * Dropped: E820_EXT, EFI, the consumed RNG seed, IMA, KHO, the
	 * consumed (empty) Apple properties, the unknown type 0x2a.
	 */
	assert_int_equal(b.nr, 4);
	for (i = 0; i < 4; i++) {
		/* The indirect CC blob comes back as a plain node. */
		assert_int_equal(b.node[i].type, want[i].type);
		snprintf(rel, sizeof(rel),
			 "sys/kernel/boot_params/setup_data/%d/data",
			 want[i].sysfs);
		d = read_fixture(rel, &len);
		assert_int_equal(b.node[i].len, len);
		assert_memory_equal(b.node[i].data, d, len);
		free(d);
	}
	bootparam_free(&b);
}

static void carry_refuses_a_node_without_its_type(void **state)
{
	struct errbuf e = { 0 };
	struct bootparam b;
	char *root = xr_root();

	xr_puts(root, "sys/kernel/boot_params/setup_data/0/type", "0x3\n");
	xr_puts(root, "sys/kernel/boot_params/setup_data/0/data", "rom");
	xr_puts(root, "sys/kernel/boot_params/setup_data/1/data", "rom");
	bp_new(&b);
	assert_int_equal(bootparam_carry_setup_data(&b, root, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "setup_data/1/type is missing"));
	bootparam_free(&b);

	memset(&e, 0, sizeof(e));
	xr_puts(root, "sys/kernel/boot_params/setup_data/1/type", "three\n");
	bp_new(&b);
	assert_int_equal(bootparam_carry_setup_data(&b, root, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not a hexadecimal number"));
	bootparam_free(&b);
	xr_rm(root);
}

static void efi_runtime_map_reads_every_entry(void **state)
{
	struct errbuf e = { 0 };
	struct efi_memory_desc *m;
	size_t nr;

	assert_int_equal(efi_runtime_map_read(fixture(FX), &m, &nr, &e), 0);
	assert_int_equal(nr, 3);
	assert_int_equal(m[0].type, 5);
	assert_int_equal(m[0].phys_addr, 0x7f8e0000);
	assert_int_equal(m[0].virt_addr, 0xfffffffeff8e0000ULL);
	assert_int_equal(m[0].num_pages, 0x30);
	assert_int_equal(m[0].attribute, 0x800000000000000fULL);
	assert_int_equal(m[0].pad, 0);
	assert_int_equal(m[2].type, 0xb);
	assert_int_equal(m[2].num_pages, 0x400);
	free(m);

	/* No runtime map (no EFI_RUNTIME_MAP): nothing, and no error. */
	assert_int_equal(efi_runtime_map_read(fixture("empty"), &m, &nr, &e),
			 0);
	assert_int_equal(nr, 0);
	assert_null(m);
}

static void efi_runtime_map_refuses_malformed_entries(void **state)
{
	static const struct {
		const char *field, *value, *why;
	} bad[] = {
		{ "phys_addr", "0x7f8e0800\n", "not a valid region" },
		{ "num_pages", "0x0\n", "not a valid region" },
		{ "num_pages", "0xfffffffffffff\n", "not a valid region" },
		{ "virt_addr", "0xfffffffeff8e0000 junk\n", "hexadecimal" },
		{ "type", "0x100000000\n", "not 32-bit" },
		{ "attribute", "", "hexadecimal" },
	};
	struct efi_memory_desc *m;
	struct errbuf e;
	char rel[96];
	size_t i, nr;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *root = xr_root();

		copy_efi(root, true);
		snprintf(rel, sizeof(rel), "sys/firmware/efi/runtime-map/1/%s",
			 bad[i].field);
		xr_puts(root, rel, bad[i].value);
		memset(&e, 0, sizeof(e));
		assert_int_equal(efi_runtime_map_read(root, &m, &nr, &e),
				 -EINVAL);
		if (!strstr(e.msg, bad[i].why))
			fail_msg("%s=%s: \"%s\"", bad[i].field, bad[i].value,
				 e.msg);
		xr_rm(root);
	}
	{
		char *root = xr_root();

		copy_efi(root, true);
		snprintf(rel, sizeof(rel), "%s/sys/firmware/efi/runtime-map/2/type",
			 root);
		assert_int_equal(remove(rel), 0);
		memset(&e, 0, sizeof(e));
		assert_int_equal(efi_runtime_map_read(root, &m, &nr, &e),
				 -EINVAL);
		assert_non_null(strstr(e.msg, "runtime-map/2/type is missing"));
		xr_rm(root);
	}
}

static void efi_state_goes_over_in_setup_efi(void **state)
{
	struct kexec_load l;
	struct errbuf e = { 0 };
	struct sd_seen sd[BP_MAX_NODES];
	const struct sd_seen *node;
	const struct boot_params *bp;
	struct efi_setup_data esd;
	struct efi_memory_desc md;
	struct bootparam b;
	uint64_t map;
	size_t n;

	bp_new(&b);
	assert_int_equal(bootparam_from_running(&b, fixture(FX), true, &e), 0);
	bp_place(&b, &l, &e);
	bp = xl_zero_page(&l);
	assert_memory_equal(&bp->efi_info.efi_loader_signature, "EL64", 4);
	assert_int_equal(bp->efi_info.efi_systab, 0x7fbee018);
	assert_int_equal(bp->efi_info.efi_systab_hi, 0);
	assert_int_equal(bp->efi_info.efi_memdesc_version, 1);
	/* Our descriptors are version-1 size, not the firmware's 48. */
	assert_int_equal(bp->efi_info.efi_memdesc_size, 40);
	assert_int_equal(bp->efi_info.efi_memmap_size, 3 * 40);
	assert_int_equal(bp->secure_boot, 3);

	n = xl_chain(&l, sd, BP_MAX_NODES);
	node = sd_find(sd, n, SETUP_EFI);
	assert_non_null(node);
	memcpy(&esd, node->data, sizeof(esd));
	assert_int_equal(esd.fw_vendor, 0x7f9ee098);
	assert_int_equal(esd.runtime, 0x7f9eeb98);
	assert_int_equal(esd.tables, 0x7f9ed018);
	assert_int_equal(esd.smbios, 0x7f9d7000);	/* SMBIOS, not SMBIOS3 */
	/* The map rides in the node, right after efi_setup_data. */
	map = bp->efi_info.efi_memmap |
	      (uint64_t)bp->efi_info.efi_memmap_hi << 32;
	assert_int_equal(map, node->phys + 16 + sizeof(esd));
	assert_int_equal(node->len, sizeof(esd) + 3 * 40);
	memcpy(&md, xl_bp_at(&l, map + 40, sizeof(md)), sizeof(md));
	assert_int_equal(md.type, 6);
	assert_int_equal(md.phys_addr, 0x7f910000);
	assert_int_equal(md.virt_addr, 0xfffffffeff910000ULL);
	bootparam_free(&b);
	xl_free(&l);
}

static void el32(struct boot_params *bp)
{
	memcpy(&bp->efi_info.efi_loader_signature, "EL32", 4);
}

static void efi_stays_behind_when_it_cannot_be_handed_over(void **state)
{
	struct errbuf e = { 0 };
	struct bootparam b;
	char *root;

	/* The image lacks XLF_EFI_KEXEC. */
	bp_new(&b);
	assert_int_equal(bootparam_from_running(&b, fixture(FX), false, &e), 0);
	assert_null(bootparam_find(&b, SETUP_EFI));
	assert_int_equal(b.bp.efi_info.efi_loader_signature, 0);
	assert_int_equal(b.bp.efi_info.efi_systab, 0);
	bootparam_free(&b);

	/* 32-bit firmware: no runtime services across kexec. */
	root = root_with_data(el32);
	copy_efi(root, true);
	bp_new(&b);
	assert_int_equal(bootparam_from_running(&b, root, true, &e), 0);
	assert_null(bootparam_find(&b, SETUP_EFI));
	assert_int_equal(b.bp.efi_info.efi_systab, 0);
	bootparam_free(&b);
	xr_rm(root);

	/* No runtime map: the next kernel must not see EFI at all. */
	root = root_with_data(NULL);
	copy_efi(root, false);
	bp_new(&b);
	assert_int_equal(bootparam_from_running(&b, root, true, &e), 0);
	assert_null(bootparam_find(&b, SETUP_EFI));
	assert_int_equal(b.bp.efi_info.efi_loader_signature, 0);
	/* It still finds ACPI: the RSDP comes from the EFI systab. */
	assert_int_equal(b.bp.acpi_rsdp_addr, 0x7fb7e014);
	bootparam_free(&b);
	xr_rm(root);
}

static void from_running_copies_what_only_firmware_knew(void **state)
{
	struct errbuf e = { 0 };
	struct boot_params cur;
	struct bootparam b;
	bool found;

	assert_int_equal(bootparam_read_running(fixture(FX), &cur, &found, &e),
			 0);
	assert_true(found);
	bp_new(&b);
	b.bp.screen_info.ext_mem_k = 0x1234;
	assert_int_equal(bootparam_from_running(&b, fixture(FX), true, &e), 0);
	/* screen_info is the firmware's, ext_mem_k stays ours. */
	assert_memory_equal(b.bp.screen_info.rest, cur.screen_info.rest,
			    sizeof(cur.screen_info.rest));
	assert_int_equal(b.bp.screen_info.orig_y, 24);
	assert_int_equal(b.bp.screen_info.ext_mem_k, 0x1234);
	assert_int_equal(b.bp.eddbuf_entries, 1);
	assert_int_equal(b.bp.edd_mbr_sig_buf_entries, 1);
	assert_int_equal(b.bp.edd_mbr_sig_buffer[0], 0x12345678);
	assert_int_equal(b.bp.eddbuf[0], 0x80);
	/* The RSDP: none in boot_params, so ACPI20= from the systab. */
	assert_int_equal(b.bp.acpi_rsdp_addr, 0x7fb7e014);
	/* The running kernel's loader fields are not ours to copy. */
	assert_int_equal(b.bp.hdr.type_of_loader, 0);
	assert_int_equal(b.bp.hdr.setup_data, 0);
	assert_int_equal(b.bp.e820_entries, 0);
	bootparam_free(&b);
}

static void rsdp_set(struct boot_params *bp)
{
	bp->acpi_rsdp_addr = 0xf0490;
}

static void rsdp_comes_from_boot_params_then_acpi20_then_acpi(void **state)
{
	struct errbuf e = { 0 };
	struct bootparam b;
	char *root;

	root = root_with_data(rsdp_set);
	copy_efi(root, true);
	bp_new(&b);
	assert_int_equal(bootparam_from_running(&b, root, true, &e), 0);
	assert_int_equal(b.bp.acpi_rsdp_addr, 0xf0490);
	bootparam_free(&b);
	xr_rm(root);

	root = xr_root();
	xr_puts(root, "sys/firmware/efi/systab",
		"ACPI=0xe0000\nSMBIOS=0xf0000\n");
	bp_new(&b);
	assert_int_equal(bootparam_from_running(&b, root, true, &e), 0);
	assert_int_equal(b.bp.acpi_rsdp_addr, 0xe0000);
	bootparam_free(&b);
	xr_rm(root);

	/* A BIOS boot: nothing anywhere, the kernel scans for it. */
	bp_new(&b);
	assert_int_equal(bootparam_from_running(&b, fixture("empty"), true,
						&e), 0);
	assert_int_equal(b.bp.acpi_rsdp_addr, 0);
	bootparam_free(&b);
}

static void a_fresh_rng_seed_goes_to_every_load(void **state)
{
	struct errbuf e = { 0 };
	struct bootparam a, b;
	struct bp_node *na, *nb;

	bp_new(&a);
	bp_new(&b);
	assert_int_equal(bootparam_from_running(&a, fixture("empty"), true,
						&e), 0);
	assert_int_equal(bootparam_from_running(&b, fixture("empty"), true,
						&e), 0);
	na = bootparam_find(&a, SETUP_RNG_SEED);
	nb = bootparam_find(&b, SETUP_RNG_SEED);
	if (!na)	/* only when the pool is not initialised yet */
		skip();
	assert_non_null(nb);
	assert_int_equal(na->len, 32);
	/* Never the same seed twice. */
	assert_memory_not_equal(na->data, nb->data, 32);
	/* An empty root: nothing else was added. */
	assert_int_equal(a.nr, 1);
	bootparam_free(&a);
	bootparam_free(&b);
}

static void read_running_refuses_a_boot_params_of_the_wrong_size(void **state)
{
	struct errbuf e = { 0 };
	struct boot_params cur;
	char *root = xr_root();
	bool found;

	xr_put(root, "sys/kernel/boot_params/data", "short", 5);
	assert_int_equal(bootparam_read_running(root, &cur, &found, &e),
			 -EINVAL);
	assert_false(found);
	assert_non_null(strstr(e.msg, "is 5 bytes, expected 4096"));
	xr_rm(root);
}

static void whole_load_on_the_fixture_builds_the_expected_chain(void **state)
{
	static const uint32_t want[] = { SETUP_EFI, SETUP_PCI, SETUP_JAILHOUSE,
					 SETUP_CC_BLOB, SETUP_DTB,
					 SETUP_RNG_SEED };
	struct kexec_load l;
	struct errbuf e = { 0 };
	struct sd_seen sd[BP_MAX_NODES];
	const struct boot_params *bp;
	struct bz_opts o;
	size_t len, n, i;
	uint8_t *k;

	bz_defaults(&o);
	k = bz_make(&o, &len);
	xl_init(&l, &e, fixture(FX), ram, 2, k, len, "console=ttyS0");
	memmap_free(&l.sysmem);
	assert_int_equal(memmap_read_firmware(fixture(FX), &l.sysmem, &e), 0);
	assert_int_equal(bzimage_type.load(&l), 0);
	bp = xl_zero_page(&l);
	/* The fixture's firmware map, types and all. */
	assert_int_equal(bp->e820_entries, 9);
	assert_int_equal(bp->e820_table[2].type, E820_TYPE_NVS);
	assert_int_equal(bp->e820_table[5].type, E820_TYPE_ACPI);
	assert_int_equal(bp->e820_table[8].addr, 4 * GiB);
	assert_int_equal(bp->e820_table[8].size, 2 * GiB);
	n = xl_chain(&l, sd, BP_MAX_NODES);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++)
		assert_int_equal(sd[i].type, want[i]);
	assert_int_equal(xl_purgatory(&l)->serial_port, 0x3f8);
	xl_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_copies_only_the_setup_header),
		cmocka_unit_test(cmdline_limit_excludes_the_nul),
		cmocka_unit_test(e820_types_follow_the_firmware_map),
		cmocka_unit_test(e820_beyond_128_entries_goes_into_setup_e820_ext),
		cmocka_unit_test(chain_pointers_are_final_after_placement),
		cmocka_unit_test(add_setup_data_refuses_bad_requests),
		cmocka_unit_test(carried_setup_data_types_are_the_ones_still_true),
		cmocka_unit_test(carry_keeps_pci_jailhouse_cc_blob_and_dtb),
		cmocka_unit_test(carry_refuses_a_node_without_its_type),
		cmocka_unit_test(efi_runtime_map_reads_every_entry),
		cmocka_unit_test(efi_runtime_map_refuses_malformed_entries),
		cmocka_unit_test(efi_state_goes_over_in_setup_efi),
		cmocka_unit_test(efi_stays_behind_when_it_cannot_be_handed_over),
		cmocka_unit_test(from_running_copies_what_only_firmware_knew),
		cmocka_unit_test(rsdp_comes_from_boot_params_then_acpi20_then_acpi),
		cmocka_unit_test(a_fresh_rng_seed_goes_to_every_load),
		cmocka_unit_test(read_running_refuses_a_boot_params_of_the_wrong_size),
		cmocka_unit_test(whole_load_on_the_fixture_builds_the_expected_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
