// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The next kernel's KHO ABI: the kho-vN matcher over whole buffers and
 * over chunks cut anywhere, and the policy that turns what an image
 * showed into a load, a warning or a refusal.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "errbuf.h"
#include "kho.h"
#include "kho_abi.h"

/* A fake kernel: filler, then each string of @abis with its NUL, at @at. */
static size_t fake_kernel(uint8_t *buf, size_t len, const char *const *abis,
			  size_t at)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (; *abis; abis++) {
		memcpy(buf + at, *abis, strlen(*abis) + 1);
		at += strlen(*abis) + 1 + 13;
	}
	return len;
}

static void finds_the_handover_abi(void **state)
{
	static const char *const abis[] = { "kho-v4", NULL };
	uint8_t buf[4096];
	struct kho_abi_scan s;

	fake_kernel(buf, sizeof(buf), abis, 1000);
	kho_abi_scan_buffer(&s, "kho-v4", buf, sizeof(buf));
	assert_int_equal(s.state, KHO_ABI_READ);
	assert_true(s.has_want);
	assert_int_equal(s.nr_found, 1);
	assert_string_equal(s.found[0], "kho-v4");
}

static void lists_other_abis_in_order(void **state)
{
	static const char *const abis[] = { "kho-v9", "kho-v10", "kho-v9",
					    NULL };
	uint8_t buf[4096];
	struct kho_abi_scan s;

	fake_kernel(buf, sizeof(buf), abis, 10);
	kho_abi_scan_buffer(&s, "kho-v4", buf, sizeof(buf));
	assert_int_equal(s.state, KHO_ABI_READ);
	assert_false(s.has_want);
	assert_int_equal(s.nr_found, 2);
	assert_string_equal(s.found[0], "kho-v9");
	assert_string_equal(s.found[1], "kho-v10");
	assert_false(s.more);
}

/*
 * Only "kho-v<digits>\0" is an ABI: a prefix of another word, no digits,
 * a string that goes on, the version as a prefix of a longer one, more
 * digits than an ABI has, and a match cut by the end of the data.
 */
static void rejects_near_misses(void **state)
{
	static const char text[] = "kho-v\0kho-vmalloc\0kho-v4x\0kho-v44\0"
				   "kho-v1234567890\0kkho-v\0kh-v4\0kho-v4";
	struct kho_abi_scan s;

	kho_abi_scan_buffer(&s, "kho-v4", text, sizeof(text) - 1);
	assert_int_equal(s.state, KHO_ABI_READ);
	assert_false(s.has_want);
	assert_int_equal(s.nr_found, 1);
	assert_string_equal(s.found[0], "kho-v44");
}

/* A 'k' inside a partial match starts the next one ("kkho-v4"). */
static void restarts_inside_a_partial_match(void **state)
{
	static const char text[] = "xxkho-kho-vkkho-v4";
	struct kho_abi_scan s;

	kho_abi_scan_buffer(&s, "kho-v4", text, sizeof(text));
	assert_true(s.has_want);
}

static void remembers_a_bounded_number(void **state)
{
	static const char *const abis[] = { "kho-v1", "kho-v2", "kho-v3",
					    "kho-v5", "kho-v6", "kho-v7", NULL };
	uint8_t buf[4096];
	struct kho_abi_scan s;

	fake_kernel(buf, sizeof(buf), abis, 100);
	kho_abi_scan_buffer(&s, "kho-v4", buf, sizeof(buf));
	assert_int_equal(s.nr_found, KHO_ABI_MAX_FOUND);
	assert_true(s.more);
}

/* Every cut of the data into two chunks finds what one buffer finds. */
static void chunks_cut_anywhere(void **state)
{
	static const char *const abis[] = { "kho-v12", NULL };
	uint8_t buf[64];
	struct kho_abi_scan s;
	size_t cut, step;

	fake_kernel(buf, sizeof(buf), abis, 20);
	for (cut = 0; cut <= sizeof(buf); cut++) {
		kho_abi_scan_start(&s, "kho-v12");
		/* "kho-v12" and its NUL lie at [20, 28). */
		assert_int_equal(kho_abi_scan_feed(&s, buf, cut), cut >= 28);
		kho_abi_scan_feed(&s, buf + cut, sizeof(buf) - cut);
		kho_abi_scan_end(&s);
		assert_true(s.has_want);
	}
	/* One byte at a time. */
	kho_abi_scan_start(&s, "kho-v4");
	for (step = 0; step < sizeof(buf); step++)
		kho_abi_scan_feed(&s, buf + step, 1);
	kho_abi_scan_end(&s);
	assert_int_equal(s.nr_found, 1);
	assert_string_equal(s.found[0], "kho-v12");
}

/* feed() says "stop" as soon as the wanted ABI was seen. */
static void stops_at_the_wanted_abi(void **state)
{
	static const char text[] = "kho-v4\0kho-v9";
	struct kho_abi_scan s;

	kho_abi_scan_start(&s, "kho-v4");
	assert_true(kho_abi_scan_feed(&s, text, sizeof(text)));
	assert_int_equal(s.state, KHO_ABI_READ);
	assert_int_equal(s.nr_found, 1);
}

/* ---- the policy ---- */

static void handover(struct kho_handover *h, enum kho_fdt_source src)
{
	memset(h, 0, sizeof(*h));
	h->source = src;
	strcpy(h->compatible, "kho-v4");
}

