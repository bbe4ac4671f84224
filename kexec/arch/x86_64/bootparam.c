// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The zero page and its setup_data chain: what the next x86_64 kernel is
 * told about the machine. See bootparam.h for the interface and
 * README-x86_64.md for the choices.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootparam.h"
#include "efi.h"
#include "errbuf.h"
#include "fsroot.h"
#include "load.h"
#include "memmap.h"
#include "placement.h"
#include "util.h"

#define BOOT_PARAMS_SYSFS "/sys/kernel/boot_params"
/* Same as the in-kernel loader's seed. */
#define RNG_SEED_LEN 32
/* The running kernel's setup_data nodes we look at, at most. */
#define CARRY_SCAN_MAX 256



int bootparam_init(struct bootparam *b, const void *kernel, size_t len,
		   struct errbuf *e)
{
	const uint8_t *k = kernel;
	size_t end;

	memset(b, 0, sizeof(*b));
	if (len <= BZ_HDR_JUMP_LEN)
		return err_set(e, -ENOEXEC,
			       "bzImage: %zu bytes is too short for a setup header",
			       len);
	/* boot.rst: the header ends at 0x202 + the jump's offset byte. */
	end = 0x202 + k[BZ_HDR_JUMP_LEN];
	if (end > BZ_HDR_END_MAX || end > len)
		return err_set(e, -ENOEXEC,
			       "bzImage: setup header ends at 0x%zx, past 0x%x or the end of the file",
			       end, BZ_HDR_END_MAX);
	memcpy(&b->bp.hdr, k + BZ_HDR_OFFSET, end - BZ_HDR_OFFSET);
	return 0;
}

void bootparam_free(struct bootparam *b)
{
	size_t i;

	for (i = 0; i < b->nr; i++)
		free(b->node[i].data);
	free(b->cmdline);
	/* b->buf belongs to the load once placed. */
	memset(b, 0, sizeof(*b));
}

int bootparam_set_cmdline(struct bootparam *b, const char *cmdline,
			  uint32_t max, struct errbuf *e)
{
	size_t n = cmdline ? strlen(cmdline) : 0;
	char *c;

	if (n > max)
		return err_set(e, -E2BIG,
			       "command line is %zu bytes, the kernel accepts at most %u",
			       n, max);
	c = malloc(n + 1);
	if (!c)
		return err_set(e, -ENOMEM, "out of memory");
	memcpy(c, cmdline ? cmdline : "", n);
	c[n] = '\0';
	free(b->cmdline);
	b->cmdline = c;
	b->cmdline_len = n + 1;
	return 0;
}

void bootparam_set_initrd(struct bootparam *b, uint64_t addr, uint64_t size)
{
	b->bp.hdr.ramdisk_image = (uint32_t)addr;
	b->bp.hdr.ramdisk_size = (uint32_t)size;
	b->bp.ext_ramdisk_image = (uint32_t)(addr >> 32);
	b->bp.ext_ramdisk_size = (uint32_t)(size >> 32);
}

uint32_t e820_type_of(int mem_type)
{
	switch (mem_type) {
	case MEM_RAM:
		return E820_TYPE_RAM;
	case MEM_RESERVED:
		return E820_TYPE_RESERVED;
	case MEM_ACPI:
		return E820_TYPE_ACPI;
	case MEM_NVS:
		return E820_TYPE_NVS;
	case MEM_UNUSABLE:
		return E820_TYPE_UNUSABLE;
	case MEM_PMEM:
		return E820_TYPE_PMEM;
	case MEM_PRAM:
		return E820_TYPE_PRAM;
	case MEM_SOFT_RESERVED:
		return E820_TYPE_SOFT_RESERVED;
	default:
		/*
		 * An unknown type is left out: a hole is what the kernel
		 * assumes for anything it was not told about, and it never
		 * allocates from one.
		 */
		return 0;
	}
}

/* The legacy "KiB above 1 MiB" sizes, computed as the kernel's loader does. */
static void set_mem_k(struct boot_params *bp, uint64_t start, uint64_t end)
{
	uint64_t mem_k;

	if (start > 0x100000 || end <= 0x100001)
		return;
	mem_k = ((end - 1) >> 10) - (0x100000 >> 10);
	bp->screen_info.ext_mem_k = mem_k > 0xfc00 ? 0xfc00 : (uint16_t)mem_k;
	bp->alt_mem_k = mem_k > 0xffffffffu ? 0xffffffffu : (uint32_t)mem_k;
}

