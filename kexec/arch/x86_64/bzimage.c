// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bzImage loader: the 64-bit boot protocol of boot.rst. Segments:
 * "kernel" (the protected-mode part, room for init_size), "initrd",
 * "bootparams" (zero page, command line, setup_data), then the purgatory,
 * which jumps to the kernel's 64-bit entry with %rsi = the zero page.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "bootparam.h"
#include "bzimage.h"
#include "bzpayload.h"
#include "errbuf.h"
#include "fsroot.h"
#include "kho.h"
#include "load.h"
#include "util.h"
#include "x86_kho.h"
#include "purgatory-load.h"

/* Enough bytes for the boot sector, the header and its hole. */
#define BZ_MIN_FILE (2 * BZ_SECTOR)
/* The header must reach init_size, the last field we depend on. */
#define BZ_HDR_END_MIN (offsetof(struct boot_params, hdr.init_size) + 4)

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static int check_header(const uint8_t *k, size_t len, struct bzimage_info *bi,
			struct errbuf *e)
{
	uint16_t version;

	if (len < BZ_MIN_FILE)
		return err_set(e, -ENOEXEC,
			       "bzImage: the file is %zu bytes, too short for a boot sector and setup header",
			       len);
	if (get32(k + 0x202) != BZ_HDR_MAGIC)
		return err_set(e, -ENOEXEC,
			       "bzImage: no \"HdrS\" signature at 0x202");
	if (get16(k + 0x1fe) != BZ_BOOT_FLAG)
		return err_set(e, -ENOEXEC,
			       "bzImage: boot flag is 0x%04x, not 0xaa55",
			       get16(k + 0x1fe));
	version = get16(k + 0x206);
	if (version < BZ_MIN_PROTOCOL)
		return err_set(e, -ENOEXEC,
			       "bzImage: boot protocol %u.%02u is older than 2.12",
			       version >> 8, version & 0xff);
	bi->hdr_end = 0x202 + (size_t)k[BZ_HDR_JUMP_LEN];
	if (bi->hdr_end < BZ_HDR_END_MIN || bi->hdr_end > BZ_HDR_END_MAX)
		return err_set(e, -ENOEXEC,
			       "bzImage: the setup header ends at 0x%zx, outside 0x%zx..0x%x",
			       bi->hdr_end, (size_t)BZ_HDR_END_MIN,
			       BZ_HDR_END_MAX);
	memset(&bi->hdr, 0, sizeof(bi->hdr));
	memcpy(&bi->hdr, k + BZ_HDR_OFFSET, bi->hdr_end - BZ_HDR_OFFSET);
	return 0;
}

static int check_fields(size_t len, struct bzimage_info *bi, struct errbuf *e)
{
	const struct setup_header *h = &bi->hdr;
	unsigned int sects = h->setup_sects ? h->setup_sects :
					      BZ_DEFAULT_SETUP_SECTS;

	if (!(h->loadflags & LOADED_HIGH))
		return err_set(e, -ENOEXEC,
			       "bzImage: LOADED_HIGH is not set: a zImage, which only loads below 1 MiB");
	if (!(h->xloadflags & XLF_KERNEL_64))
		return err_set(e, -ENOEXEC,
			       "bzImage: XLF_KERNEL_64 is not set: no 64-bit entry point (a 32-bit kernel?)");
	bi->setup_size = (size_t)(sects + 1) * BZ_SECTOR;
	if (len <= bi->setup_size)
		return err_set(e, -ENOEXEC,
			       "bzImage: the file is %zu bytes but its %u setup sectors end at %zu",
			       len, sects, bi->setup_size);
	bi->payload_size = len - bi->setup_size;
	if ((uint64_t)h->syssize * 16 > bi->payload_size)
		return err_set(e, -ENOEXEC,
			       "bzImage: truncated: the header says the protected-mode kernel is %llu bytes, the file holds %zu",
			       (unsigned long long)h->syssize * 16,
			       bi->payload_size);
	if ((uint64_t)h->payload_offset + h->payload_length > bi->payload_size)
		return err_set(e, -ENOEXEC,
			       "bzImage: truncated: the compressed kernel ends at %llu, the file holds %zu",
			       (unsigned long long)h->payload_offset +
				       h->payload_length,
			       bi->payload_size);
	if (!h->kernel_alignment ||
	    h->kernel_alignment & (h->kernel_alignment - 1))
		return err_set(e, -ENOEXEC,
			       "bzImage: kernel_alignment 0x%x is not a power of two",
			       h->kernel_alignment);
	if (!h->init_size)
		return err_set(e, -ENOEXEC,
			       "bzImage: init_size is 0: no room to decompress in is known");
	bi->memsz = h->init_size > bi->payload_size ? h->init_size :
						       bi->payload_size;
	/*
	 * A fixed kernel runs at pref_address whatever memory is there, and
	 * with KHO that is almost never scratch; the kernel's own loader
	 * refuses such kernels too (no XLF_CAN_BE_LOADED_ABOVE_4G).
	 */
	if (!h->relocatable_kernel)
		return err_set(e, -ENOEXEC,
			       "bzImage: the kernel is not relocatable (CONFIG_RELOCATABLE=n); only relocatable kernels can be loaded");
	bi->above_4g = h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;
	return 0;
}

