/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_ARCH_X86_64_BZPAYLOAD_H
#define KEXEC_ARCH_X86_64_BZPAYLOAD_H

/*
 * The compressed kernel inside a bzImage (setup header payload_offset and
 * payload_length, relative to the protected-mode code), decompressed only
 * to read the next kernel's KHO ABI (kho_abi.h). The kernel may be built
 * with gzip, bzip2, lzma, xz, lzo, lz4 or zstd; gzip (zlib), lzma and xz
 * (liblzma) and zstd (libzstd) are read. Output streams through a fixed
 * buffer into the scanner and stops once the handover's ABI is seen.
 */
#include <stddef.h>

struct bzimage_info;
struct kho_abi_scan;

enum bz_comp {
	BZ_COMP_UNKNOWN,
	BZ_COMP_GZIP,
	BZ_COMP_BZIP2,
	BZ_COMP_LZMA,
	BZ_COMP_XZ,
	BZ_COMP_LZO,
	BZ_COMP_LZ4,
	BZ_COMP_ZSTD,
};

/*
 * A hostile payload must not cost unbounded memory or time: at most
 * BZ_SCAN_MAX_OUT bytes of output are looked at (a vmlinux is far
 * smaller; the loader refuses files above MAX_KERNEL_SIZE too), xz and
 * lzma may use BZ_SCAN_MEMLIMIT (the kernel's xz_wrap.sh asks for a
 * 128 MiB dictionary, lzma -9 for 64 MiB; only what the output fills
 * of it is ever touched), zstd a window of 2^BZ_SCAN_ZSTD_WLOG (zstd -22
 * --ultra writes 2^27).
 */
#define BZ_SCAN_MAX_OUT (512U << 20)
#define BZ_SCAN_MEMLIMIT (256U << 20)
#define BZ_SCAN_ZSTD_WLOG 27
#define BZ_SCAN_CHUNK (64U << 10)

/* What the payload's first bytes say it is compressed with. */
enum bz_comp bz_payload_comp(const void *buf, size_t len);
const char *bz_comp_name(enum bz_comp c);

/*
 * Scan the payload @buf (@len bytes, the compressed kernel) for KHO ABI
 * strings, looking at no more than @max bytes of output. Ends with @s in
 * state READ, or UNREADABLE with the reason (unknown or unsupported
 * compression, corrupt or truncated data, over @max, out of memory).
 */
void bz_payload_scan(const void *buf, size_t len, size_t max,
		     const char *want, struct kho_abi_scan *s);

/* The same for the payload of a parsed bzImage, at most BZ_SCAN_MAX_OUT. */
void bzimage_scan_abi(const struct bzimage_info *bi, const char *want,
		      struct kho_abi_scan *s);

#endif