int bootparam_set_e820(struct bootparam *b, const struct mem_map *m,
		       struct errbuf *e)
{
	struct boot_e820_entry *ext = NULL;
	size_t i, n = 0, next = 0;
	int err = 0;

	for (i = 0; i < m->nr; i++)
		if (e820_type_of(m->r[i].type) && m->r[i].end > m->r[i].start)
			n++;
	if (n > E820_MAX_ENTRIES_ZEROPAGE) {
		size_t extra = n - E820_MAX_ENTRIES_ZEROPAGE;

		if (extra > BP_MAX_NODE_LEN / sizeof(*ext))
			return err_set(e, -E2BIG,
				       "the memory map has %zu entries, more than the boot protocol can carry",
				       n);
		ext = calloc(extra, sizeof(*ext));
		if (!ext)
			return err_set(e, -ENOMEM, "out of memory");
	}

	b->bp.e820_entries = 0;
	b->bp.screen_info.ext_mem_k = 0;
	b->bp.alt_mem_k = 0;
	for (i = 0; i < m->nr; i++) {
		const struct mem_range *r = &m->r[i];
		uint32_t type = e820_type_of(r->type);
		struct boot_e820_entry *d;

		if (!type || r->end <= r->start)
			continue;
		if (next < E820_MAX_ENTRIES_ZEROPAGE)
			d = &b->bp.e820_table[next];
		else
			d = &ext[next - E820_MAX_ENTRIES_ZEROPAGE];
		d->addr = r->start;
		d->size = r->end - r->start;
		d->type = type;
		next++;
		if (type == E820_TYPE_RAM)
			set_mem_k(&b->bp, r->start, r->end);
	}
	b->bp.e820_entries = next < E820_MAX_ENTRIES_ZEROPAGE ?
		(uint8_t)next : E820_MAX_ENTRIES_ZEROPAGE;
	if (ext)
		err = bootparam_add_setup_data(b, SETUP_E820_EXT, ext,
			(uint32_t)((n - E820_MAX_ENTRIES_ZEROPAGE) * sizeof(*ext)),
			0, NULL, NULL, e);
	free(ext);
	return err;
}

int bootparam_add_setup_data(struct bootparam *b, uint32_t type,
			     const void *data, uint32_t len, uint32_t align,
			     bp_fill_fn fill, void *ctx, struct errbuf *e)
{
	struct bp_node *n;

	if (!align)
		align = 8;
	if (!is_pow2(align) || align < 8 || align > PLAN_PAGE_SIZE)
		return err_set(e, -EINVAL,
			       "setup_data alignment %u is not a power of two between 8 and 4096",
			       align);
	if (len > BP_MAX_NODE_LEN)
		return err_set(e, -E2BIG,
			       "setup_data node of type %u is %u bytes, more than the %u allowed",
			       type, len, BP_MAX_NODE_LEN);
	if (b->nr >= BP_MAX_NODES)
		return err_set(e, -E2BIG, "more than %d setup_data nodes",
			       BP_MAX_NODES);
	if (b->buf)
		return err_set(e, -EBUSY,
			       "setup_data node added after the boot parameters were placed");
	n = &b->node[b->nr];
	memset(n, 0, sizeof(*n));
	/* One spare byte so a zero-length node still owns a buffer. */
	n->data = calloc(1, (size_t)len + 1);
	if (!n->data)
		return err_set(e, -ENOMEM, "out of memory");
	if (data && len)
		memcpy(n->data, data, len);
	n->type = type;
	n->len = len;
	n->align = align;
	n->fill = fill;
	n->ctx = ctx;
	b->nr++;
	return 0;
}

struct bp_node *bootparam_find(struct bootparam *b, uint32_t type)
{
	size_t i;

	for (i = 0; i < b->nr; i++)
		if (b->node[i].type == type)
			return &b->node[i];
	return NULL;
}

