// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The purgatory from both sides: purgatory_add() (header checks, the
 * parameter block, limits, the corruption hook) and the purgatory's own
 * C part (purgatory/purgatory.c) run on the host. Segments in the host
 * tests sit at their own addresses, so the physical addresses the loader
 * records are pointers the purgatory code can read, as it can between
 * kernels with an identity map.
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

#include "load.h"
#include "purgatory-arch.h"
#include "purgatory-load.h"
#include "purgatory.h"
#include "sha256.h"

#define RAM_START 0x100000ULL
#define RAM_END 0x80000000ULL

struct fixture {
	struct kexec_load l;
	struct errbuf e;
	struct mem_map ram;
	void *data[PLAN_MAX_SEGMENTS];
	size_t nr_data;
};

/* ---- test doubles for what purgatory/arch/<arch>/entry.S provides ---- */

static char console[1024];
static size_t console_len;
static uint64_t console_port;
static jmp_buf halted;

void arch_serial_putc(uint64_t base, char c)
{
	console_port = base;
	if (console_len + 1 < sizeof(console)) {
		console[console_len++] = c;
		console[console_len] = '\0';
	}
}

void arch_halt(void)
{
	longjmp(halted, 1);
}

/* Run the purgatory's C part on @pp: 1 if it halted, 0 if it would jump. */
static int run_purgatory(const struct purgatory_params *pp)
{
	console_len = 0;
	console[0] = '\0';
	console_port = 0;
	memcpy(&purgatory_params, pp, sizeof(*pp));
	if (setjmp(halted))
		return 1;
	purgatory_main();
	return 0;
}

/* ---- helpers ---- */

static void fill_pattern(uint8_t *p, size_t len, uint32_t seed)
{
	uint32_t x = seed | 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

static struct fixture *fixture_new(uint64_t ram_start, uint64_t ram_end)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->l.err = &f->e;
	assert_int_equal(memmap_add(&f->ram, ram_start, ram_end, MEM_RAM), 0);
	assert_int_equal(plan_init(&f->l.plan, &f->ram), 0);
	return f;
}

static void fixture_free(struct fixture *f)
{
	size_t i;

	for (i = 0; i < f->l.nr_owned; i++)
		free(f->l.owned[i]);
	for (i = 0; i < f->nr_data; i++)
		free(f->data[i]);
	plan_free(&f->l.plan);
	memmap_free(&f->ram);
	free(f);
}

/* Add a segment of @size pattern bytes, placed by the plan; its index. */
static int add_seg(struct fixture *f, const char *name, size_t size,
		   uint32_t seed)
{
	struct segment s = { 0 };
	uint8_t *buf = malloc(size);
	int idx;

	assert_non_null(buf);
	fill_pattern(buf, size, seed);
	f->data[f->nr_data++] = buf;
	s.name = name;
	s.buf = buf;
	s.bufsz = size;
	s.memsz = size;
	idx = plan_add(&f->l.plan, &s, &f->e);
	assert_true(idx >= 0);
	return idx;
}

/*
 * A segment whose destination is its own buffer (page aligned), so the
 * host can play "the kernel copied everything" and let the purgatory
 * code read it at the address the loader recorded.
 */
static int add_host_seg(struct fixture *f, const char *name, size_t size,
			uint32_t seed)
{
	size_t alloc = (size + 4095) & ~(size_t)4095;
	struct segment s = { 0 };
	uint8_t *buf = aligned_alloc(4096, alloc);
	int idx;

	assert_non_null(buf);
	fill_pattern(buf, size, seed);
	f->data[f->nr_data++] = buf;
	s.name = name;
	s.buf = buf;
	s.bufsz = size;
	s.memsz = size;
	s.fixed = true;
	s.mem = (uintptr_t)buf;
	idx = plan_add(&f->l.plan, &s, &f->e);
	assert_true(idx >= 0);
	return idx;
}

