/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ARCH_X86_64_BOOTPARAM_H
#define KEXEC_ARCH_X86_64_BOOTPARAM_H

/*
 * The x86 boot protocol as the next kernel reads it: the setup header of
 * a bzImage, the "zero page" (struct boot_params) and the setup_data
 * chain hanging off it. Layouts follow Documentation/arch/x86/boot.rst,
 * zero-page.rst and arch/x86/include/uapi/asm/{bootparam,setup_data}.h of
 * Linux 7.3; every offset we rely on is asserted below.
 *
 * The second half is a small builder: the bzImage loader and the KHO code
 * add to one struct bootparam, then bootparam_place() lays the zero page,
 * the command line and every setup_data node out in one segment, places
 * it, and patches the pointers that depend on where it landed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct errbuf;
struct kexec_load;
struct mem_map;
struct segment;

/* loadflags */
#define LOADED_HIGH (1u << 0)
#define KASLR_FLAG (1u << 1)
#define QUIET_FLAG (1u << 5)
#define KEEP_SEGMENTS (1u << 6)
#define CAN_USE_HEAP (1u << 7)

/* xloadflags (protocol 2.12+) */
#define XLF_KERNEL_64 (1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define XLF_EFI_HANDOVER_32 (1u << 2)
#define XLF_EFI_HANDOVER_64 (1u << 3)
#define XLF_EFI_KEXEC (1u << 4)
#define XLF_5LEVEL (1u << 5)
#define XLF_5LEVEL_ENABLED (1u << 6)
#define XLF_MEM_ENCRYPTION (1u << 7)

/* setup_data types (uapi/asm/setup_data.h) */
#define SETUP_NONE 0
#define SETUP_E820_EXT 1
#define SETUP_DTB 2
#define SETUP_PCI 3
#define SETUP_EFI 4
#define SETUP_APPLE_PROPERTIES 5
#define SETUP_JAILHOUSE 6
#define SETUP_CC_BLOB 7
#define SETUP_IMA 8
#define SETUP_RNG_SEED 9
#define SETUP_KEXEC_KHO 10
#define SETUP_INDIRECT (1u << 31)

/* E820 types (arch/x86/include/asm/e820/types.h) */
#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2
#define E820_TYPE_ACPI 3
#define E820_TYPE_NVS 4
#define E820_TYPE_UNUSABLE 5
#define E820_TYPE_PMEM 7
#define E820_TYPE_PRAM 12
#define E820_TYPE_SOFT_RESERVED 0xefffffffu

#define E820_MAX_ENTRIES_ZEROPAGE 128

#define BZ_HDR_MAGIC 0x53726448u	/* "HdrS" */
#define BZ_BOOT_FLAG 0xaa55
#define BZ_MIN_PROTOCOL 0x020c		/* 2.12: xloadflags, ext_* fields */
#define BZ_SECTOR 512
#define BZ_DEFAULT_SETUP_SECTS 4
/* The setup header is copied from here to 0x202 + the byte at 0x201 ... */
#define BZ_HDR_OFFSET 0x1f1
#define BZ_HDR_JUMP_LEN 0x201
/* ... and must end inside its hole in the zero page. */
#define BZ_HDR_END_MAX 0x290
/* The 64-bit entry point, relative to the protected-mode kernel. */
#define BZ_ENTRY64_OFFSET 0x200
/* type_of_loader: 0xD is the ID boot.rst assigns to kexec loaders. */
#define BZ_LOADER_KEXEC 0xd0

/* Fixed-layout structures, little endian like the machine. */