/* ---- reading what the running kernel got ---- */





int bootparam_read_running(const char *root, struct boot_params *cur,
			   bool *found, struct errbuf *e)
{
	char *buf;
	size_t len;
	int err;

	*found = false;
	memset(cur, 0, sizeof(*cur));
	err = read_optional(root, BOOT_PARAMS_SYSFS "/data", sizeof(*cur),
			    &buf, &len, e);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (len != sizeof(*cur)) {
		free(buf);
		return err_set(e, -EINVAL,
			       BOOT_PARAMS_SYSFS "/data is %zu bytes, expected %zu",
			       len, sizeof(*cur));
	}
	memcpy(cur, buf, sizeof(*cur));
	free(buf);
	*found = true;
	return 0;
}

/*
 * Which of the running kernel's setup_data nodes the next kernel gets.
 * Only data that still describes the machine, that the next kernel cannot
 * find by itself, and that we do not rebuild, is carried over:
 *
 *  SETUP_E820_EXT (1)         no:  rebuilt from the firmware memory map.
 *  SETUP_DTB (2)              yes: the platform's device tree (CE4100,
 *                                  OLPC, ...) describes hardware that has
 *                                  not changed; nothing else provides it.
 *  SETUP_PCI (3)              yes: option ROM images the EFI stub copied;
 *                                  the ROM BARs may no longer be readable.
 *  SETUP_EFI (4)              no:  rebuilt from /sys/firmware/efi.
 *  SETUP_APPLE_PROPERTIES (5) yes: device properties only the EFI stub
 *                                  could fetch (empty once the running
 *                                  kernel consumed them; empty is dropped).
 *  SETUP_JAILHOUSE (6)        yes: the hypervisor's platform description.
 *  SETUP_CC_BLOB (7)          yes: the SEV-SNP secrets/CPUID page
 *                                  addresses, fixed for the guest's life.
 *  SETUP_IMA (8)              no:  points at the previous kexec's IMA log,
 *                                  freed by the running kernel.
 *  SETUP_RNG_SEED (9)         no:  consumed (and zeroed) at boot; a seed
 *                                  must never be reused. A fresh one is
 *                                  made with getrandom().
 *  SETUP_KEXEC_KHO (10)       no:  the previous handover; a new one is
 *                                  built by kho.c when handing over.
 *  anything newer             no:  we cannot tell whether it is still true.
 */
bool setup_data_carried(uint32_t type)
{
	switch (type) {
	case SETUP_DTB:
	case SETUP_PCI:
	case SETUP_APPLE_PROPERTIES:
	case SETUP_JAILHOUSE:
	case SETUP_CC_BLOB:
		return true;
	default:
		return false;
	}
}

static int carry_one(struct bootparam *b, const char *root, int i,
		     struct errbuf *e)
{
	char path[96], *buf;
	uint64_t type;
	size_t len;
	int err;

	snprintf(path, sizeof(path), BOOT_PARAMS_SYSFS "/setup_data/%d/type", i);
	err = read_hex_value(root, path, &type, e);
	if (err == -ENOENT)
		return err_set(e, -EINVAL, "%s is missing", path);
	if (err)
		return err;
	if (type > UINT32_MAX)
		return err_set(e, -EINVAL, "%s: type 0x%llx is not 32-bit", path,
			       (unsigned long long)type);
	/*
	 * sysfs shows an indirect node by the type and data it points at;
	 * the next kernel gets that data in a plain node of the same type.
	 */
	if (!setup_data_carried((uint32_t)type & ~SETUP_INDIRECT))
		return 0;
	snprintf(path, sizeof(path), BOOT_PARAMS_SYSFS "/setup_data/%d/data", i);
	err = read_optional(root, path, BP_MAX_NODE_LEN, &buf, &len, e);
	if (err == -ENOENT)
		return err_set(e, -EINVAL, "%s is missing", path);
	if (err)
		return err;
	if (len)
		err = bootparam_add_setup_data(b, (uint32_t)type & ~SETUP_INDIRECT,
					       buf, (uint32_t)len, 0, NULL,
					       NULL, e);
	free(buf);
	return err;
}

int bootparam_carry_setup_data(struct bootparam *b, const char *root,
			       struct errbuf *e)
{
	char path[96];
	int i, err;