/* What kexec -e does before the purgatory runs: copy buf to mem. */
static void host_copy_segments(struct fixture *f)
{
	size_t i;

	for (i = 0; i < f->l.plan.nr; i++) {
		const struct segment *s = &f->l.plan.seg[i];

		if (!strcmp(s->name, "purgatory"))
			continue;
		if (s->buf != (const void *)(uintptr_t)s->mem)
			memcpy((void *)(uintptr_t)s->mem, s->buf, s->bufsz);
	}
}

static struct purgatory_header blob_header(void)
{
	struct purgatory_header h;

	memcpy(&h, purgatory_blob, sizeof(h));
	return h;
}

static const struct segment *purgatory_seg(const struct fixture *f)
{
	assert_true(f->l.plan.nr > 0);
	return &f->l.plan.seg[f->l.plan.nr - 1];
}

static struct purgatory_params params_of(const struct fixture *f)
{
	struct purgatory_header h = blob_header();
	struct purgatory_params pp;

	memcpy(&pp, (const uint8_t *)purgatory_seg(f)->buf + h.params_offset,
	       sizeof(pp));
	return pp;
}

/* A plan like a real x86 load: kernel, initrd, boot_params. */
static struct fixture *typical_load(void)
{
	struct fixture *f = fixture_new(RAM_START, RAM_END);

	add_seg(f, "kernel", 3 * 4096 + 100, 1);
	add_seg(f, "initrd", 2 * 4096 + 7, 2);
	add_seg(f, "boot_params", 4096, 3);
	return f;
}

/* ---- the embedded blob ---- */

static void embedded_blob_has_valid_header(void **state)
{
	size_t size = (size_t)(purgatory_blob_end - purgatory_blob);
	struct purgatory_header h = blob_header();
	struct purgatory_params pp;

	assert_true(size >= sizeof(h));
	assert_true(h.magic == PURGATORY_MAGIC);
	assert_int_equal(h.version, PURGATORY_VERSION);
	assert_true(h.entry_offset >= sizeof(h) && h.entry_offset < size);
	assert_int_equal(h.params_offset % 8, 0);
	assert_true(h.params_offset >= sizeof(h));
	assert_true(h.params_offset + sizeof(pp) <= size);
	assert_true(h.memsz >= size);
	/* Room for the stack beyond the file image. */
	assert_true(h.memsz - size >= 4096);
	/* Unfilled: the loader writes every field. */
	memcpy(&pp, purgatory_blob + h.params_offset, sizeof(pp));
	assert_int_equal(pp.entry, 0);
	assert_int_equal(pp.nr_regions, 0);
}

/* ---- purgatory_add ---- */

static void params_record_entry_arg0_serial_and_every_segment(void **state)
{
	struct fixture *f = typical_load();
	const struct segment *k = &f->l.plan.seg[0], *bp = &f->l.plan.seg[2];
	struct purgatory_params pp;
	size_t i;

	assert_int_equal(purgatory_add(&f->l, k->mem + 0x200, bp->mem, 0x3f8,
				       true), 0);
	assert_int_equal(f->l.plan.nr, 4);
	pp = params_of(f);
	assert_int_equal(pp.entry, k->mem + 0x200);
	assert_int_equal(pp.arg0, bp->mem);
	assert_int_equal(pp.serial_port, 0x3f8);
	assert_int_equal(pp.flags, PURGATORY_F_CHECKSUM);
	assert_int_equal(pp.nr_regions, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pp.region[i].start, f->l.plan.seg[i].mem);
		assert_int_equal(pp.region[i].len, f->l.plan.seg[i].bufsz);
	}
	assert_int_equal(pp.region[3].start, 0);
	assert_int_equal(pp.region[3].len, 0);
	fixture_free(f);
}

static void digests_are_per_segment_and_over_the_table(void **state)
{
	struct fixture *f = typical_load();
	const struct plan *p = &f->l.plan;
	uint8_t want[SHA256_DIGEST_SIZE], table[3][SHA256_DIGEST_SIZE];
	struct purgatory_params pp;
	size_t i;

	assert_int_equal(purgatory_add(&f->l, p->seg[0].mem, p->seg[2].mem,
				       0, true), 0);
	pp = params_of(f);

	for (i = 0; i < 3; i++) {
		sha256(p->seg[i].buf, p->seg[i].bufsz, table[i]);
		assert_memory_equal(pp.region_sha256[i], table[i],
				    SHA256_DIGEST_SIZE);
	}
	/* One shot over a copy of the table: another path than streaming. */
	sha256(table, sizeof(table), want);
	assert_memory_equal(pp.sha256, want, sizeof(want));
	fixture_free(f);
}