struct setup_header {
	uint8_t setup_sects;		/* 0x1f1 */
	uint16_t root_flags;		/* 0x1f2 */
	uint32_t syssize;		/* 0x1f4 */
	uint16_t ram_size;		/* 0x1f8 */
	uint16_t vid_mode;		/* 0x1fa */
	uint16_t root_dev;		/* 0x1fc */
	uint16_t boot_flag;		/* 0x1fe */
	uint16_t jump;			/* 0x200 */
	uint32_t header;		/* 0x202 */
	uint16_t version;		/* 0x206 */
	uint32_t realmode_swtch;	/* 0x208 */
	uint16_t start_sys_seg;		/* 0x20c */
	uint16_t kernel_version;	/* 0x20e */
	uint8_t type_of_loader;		/* 0x210 */
	uint8_t loadflags;		/* 0x211 */
	uint16_t setup_move_size;	/* 0x212 */
	uint32_t code32_start;		/* 0x214 */
	uint32_t ramdisk_image;		/* 0x218 */
	uint32_t ramdisk_size;		/* 0x21c */
	uint32_t bootsect_kludge;	/* 0x220 */
	uint16_t heap_end_ptr;		/* 0x224 */
	uint8_t ext_loader_ver;		/* 0x226 */
	uint8_t ext_loader_type;	/* 0x227 */
	uint32_t cmd_line_ptr;		/* 0x228 */
	uint32_t initrd_addr_max;	/* 0x22c */
	uint32_t kernel_alignment;	/* 0x230 */
	uint8_t relocatable_kernel;	/* 0x234 */
	uint8_t min_alignment;		/* 0x235 */
	uint16_t xloadflags;		/* 0x236 */
	uint32_t cmdline_size;		/* 0x238 */
	uint32_t hardware_subarch;	/* 0x23c */
	uint64_t hardware_subarch_data;	/* 0x240 */
	uint32_t payload_offset;	/* 0x248 */
	uint32_t payload_length;	/* 0x24c */
	uint64_t setup_data;		/* 0x250 */
	uint64_t pref_address;		/* 0x258 */
	uint32_t init_size;		/* 0x260 */
	uint32_t handover_offset;	/* 0x264 */
	uint32_t kernel_info_offset;	/* 0x268 */
} __attribute__((packed));

struct efi_info {
	uint32_t efi_loader_signature;	/* "EL64" on 64-bit firmware */
	uint32_t efi_systab;
	uint32_t efi_memdesc_size;
	uint32_t efi_memdesc_version;
	uint32_t efi_memmap;
	uint32_t efi_memmap_size;
	uint32_t efi_systab_hi;
	uint32_t efi_memmap_hi;
} __attribute__((packed));

struct boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/* Only the screen_info field we compute; the rest is copied as bytes. */
struct screen_info_head {
	uint8_t orig_x;
	uint8_t orig_y;
	uint16_t ext_mem_k;
	uint8_t rest[0x3c];
} __attribute__((packed));

#define EDD_MBR_SIG_MAX 16
#define EDDMAXNR 6
#define EDD_INFO_SIZE 82

/* The zero page. Regions we never interpret are plain bytes. */
struct boot_params {
	struct screen_info_head screen_info;		/* 0x000 */
	uint8_t apm_bios_info[0x14];			/* 0x040 */
	uint8_t _pad2[4];				/* 0x054 */
	uint64_t tboot_addr;				/* 0x058 */
	uint8_t ist_info[0x10];				/* 0x060 */
	uint64_t acpi_rsdp_addr;			/* 0x070 */
	uint8_t _pad3[8];				/* 0x078 */
	uint8_t hd0_info[16];				/* 0x080 */
	uint8_t hd1_info[16];				/* 0x090 */
	uint8_t sys_desc_table[16];			/* 0x0a0 */
	uint8_t olpc_ofw_header[16];			/* 0x0b0 */
	uint32_t ext_ramdisk_image;			/* 0x0c0 */
	uint32_t ext_ramdisk_size;			/* 0x0c4 */
	uint32_t ext_cmd_line_ptr;			/* 0x0c8 */
	uint8_t _pad4[112];				/* 0x0cc */
	uint32_t cc_blob_address;			/* 0x13c */
	uint8_t edid_info[128];				/* 0x140 */
	struct efi_info efi_info;			/* 0x1c0 */
	uint32_t alt_mem_k;				/* 0x1e0 */
	uint32_t scratch;				/* 0x1e4 */
	uint8_t e820_entries;				/* 0x1e8 */
	uint8_t eddbuf_entries;				/* 0x1e9 */
	uint8_t edd_mbr_sig_buf_entries;		/* 0x1ea */
	uint8_t kbd_status;				/* 0x1eb */
	uint8_t secure_boot;				/* 0x1ec */
	uint8_t _pad5[2];				/* 0x1ed */
	uint8_t sentinel;				/* 0x1ef */
	uint8_t _pad6[1];				/* 0x1f0 */
	struct setup_header hdr;			/* 0x1f1 */
	uint8_t _pad7[BZ_HDR_END_MAX - BZ_HDR_OFFSET -
		      sizeof(struct setup_header)];
	uint32_t edd_mbr_sig_buffer[EDD_MBR_SIG_MAX];	/* 0x290 */
	struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE]; /* 0x2d0 */
	uint8_t _pad8[48];				/* 0xcd0 */
	uint8_t eddbuf[EDDMAXNR * EDD_INFO_SIZE];	/* 0xd00 */
	uint8_t _pad9[276];				/* 0xeec */
} __attribute__((packed));