	/* The kernel numbers the nodes 0..n-1 in chain order. */
	for (i = 0; i < CARRY_SCAN_MAX; i++) {
		snprintf(path, sizeof(path), BOOT_PARAMS_SYSFS "/setup_data/%d",
			 i);
		err = fsroot_exists(root, path);
		if (err < 0)
			return err_set(e, err, "cannot look at %s: %s", path,
				       strerror(-err));
		if (!err)
			return 0;
		err = carry_one(b, root, i, e);
		if (err)
			return err;
	}
	return err_set(e, -E2BIG, BOOT_PARAMS_SYSFS
		       "/setup_data has more than %d nodes", CARRY_SCAN_MAX);
}


int bootparam_add_rng_seed(struct bootparam *b, struct errbuf *e)
{
	uint8_t seed[RNG_SEED_LEN];
	int err;

	err = random_fill(seed, sizeof(seed));
	if (err)
		return err_set(e, err, "getrandom() failed for the RNG seed: %s",
			       strerror(-err));
	return bootparam_add_setup_data(b, SETUP_RNG_SEED, seed, sizeof(seed),
					0, NULL, NULL, e);
}

/* What only the firmware told the running kernel. */
static void copy_platform(struct boot_params *bp, const struct boot_params *cur)
{
	uint16_t ext_mem_k = bp->screen_info.ext_mem_k;

	bp->screen_info = cur->screen_info;
	bp->screen_info.ext_mem_k = ext_mem_k;
	bp->hdr.hardware_subarch = cur->hdr.hardware_subarch;
	/* Either zero (the kernel scans) or the address the firmware gave. */
	bp->acpi_rsdp_addr = cur->acpi_rsdp_addr;
	if (cur->eddbuf_entries <= EDDMAXNR &&
	    cur->edd_mbr_sig_buf_entries <= EDD_MBR_SIG_MAX) {
		memcpy(bp->eddbuf, cur->eddbuf, sizeof(bp->eddbuf));
		memcpy(bp->edd_mbr_sig_buffer, cur->edd_mbr_sig_buffer,
		       sizeof(bp->edd_mbr_sig_buffer));
		bp->eddbuf_entries = cur->eddbuf_entries;
		bp->edd_mbr_sig_buf_entries = cur->edd_mbr_sig_buf_entries;
	}
}

int bootparam_from_running(struct bootparam *b, const char *root,
			   bool efi_kexec, struct errbuf *e)
{
	struct boot_params *cur;
	bool found;
	int err;

	cur = malloc(sizeof(*cur));
	if (!cur)
		return err_set(e, -ENOMEM, "out of memory");
	err = bootparam_read_running(root, cur, &found, e);
	if (err)
		goto out;
	if (found) {
		copy_platform(&b->bp, cur);
		if (efi_kexec) {
			err = bootparam_set_efi(b, root, cur, e);
			if (err)
				goto out;
		}
	}
	if (!b->bp.acpi_rsdp_addr) {
		uint64_t rsdp;

		err = efi_systab_value(root, "ACPI20", &rsdp, e);
		if (!err && !rsdp)
			err = efi_systab_value(root, "ACPI", &rsdp, e);
		if (err)
			goto out;
		b->bp.acpi_rsdp_addr = rsdp;
	}
	err = bootparam_carry_setup_data(b, root, e);
	if (!err)
		err = bootparam_add_rng_seed(b, e);
out:
	free(cur);
	return err;
}

/* ---- placement ---- */

struct boot_params *bootparam_zero_page(struct bootparam *b)
{
	return b->buf;
}

/* Offsets of the command line and of every node; the total size. */
static int layout(struct bootparam *b, size_t *size, struct errbuf *e)
{
	uint64_t off = sizeof(struct boot_params) + b->cmdline_len;
	size_t i;

	bool ok = true;

	for (i = 0; i < b->nr && ok; i++) {
		struct bp_node *n = &b->node[i];
		uint64_t payload = 0;

		ok = align_up(off + sizeof(struct setup_data), n->align,
			      &payload) &&
		     align_up(payload + n->len, 8, &off);
		n->offset = payload - sizeof(struct setup_data);
	}
	if (!ok || off > SIZE_MAX || off > UINT32_MAX)
		return err_set(e, -E2BIG,
			       "the boot parameters take %llu bytes; too many",
			       (unsigned long long)off);
	*size = off;
	return 0;
}