int bzimage_parse(const void *buf, size_t len, struct bzimage_info *bi,
		  struct errbuf *e)
{
	int err;

	memset(bi, 0, sizeof(*bi));
	if (!buf)
		return err_set(e, -ENOEXEC, "bzImage: no image");
	err = check_header(buf, len, bi, e);
	if (!err)
		err = check_fields(len, bi, e);
	if (err)
		return err;
	bi->payload = (const uint8_t *)buf + bi->setup_size;
	return 0;
}

static int bzimage_probe(const void *buf, size_t len, struct errbuf *e)
{
	struct bzimage_info bi;

	return bzimage_parse(buf, len, &bi, e);
}

/* ---- the command line's serial console, for the purgatory ---- */

/* A number ending the value or followed by ",options"; 0 if not a port. */
static uint64_t io_port(const char *s, int base)
{
	unsigned long long v;
	char *end;

	v = strtoull(s, &end, base);
	if (end == s || (*end && *end != ',') || v > 0xffff)
		return 0;
	return v;
}

/* console=ttyS0..3 are the legacy PC ports the 8250 driver knows. */
static uint64_t ttys_port(const char *s)
{
	static const uint16_t legacy[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

	if (s[0] < '0' || s[0] > '3' || (s[1] && s[1] != ','))
		return 0;
	return legacy[s[0] - '0'];
}

/* console= or earlycon=: ttySN, uart[8250],io,ADDR. */
static uint64_t console_port(const char *v)
{
	if (!strncmp(v, "ttyS", 4))
		return ttys_port(v + 4);
	if (!strncmp(v, "uart8250,io,", 12))
		return io_port(v + 12, 0);
	if (!strncmp(v, "uart,io,", 8))
		return io_port(v + 8, 0);
	return 0;
}

/*
 * earlyprintk=serial[,ttySN|,0xPORT][,baud] and earlyprintk=ttySN[,baud],
 * read the way arch/x86/kernel/early_printk.c reads them: only ttyS0 and
 * ttyS1 exist there, anything else means ttyS0.
 */
static uint64_t earlyprintk_port(const char *v)
{
	static const uint16_t bases[] = { 0x3f8, 0x2f8 };
	unsigned long n;
	char *end;

	if (!strncmp(v, "serial", 6))
		v += 6;
	else if (!strncmp(v, "ttyS", 4))
		v += 4;
	else
		return 0;
	if (*v == ',')
		v++;
	if (!*v)
		return bases[0];
	if (!strncmp(v, "0x", 2))
		return io_port(v, 16);
	if (!strncmp(v, "ttyS", 4))
		v += 4;
	n = strtoul(v, &end, 10);
	if (end == v || n > 1)
		n = 0;
	return bases[n];
}

uint64_t x86_serial_port(const char *cmdline)
{
	const char *p = cmdline;
	uint64_t port = 0, q;
	char word[128];

	while (p && *p) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (!n)
			break;
		q = 0;
		if (n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			if (!strncmp(word, "console=", 8))
				q = console_port(word + 8);
			else if (!strncmp(word, "earlycon=", 9))
				q = console_port(word + 9);
			else if (!strncmp(word, "earlyprintk=", 12))
				q = earlyprintk_port(word + 12);
		}
		if (q)
			port = q;
		p += n;
	}
	return port;
}