static void purgatory_is_last_segment_and_the_entry(void **state)
{
	struct fixture *f = typical_load();
	struct purgatory_header h = blob_header();
	size_t size = (size_t)(purgatory_blob_end - purgatory_blob);
	const struct segment *s;
	const uint8_t *b;
	size_t i;

	assert_int_equal(purgatory_add(&f->l, f->l.plan.seg[0].mem,
				       f->l.plan.seg[2].mem, 0, true), 0);
	s = purgatory_seg(f);
	assert_string_equal(s->name, "purgatory");
	assert_int_equal(s->mem % 4096, 0);
	assert_true(s->mem >= RAM_START && s->mem + s->memsz <= RAM_END);
	assert_true(s->memsz >= h.memsz);
	assert_int_equal(s->bufsz, h.memsz);
	assert_int_equal(f->l.entry, s->mem + h.entry_offset);

	/* The blob verbatim outside the parameter block, zeros after it. */
	b = s->buf;
	assert_memory_equal(b, purgatory_blob, h.params_offset);
	i = h.params_offset + sizeof(struct purgatory_params);
	assert_memory_equal(b + i, purgatory_blob + i, size - i);
	for (i = size; i < h.memsz; i++)
		assert_int_equal(b[i], 0);
	fixture_free(f);
}

static void no_checksum_clears_flag_and_digests(void **state)
{
	struct fixture *f = typical_load();
	static const uint8_t zero[SHA256_DIGEST_SIZE];
	struct purgatory_params pp;

	assert_int_equal(purgatory_add(&f->l, f->l.plan.seg[0].mem,
				       f->l.plan.seg[2].mem, 0x3f8, false), 0);
	pp = params_of(f);
	assert_int_equal(pp.flags & PURGATORY_F_CHECKSUM, 0);
	assert_memory_equal(pp.sha256, zero, sizeof(zero));
	/* The regions are recorded all the same. */
	assert_int_equal(pp.nr_regions, 3);
	fixture_free(f);
}

static void fifteen_segments_all_become_regions(void **state)
{
	struct fixture *f = fixture_new(RAM_START, RAM_END);
	struct purgatory_params pp;
	char names[15][8];
	size_t i;

	for (i = 0; i < 15; i++) {
		snprintf(names[i], sizeof(names[i]), "s%zu", i);
		add_seg(f, names[i], 100 + i, (uint32_t)i + 10);
	}
	assert_int_equal(purgatory_add(&f->l, f->l.plan.seg[0].mem,
				       f->l.plan.seg[1].mem, 0, true), 0);
	assert_int_equal(f->l.plan.nr, PLAN_MAX_SEGMENTS);
	pp = params_of(f);
	assert_int_equal(pp.nr_regions, 15);
	for (i = 0; i < 15; i++)
		assert_int_equal(pp.region[i].start, f->l.plan.seg[i].mem);
	fixture_free(f);
}

static void full_plan_is_rejected_with_e2big(void **state)
{
	struct fixture *f = fixture_new(RAM_START, RAM_END);
	char names[16][8];
	size_t i;

	for (i = 0; i < 16; i++) {
		snprintf(names[i], sizeof(names[i]), "s%zu", i);
		add_seg(f, names[i], 64, (uint32_t)i + 10);
	}
	assert_int_equal(purgatory_add(&f->l, f->l.plan.seg[0].mem,
				       f->l.plan.seg[1].mem, 0, true), -E2BIG);
	assert_non_null(strstr(f->e.msg, "purgatory"));
	assert_int_equal(f->l.plan.nr, 16);
	assert_int_equal(f->l.entry, 0);
	fixture_free(f);
}

