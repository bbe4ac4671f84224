// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KHO on x86_64: everything goes into one SETUP_KEXEC_KHO node.
 *
 *   payload: struct kho_data | kho_scratch[nr] | FDT copy (if any)
 *
 * The next kernel memblock-reserves the whole node (header + len) before
 * it allocates anything and KASLR steers around it, so a copy of the FDT
 * inside it survives until kho_populate() reads it. The live FDT page
 * (KHO_SRC_LIVE) is preserved memory already and is pointed at instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootparam.h"
#include "errbuf.h"
#include "kexec.h"
#include "kho.h"
#include "x86_kho.h"

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ULL;
}

/* What the next kernel is told the FDT's size is. */
static uint64_t fdt_size_of(const struct kho_handover *h)
{
	return h->fdt_size ? h->fdt_size : h->fdt_len;
}

static uint64_t scratch_bytes(const struct kho_handover *h)
{
	return (uint64_t)h->nr_scratch * sizeof(struct kho_scratch);
}

/* Runs once the node's address is known: point kho_data at its parts. */
static int kho_fill(void *ctx, void *payload, uint32_t len, uint64_t phys,
		    struct errbuf *e)
{
	struct kho_handover *h = ctx;
	struct kho_data kd = {
		.scratch_addr = phys + sizeof(kd),
		.scratch_size = scratch_bytes(h),
	};

	if (h->source == KHO_SRC_LIVE) {
		kd.fdt_addr = h->fdt_phys;
		kd.fdt_size = h->fdt_size;
	} else {
		kd.fdt_addr = phys + align8(sizeof(kd) + kd.scratch_size);
		kd.fdt_size = fdt_size_of(h);
		h->fdt_phys = kd.fdt_addr;
	}
	if (len < sizeof(kd))
		return err_set(e, -EINVAL, "KHO setup_data node too short");
	memcpy(payload, &kd, sizeof(kd));
	return 0;
}

int x86_kho_add(struct kexec_load *l, struct bootparam *b)
{
	struct kho_handover *h = l->kho;
	uint64_t fdt_off, len;
	uint8_t *payload;
	int err;

	if (!h || !h->nr_scratch)
		return err_set(l->err, -EINVAL,
			       "KHO: no scratch regions to hand over");
	if (h->source == KHO_SRC_LIVE && (!h->fdt_phys || !h->fdt_size))
		return err_set(l->err, -EINVAL,
			       "KHO: the live FDT has no address or size");
	if (h->source != KHO_SRC_LIVE && (!h->fdt || !h->fdt_len ||
					  fdt_size_of(h) < h->fdt_len))
		return err_set(l->err, -EINVAL, "KHO: no FDT to hand over");

	fdt_off = align8(sizeof(struct kho_data) + scratch_bytes(h));
	len = h->source == KHO_SRC_LIVE ? fdt_off : fdt_off + fdt_size_of(h);
	if (len > BP_MAX_NODE_LEN)
		return err_set(l->err, -E2BIG,
			       "KHO: %llu bytes of scratch array and FDT do not fit a setup_data node",
			       (unsigned long long)len);
	payload = calloc(1, len);
	if (!payload)
		return err_set(l->err, -ENOMEM, "out of memory");
	memcpy(payload + sizeof(struct kho_data), h->scratch, scratch_bytes(h));
	if (h->source != KHO_SRC_LIVE)
		memcpy(payload + fdt_off, h->fdt, h->fdt_len);
	err = bootparam_add_setup_data(b, SETUP_KEXEC_KHO, payload,
				       (uint32_t)len, 8, kho_fill, h, l->err);
	free(payload);
	return err;
}