/* ---- load ---- */

/*
 * The kernel: placed bottom-up from max(1 MiB, pref_address). The
 * decompressor works in place inside [load, load + init_size) but, if it
 * finds itself below pref_address, moves to pref_address first (boot.rst
 * "runtime_start"), where nothing reserved the memory for it. Starting at
 * pref_address keeps the whole window inside the segment (so inside KHO
 * scratch when handing over), and bottom-up keeps the kernel where it
 * would have run anyway, leaving high memory to the initrd.
 */
static int place_kernel(struct kexec_load *l, const struct bzimage_info *bi,
			uint64_t *mem)
{
	const struct setup_header *h = &bi->hdr;
	struct segment s = {
		.name = "kernel",
		.buf = bi->payload,
		.bufsz = bi->payload_size,
		.memsz = bi->memsz,
		.align = h->kernel_alignment,
		.min = h->pref_address > BZ_MIN_ADDR ? h->pref_address :
						       BZ_MIN_ADDR,
		.top_down = false,
	};
	int idx;

	idx = x86_place(l, &s, bi->above_4g);
	if (idx < 0)
		return idx;
	*mem = l->plan.seg[idx].mem;
	return 0;
}

/* The initrd: top-down below initrd_addr_max, or anywhere if allowed. */
static int place_initrd(struct kexec_load *l, const struct bzimage_info *bi,
			uint64_t *mem)
{
	struct segment s = {
		.name = "initrd",
		.buf = l->initrd,
		.bufsz = l->initrd_size,
		.memsz = l->initrd_size,
		.align = PLAN_PAGE_SIZE,
		.min = BZ_MIN_ADDR,
		.top_down = true,
	};
	int idx;

	/* initrd_addr_max is the highest byte the initrd may occupy. */
	if (!bi->above_4g)
		s.max = (uint64_t)bi->hdr.initrd_addr_max + 1;
	idx = x86_place(l, &s, bi->above_4g);
	if (idx < 0)
		return idx;
	*mem = l->plan.seg[idx].mem;
	return 0;
}

static int build_bootparams(struct kexec_load *l, struct bootparam *b,
			    const struct bzimage_info *bi, uint64_t kernel,
			    uint64_t initrd)
{
	struct boot_params *bp = &b->bp;
	int err;

	if (l->initrd)
		bootparam_set_initrd(b, initrd, l->initrd_size);
	bp->hdr.type_of_loader = BZ_LOADER_KEXEC;
	/*
	 * LOADED_HIGH is the kernel's own flag; QUIET and CAN_USE_HEAP only
	 * matter to the real-mode setup code, which a 64-bit entry skips.
	 */
	bp->hdr.loadflags = LOADED_HIGH;
	bp->hdr.heap_end_ptr = 0;
	/* Where a 32-bit entry would start; informative for a 64-bit one. */
	bp->hdr.code32_start = kernel < (1ULL << 32) ? (uint32_t)kernel : 0;
	err = bootparam_set_e820(b, &l->sysmem, l->err);
	if (err)
		return err;
	err = bootparam_from_running(b, l->root, bi->hdr.xloadflags &
					     XLF_EFI_KEXEC, l->err);
	if (err)
		return err;
	if (l->kho)
		err = x86_kho_add(l, b);
	return err;
}

#define CPUINFO "/proc/cpuinfo"
/* The first CPU's block, flags line included, fits with room to spare. */
#define CPUINFO_HEAD 65536

/*
 * In the line [p, end): -1 if it is not "flags<blanks>: ...", else whether
 * its list has the word @flag.
 */
