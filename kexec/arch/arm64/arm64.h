/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ARCH_ARM64_ARM64_H
#define KEXEC_ARCH_ARM64_ARM64_H

/*
 * The arm64 boot protocol (Documentation/arch/arm64/booting.rst): an Image
 * placed text_offset bytes above a 2 MiB aligned base, a DTB whose /chosen
 * carries everything else, and x0 = the DTB's address. The pieces here are
 * plain C over little-endian bytes, so the host's unit tests run them too.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct errbuf;
struct kexec_load;
struct kho_handover;
struct plan;

/* ---- Image header (arch/arm64/include/asm/image.h) ---- */

#define ARM64_IMAGE_MAGIC 0x644d5241u	/* "ARM\x64", little endian */
#define ARM64_IMAGE_HEADER_SIZE 64

/* The header as bytes lie in the file; read the fields with arm64_le*(). */
struct arm64_image_header {
	uint32_t code0;
	uint32_t code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2;
	uint64_t res3;
	uint64_t res4;
	uint32_t magic;
	uint32_t res5;
};

_Static_assert(sizeof(struct arm64_image_header) == ARM64_IMAGE_HEADER_SIZE,
	       "arm64_image_header");
_Static_assert(offsetof(struct arm64_image_header, text_offset) == 8,
	       "arm64_image_header.text_offset");
_Static_assert(offsetof(struct arm64_image_header, image_size) == 16,
	       "arm64_image_header.image_size");
_Static_assert(offsetof(struct arm64_image_header, flags) == 24,
	       "arm64_image_header.flags");
_Static_assert(offsetof(struct arm64_image_header, magic) == 56,
	       "arm64_image_header.magic");
_Static_assert(offsetof(struct arm64_image_header, res5) == 60,
	       "arm64_image_header.res5");

#define ARM64_FLAG_BE			(1ULL << 0)
#define ARM64_FLAG_PAGE_SIZE_SHIFT	1
#define ARM64_FLAG_PAGE_SIZE_MASK	3ULL
#define ARM64_FLAG_PHYS_ANYWHERE	(1ULL << 3)

#define ARM64_KERNEL_ALIGN	(2ULL << 20)
/* With the placement flag set, all of the image must sit below 2^48. */
#define ARM64_PHYS_LIMIT	(1ULL << 48)
/* booting.rst: the initrd lies in a 1 GiB aligned window of at most 32 GiB that also covers the kernel. */
#define ARM64_INITRD_WINDOW_ALIGN	(1ULL << 30)
#define ARM64_INITRD_WINDOW_SIZE	(32ULL << 30)
/* booting.rst: the DTB must not exceed 2 MiB. */
#define ARM64_DTB_MAX		(2U << 20)

/* A decompressed kernel larger than this is refused, not inflated. */
#define ARM64_MAX_IMAGE_SIZE	(256ULL << 20)

struct arm64_image_info {
	uint64_t text_offset;
	uint64_t image_size;	/* bytes the kernel needs from its start */
	unsigned int page_size;	/* 4096, 16384, 65536, or 0 if unspecified */
	bool phys_anywhere;	/* flags bit 3 */
};

static inline uint32_t arm64_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t arm64_le64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)arm64_le32(b) | (uint64_t)arm64_le32(b + 4) << 32;
}

/* image.c */
/* 0 when @buf starts with the arm64 magic (quick test, no validation). */
int arm64_image_probe(const void *buf, size_t len, struct errbuf *e);
/* Validate the header of an uncompressed Image, with a reason for every rejection. */
int arm64_image_parse(const void *buf, size_t len,
		      struct arm64_image_info *info, struct errbuf *e);
/*
 * Add the kernel segment: text_offset above a 2 MiB aligned base, with
 * image_size bytes reserved from its start. *entry is where it starts.
 */
int arm64_place_kernel(struct plan *p, const void *img, size_t len,
		       const struct arm64_image_info *info, uint64_t *entry,
		       struct errbuf *e);

/* imagegz.c */
/* 0 when @buf has the gzip magic. */
int arm64_gzip_probe(const void *buf, size_t len, struct errbuf *e);
/* 0 when @buf is gzip data whose first bytes inflate to an arm64 Image header. */
int arm64_image_gz_probe(const void *buf, size_t len, struct errbuf *e);
/*
 * Inflate a gzip stream into a malloc'd buffer. More than @max bytes of
 * output is -EFBIG, unless @prefix: then inflation stops after @max bytes
 * and returns what it has (for probes that only need the header).
 */
int arm64_gunzip(const void *buf, size_t len, size_t max, bool prefix,
		 void **out, size_t *out_len, struct errbuf *e);

/* zboot.c: vmlinuz.efi with CONFIG_EFI_ZBOOT (drivers/firmware/efi/libstub/zboot-header.S) */
#define ARM64_ZBOOT_MAGIC_OFFSET	4	/* "zimg" */
#define ARM64_ZBOOT_PAYLOAD_OFFSET	8
#define ARM64_ZBOOT_PAYLOAD_SIZE	12
#define ARM64_ZBOOT_COMP_TYPE		24
#define ARM64_ZBOOT_COMP_TYPE_LEN	32	/* up to the PE magic at 0x38 */
#define ARM64_ZBOOT_HEADER_SIZE		64

