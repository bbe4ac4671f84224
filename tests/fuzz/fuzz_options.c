// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kexec command line (parse_options): the input split at NUL bytes
 * into argv, after a fixed argv[0].
 */
#include <stdlib.h>

#include "errbuf.h"
#include "options.h"
#include "fuzz.h"

#define ARGS_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };
	char **piece, *store, *argv[ARGS_MAX + 2];
	size_t n, i;

	n = fuzz_split(data, size, &piece, &store, ARGS_MAX);
	argv[0] = "kexec";
	for (i = 0; i < n; i++)
		argv[i + 1] = piece[i];
	argv[n + 1] = NULL;
	parse_options((int)n + 1, argv, &o, &e);
	free_options(&o);
	free(piece);
	free(store);
	return 0;
}