/* One node of the setup_data chain; the payload follows the header. */
struct setup_data {
	uint64_t next;
	uint32_t type;
	uint32_t len;
} __attribute__((packed));

/* SETUP_INDIRECT payload: the data lives elsewhere. */
struct setup_indirect {
	uint32_t type;
	uint32_t reserved;
	uint64_t len;
	uint64_t addr;
} __attribute__((packed));

/*
 * SETUP_EFI payload ("kexec external ABI", arch/x86/include/asm/
 * setup_data.h). The kernel calls the second field __unused; kernels
 * before 5.7 read the runtime services table from it, so we fill it.
 */
struct efi_setup_data {
	uint64_t fw_vendor;
	uint64_t runtime;
	uint64_t tables;
	uint64_t smbios;
	uint64_t reserved[8];
} __attribute__((packed));

/* efi_memory_desc_t, version 1 (include/linux/efi.h). */
struct efi_memory_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_addr;
	uint64_t virt_addr;
	uint64_t num_pages;
	uint64_t attribute;
} __attribute__((packed));

/* SETUP_KEXEC_KHO payload (uapi/asm/setup_data.h). */
struct kho_data {
	uint64_t fdt_addr;
	uint64_t fdt_size;
	uint64_t scratch_addr;
	uint64_t scratch_size;
} __attribute__((packed));