static int flags_line_has(const char *p, const char *end, const char *flag)
{
	size_t n = strlen(flag);

	if ((size_t)(end - p) < 5 || memcmp(p, "flags", 5))
		return -1;
	p += 5;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p != ':')
		return -1;
	for (p++; p < end;) {
		const char *w;

		while (p < end && *p == ' ')
			p++;
		w = p;
		while (p < end && *p != ' ')
			p++;
		if ((size_t)(p - w) == n && !memcmp(w, flag, n))
			return 1;
	}
	return 0;
}

/*
 * Whether the running kernel uses 5-level page tables. The kernel clears
 * LA57 from the CPU flags when it runs with 4 levels (early_identify_cpu()),
 * so "la57" in /proc/cpuinfo is the paging mode in use, not only what the
 * CPU could do. An unreadable file counts as 4 levels.
 */
static bool running_5level(const char *root)
{
	size_t len = 0;
	bool found = false;
	char *buf, *p;
	ssize_t n;
	int fd;

	fd = fsroot_open(root, CPUINFO, O_RDONLY);
	if (fd < 0)
		return false;
	buf = malloc(CPUINFO_HEAD);
	/* A seq_file read may stop at any record: read up to the limit. */
	n = buf ? read_full(fd, buf, CPUINFO_HEAD) : 0;
	if (n > 0)
		len = n;
	close(fd);
	/* Only the first flags line: every CPU runs the same paging mode. */
	for (p = buf; p && p < buf + len;) {
		char *nl = memchr(p, '\n', buf + len - p);
		int has;

		if (!nl)
			break;
		has = flags_line_has(p, nl, "la57");
		if (has >= 0) {
			found = has;
			break;
		}
		p = nl + 1;
	}
	free(buf);
	return found;
}

/*
 * Under 5-level paging the old kernel hands over with CR4.LA57 set; a
 * kernel without XLF_5LEVEL would load 4-level tables and fault at once.
 */
static int check_paging(const struct kexec_load *l,
			const struct bzimage_info *bi)
{
	if (bi->hdr.xloadflags & XLF_5LEVEL || !running_5level(l->root))
		return 0;
	return err_set(l->err, -ENOEXEC,
		       "bzImage: the running kernel uses 5-level paging (la57 in %s) and this kernel cannot start under it (no XLF_5LEVEL): load a kernel with 5-level support, or boot the running kernel with no5lvl",
		       CPUINFO);
}

static int bzimage_load(struct kexec_load *l)
{
	struct segment bp_tmpl = {
		.min = BZ_MIN_ADDR,
		.top_down = true,
	};
	struct bzimage_info bi;
	struct bootparam *b;
	uint64_t kernel = 0, initrd = 0;
	int err;

	err = bzimage_parse(l->kernel, l->kernel_size, &bi, l->err);
	if (!err)
		err = check_paging(l, &bi);
	if (err)
		return err;
	if (l->kho)
		bzimage_scan_abi(&bi, l->kho->compatible, &l->next_abi);
	b = malloc(sizeof(*b));
	if (!b)
		return err_set(l->err, -ENOMEM, "out of memory");
	err = bootparam_init(b, l->kernel, l->kernel_size, l->err);
	if (err)
		goto out;
	/* Refuse an over-long command line before placing anything. */
	err = bootparam_set_cmdline(b, l->cmdline, bi.hdr.cmdline_size,
				    l->err);
	if (err)
		goto out;
	err = place_kernel(l, &bi, &kernel);
	if (!err && l->initrd)
		err = place_initrd(l, &bi, &initrd);
	if (!err)
		err = build_bootparams(l, b, &bi, kernel, initrd);
	if (!err)
		err = bootparam_place(b, l, &bp_tmpl, bi.above_4g);
	if (err)
		goto out;
	err = purgatory_add(l, kernel + BZ_ENTRY64_OFFSET, b->phys,
			    x86_serial_port(l->cmdline), load_wants_checksum(l));
out:
	bootparam_free(b);
	free(b);
	return err;
}

const struct image_type bzimage_type = {
	.name = "bzImage",
	.probe = bzimage_probe,
	.load = bzimage_load,
	/* init_size is about five times the file; boot params, purgatory, slack. */
	.kernel_growth = 8,
};