static void corrupt_hook_changes_one_byte_of_named_segment_only(void **state)
{
	struct fixture *f = typical_load();
	const struct segment *seg = f->l.plan.seg;
	const void *before[3];
	uint8_t want[SHA256_DIGEST_SIZE];
	struct purgatory_params pp;
	const uint8_t *orig, *now;
	size_t i, diffs = 0;

	for (i = 0; i < 3; i++)
		before[i] = seg[i].buf;
	f->l.corrupt = "initrd";
	assert_int_equal(purgatory_add(&f->l, seg[0].mem, seg[2].mem, 0,
				       true), 0);

	/* Kernel and boot_params untouched, initrd replaced by a copy. */
	assert_ptr_equal(seg[0].buf, before[0]);
	assert_ptr_equal(seg[2].buf, before[2]);
	assert_ptr_not_equal(seg[1].buf, before[1]);
	orig = before[1];
	now = seg[1].buf;
	for (i = 0; i < seg[1].bufsz; i++)
		diffs += orig[i] != now[i];
	assert_int_equal(diffs, 1);

	/* The caller's buffer still hashes to what the purgatory expects. */
	pp = params_of(f);
	sha256(orig, seg[1].bufsz, want);
	assert_memory_equal(pp.region_sha256[1], want, sizeof(want));
	sha256(now, seg[1].bufsz, want);
	assert_memory_not_equal(pp.region_sha256[1], want, sizeof(want));
	fixture_free(f);
}

static void corrupt_hook_rejects_unknown_segment(void **state)
{
	struct fixture *f = typical_load();

	f->l.corrupt = "dtb";
	assert_int_equal(purgatory_add(&f->l, f->l.plan.seg[0].mem,
				       f->l.plan.seg[2].mem, 0, true), -EINVAL);
	assert_non_null(strstr(f->e.msg, "dtb"));
	assert_int_equal(f->l.plan.nr, 3);
	fixture_free(f);
}

static void entry_or_arg0_outside_every_segment_is_rejected(void **state)
{
	struct fixture *f = typical_load();
	const struct segment *bp = &f->l.plan.seg[2];

	assert_int_equal(purgatory_add(&f->l, 0x1000, bp->mem, 0, true),
			 -EINVAL);
	assert_non_null(strstr(f->e.msg, "jump"));
	err_clear(&f->e);
	assert_int_equal(purgatory_add(&f->l, f->l.plan.seg[0].mem,
				       bp->mem + 0x10000000, 0, true), -EINVAL);
	assert_int_equal(f->l.plan.nr, 3);
	fixture_free(f);
}

static void bad_serial_port_is_rejected(void **state)
{
	struct fixture *f = typical_load();
	uint64_t entry = f->l.plan.seg[0].mem, arg0 = f->l.plan.seg[2].mem;

#if defined(__x86_64__)
	assert_int_equal(purgatory_add(&f->l, entry, arg0, 0x10000, true),
			 -EINVAL);
#else
	assert_int_equal(purgatory_add(&f->l, entry, arg0, 0x09000002, true),
			 -EINVAL);
#endif
	assert_int_equal(f->l.plan.nr, 3);
	fixture_free(f);
}

static void mem_max_bounds_the_purgatory(void **state)
{
	struct fixture *f = typical_load();
	struct mem_map window = { 0 };

	/* --mem-max as load_prepare() applies it: to the allowed ranges. */
	assert_int_equal(load_clip_allowed(&f->l.plan.allowed, 0, 0x10000000,
					   &window), 0);
	memmap_free(&f->l.plan.allowed);
	f->l.plan.allowed = window;
	assert_int_equal(purgatory_add(&f->l, f->l.plan.seg[0].mem,
				       f->l.plan.seg[2].mem, 0, true), 0);
	assert_true(purgatory_seg(f)->mem + purgatory_seg(f)->memsz <=
		    0x10000000);
	fixture_free(f);
}

/* ---- the purgatory's C part, run on the host ---- */

