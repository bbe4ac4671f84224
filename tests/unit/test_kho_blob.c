// SPDX-License-Identifier: GPL-2.0-or-later
/* --kho-blob (kho_blob.c). */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kho.h"
#include "kho_fixture.h"
#include "memmap.h"
#include "sha256.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* A sparse file of @len bytes: large sizes without writing them. */
static const char *put_sparse(struct fx_state *t, const char *name, off_t len)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "%s/%s", t->root, name);
	fd = open(t->path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, len), 0);
	close(fd);
	return t->path;
}

static void blob_node_gets_size_and_zero_address_until_placed(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = fx_file_handover(t);
	struct errbuf e = { 0 };
	uint8_t before[KHO_DIGEST_SIZE];
	char *s = fx_spec("mine", fx_put_file(t, "blob", 5000));
	const char *specs[] = { s };

	sha256(t->fdt, t->fdt_len, before);
	assert_int_equal(kho_add_blobs(h, specs, 1, &e), 0);
	assert_int_equal(h->nr_blobs, 1);
	assert_string_equal(h->blobs[0].name, "mine");
	assert_string_equal(h->blobs[0].seg_name, "kho-blob mine");
	assert_int_equal(h->blobs[0].size, 5000);
	assert_int_equal(((uint8_t *)h->blobs[0].data)[4999],
			 (uint8_t)(4999 * 7 + 3));
	assert_int_equal(fx_prop_u64(h->fdt, "mine", "blob-size"), 5000);
	assert_int_equal(fx_prop_u64(h->fdt, "mine", "preserved-data"), 0);
	/* The subsystems' nodes are still there, the whole still valid. */
	assert_int_equal(fx_prop_u64(h->fdt, "LUO", "preserved-data"), 0x2348000);
	assert_int_equal(h->fdt_len, fdt_totalsize(h->fdt));
	assert_int_equal(h->fdt_size, h->fdt_len);
	assert_int_equal(kho_validate_fdt(h->fdt, h->fdt_len, NULL, 0, NULL,
					  &e), 0);
	/* Staleness compares the source as read, not our edit. */
	assert_true(h->edited);
	assert_memory_equal(h->src_digest, before, sizeof(before));

	assert_int_equal(kho_set_blob_phys(h, 0, 0x3fb00000, &e), 0);
	assert_int_equal(fx_prop_u64(h->fdt, "mine", "preserved-data"),
			 0x3fb00000);
	assert_int_equal(h->blobs[0].phys, 0x3fb00000);
	assert_int_equal(kho_set_blob_phys(h, 1, 0x1000, &e), -EINVAL);
	free(s);
	kho_free(h);
}

static void blob_name_taken_by_a_subsystem_is_refused(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = fx_file_handover(t);
	struct errbuf e = { 0 };

	assert_int_equal(fx_add_blob(t, h, "kho_test", 10, &e), -EEXIST);
	assert_non_null(strstr(e.msg, "already has a node \"kho_test\""));
	/* Nothing changed. */
	assert_false(h->edited);
	assert_null(h->blobs);
	assert_memory_equal(h->fdt, t->fdt, t->fdt_len);
	kho_free(h);
}

static void blob_name_matching_a_unit_address_node_is_refused(void **state)
{
	struct fx_state *t = *state;
	const struct fx_node nodes[] = { { .name = "foo@1", .data = 0x1000,
					   .size = 8 } };
	const struct fx_fdt f = { .compat = "kho-v4", .map_len = 8,
				  .mem_map = FX_MEM_MAP, .nodes = nodes,
				  .nr_nodes = 1 };
	struct kho_handover *h = fx_file_handover(t);
	struct errbuf e = { 0 };

	/* The kernel's fdt_subnode_offset("foo") would find "foo@1". */
	h->fdt_len = h->fdt_size = fx_make_fdt(h->fdt, t->fdt_len, &f);
	assert_int_equal(fx_add_blob(t, h, "foo", 10, &e), -EEXIST);
	assert_non_null(strstr(e.msg, "foo@1"));
	kho_free(h);
}