static void scanned(struct kho_abi_scan *s, const char *text, size_t len)
{
	kho_abi_scan_buffer(s, "kho-v4", text, len);
}

static void same_abi_loads(void **state)
{
	struct kho_handover h;
	struct kho_abi_scan s;
	struct errbuf e = { 0 };

	handover(&h, KHO_SRC_LIVE);
	scanned(&s, "x\0kho-v4\0", 9);
	assert_int_equal(kho_abi_check(&h, &s, "B", true, false, &e), 0);
	assert_string_equal(s.verdict, "the next kernel takes kho-v4");
	assert_string_equal(s.warning, "");
}

static void other_abi_refused(void **state)
{
	struct kho_handover h;
	struct kho_abi_scan s;
	struct errbuf e = { 0 };

	handover(&h, KHO_SRC_LIVE);
	scanned(&s, "x\0kho-v9\0", 9);
	assert_int_equal(kho_abi_check(&h, &s, "B", false, false, &e),
			 -EPROTONOSUPPORT);
	assert_non_null(strstr(e.msg, "B: its KHO ABI is kho-v9, the running kernel hands over kho-v4;"));
	assert_non_null(strstr(e.msg, "--kho-accept-loss"));
}

static void other_abi_accepted_with_a_warning(void **state)
{
	struct kho_handover h;
	struct kho_abi_scan s;
	struct errbuf e = { 0 };

	handover(&h, KHO_SRC_FILE);
	scanned(&s, "x\0kho-v9\0", 9);
	assert_int_equal(kho_abi_check(&h, &s, "B", true, true, &e), 0);
	assert_non_null(strstr(s.warning, "its KHO ABI is kho-v9, the --kho-fdt file hands over kho-v4: the next kernel will drop the preserved state"));
}

static void no_kho_refused(void **state)
{
	struct kho_handover h;
	struct kho_abi_scan s;
	struct errbuf e = { 0 };

	handover(&h, KHO_SRC_DEBUGFS);
	scanned(&s, "no abi here", 11);
	assert_int_equal(kho_abi_check(&h, &s, "B", false, false, &e),
			 -ENOPROTOOPT);
	assert_non_null(strstr(e.msg, "B: it has no KHO"));
}

/* A wanted string the handover does not have is not a match. */
static void want_must_be_the_handovers(void **state)
{
	struct kho_handover h;
	struct kho_abi_scan s;
	struct errbuf e = { 0 };

	handover(&h, KHO_SRC_LIVE);
	kho_abi_scan_buffer(&s, "kho-v9", "kho-v9", 7);
	assert_int_equal(kho_abi_check(&h, &s, "B", false, false, &e),
			 -EPROTONOSUPPORT);
}

/* Could not tell: a warning by default, an error when asked for. */
static void cannot_tell(void **state)
{
	struct kho_handover h;
	struct kho_abi_scan s;
	struct errbuf e = { 0 };

	handover(&h, KHO_SRC_LIVE);
	kho_abi_scan_start(&s, "kho-v4");
	kho_abi_scan_fail(&s, "compressed with %s", "lz4");
	assert_int_equal(kho_abi_check(&h, &s, "B", false, false, &e), 0);
	assert_non_null(strstr(s.warning, "B: could not tell whether it can take the KHO handover (compressed with lz4)"));
	assert_non_null(strstr(s.verdict, "could not tell"));
	assert_int_equal(kho_abi_check(&h, &s, "B", true, false, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "could not tell"));
	err_clear(&e);
	assert_int_equal(kho_abi_check(&h, &s, "B", true, true, &e), 0);
	assert_non_null(strstr(s.warning, "(--kho-accept-loss)"));
}

/* An image type that never looked counts as "could not tell". */
static void unread_cannot_tell(void **state)
{
	struct kho_handover h;
	struct kho_abi_scan s = { 0 };
	struct errbuf e = { 0 };

	handover(&h, KHO_SRC_LIVE);
	assert_int_equal(kho_abi_check(&h, &s, "B", true, false, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "cannot look inside this image type"));
}

static void strict_when_asked_for(void **state)
{
	struct kho_request r;

	memset(&r, 0, sizeof(r));
	r.mode = KHO_AUTO;
	assert_false(kho_abi_strict(&r));
	r.mode = KHO_REQUIRE;
	assert_true(kho_abi_strict(&r));
	r.mode = KHO_AUTO;
	r.fdt_file = "f";
	assert_true(kho_abi_strict(&r));
	r.fdt_file = NULL;
	r.nr_blobs = 1;
	assert_true(kho_abi_strict(&r));
	r.nr_blobs = 0;
	r.scratch_auto = true;
	assert_true(kho_abi_strict(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_handover_abi),
		cmocka_unit_test(lists_other_abis_in_order),
		cmocka_unit_test(rejects_near_misses),
		cmocka_unit_test(restarts_inside_a_partial_match),
		cmocka_unit_test(remembers_a_bounded_number),
		cmocka_unit_test(chunks_cut_anywhere),
		cmocka_unit_test(stops_at_the_wanted_abi),
		cmocka_unit_test(same_abi_loads),
		cmocka_unit_test(other_abi_refused),
		cmocka_unit_test(other_abi_accepted_with_a_warning),
		cmocka_unit_test(no_kho_refused),
		cmocka_unit_test(want_must_be_the_handovers),
		cmocka_unit_test(cannot_tell),
		cmocka_unit_test(unread_cannot_tell),
		cmocka_unit_test(strict_when_asked_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