/* Host-addressed kernel, initrd and boot_params, purgatory added. */
static struct fixture *host_load(const char *corrupt, bool checksum,
				 uint64_t port)
{
	struct fixture *f = fixture_new(0x1000, 1ULL << 47);
	const struct segment *seg = f->l.plan.seg;

	add_host_seg(f, "kernel", 5 * 4096 + 11, 21);
	add_host_seg(f, "initrd", 3 * 4096, 22);
	add_host_seg(f, "boot_params", 4096, 23);
	f->l.corrupt = corrupt;
	assert_int_equal(purgatory_add(&f->l, seg[0].mem + 0x200, seg[2].mem,
				       port, checksum), 0);
	host_copy_segments(f);
	return f;
}

static void host_purgatory_accepts_intact_segments(void **state)
{
	struct fixture *f = host_load(NULL, true, 0x3f8);
	struct purgatory_params pp = params_of(f);

	assert_int_equal(purgatory_verify(&pp), -1);
	assert_int_equal(run_purgatory(&pp), 0);
	assert_int_equal(console_port, 0x3f8);
	assert_string_equal(console,
			    "kexec-kho purgatory: 3 segments verified\r\n");
	fixture_free(f);
}

static void host_purgatory_halts_naming_the_corrupted_segment(void **state)
{
	struct fixture *f = host_load("initrd", true, 0x3f8);
	struct purgatory_params pp = params_of(f);

	assert_int_equal(purgatory_verify(&pp), 1);
	assert_int_equal(run_purgatory(&pp), 1);
	assert_non_null(strstr(console,
		"kexec-kho purgatory: checksum mismatch in segment 1, halting\r\n"));
	fixture_free(f);
}

static void host_purgatory_without_checksum_jumps_regardless(void **state)
{
	struct fixture *f = host_load("kernel", false, 0x3f8);
	struct purgatory_params pp = params_of(f);

	assert_int_equal(run_purgatory(&pp), 0);
	assert_int_equal(console_len, 0);
	fixture_free(f);
}

static void host_purgatory_halts_on_tampered_digest(void **state)
{
	struct fixture *f = host_load(NULL, true, 0x3f8);
	struct purgatory_params pp = params_of(f);

	/* Every region intact, only the combined digest wrong. */
	pp.sha256[0] ^= 1;
	assert_int_equal(run_purgatory(&pp), 1);
	assert_string_equal(console,
		"kexec-kho purgatory: checksum mismatch, halting\r\n");

	/* A region count past the limit is not trusted either. */
	pp = params_of(f);
	pp.nr_regions = PURGATORY_MAX_REGIONS + 1;
	assert_int_equal(run_purgatory(&pp), 1);
	assert_string_equal(console,
		"kexec-kho purgatory: checksum mismatch, halting\r\n");
	fixture_free(f);
}

static void host_purgatory_halts_silently_without_serial_port(void **state)
{
	struct fixture *f = host_load("boot_params", true, 0);
	struct purgatory_params pp = params_of(f);

	assert_int_equal(run_purgatory(&pp), 1);
	assert_int_equal(console_len, 0);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(embedded_blob_has_valid_header),
		cmocka_unit_test(params_record_entry_arg0_serial_and_every_segment),
		cmocka_unit_test(digests_are_per_segment_and_over_the_table),
		cmocka_unit_test(purgatory_is_last_segment_and_the_entry),
		cmocka_unit_test(no_checksum_clears_flag_and_digests),
		cmocka_unit_test(fifteen_segments_all_become_regions),
		cmocka_unit_test(full_plan_is_rejected_with_e2big),
		cmocka_unit_test(corrupt_hook_changes_one_byte_of_named_segment_only),
		cmocka_unit_test(corrupt_hook_rejects_unknown_segment),
		cmocka_unit_test(entry_or_arg0_outside_every_segment_is_rejected),
		cmocka_unit_test(bad_serial_port_is_rejected),
		cmocka_unit_test(mem_max_bounds_the_purgatory),
		cmocka_unit_test(host_purgatory_accepts_intact_segments),
		cmocka_unit_test(host_purgatory_halts_naming_the_corrupted_segment),
		cmocka_unit_test(host_purgatory_without_checksum_jumps_regardless),
		cmocka_unit_test(host_purgatory_halts_on_tampered_digest),
		cmocka_unit_test(host_purgatory_halts_silently_without_serial_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