static void blob_given_twice_is_refused(void **state)
{
	struct fx_state *t = *state;
	struct kho_handover *h = fx_file_handover(t);
	struct errbuf e = { 0 };
	char *a = fx_spec("twice", fx_put_file(t, "a", 10));
	char *b = fx_spec("twice", fx_put_file(t, "b", 20));
	const char *specs[] = { a, b };

	assert_int_equal(kho_add_blobs(h, specs, 2, &e), -EEXIST);
	assert_null(h->blobs);
	free(a);
	free(b);
	kho_free(h);
}

static void blob_names_outside_the_node_charset_are_refused(void **state)
{
	static const char *const bad[] = {
		"a/b", "x@1", "sp ace", "new\nline", "", ".", "..",
		"a234567890123456789012345678901234567890123456789012345678901234",
	};
	struct fx_state *t = *state;
	struct errbuf e = { 0 };
	const char *path = fx_put_file(t, "blob", 10);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kho_handover *h = fx_file_handover(t);
		char *s = fx_spec(bad[i], path);
		const char *specs[] = { s };

		err_clear(&e);
		if (kho_add_blobs(h, specs, 1, &e) != -EINVAL)
			fail_msg("blob name \"%s\" accepted", bad[i]);
		assert_non_null(strstr(e.msg, "NAME must be"));
		/* The option and the name, not the FDT it would have broken. */
		if (!strchr(bad[i], '=') && !strchr(bad[i], '\n')) {
			char want[128];

			snprintf(want, sizeof(want), "--kho-blob '%s=...'", bad[i]);
			assert_non_null(strstr(e.msg, want));
		}
		free(s);
		kho_free(h);
	}
}

static void blob_file_empty_missing_or_too_big_is_refused(void **state)
{
	struct fx_state *t = *state;
	struct errbuf e = { 0 };
	struct kho_handover *h = fx_file_handover(t);
	char *s = fx_spec("b", fx_put_file(t, "empty", 0));
	const char *specs[] = { s };

	assert_int_equal(kho_add_blobs(h, specs, 1, &e), -ENODATA);
	assert_non_null(strstr(e.msg, "is empty"));
	free(s);

	s = fx_spec("b", "/nonexistent/blob");
	specs[0] = s;
	err_clear(&e);
	assert_int_equal(kho_add_blobs(h, specs, 1, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "--kho-blob b"));
	assert_non_null(strstr(e.msg, "/nonexistent/blob"));
	free(s);

	s = fx_spec("b", put_sparse(t, "huge", KHO_BLOB_MAX + 1ULL));
	specs[0] = s;
	err_clear(&e);
	assert_int_equal(kho_add_blobs(h, specs, 1, &e), -EFBIG);
	assert_non_null(strstr(e.msg, "larger than"));
	free(s);
	assert_false(h->edited);
	kho_free(h);
}

static void blobs_together_past_the_total_are_refused(void **state)
{
	struct fx_state *t = *state;
	struct errbuf e = { 0 };
	struct kho_handover *h = fx_file_handover(t);
	char *a = fx_spec("a", put_sparse(t, "a", KHO_BLOB_MAX));
	char *b = fx_spec("b", put_sparse(t, "b", KHO_BLOB_MAX));
	char *c = fx_spec("c", put_sparse(t, "c", 4096));
	const char *specs[] = { a, b, c };

	assert_int_equal(kho_add_blobs(h, specs, 3, &e), -EFBIG);
	assert_non_null(strstr(e.msg, "together"));
	free(a);
	free(b);
	free(c);
	kho_free(h);
}

#define T_QEMU(f) cmocka_unit_test_setup_teardown(f, fx_setup_qemu, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_QEMU(blob_node_gets_size_and_zero_address_until_placed),
		T_QEMU(blob_name_taken_by_a_subsystem_is_refused),
		T_QEMU(blob_name_matching_a_unit_address_node_is_refused),
		T_QEMU(blob_given_twice_is_refused),
		T_QEMU(blob_names_outside_the_node_charset_are_refused),
		T_QEMU(blob_file_empty_missing_or_too_big_is_refused),
		T_QEMU(blobs_together_past_the_total_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