int arm64_zboot_probe(const void *buf, size_t len, struct errbuf *e);
/* The compressed payload inside the file, and its compression type ("gzip", "zstd", ...). */
int arm64_zboot_parse(const void *buf, size_t len, const void **payload,
		      size_t *payload_len, char *comp, size_t comp_size,
		      struct errbuf *e);
/* The decompressed Image inside a zboot file (malloc'd). */
int arm64_zboot_extract(const void *buf, size_t len, size_t max, void **out,
			size_t *out_len, struct errbuf *e);

/* dtb.c */
/* Enough for a KHO FDT copy, its empty map and every --kho-blob. */
#define ARM64_MAX_RSV 16

struct arm64_rsv {
	uint64_t addr;
	uint64_t size;
};

/* What the next kernel learns through the DTB besides the command line. */
struct arm64_chosen {
	const char *cmdline;		/* NULL or "": no bootargs */
	uint64_t initrd_start;
	uint64_t initrd_size;		/* 0: no initrd */
	/* KHO: both pairs set, or kho_fdt_size == 0 for no handover. */
	uint64_t kho_fdt_addr;
	uint64_t kho_fdt_size;
	uint64_t kho_scratch_addr;
	uint64_t kho_scratch_size;
	/*
	 * Buffers the next kernel must not allocate over before it knows
	 * what they are: /memreserve/ entries, reserved by the kernel in
	 * arm64_memblock_init(), ahead of any allocation outside scratch.
	 */
	struct arm64_rsv rsv[ARM64_MAX_RSV];
	size_t nr_rsv;
};

#define ARM64_RNG_SEED_SIZE 64
/*
 * /chosen property listing the /memreserve/ entries this loader added
 * (u64 address, u64 size pairs), so that the next load from the DTB they
 * ended up in, /sys/firmware/fdt, can drop them: they reserve buffers of
 * a boot that is over.
 */
#define ARM64_RSV_PROP "kexec-kho,memreserve"

/* --dtb FILE, else the running kernel's /sys/firmware/fdt under @root. */
int arm64_dtb_read(const char *root, const char *path, void **dtb,
		   size_t *len, struct errbuf *e);
/*
 * A packed copy of @src with /chosen rewritten for the next kernel: new
 * bootargs, initrd, KHO properties and fresh seeds; stale crash-kernel,
 * initrd and KHO properties and their /memreserve/ entries removed.
 */
int arm64_dtb_build(const void *src, size_t src_len,
		    const struct arm64_chosen *c, void **out, size_t *out_len,
		    struct errbuf *e);
/*
 * The root's #address-cells/#size-cells as the kernel reads them (1 when
 * absent, unlike libfdt's fdt_address_cells()).
 */
int arm64_dt_root_cells(const void *fdt, int *addr_cells, int *size_cells,
			struct errbuf *e);
/* Set @name in node @node to one <addr size> pair in the root's cell sizes. */
int arm64_dt_set_addr_size(void *fdt, int node, const char *name,
			   uint64_t addr, uint64_t size, struct errbuf *e);
/*
 * The PL011 the purgatory may report failures on: earlycon=pl011,... in
 * @cmdline, else /chosen/stdout-path if it is an "arm,pl011"; 0 if neither.
 */
uint64_t arm64_pl011_base(const void *fdt, const char *cmdline);

/* kho.c */
/*
 * Place what the handover needs (the scratch array; each --kho-blob; the
 * empty preserved-memory map of --kho-scratch; the FDT when it is a
 * copy) and fill the KHO part of @c, reservations included. @page_size
 * is the next kernel's (arm64_image_info, 0 if its Image does not say):
 * the empty map is one such page, and scratch the loader chose must be
 * aligned as that kernel's KHO expects.
 */
int arm64_kho_place(struct plan *p, struct kho_handover *h,
		    unsigned int page_size, struct arm64_chosen *c,
		    struct errbuf *e);
/*
 * Whether the next kernel (@page_size from its Image, 0 if it does not
 * say) can take what the running kernel (@running_page) hands over:
 * the same page size, since the preserved-memory map is laid out in
 * pages; and the running kernel's scratch aligned to the next kernel's
 * SCRATCH_ALIGNMENT_BYTES (PAGE_SIZE << MAX_PAGE_ORDER: 4, 32 or 512 MiB
 * for 4, 16 or 64 KiB pages; 4 MiB when 0). -EINVAL with one line
 * unless @force. --kho-scratch (an empty map, scratch of our own) is
 * arm64_kho_place()'s to check.
 */
int arm64_kho_check_next_kernel(const struct kho_handover *h,
				unsigned int page_size, uint64_t running_page,
				bool force, struct errbuf *e);
/* Write linux,kho-fdt and linux,kho-scratch into /chosen (node @chosen). */
int arm64_kho_chosen(void *fdt, int chosen, const struct arm64_chosen *c,
		     struct errbuf *e);

/* boot.c */
/*
 * Everything after decompression: kernel, initrd, KHO, DTB, purgatory.
 * @img must stay alive until the load is freed.
 */
int arm64_boot(struct kexec_load *l, const void *img, size_t len);

#endif
