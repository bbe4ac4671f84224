/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TESTS_FIXTURE_PATH_H
#define TESTS_FIXTURE_PATH_H

/*
 * tests/fixtures/<name>: from KEXEC_KHO_FIXTURES (make check sets it, so
 * VPATH and distcheck builds find the source tree) or next to this file.
 * Returns a static buffer, overwritten by the next call.
 */
const char *fixture(const char *name);

#endif