#define BP_OFF(m) offsetof(struct boot_params, m)
_Static_assert(sizeof(struct setup_header) == 0x26c - BZ_HDR_OFFSET,
	       "setup_header");
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params");
_Static_assert(sizeof(struct screen_info_head) == 0x40, "screen_info");
_Static_assert(sizeof(struct efi_info) == 32, "efi_info");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "boot_e820_entry");
_Static_assert(sizeof(struct setup_data) == 16, "setup_data");
_Static_assert(sizeof(struct setup_indirect) == 24, "setup_indirect");
_Static_assert(sizeof(struct efi_setup_data) == 96, "efi_setup_data");
_Static_assert(sizeof(struct efi_memory_desc) == 40, "efi_memory_desc");
_Static_assert(sizeof(struct kho_data) == 32, "kho_data");
_Static_assert(BP_OFF(screen_info) == 0x000, "screen_info");
_Static_assert(BP_OFF(screen_info.ext_mem_k) == 0x002, "ext_mem_k");
_Static_assert(BP_OFF(acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(BP_OFF(ext_ramdisk_image) == 0x0c0, "ext_ramdisk_image");
_Static_assert(BP_OFF(ext_ramdisk_size) == 0x0c4, "ext_ramdisk_size");
_Static_assert(BP_OFF(ext_cmd_line_ptr) == 0x0c8, "ext_cmd_line_ptr");
_Static_assert(BP_OFF(cc_blob_address) == 0x13c, "cc_blob_address");
_Static_assert(BP_OFF(efi_info) == 0x1c0, "efi_info");
_Static_assert(BP_OFF(alt_mem_k) == 0x1e0, "alt_mem_k");
_Static_assert(BP_OFF(e820_entries) == 0x1e8, "e820_entries");
_Static_assert(BP_OFF(eddbuf_entries) == 0x1e9, "eddbuf_entries");
_Static_assert(BP_OFF(edd_mbr_sig_buf_entries) == 0x1ea, "edd_mbr_sig");
_Static_assert(BP_OFF(secure_boot) == 0x1ec, "secure_boot");
_Static_assert(BP_OFF(sentinel) == 0x1ef, "sentinel");
_Static_assert(BP_OFF(hdr) == BZ_HDR_OFFSET, "hdr");
_Static_assert(BP_OFF(hdr.boot_flag) == 0x1fe, "boot_flag");
_Static_assert(BP_OFF(hdr.jump) == 0x200, "jump");
_Static_assert(BP_OFF(hdr.header) == 0x202, "header");
_Static_assert(BP_OFF(hdr.version) == 0x206, "version");
_Static_assert(BP_OFF(hdr.type_of_loader) == 0x210, "type_of_loader");
_Static_assert(BP_OFF(hdr.loadflags) == 0x211, "loadflags");
_Static_assert(BP_OFF(hdr.code32_start) == 0x214, "code32_start");
_Static_assert(BP_OFF(hdr.ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(BP_OFF(hdr.ramdisk_size) == 0x21c, "ramdisk_size");
_Static_assert(BP_OFF(hdr.heap_end_ptr) == 0x224, "heap_end_ptr");
_Static_assert(BP_OFF(hdr.cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(BP_OFF(hdr.initrd_addr_max) == 0x22c, "initrd_addr_max");
_Static_assert(BP_OFF(hdr.kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(BP_OFF(hdr.relocatable_kernel) == 0x234, "relocatable");
_Static_assert(BP_OFF(hdr.xloadflags) == 0x236, "xloadflags");
_Static_assert(BP_OFF(hdr.cmdline_size) == 0x238, "cmdline_size");
_Static_assert(BP_OFF(hdr.hardware_subarch) == 0x23c, "hardware_subarch");
_Static_assert(BP_OFF(hdr.setup_data) == 0x250, "setup_data");
_Static_assert(BP_OFF(hdr.pref_address) == 0x258, "pref_address");
_Static_assert(BP_OFF(hdr.init_size) == 0x260, "init_size");
_Static_assert(BP_OFF(hdr.kernel_info_offset) == 0x268, "kernel_info");
_Static_assert(BP_OFF(edd_mbr_sig_buffer) == 0x290, "edd_mbr_sig_buffer");
_Static_assert(BP_OFF(e820_table) == 0x2d0, "e820_table");
_Static_assert(BP_OFF(eddbuf) == 0xd00, "eddbuf");
_Static_assert(BP_OFF(_pad9) == 0xeec, "pad9");
_Static_assert(offsetof(struct efi_info, efi_systab_hi) == 0x18, "systab_hi");
_Static_assert(offsetof(struct efi_info, efi_memmap_hi) == 0x1c, "memmap_hi");

/* ---- building the zero page and its setup_data chain ---- */

/* The most setup_data nodes one load builds (ours plus carried-over ones). */
#define BP_MAX_NODES 32
/* The largest payload we carry over or build (PCI ROMs can be large). */
#define BP_MAX_NODE_LEN (16u << 20)

/*
 * Called once the bootparams segment is placed, before the purgatory
 * hashes it: @payload points at the node's payload inside the segment
 * buffer, @phys is where that payload will be in physical memory. Used
 * for payloads that point into themselves (kho_data.scratch_addr).
 */
typedef int (*bp_fill_fn)(void *ctx, void *payload, uint32_t len,
			  uint64_t phys, struct errbuf *e);

struct bp_node {
	uint32_t type;
	uint32_t len;		/* payload bytes */
	uint32_t align;		/* of the payload inside the segment */
	void *data;		/* malloc'd payload until placement */
	bp_fill_fn fill;
	void *ctx;
	size_t offset;		/* of the header inside the segment, once laid out */
};

struct bootparam {
	struct boot_params bp;	/* copied to the segment's first page */
	char *cmdline;		/* NUL-terminated, owned */
	size_t cmdline_len;	/* with the NUL */
	struct bp_node node[BP_MAX_NODES];
	size_t nr;		/* chain order: node[0] is hdr.setup_data */

	/* Set by bootparam_place(). */
	void *buf;		/* the segment; owned by the load afterwards */
	size_t size;
	uint64_t phys;
};

/*
 * Start a zero page for @kernel: zeroed, then the setup header bytes
 * 0x1f1..0x202+kernel[0x201] copied from the image, as boot.rst asks.
 * The image must already have passed bzimage_probe().
 */
int bootparam_init(struct bootparam *b, const void *kernel, size_t len,
		   struct errbuf *e);
void bootparam_free(struct bootparam *b);

/*
 * The command line (copied, NUL added). @max is the kernel's cmdline_size:
 * the most characters it takes, without the NUL.
 */
int bootparam_set_cmdline(struct bootparam *b, const char *cmdline,
			  uint32_t max, struct errbuf *e);

void bootparam_set_initrd(struct bootparam *b, uint64_t addr, uint64_t size);

/*
 * The E820 table from the firmware memory map: the first 128 entries in
 * the zero page, the rest in a SETUP_E820_EXT node. Also sets the legacy
 * ext_mem_k/alt_mem_k sizes.
 */
int bootparam_set_e820(struct bootparam *b, const struct mem_map *m,
		       struct errbuf *e);

/* The E820 type the next kernel is told for a mem_map type; 0: omit. */
uint32_t e820_type_of(int mem_type);

/*
 * Append a setup_data node. @data (may be NULL: zero-filled) is copied;
 * @align is the payload's alignment in physical memory (power of two,
 * 8..4096; 0 means 8). @fill, if not NULL, runs after placement with the
 * payload's final address. Nodes are chained in the order they are added.
 */
int bootparam_add_setup_data(struct bootparam *b, uint32_t type,
			     const void *data, uint32_t len, uint32_t align,
			     bp_fill_fn fill, void *ctx, struct errbuf *e);

/* The first node of @type, or NULL. */
struct bp_node *bootparam_find(struct bootparam *b, uint32_t type);

/*
 * Everything the running kernel knows that the next one needs, read under
 * @root: from /sys/kernel/boot_params/data the screen_info, EDD data,
 * hardware_subarch, ACPI RSDP; the EFI state when the image can take it
 * (@efi_kexec) and the firmware is 64-bit EFI; the setup_data nodes worth
 * carrying over; a fresh RNG seed. Missing sysfs files are not errors:
 * the next kernel then finds less for itself, as after a BIOS boot.
 */
int bootparam_from_running(struct bootparam *b, const char *root,
			   bool efi_kexec, struct errbuf *e);

/* The pieces of bootparam_from_running(), for tests and reuse. */
int bootparam_read_running(const char *root, struct boot_params *cur,
			   bool *found, struct errbuf *e);
int bootparam_carry_setup_data(struct bootparam *b, const char *root,
			       struct errbuf *e);
/* Whether a setup_data node of @type from the running kernel is kept. */
bool setup_data_carried(uint32_t type);
int bootparam_add_rng_seed(struct bootparam *b, struct errbuf *e);

/*
 * Lay the zero page, the command line and all nodes out in one buffer,
 * add it to l->plan as segment "bootparams" using @tmpl's constraints
 * (min, max, top_down) through x86_place(), then patch every pointer that
 * depends on where it landed (cmd_line_ptr, the setup_data chain) and run
 * the fill callbacks. The buffer passes to the load (load_own); @b keeps
 * a view of it. Add no node after this.
 */
int bootparam_place(struct bootparam *b, struct kexec_load *l,
		    const struct segment *tmpl, bool above_4g);

/*
 * plan_add() with the x86 policy (--mem-min/--mem-max are already the
 * plan's allowed ranges): below 4 GiB when @above_4g is false, and below 4 GiB first even when it is true
 * (old tools and firmware quirks are kinder to low memory), then
 * anywhere the template allows. Returns the segment index or -errno.
 */
int x86_place(struct kexec_load *l, const struct segment *s, bool above_4g);

/* The zero page inside the placed buffer (after bootparam_place()). */
struct boot_params *bootparam_zero_page(struct bootparam *b);

#endif