static void fill_buffer(struct bootparam *b)
{
	uint8_t *buf = b->buf;
	size_t i;

	memcpy(buf, &b->bp, sizeof(b->bp));
	if (b->cmdline_len)
		memcpy(buf + sizeof(b->bp), b->cmdline, b->cmdline_len);
	for (i = 0; i < b->nr; i++) {
		struct bp_node *n = &b->node[i];
		struct setup_data sd = { .type = n->type, .len = n->len };

		memcpy(buf + n->offset, &sd, sizeof(sd));
		memcpy(buf + n->offset + sizeof(sd), n->data, n->len);
	}
}

/* Everything that depends on the segment's physical address. */
static int link_pointers(struct bootparam *b, struct errbuf *e)
{
	struct boot_params *bp = bootparam_zero_page(b);
	uint8_t *buf = b->buf;
	uint64_t cmd = b->phys + sizeof(*bp);
	size_t i;
	int err;

	bp->hdr.cmd_line_ptr = (uint32_t)cmd;
	bp->ext_cmd_line_ptr = (uint32_t)(cmd >> 32);
	bp->hdr.setup_data = b->nr ? b->phys + b->node[0].offset : 0;
	for (i = 0; i < b->nr; i++) {
		struct bp_node *n = &b->node[i];
		struct setup_data sd;

		memcpy(&sd, buf + n->offset, sizeof(sd));
		sd.next = i + 1 < b->nr ? b->phys + b->node[i + 1].offset : 0;
		memcpy(buf + n->offset, &sd, sizeof(sd));
	}
	for (i = 0; i < b->nr; i++) {
		struct bp_node *n = &b->node[i];
		uint64_t off = n->offset + sizeof(struct setup_data);

		if (!n->fill)
			continue;
		err = n->fill(n->ctx, buf + off, n->len, b->phys + off, e);
		if (err)
			return err;
	}
	return 0;
}

#define FOUR_GIB (1ULL << 32)

int x86_place(struct kexec_load *l, const struct segment *s, bool above_4g)
{
	struct errbuf low_err = { 0 };
	struct segment t = *s;
	int idx;

	if (t.fixed)
		return plan_add(&l->plan, &t, l->err);
	if (!above_4g) {
		if (!t.max || t.max > FOUR_GIB)
			t.max = FOUR_GIB;
		return plan_add(&l->plan, &t, l->err);
	}
	if (t.min < FOUR_GIB && (!t.max || t.max > FOUR_GIB)) {
		struct segment low = t;

		low.max = FOUR_GIB;
		idx = plan_add(&l->plan, &low, &low_err);
		if (idx >= 0)
			return idx;
	}
	return plan_add(&l->plan, &t, l->err);
}

int bootparam_place(struct bootparam *b, struct kexec_load *l,
		    const struct segment *tmpl, bool above_4g)
{
	struct segment s = *tmpl;
	size_t size = 0;	/* layout() sets it; gcc cannot see err_set() never returns 0 */
	int err, idx;

	if (b->buf)
		return err_set(l->err, -EBUSY,
			       "the boot parameters are already placed");
	if (!b->cmdline) {
		err = bootparam_set_cmdline(b, "", 0, l->err);
		if (err)
			return err;
	}
	err = layout(b, &size, l->err);
	if (err)
		return err;
	/* The load owns it from here: the plan points at it. */
	b->buf = load_own(l, calloc(1, size));
	if (!b->buf)
		return err_set(l->err, -ENOMEM, "out of memory");
	b->size = size;
	fill_buffer(b);

	s.name = "bootparams";
	s.buf = b->buf;
	s.bufsz = size;
	s.memsz = size;
	s.align = PLAN_PAGE_SIZE;
	s.fixed = false;
	idx = x86_place(l, &s, above_4g);
	if (idx < 0)
		return idx;
	b->phys = l->plan.seg[idx].mem;
	return link_pointers(b, l->err);
}
